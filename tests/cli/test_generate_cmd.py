"""End-to-end tests of ``weavergen generate`` against a local model server."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.openai_stub import StubServer
from tests.cli.shop_registry import write_shop_registry
from weavergen.cli import run_app
from weavergen.cli.generate_cmd import summary_text
from weavergen.engine.reference import reference_code
from weavergen.engine.request import CallCost, GenerationResult
from weavergen.registry import load_registry


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return write_shop_registry(tmp_path)


@pytest.fixture
def correct_go(registry: Path) -> str:
    groups = load_registry(registry).groups
    return reference_code(groups, "go", "attributes")


def serve(answers: dict[str, list[str]]) -> Iterator[StubServer]:
    server = StubServer(answers)
    yield server
    server.stop()


def write_config(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "weavergen.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [models.small_local]
            provider = "openai"
            model = "small"
            base_url = "{base_url}"
            tier = "local"
            price_per_mtok = 0.05

            [models.big_cloud]
            provider = "openai"
            model = "big"
            base_url = "{base_url}"
            tier = "cloud"
            input_per_mtok = 1.0
            output_per_mtok = 4.0
            """
        )
    )
    return path


def generate(
    registry: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    base = ["-r", str(registry), "--target", "go", "--pattern", "attributes"]
    code = run_app(["generate", *base, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_correct_local_answer_is_served_with_its_cost(
    tmp_path: Path, registry: Path, correct_go: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The local server's right answer is printed, priced and not labelled simulated."""
    for server in serve({"small": [correct_go], "big": ["unused"]}):
        config = write_config(tmp_path, server.base_url)
        code, out, err = generate(
            registry, capsys, "--group", "registry.shop", "--config", str(config)
        )
        assert code == 0, err
        assert out.strip() == correct_go.strip()
        assert "tier local" in err
        assert "SIMULATED" not in err
        assert "small_local" in err
        assert [body["model"] for body in server.received] == ["small"]
        assert correct_go not in json.dumps(server.received)


def test_garbage_escalates_to_the_fallback_model_and_report_shows_it(
    tmp_path: Path, registry: Path, correct_go: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Garbage from the local model is not served; the cloud model's answer is."""
    state = tmp_path / "state"
    for server in serve({"small": ["package x\nfunc ("], "big": [correct_go]}):
        config = write_config(tmp_path, server.base_url)
        code, out, _ = generate(
            registry,
            capsys,
            "--namespace",
            "shop",
            "--config",
            str(config),
            "--json",
            "--state-dir",
            str(state),
        )
        assert code == 0
        result = json.loads(out)
        assert result["models"] == ["small_local", "big_cloud"]
        assert [call["passed"] for call in result["calls"]] == [False, True]
        assert result["tier"] == "cloud"
        assert result["cost_usd"] == pytest.approx(
            (120 + 80) * 0.05e-6 + 120 * 1e-6 + 80 * 4e-6
        )
    assert run_app(["report", "--json", "--state-dir", str(state)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["generations"] == 1
    assert report["items"][0]["trace_id"] == result["trace_id"]
    assert report["items"][0]["tier"] == "cloud"


def test_nothing_passing_exits_non_zero_without_code(
    tmp_path: Path, registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When every model answers garbage, no code is printed and the exit is 1."""
    for server in serve({"small": ["nope"], "big": ["nope"]}):
        config = write_config(tmp_path, server.base_url)
        code, out, err = generate(registry, capsys, "--config", str(config))
    assert (code, out) == (1, "")
    assert "no answer passed validation (stopped by exhausted)" in err


def test_unknown_group_is_a_message_not_a_traceback(
    registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt group id names the close match and exits 1."""
    code, _, err = generate(registry, capsys, "--group", "registry.shp")
    assert code == 1
    assert "did you mean registry.shop" in err
    assert "Traceback" not in err


def test_simulated_fleet_labels_its_output(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a config the simulated fleet answers and says SIMULATED."""
    out_file = tmp_path / "out.go"
    code, _, err = generate(registry, capsys, "-o", str(out_file))
    assert code == 0, err
    assert err.startswith("[SIMULATED] served")
    assert "shop.order.id" in out_file.read_text()


def test_group_and_namespace_together_are_refused(
    registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The subject is group ids or a namespace, not both."""
    code, _, err = generate(
        registry, capsys, "--group", "registry.shop", "--namespace", "shop"
    )
    assert code == 1
    assert "give --group or --namespace, not both" in err


def test_misspelt_pattern_exits_1_and_records_nothing(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--pattern atributes` is refused before any tier runs: nothing billed."""
    state = tmp_path / "state"
    argv = ["-r", str(registry), "--target", "go", "--pattern", "atributes"]
    code = run_app(["generate", *argv, "--state-dir", str(state)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(
        "error: unknown pattern 'atributes' (did you mean attributes?)"
    )
    assert run_app(["report", "--json", "--state-dir", str(state)]) == 0
    assert json.loads(capsys.readouterr().out)["generations"] == 0


def test_intent_that_is_not_utf8_exits_1_before_any_model_is_billed(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-UTF-8 intent byte was billed, then a traceback when cached."""
    state = tmp_path / "state"
    code, out, err = generate(
        registry, capsys, "--intent", "\udcffx", "--state-dir", str(state)
    )
    assert (code, out) == (1, "")
    assert (
        err == "error: intent has the byte 0xff, which is not UTF-8 at "
        "character 0; expected printable UTF-8 text\n"
    )
    assert run_app(["report", "--json", "--state-dir", str(state)]) == 0
    assert json.loads(capsys.readouterr().out)["generations"] == 0


def test_output_that_cannot_be_written_is_one_error_line(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o` under a regular file was a traceback after the answer was paid for."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = generate(registry, capsys, "-o", str(blocker / "out.go"))
    assert (code, out) == (1, "")
    assert f"error: cannot write {blocker / 'out.go'} (" in err
    assert "Traceback" not in err


def test_output_that_is_a_folder_is_refused_before_generating(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o DIR` is refused up front: nothing generated, nothing billed."""
    state = tmp_path / "state"
    code, out, err = generate(
        registry, capsys, "-o", str(tmp_path), "--state-dir", str(state)
    )
    assert (code, out) == (1, "")
    assert err == f"error: -o {tmp_path} is a folder; expected a file path\n"
    assert not state.exists()


def test_empty_namespace_is_refused_not_taken_as_the_whole_registry(
    registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--namespace ""` silently became the whole registry (353k tokens on semconv)."""
    code, out, err = generate(registry, capsys, "--namespace", " ")
    assert (code, out) == (1, "")
    assert err.startswith("error: --namespace is empty; expected a namespace")


def test_nan_budget_is_refused_not_taken_as_no_cap(
    registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--budget-usd nan` was accepted and let every call through."""
    code, out, err = generate(registry, capsys, "--budget-usd", "nan")
    assert (code, out) == (1, "")
    assert err.startswith("error: budget nan USD is not a finite number")


def two_model_config(tmp_path: Path, small: str, big: str) -> Path:
    """small_local and big_cloud; each argument is its extra TOML lines."""
    path = tmp_path / "weavergen.toml"
    path.write_text(
        "[models.small_local]\nprovider = 'openai'\nmodel = 'small'\n"
        f"tier = 'local'\nprice_per_mtok = 0.05\nmax_retries = 0\n{small}\n"
        "[models.big_cloud]\nprovider = 'openai'\nmodel = 'big'\n"
        f"tier = 'cloud'\nprice_per_mtok = 1.0\nmax_retries = 0\n{big}\n"
    )
    return path


def dead_url() -> str:
    """The URL of a port on 127.0.0.1 that nobody listens on any more."""
    server = StubServer({})
    url = server.base_url
    server.stop()
    return url


def test_provider_outage_is_shown_as_unavailable_not_as_a_score(
    tmp_path: Path, registry: Path, correct_go: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refused connection is `unavailable: connection refused`, in text and JSON."""
    for server in serve({"big": [correct_go]}):
        config = two_model_config(
            tmp_path,
            f"base_url = '{dead_url()}'",
            f"base_url = '{server.base_url}'",
        )
        first, second = str(tmp_path / "text"), str(tmp_path / "json")
        code, _, err = generate(
            registry, capsys, "--config", str(config), "--state-dir", first
        )
        assert code == 0, err
        assert "1. small_local [openai]: unavailable: connection refused" in err
        assert "2. big_cloud [openai]: " in err
        assert "passed at 1.00" in err
        code, out, _ = generate(
            registry, capsys, "--config", str(config), "--json", "--state-dir", second
        )
    calls = json.loads(out)["calls"]
    assert calls[0]["error"].startswith("unavailable: connection refused")
    assert calls[0]["cost_usd"] == 0.0
    assert calls[1]["error"] is None


def test_model_without_its_api_key_is_skipped_with_a_warning(
    *,
    tmp_path: Path,
    registry: Path,
    correct_go: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unset key variable skips that model, names it, and the next one answers."""
    monkeypatch.delenv("WG_TEST_UNSET_KEY", raising=False)
    monkeypatch.setenv("WG_TEST_SET_KEY", "sk-test-value-123")
    for server in serve({"small": ["unused"], "big": [correct_go]}):
        url = f"base_url = '{server.base_url}'"
        config = two_model_config(
            tmp_path,
            f"{url}\napi_key_env = 'WG_TEST_UNSET_KEY'",
            f"{url}\napi_key_env = 'WG_TEST_SET_KEY'",
        )
        code, out, err = generate(registry, capsys, "--config", str(config))
        assert [body["model"] for body in server.received] == ["big"]
    assert code == 0, err
    assert out.strip() == correct_go.strip()
    assert "unavailable: API key variable WG_TEST_UNSET_KEY is not set" in err
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("small_local" in w and "WG_TEST_UNSET_KEY" in w for w in warnings)
    assert "sk-test-value-123" not in err + "".join(warnings)


def test_no_model_with_its_api_key_names_every_missing_variable(
    tmp_path: Path,
    registry: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When every model lacks its key, the error lists each missing variable."""
    monkeypatch.delenv("WG_TEST_KEY_A", raising=False)
    monkeypatch.delenv("WG_TEST_KEY_B", raising=False)
    url = f"base_url = '{dead_url()}'"
    config = two_model_config(
        tmp_path,
        f"{url}\napi_key_env = 'WG_TEST_KEY_A'",
        f"{url}\napi_key_env = 'WG_TEST_KEY_B'",
    )
    code, out, err = generate(registry, capsys, "--config", str(config))
    (error_line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert (code, out) == (1, "")
    assert "no model could answer" in error_line
    assert "small_local: unavailable: API key variable WG_TEST_KEY_A" in error_line
    assert "big_cloud: unavailable: API key variable WG_TEST_KEY_B" in error_line


def test_summary_tells_a_validation_failure_from_an_outage() -> None:
    """One call failed validation at 0.62, the other never answered."""
    calls = [
        CallCost("a", "openai", 10, 5, 0.001, False, False, 0.62),
        CallCost("b", "openai", 0, 0, 0.0, False, False, 0.0, error="unavailable: x"),
    ]
    result = GenerationResult(
        "", "cloud", ["a", "b"], calls, 0.001, 0.0, 0.0, "t", False, "exhausted", False
    )
    lines = summary_text(result).splitlines()
    assert lines[-2].endswith("$0.00100, failed validation at 0.62")
    assert lines[-1] == "  2. b [openai]: unavailable: x"


def test_summary_names_the_stopping_limit_only_when_nothing_was_served() -> None:
    """A served result met its floor; 'stopped by' is for unserved ones."""
    call = CallCost("a", "openai", 10, 5, 0.001, True, False, 1.0)
    served = GenerationResult(
        "x", "cloud", ["a"], [call], 0.001, 1.0, 1.0, "t", False, "quality_floor", True
    )
    unserved = GenerationResult(
        "", "cloud", ["a"], [call], 0.001, 0.0, 0.0, "t", False, "budget", False
    )
    assert "stopped by" not in summary_text(served)
    assert "stopped by: budget" in summary_text(unserved)
    assert "cost: $0.00100; trace t" in summary_text(served)
