"""Tests of ``weavergen simulate`` over a small registry with the simulated fleet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.shop_registry import write_shop_registry
from weavergen.cli import run_app
from weavergen.telemetry import SpanStore


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return write_shop_registry(tmp_path)


def simulate(
    registry: Path, state: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    argv = ["simulate", "-r", str(registry), "--requests", "40", "--seed", "7"]
    code = run_app([*argv, "--state-dir", str(state), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_figures_and_says_simulated(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints one object with cost, naive cost, quality and mixes."""
    code, out, err = simulate(registry, tmp_path / "s", capsys, "--json")
    assert code == 0, err
    figures = json.loads(out)
    assert figures["simulated"] is True
    assert figures["requests"] == 40
    assert figures["served_failing_validation"] == 0
    assert 0.0 <= figures["served_quality"] <= 1.0
    assert figures["cost_per_generation_usd"] < figures["naive_cost_per_generation_usd"]
    assert figures["reduction_vs_naive"] == pytest.approx(
        1
        - figures["cost_per_generation_usd"] / figures["naive_cost_per_generation_usd"]
    )
    assert sum(figures["tier_mix"].values()) == pytest.approx(1.0)
    assert sum(figures["model_mix"].values()) == pytest.approx(1.0)


def test_figures_and_spans_are_stored_in_the_state_folder(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """simulation.json and one generation span per request land in the state dir."""
    state = tmp_path / "s"
    code, out, _ = simulate(registry, state, capsys)
    assert code == 0
    assert "SIMULATED" in out
    stored = json.loads((state / "simulation.json").read_text())
    assert stored["requests"] == 40
    generations = SpanStore(state / "spans.db").generations()
    assert len(generations) == 40
    model_made = [
        r for r in generations if r["attributes"]["weavergen.tier"] != "template"
    ]
    assert model_made
    assert all(row["attributes"]["weavergen.simulated"] for row in model_made)


def test_same_seed_reproduces_the_figures(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two runs with one seed give the same tiers, models and token cost."""
    runs = [
        json.loads(simulate(registry, tmp_path / name, capsys, "--json")[1])
        for name in ("a", "b")
    ]
    keys = ("tier_mix", "model_mix", "cache_hit_rate", "naive_cost_usd_total")
    assert [runs[0][k] for k in keys] == [runs[1][k] for k in keys]


def test_a_billion_requests_is_one_error_line_and_exit_1(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The workload size is checked before anything is drawn or run."""
    argv = ["simulate", "-r", str(registry), "--requests", str(10**9)]
    code = run_app([*argv, "--state-dir", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert code == 1
    assert err == (
        "error: 1,000,000,000 requests is outside 1 to 100,000; run a larger "
        "workload as several seeds\n"
    )


def test_state_folder_with_brackets_is_printed_as_written(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder named like Rich markup ('[/]') was a MarkupError traceback."""
    state = tmp_path / "x[/]y[red]"
    argv = ["simulate", "-r", str(registry), "--requests", "3"]
    code = run_app([*argv, "--state-dir", str(state)])
    out = capsys.readouterr().out
    assert code == 0
    assert f"state folder: {state}" in out


def test_text_output_says_how_to_see_the_economics_of_the_run(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fresh state folder is named in the economics command to run next."""
    state = tmp_path / "sim"
    code = run_app(
        ["simulate", "-r", str(registry), "--requests", "3", "--state-dir", str(state)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"weavergen economics --state-dir {state}" in out


def test_config_routing_is_read_and_a_bad_policy_is_named(
    registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--config feeds [routing] to the run; a wrong policy is one error line."""
    good = tmp_path / "learned.toml"
    good.write_text('[routing]\npolicy = "learned"\n')
    bad = tmp_path / "bad.toml"
    bad.write_text('[routing]\npolicy = "guess"\n')

    code, out, _ = simulate(registry, tmp_path / "a", capsys, "--config", str(good))
    assert code == 0
    assert "SIMULATED" in out
    code, _, err = simulate(registry, tmp_path / "b", capsys, "--config", str(bad))
    assert code == 1
    assert err.startswith("error:")
    assert "bad.toml" in err
