"""The python template tier's output passes validation on the real registry.

The forge's python target renders the published semconv package, and the
validator's python convention is that package's; this pins that the two
agree on every slice the template tier serves, and that the agreement is not
vacuous: a changed value, a dropped constant or a wrong unit fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from weavergen.engine.forge_tier import ForgeTemplates
from weavergen.engine.request import namespace_of
from weavergen.engine.validate import Validation, validate
from weavergen.registry import load_registry

Groups = list[dict[str, Any]]


@pytest.fixture(scope="module")
def groups(semconv_model: Path) -> Groups:
    """Every resolved group of the real v1.44.0 registry."""
    return load_registry(semconv_model).groups


@pytest.fixture(scope="module")
def templates() -> ForgeTemplates:
    """One template tier for the module, as the pipeline keeps one per run."""
    return ForgeTemplates()


def _judge(templates: ForgeTemplates, slice_: Groups, pattern: str) -> Validation:
    code = templates.render(slice_, "python", pattern)
    return validate(code, "python", pattern, slice_)


def _failures(templates: ForgeTemplates, slices: list[Groups], pattern: str) -> Any:
    verdicts = {s[0]["id"]: _judge(templates, s, pattern) for s in slices}
    return {
        gid: [str(f) for f in v.missing + v.wrong][:3] or v.detail[:200]
        for gid, v in verdicts.items()
        if v.score != 1.0 or not v.passed
    }


@pytest.mark.parametrize("pattern", ["attributes", "metrics"])
def test_whole_registry_template_output_scores_one(
    groups: Groups, templates: ForgeTemplates, pattern: str
) -> None:
    """The whole registry as one slice: every fact right, and there are many."""
    verdict = _judge(templates, groups, pattern)
    assert (verdict.score, verdict.passed) == (1.0, True), verdict.missing[:5]
    assert len(verdict.facts) > 1500


# Single-group slices, as the simulator asks them, picked for what makes names
# hard: template attributes (http), acronyms and digits (cpython), members left
# out of code generation (cloud), deprecated attributes and enums (db, k8s),
# numeric enums (otel), mixed-case values (azure). The whole-registry test
# above covers every attribute; rendering each of the ~100 groups alone takes
# most of a minute on a busy machine.
SINGLE_GROUPS = (
    "registry.http",
    "registry.cpython",
    "registry.cloud",
    "registry.db",
    "registry.k8s",
    "registry.otel",
    "registry.azure",
    "registry.gen_ai",
    "registry.process",
    "registry.system",
)


def test_single_registry_groups_pass_as_attributes(
    groups: Groups, templates: ForgeTemplates
) -> None:
    """Registry groups rendered alone, as the simulator asks, score 1.0."""
    slices = [[g] for g in groups if g["id"] in SINGLE_GROUPS]
    assert len(slices) == len(SINGLE_GROUPS)
    assert _failures(templates, slices, "attributes") == {}


def test_every_metric_namespace_slice_passes_as_metrics(
    groups: Groups, templates: ForgeTemplates
) -> None:
    """The metrics of each namespace, rendered as one slice, score 1.0."""
    by_namespace: dict[str, Groups] = {}
    for group in groups:
        if group.get("type") == "metric":
            name = namespace_of(str(group["metric_name"]))
            by_namespace.setdefault(name, []).append(group)
    assert len(by_namespace) > 25
    assert _failures(templates, list(by_namespace.values()), "metrics") == {}


def test_single_metric_groups_pass_as_the_simulator_asks_them(
    groups: Groups, templates: ForgeTemplates
) -> None:
    """One metric group per slice, for a spread of instruments and units."""
    wanted = {
        "metric.http.server.request.duration",
        "metric.cpython.gc.collections",
        "metric.process.cpu.utilization",
        "metric.system.memory.usage",
        "metric.db.client.connection.count",
    }
    slices = [[g] for g in groups if g["id"] in wanted]
    assert len(slices) == len(wanted)
    assert _failures(templates, slices, "metrics") == {}


def test_non_registry_groups_render_nothing_for_the_template_tier(
    groups: Groups, templates: ForgeTemplates
) -> None:
    """A span's attribute references are not the templates' to serve."""
    span = next(g for g in groups if g["id"] == "span.http.client")
    assert templates.render([span], "python", "attributes").strip() == ""


def _http(groups: Groups) -> Groups:
    wanted = ("registry.http", "metric.http.server.request.duration")
    return [g for g in groups if g["id"] in wanted]


BREAKS = [
    ("attributes", ('"http.request.method"', '"http.request_method"', "wrong")),
    ("attributes", ('HTTP_ROUTE: Final = "http.route"', "", "missing")),
    ("attributes", ('    CONNECT = "CONNECT"', '    CONNECT = "connect"', "wrong")),
    ("metrics", ('unit="s"', 'unit="ms"', "wrong")),
    ("metrics", ("meter.create_histogram(", "meter.create_counter(", "wrong")),
    ("metrics", ('= "http.server.request.duration"', '= "http.srv"', "wrong")),
]


@pytest.mark.parametrize(("pattern", "edit"), BREAKS)
def test_broken_template_output_fails(
    groups: Groups,
    templates: ForgeTemplates,
    pattern: str,
    edit: tuple[str, str, str],
) -> None:
    """One changed value, dropped constant or wrong unit fails validation."""
    before, after, kind = edit
    slice_ = _http(groups)
    code = templates.render(slice_, "python", pattern)
    assert before in code
    verdict = validate(code.replace(before, after), "python", pattern, slice_)
    assert not verdict.passed
    assert 0.0 < verdict.score < 1.0
    flagged = verdict.wrong if kind == "wrong" else verdict.missing
    assert len(flagged) >= 1
