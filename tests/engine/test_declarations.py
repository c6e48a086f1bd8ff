"""Tests for reading name -> value declarations out of source, without running it."""

from __future__ import annotations

import pytest

from weavergen.engine.declarations import UnreadableSource, read_declarations


def _values(code: str, target: str) -> dict[str, list[object]]:
    return dict(read_declarations(code, target).values)


def test_java_nested_classes_qualify_names_without_the_outer_class() -> None:
    """The free-named top-level class is dropped; nested classes qualify."""
    code = """
    public final class Anything {
        public static final String A_B = "a.b";
        public static final class ABValues {
            public static final long OK = 0L;
            public static final String GET = "GET";
        }
        void run() { String local = "x"; }
    }
    """
    assert _values(code, "java") == {
        "A_B": ["a.b"],
        "ABValues.OK": [0],
        "ABValues.GET": ["GET"],
        "local": ["x"],
    }


def test_rust_modules_and_static_lifetimes_are_read() -> None:
    """``&'static str`` is a lifetime, not a char; ``mod`` qualifies names."""
    code = """
    pub const A: &'static str = "a\\u{41}"; // comment "not this"
    pub mod a_mod { pub const NEG: i64 = -5i64; }
    """
    assert _values(code, "rust") == {"A": ["aA"], "a_mod.NEG": [-5]}


def test_go_const_blocks_typed_untyped_and_wrapped_values() -> None:
    """Go names come first on the line; ``attribute.Key("v")`` wraps the value."""
    code = """
    package semconv
    const (
        AKey = "a"
        BKey string = `raw\\n`
    )
    var CKey = attribute.Key("c")
    """
    assert _values(code, "go") == {"AKey": ["a"], "BKey": ["raw\\n"], "CKey": ["c"]}


def test_script_objects_exports_and_single_quotes() -> None:
    """Object literals qualify keys; ``exports.X`` and '...' strings are read."""
    code = """
    export const Values = Object.freeze({ GET: 'GET', "quoted key": "q" });
    exports.ATTR_A = "a";
    export const N: number = 3;
    """
    assert _values(code, "typescript") == {
        "Values.GET": ["GET"],
        "Values.quoted key": ["q"],
        "ATTR_A": ["a"],
        "N": [3],
    }


def test_python_classes_and_annotations_are_read_by_ast() -> None:
    """Module constants, annotated constants and enum members are declarations."""
    code = 'A: Final = "a"\nB = -2\nclass E(Enum):\n    X = "x"\n'
    assert _values(code, "python") == {"A": ["a"], "B": [-2], "E.X": ["x"]}


def test_python_metric_factories_give_instrument_and_unit() -> None:
    """``meter.create_histogram(unit="s")`` in ``create_x`` declares both."""
    code = """
X: Final = "x"


def create_x(meter: Meter) -> Histogram:
    return meter.create_histogram(name=X, description="d", unit="s")


def create_y(meter: Meter, callbacks: Sequence[CallbackT] | None) -> ObservableGauge:
    return meter.create_observable_gauge(name=Y, callbacks=callbacks, unit="1")


def create_z(meter: Meter) -> None:
    return meter.get_thing(unit="z")
"""
    assert _values(code, "python") == {
        "X": ["x"],
        "create_x.instrument": ["histogram"],
        "create_x.unit": ["s"],
        "create_y.instrument": ["gauge"],
        "create_y.unit": ["1"],
    }


def test_literals_are_collected_for_key_facts() -> None:
    """Every string literal is kept, declared or not."""
    found = read_declarations('span.set("http.route", v)\n', "javascript")
    assert found.literals == {"http.route"}


@pytest.mark.parametrize(
    ("code", "target", "message"),
    [
        ('const A = "open;\n', "javascript", "unterminated string"),
        ("class A { ", "java", "never close"),
        ("} x", "rust", "never opened"),
        ("def f(:\n", "python", "does not parse"),
    ],
)
def test_unreadable_source_says_why(code: str, target: str, message: str) -> None:
    """Unclosed strings, unbalanced blocks and bad Python are reported."""
    with pytest.raises(UnreadableSource, match=message):
        read_declarations(code, target)


def test_markdown_tables_give_cells_by_column_and_values_by_heading() -> None:
    """Rows give ``key column`` cells; a values table lists members of its heading."""
    text = "\n".join(
        [
            "| Attribute | Type | Description |",
            "| --- | --- | --- |",
            "| `a.b` | `enum` | has a \\| pipe |",
            "",
            "### `a.b` values",
            "",
            "| Value | Description |",
            "|---|---|",
            "| `x` | |",
        ]
    )
    values = _values(text, "markdown")
    assert values["a.b type"] == ["enum"]
    assert values["a.b description"] == ["has a | pipe"]
    assert values["a.b value x"] == ["x"]


def test_markdown_row_with_wrong_cell_count_is_unreadable_with_line() -> None:
    """A row that does not match its header says which line."""
    text = "| Attribute | Type |\n| --- | --- |\n| `a` | b | c |\n"
    with pytest.raises(UnreadableSource, match="line 3: table row has 3 cells"):
        read_declarations(text, "markdown")
