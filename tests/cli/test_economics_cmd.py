"""Tests for ``weavergen economics`` in the terminal and as JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.economics.conftest import Gen, workload, workload_state_dir, write_workload
from tests.economics.test_simulated import REGISTRY
from weavergen.cli import run_app
from weavergen.telemetry.state import span_store_path
from weavergen.telemetry.store import SpanStore


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert run_app(["economics", *argv, "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_json_for_optimised_structure_gives_seed_margins(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--scenario v2-optimised: $1.16, $1.56 and the exact tier margins."""
    data = _json(capsys, "--scenario", "v2-optimised")
    assert data["cost_per_generation_usd"] == pytest.approx(1.16)
    assert data["fully_loaded_cost_usd"] == pytest.approx(1.56)
    tiers = data["tiers"]
    assert isinstance(tiers, dict)
    assert round(tiers["team"]["margin_included"] * 100) == -3041
    assert tiers["enterprise"]["margin_overage"] == pytest.approx(-30.2)
    assert tiers["enterprise-plus"]["margin_included"] is None
    assert data["basis"] == "estimated"


def test_json_for_naive_structure_costs_eleven_ten(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--scenario v2-naive: $11.10 per generation."""
    assert _json(capsys, "--scenario", "v2-naive")[
        "cost_per_generation_usd"
    ] == pytest.approx(11.10)


def test_measured_cost_and_stress_come_from_the_state_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --scenario the spans give the cost, and every stress has effect."""
    folder = tmp_path / "spans-here"
    write_workload(SpanStore(span_store_path(folder)), workload())
    data = _json(capsys, "--state-dir", str(folder))
    expected = sum(g.cost_usd for g in workload()) / 24
    assert data["basis"] == "measured"
    assert data["simulated"] is True
    assert data["cost_per_generation_usd"] == pytest.approx(expected)
    stress = data["stress"]
    assert isinstance(stress, dict)
    assert set(stress) == {
        "baseline",
        "model_prices_up_50",
        "cache_below_50",
        "cheap_models_worse",
    }
    assert stress["cache_below_50"]["margin_delta"]["team"] < 0


def test_terminal_output_flags_unsupported_claims(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The tables name the $0.02-for-60% claim and the rounded margins."""
    assert run_app(["economics", "--scenario", "v2-optimised"]) == 0
    out = capsys.readouterr().out
    assert "-2,590%" in out
    # -1,102% is enterprise's fully loaded margin at the claimed $0.02.
    assert "-1,102%" in out
    assert "rounded first" in out
    assert "-3,041%" in out
    assert "ASSUMPTIONS" in out
    assert "developer, team, enterprise: the price per included" in out


def test_user_tiers_file_changes_margins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--tiers FILE replaces the default tiers."""
    path = tmp_path / "tiers.yaml"
    path.write_text(
        "target_margin: 0.5\nallocations: {support_usd_per_generation: 0,"
        " sales_usd_per_generation: 0}\ntiers:\n"
        "  - {name: solo, monthly_usd: 100, included_generations: 50,"
        " overage_usd: 4}\n"
    )
    data = _json(capsys, "--scenario", "v2-optimised", "--tiers", str(path))
    tiers = data["tiers"]
    assert isinstance(tiers, dict)
    assert tiers["solo"].pop("note") == ""
    assert tiers == {
        "solo": pytest.approx(
            {
                "price_per_included_usd": 2.0,
                "overage_usd": 4.0,
                "margin_included": (2.0 - 1.16) / 2.0,
                "margin_overage": (4 - 1.16) / 4,
                "break_even_cost_usd": 2.0,
                "target_cost_usd": 1.0,
            }
        )
    }


def test_bad_scenario_file_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken structure file exits 1 with the file and key on stderr."""
    path = tmp_path / "s.yaml"
    path.write_text("volume_per_month: 0\nitems: []\n")
    assert run_app(["economics", "--scenario", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "s.yaml: 'volume_per_month' must be a whole number of at least 1" in err


def test_rerun_registry_stresses_a_simulated_workload(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--rerun-registry re-runs the simulated fleet once per stress scenario."""
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "shop.yaml").write_text(REGISTRY)
    state = tmp_path / "state-here"
    data = _json(
        capsys,
        "--state-dir",
        str(state),
        "--rerun-registry",
        str(folder),
        "--rerun-requests",
        "30",
    )
    stress = data["stress"]
    assert isinstance(stress, dict)
    base = stress["baseline"]["cost_per_generation_usd"]
    assert base > 0
    assert stress["model_prices_up_50"]["cost_per_generation_usd"] > base
    assert stress["cache_below_50"]["cache_hit_rate"] <= 0.45
    # The re-runs use a scratch folder, never the user's state folder.
    assert not state.exists()


@pytest.mark.parametrize(
    ("option", "text", "expected"),
    [
        (
            "--scenario",
            "volume_per_month: 0.5\nitems: [{name: a, monthly_usd: 1}]\n",
            "'volume_per_month' must be a whole number",
        ),
        (
            "--scenario",
            "volume_per_month: .nan\nitems: [{name: a, monthly_usd: 1}]\n",
            "'volume_per_month' must be a finite number",
        ),
        (
            "--tiers",
            "target_margin: 0.6\ntiers: [{name: d, monthly_usd: 0, "
            "included_generations: 5, overage_usd: 0.1}]\n",
            r"'tiers\[0\]\.monthly_usd' must be above 0",
        ),
        (
            "--projections",
            "projections: [{customers: .inf, revenue_per_user_usd_per_year: 1, "
            "generations_per_customer_per_year: 1}]\n",
            r"'projections\[0\]\.customers' must be a finite number",
        ),
    ],
)
def test_degenerate_inputs_give_a_message_not_a_traceback(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    text: str,
    expected: str,
) -> None:
    """Zero prices, fractional volumes, NaN and inf exit 1 naming file and key."""
    path = tmp_path / "input.yaml"
    path.write_text(text, encoding="utf-8")
    extra = [] if option == "--scenario" else ["--scenario", "v2-optimised"]
    argv = ["economics", option, str(path), *extra, "--state-dir", str(tmp_path)]
    assert run_app(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert re.search(expected, err), err


def test_tier_names_that_look_like_rich_markup_are_printed_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tier named "[/]" or "[red]x[/red]" is shown verbatim, not parsed."""
    tiers = tmp_path / "tiers.yaml"
    tiers.write_text(
        "allocations: {support_usd_per_generation: 0.15, "
        "sales_usd_per_generation: 0.25}\ntarget_margin: 0.6\ntiers:\n"
        '  - {name: "[/]", monthly_usd: 29, included_generations: 500, '
        "overage_usd: 0.1}\n"
        '  - {name: "[red]x[/red]", monthly_usd: 29, included_generations: 500, '
        "overage_usd: 0.1}\n",
        encoding="utf-8",
    )
    argv = ["economics", "--tiers", str(tiers), "--scenario", "v2-optimised"]
    assert run_app([*argv, "--state-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "[/]" in out
    assert "[red]x[/red]" in out


def test_json_roadmap_compares_both_costs_and_stress_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Roadmap rows carry the fully loaded cost; stress rows a note and pp change."""
    folder = tmp_path / "templates-only"
    write_workload(SpanStore(span_store_path(folder)), [Gen("template", 0.0, 1e-6)])
    data = _json(capsys, "--state-dir", str(folder))
    roadmap = data["roadmap"]
    assert isinstance(roadmap, list)
    assert roadmap[0]["actual_basis"] == "before support and sales allocation"
    assert roadmap[0]["fully_loaded_usd"] == pytest.approx(0.40 + 1e-6)
    assert (roadmap[0]["met"], roadmap[0]["met_fully_loaded"]) == (True, False)
    stress = data["stress"]
    assert isinstance(stress, dict)
    assert "prices cannot bite" in stress["model_prices_up_50"]["note"]
    assert data["simulated_share"] == 1.0
    assert data["stress_method"] == "replay"


def test_terminal_stress_on_template_spans_suggests_a_rerun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Spans without model calls: the output says why and points to --rerun-registry."""
    folder = tmp_path / "templates-only"
    write_workload(SpanStore(span_store_path(folder)), [Gen("template", 0.0, 1e-6)])
    assert run_app(["economics", "--state-dir", str(folder)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "The measured spans hold no model calls" in out
    assert "--rerun-registry REGISTRY" in out
    assert "Why the two costs differ: --scenario v2-optimised ($1.16)" in out
    assert "100.0% of generations (1 of 1) used the simulated model fleet" in out
    assert "seed" not in out.lower()


def test_all_simulated_spans_do_not_mention_a_real_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When every generation is simulated, no 'rest are real runs' follows."""
    folder = tmp_path / "all-simulated"
    write_workload(SpanStore(span_store_path(folder)), [Gen("template", 0.0, 1e-6)])
    assert run_app(["economics", "--state-dir", str(folder)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "(1 of 1) used the simulated model fleet" in out
    assert "the rest are real" not in out


def test_custom_tier_row_explains_its_dashes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """enterprise-plus has no list price, and its row and JSON say so."""
    assert run_app(["economics", "--scenario", "v2-optimised"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "enterprise-plus" in line)
    assert row.rstrip(" │").endswith("custom pricing: no list price")
    tiers = _json(capsys, "--scenario", "v2-optimised")["tiers"]
    assert isinstance(tiers, dict)
    assert tiers["enterprise-plus"]["note"] == "custom pricing: no list price"
    assert tiers["team"]["note"] == ""


@pytest.fixture
def measured_folder(tmp_path: Path) -> Path:
    """A state folder holding the simulated test workload's spans."""
    return workload_state_dir(tmp_path / "spans-here")


def test_kpis_state_the_simulated_share_in_terminal_and_json(
    measured_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """All 24 generations simulated: 100% in the KPI basis and share field."""
    folder = measured_folder
    assert run_app(["economics", "--state-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.count("measured (100% simulated)") == 6
    kpis = _json(capsys, "--state-dir", str(folder))["kpis"]
    assert isinstance(kpis, dict)
    assert kpis["cache_hit_rate"]["basis"] == "measured (100% simulated)"
    assert kpis["cache_hit_rate"]["simulated_share"] == 1.0


def test_stress_changes_print_two_digits_and_keep_exact_json(
    measured_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cells show a point change like -12 pts; JSON keeps the unrounded one."""
    folder = measured_folder
    data = _json(capsys, "--state-dir", str(folder))
    stress = data["stress"]
    assert isinstance(stress, dict)
    exact = stress["cheap_models_worse"]["margin_delta_points"]["team"]
    assert run_app(["economics", "--state-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    shown = f"{exact:+.2g} pts"
    assert f"({shown})" in out
    assert exact != float(shown.removesuffix(" pts"))
