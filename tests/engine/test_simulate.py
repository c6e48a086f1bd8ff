"""Tests for the simulated workload and its summary against the naive baseline."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.engine.engine_fakes import (
    GROUPS,
    FakeVerdict,
    ScriptedModel,
    make_pipeline,
    validate,
)
from weavergen.cache import VerifiedCache
from weavergen.engine.simulate import MAX_REQUESTS, build_workload, run_simulation
from weavergen.errors import RequestError


def fleet(*answers: str) -> list[ScriptedModel]:
    names = ("qwen3_local", "claude_haiku", "gpt4_mini", "claude_sonnet", "gpt4")
    return [
        ScriptedModel(
            name,
            [answers[i] if i < len(answers) else "REF"] * 500,
            price=price,
            tier="local" if i == 0 else "cloud",
        )
        for i, (name, price) in enumerate(
            zip(names, (0.01, 0.5, 1.5, 3.0, 4.5), strict=True)
        )
    ]


def test_same_seed_gives_the_same_workload() -> None:
    """The workload is a pure function of registry, size and seed."""
    assert build_workload(GROUPS, 50, 7) == build_workload(GROUPS, 50, 7)
    assert build_workload(GROUPS, 50, 7) != build_workload(GROUPS, 50, 8)


@pytest.mark.parametrize("requests", [0, MAX_REQUESTS + 1, 10**9])
def test_workload_size_outside_the_limit_is_refused_at_once(requests: int) -> None:
    """`--requests 1000000000` drew a billion requests up front and never ended."""
    with pytest.raises(RequestError, match=r"requests is outside 1 to 100,000"):
        build_workload(GROUPS, requests, 7)


def test_workload_is_skewed_towards_popular_requests() -> None:
    """Under Zipf the most common request is far more frequent than the median."""
    workload = build_workload(GROUPS, 2000, 1)
    counts = sorted(Counter(workload.requests).values(), reverse=True)
    assert counts[0] > 3 * counts[len(counts) // 2]
    assert workload.universe == 3 * 7


def test_every_target_and_kind_pattern_is_drawn() -> None:
    """Seven targets and the group kinds' patterns all appear."""
    workload = build_workload(GROUPS, 2000, 3)
    assert {r.target for r in workload.requests} == {
        "python",
        "go",
        "java",
        "typescript",
        "rust",
        "javascript",
        "markdown",
    }
    assert {r.pattern for r in workload.requests} == {"attributes", "metrics"}


def test_routed_run_costs_less_than_naive_and_serves_only_valid_code(
    tmp_path: Path,
) -> None:
    """With a cache and routing the cost falls below the all-models baseline."""
    pipeline = make_pipeline(fleet("bad"), cache=VerifiedCache(tmp_path / "c.db"))
    workload = build_workload(GROUPS, 60, 7)
    figures = run_simulation(pipeline, workload, fleet(), validate)
    assert figures["simulated"] is True
    assert figures["requests"] == 60
    assert figures["served_failing_validation"] == 0
    assert figures["served_quality"] == 1.0
    assert figures["cost_per_generation_usd"] < figures["naive_cost_per_generation_usd"]
    assert 0 < figures["cache_hit_rate"] < 1
    assert figures["tier_mix"]["cache"] == figures["cache_hit_rate"]
    assert set(figures["model_mix"]) == {"qwen3_local", "claude_haiku"}


def test_served_failing_validation_comes_from_the_second_validator_only(
    tmp_path: Path,
) -> None:
    """A pipeline that passes everything is caught by the outside check."""
    lenient = make_pipeline(
        fleet("bad"),
        cache=VerifiedCache(tmp_path / "c.db"),
        validate=lambda *_args, **_kw: FakeVerdict(1.0, True, 1.0, []),
    )
    calls: list[str] = []

    def strict(code: str, target: str, pattern: str, groups: list[Any]) -> Any:
        calls.append(code)
        return validate(code, target, pattern, groups)

    workload = build_workload(GROUPS, 30, 7)
    figures = run_simulation(lenient, workload, fleet(), strict)
    assert figures["served"] == 30
    assert figures["served_failing_validation"] == 30
    assert figures["served_quality"] == 0.0
    assert len(calls) == len(set(workload.requests))


def test_parallel_lanes_give_the_serial_figures(tmp_path: Path) -> None:
    """Running slices in parallel changes no figure."""
    workload = build_workload(GROUPS, 80, 5)
    figures = [
        run_simulation(
            make_pipeline(fleet("bad"), cache=VerifiedCache(tmp_path / f"{n}.db")),
            workload,
            fleet(),
            validate,
            workers=n,
        )
        for n in (1, 3)
    ]
    measured = ("cost_usd_total", "cost_per_generation_usd", "reduction_vs_naive")
    totals = ("token_cost_usd_total", "naive_cost_usd_total")
    serial, parallel = (
        {k: v for k, v in f.items() if k not in measured} for f in figures
    )
    for key in totals:
        assert serial.pop(key) == pytest.approx(parallel.pop(key))
    assert serial == parallel
