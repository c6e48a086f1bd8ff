"""Tests for syntax checks by real toolchains, and for what happens without them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from weavergen.engine import toolchains
from weavergen.engine.toolchains import (
    CONFIDENCE_FALLBACK,
    CONFIDENCE_STRUCTURAL,
    CONFIDENCE_UNRESOLVED,
    available_toolchains,
    check_java_batch,
    check_syntax,
    find_toolchain,
)

BROKEN = {
    "python": "X = (\n",
    "javascript": "export const X = ;\n",
    "java": "public final class A { String X = }\n",
    "rust": "pub const X: &str = ;\n",
}
GOOD = {
    "python": 'X = "x"\n',
    "javascript": 'export const X = "x";\n',
    "java": 'public final class A { public static final String X = "x"; }\n',
    "rust": 'pub const X: &str = "x";\n',
}


def _require(target: str) -> None:
    if find_toolchain(target) is None:
        pytest.skip(f"no {target} toolchain on this machine")


@pytest.fixture
def fresh_discovery() -> Iterator[None]:
    """Forget toolchains found before and after, so PATH changes take effect."""
    find_toolchain.cache_clear()
    yield
    find_toolchain.cache_clear()


def _fake_tool(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text("#!/bin/sh\n" + script + "\n")
    tool.chmod(0o755)


@pytest.mark.parametrize("target", sorted(GOOD))
def test_real_toolchains_accept_good_and_reject_broken_code(target: str) -> None:
    """Each toolchain found accepts valid code and rejects a syntax error."""
    _require(target)
    good = check_syntax(GOOD[target], target)
    bad = check_syntax(BROKEN[target], target)
    assert (good.parsed, good.confidence) == (True, 1.0)
    assert (bad.parsed, bad.confidence) == (False, 1.0)
    assert bad.detail


def test_available_toolchains_names_every_target() -> None:
    """Each target is listed, with a tool or ``none``; markdown is built in."""
    found = available_toolchains()
    assert set(found) == {
        "python", "javascript", "typescript", "java", "rust", "go", "markdown"
    }  # fmt: skip
    assert found["markdown"] == "builtin"
    assert found["python"].startswith("python 3.")


def test_missing_toolchain_gives_structural_check_with_lower_confidence(
    fresh_discovery: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without gofmt, Go code is checked structurally and says ``none``."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    good = check_syntax('package p\nconst A = "a"\n', "go")
    bad = check_syntax("package p\nfunc f() {\n", "go")
    assert (good.parsed, good.toolchain, good.confidence) == (
        True,
        "none",
        CONFIDENCE_STRUCTURAL,
    )
    assert not bad.parsed
    assert "never close" in bad.detail


def test_a_toolchain_found_on_path_is_used(
    fresh_discovery: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A gofmt on PATH judges Go code by its exit status and output."""
    tools = tmp_path / "bin"
    script = (
        'read -r line < "$3"; case "$line" in *broken*) echo "3:1: x"; exit 2;; esac'
    )
    _fake_tool(tools, "gofmt", script)
    monkeypatch.setenv("PATH", str(tools))
    assert check_syntax("package p // fine\n", "go").parsed
    bad = check_syntax("package p // broken\n", "go")
    assert (bad.parsed, bad.toolchain, bad.detail) == (False, "gofmt", "3:1: x")


def test_a_hanging_toolchain_times_out_into_a_transient_structural_result(
    fresh_discovery: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A checker past its time limit is killed; the outcome says so, no raise."""
    tools = tmp_path / "bin"
    _fake_tool(tools, "gofmt", f"exec {shutil.which('sleep')} 30")
    monkeypatch.setenv("PATH", str(tools))
    outcome = check_syntax('package p\nconst A = "a"\n', "go", timeout_s=0.3)
    assert outcome.parsed
    assert outcome.transient
    assert outcome.confidence == CONFIDENCE_FALLBACK
    assert "timed out after 0.3 s" in outcome.detail


def test_java_errors_about_unknown_packages_only_count_as_parsed() -> None:
    """Code importing a library this machine lacks parses, at lower confidence."""
    _require("java")
    code = "import io.opentelemetry.api.common.AttributeKey;\npublic class A {}\n"
    outcome = check_syntax(code, "java")
    assert (outcome.parsed, outcome.confidence) == (True, CONFIDENCE_UNRESOLVED)


def test_rust_unresolved_imports_only_count_as_parsed() -> None:
    """``use opentelemetry::KeyValue`` without the crate still parses."""
    _require("rust")
    outcome = check_syntax(
        "use opentelemetry::KeyValue;\npub const A: i64 = 1;\n", "rust"
    )
    assert (outcome.parsed, outcome.confidence) == (True, CONFIDENCE_UNRESOLVED)


def test_java_batch_catches_type_errors_beside_syntax_errors() -> None:
    """One javac run for many files; a type error is still found after a parse error."""
    _require("java")
    type_error = 'public final class C { public static final long X = "x"; }\n'
    codes = [
        'public final class A { public static final String X = "x"; }\n',
        "public final class B { String X = }\n",
        type_error,
        'public final class A { public static final String Y = "y"; }\n',
        "",
    ]
    batch = [outcome.parsed for outcome in check_java_batch(codes)]
    assert batch == [True, False, False, True, False]
    assert not check_syntax(type_error, "java").parsed


def test_empty_code_never_parses() -> None:
    """An empty artifact is not a valid artifact in any language."""
    outcome = check_syntax("  \n", "python")
    assert not outcome.parsed
    assert outcome.detail == "the artifact is empty"


def test_child_environment_drops_node_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """NODE_OPTIONS could preload code into node; the checker never sees it."""
    monkeypatch.setenv("NODE_OPTIONS", "--require /tmp/evil.js")
    assert "NODE_OPTIONS" not in toolchains._child_env()


def test_tsc_errors_about_missing_modules_only_count_as_parsed(
    fresh_discovery: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A tsc on PATH is used; TS2307 (module not found) alone still parses."""
    tools = tmp_path / "bin"
    unresolved = "artifact.ts(1,20): error TS2307: Cannot find module 'x'."
    _fake_tool(tools, "tsc", f'echo "{unresolved}"; exit 2')
    monkeypatch.setenv("PATH", str(tools))
    outcome = check_syntax('import { a } from "x";\n', "typescript")
    assert (outcome.parsed, outcome.toolchain, outcome.confidence) == (
        True,
        "tsc ?",
        CONFIDENCE_UNRESOLVED,
    )
