"""Weaver's own resolver cases: same groups, same attributes, same errors.

Each case folder in ../shared/data/weaver-resolver-cases is one test. Most
hold a `registry/` folder with Weaver's resolved output beside it; the rest
check dependencies between registries (published registries, refinements of
a dependency's signals, exclusion from dependency resolution), where Weaver's
own tests assert on the result, and these tests assert the same.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from weavergen.errors import Problem
from weavergen.registry import check_registry, load_registry, loader
from weavergen.registry.build import build_registry

from .conftest import WriteRegistry, one_problem

CASES_DIR = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "weaver-resolver-cases"
)
CASES = sorted(p.name for p in CASES_DIR.glob("registry-test-*"))
ERROR_CODES = {
    "DuplicateAttributeId": "duplicate_attribute_id",
    "DuplicateGroupId": "duplicate_group_id",
    "DuplicateMetricName": "duplicate_metric_name",
    "EntityRefinementChangedIdentity": "entity_refinement_changed_identity",
}
SUBJECT_KEYS = ("attribute_id", "group_id", "metric_name", "refinement_id")


def _expected_groups(case: Path) -> list[dict[str, Any]]:
    """Weaver's expected groups with catalog indexes replaced by the attributes."""
    registry = json.loads((case / "expected-registry.json").read_text())
    catalog = json.loads((case / "expected-attribute-catalog.json").read_text())
    groups = []
    for raw in registry["groups"]:
        group = {k: v for k, v in raw.items() if k != "lineage"}
        if "attributes" in group:
            group["attributes"] = _by_name([catalog[i] for i in group["attributes"]])
        # Weaver names a v2 file's attribute group after the path it was given
        # (data/<case>/registry/x.yaml); WeaverGen after the file's path inside
        # the registry, so the id does not depend on how the folder is named.
        group["id"] = group["id"].replace(
            f"registry.data.{case.name}.registry.", "registry."
        )
        groups.append(group)
    return sorted(groups, key=lambda g: g["id"])


def _by_name(attrs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(attrs, key=lambda a: (a["name"], json.dumps(a, sort_keys=True)))


def _subjects(error: dict[str, Any]) -> list[tuple[str, str]]:
    """Flatten Weaver's expected-errors.json into (code, subject) pairs."""
    ((kind, body),) = error.items()
    if kind == "CompoundError":
        return [pair for inner in body for pair in _subjects(inner)]
    subject = next(body[k] for k in SUBJECT_KEYS if k in body)
    return [(ERROR_CODES[kind], subject)]


def _mentions(problem: Problem, subject: str) -> bool:
    return problem.group_id == subject or f"'{subject}'" in problem.message


def _check_errors(case: Path) -> None:
    expected = _subjects(json.loads((case / "expected-errors.json").read_text()))
    errors = build_registry(Path("data", case.name, "registry")).errors
    assert {code for code, _ in expected} == {p.code for p in errors}
    for code, subject in expected:
        assert any(p.code == code and _mentions(p, subject) for p in errors), subject


def _check_resolved(case: Path) -> None:
    result = build_registry(Path("data", case.name, "registry"))
    assert result.errors == []
    got = [
        dict(g, attributes=_by_name(g["attributes"])) if "attributes" in g else g
        for g in result.registry.groups
    ]
    assert got == _expected_groups(case)


# --- Weaver's v2 resolved schema (expected-schema.yaml) ------------------------

_V2_SECTIONS = {
    "spans": ("span", "type"),
    "metrics": ("metric", "name"),
    "events": ("event", "name"),
    "entities": ("entity", "type"),
    "attribute_groups": ("attribute_group", "id"),
}


def _v2_attrs(signal: dict[str, Any], catalog: list[dict[str, Any]]) -> dict[str, Any]:
    refs = [(r, None) for r in signal.get("attributes", [])]
    refs += [(r, "identifying") for r in signal.get("identity", [])]
    refs += [(r, "descriptive") for r in signal.get("description", [])]
    out = {}
    for ref, role in refs:
        entry = catalog[ref["base"]]
        out[entry["key"]] = (
            ref["requirement_level"],
            entry["brief"],
            entry["type"],
            entry.get("note", ""),
            role,
        )
    return out


def _v2_signals(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Signals of a v2 resolved schema by (kind, name); refinements by their id."""
    catalog = schema["attribute_catalog"]
    out = {}
    for section, (kind, key) in _V2_SECTIONS.items():
        for signal in schema["registry"].get(section) or []:
            out[(kind, signal[key])] = _v2_shape(signal, catalog)
        for signal in (schema.get("refinements") or {}).get(section) or []:
            # Every signal is listed again as its own refinement; keep the others.
            out.setdefault((kind, signal["id"]), _v2_shape(signal, catalog))
    return out


def _v2_shape(signal: dict[str, Any], catalog: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "brief": signal.get("brief", ""),
        "stability": signal.get("stability"),
        "attributes": _v2_attrs(signal, catalog),
    }


def _our_signals(groups: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for group in groups:
        kind = group["type"]
        name = group["id"].removeprefix(f"{kind}.")
        attrs = {
            a["name"]: (
                a["requirement_level"],
                a.get("brief", ""),
                a["type"],
                a.get("note", ""),
                a.get("role"),
            )
            for a in group.get("attributes", [])
        }
        out[(kind, name)] = {
            "brief": group.get("brief", ""),
            "stability": group.get("stability"),
            "attributes": attrs,
        }
    return out


def _check_v2_schema(registry: Path, expected_file: Path) -> None:
    result = build_registry(registry)
    assert result.errors == []
    expected = _v2_signals(yaml.safe_load(expected_file.read_text()))
    ours = _our_signals(result.registry.groups)
    signals = {k: v for k, v in ours.items() if k[0] != "attribute_group"}
    assert signals == {k: v for k, v in expected.items() if k[0] != "attribute_group"}
    for key, shape in expected.items():
        if key[0] == "attribute_group":
            assert ours[key] == shape


# --- cases whose expectations live in Weaver's lib.rs ----------------------------


def _write_consumer(root: Path, text: str, parent: str) -> Path:
    root.mkdir()
    (root / "manifest.yaml").write_text(
        f"schema_url: https://consumer.example.com/1.0.0\n"
        f"dependencies:\n  - registry_path: {parent}\n"
    )
    (root / "registry.yaml").write_text(textwrap.dedent(text))
    return root


_EXCLUDED_USES = {
    "ref": """
        file_format: definition/2
        metrics:
          - name: consumer.requests
            brief: References an excluded parent attribute.
            instrument: counter
            unit: "{request}"
            stability: stable
            requirement_level: recommended
            attributes:
              - ref: parent.excluded
                requirement_level: required
    """,
    "extends": """
        groups:
          - id: consumer.requests
            type: metric
            metric_name: consumer.requests
            instrument: counter
            unit: "1"
            stability: stable
            brief: Extends an excluded parent metric.
            extends: parent.excluded.metric
    """,
    "imports": """
        file_format: definition/2
        imports:
          metrics:
            - parent.excluded.metric
    """,
}


def _check_dep_exclusion(case: Path) -> None:
    migrated = build_registry(Path("data", case.name, "migration_consumer"))
    assert migrated.errors == []
    groups = {g["id"]: g for g in migrated.registry.groups}
    assert "moved.attr" in migrated.registry.attributes
    assert "deprecated" not in groups["metric.moved.metric"]
    assert "deprecated" not in groups["span.moved.span"]
    assert "metric.greenfield.requests" in groups

    leak = build_registry(Path("data", case.name, "within_registry_v2_leak_ref"))
    assert [(p.code, p.group_id) for p in leak.errors] == [
        ("excluded_from_dependency_resolution", "child.refined")
    ]

    parent = Path("data", case.name, "published_v2").resolve()
    for use, text in _EXCLUDED_USES.items():
        consumer = _write_consumer(Path.cwd() / f"consumer-{use}", text, str(parent))
        codes = {p.code for p in build_registry(consumer).errors}
        assert codes == {"excluded_from_dependency_resolution"}, use


def _check_v2_dep(case: Path) -> None:
    base = Path("data", case.name)
    for name in (
        "metric_registry",
        "span_registry",
        "event_registry",
        "entity_registry",
    ):
        _check_v2_schema(base / name / "registry", case / name / "expected-schema.yaml")

    consumer = build_registry(base / "consumer_registry")
    assert consumer.errors == []
    metric = {g["id"]: g for g in consumer.registry.groups}[
        "metric.consumer.request.count"
    ]
    attrs = {a["name"]: a for a in metric["attributes"]}
    assert attrs["server.address"]["requirement_level"] == "required"
    assert attrs["server.address"]["brief"] == "Server address."
    assert attrs["server.address"]["type"] == "string"
    assert attrs["server.port"]["brief"] == "The server port used by the consumer."
    assert attrs["server.port"]["type"] == "int"

    app = build_registry(base / "app_registry")
    assert app.errors == []
    metric = {g["id"]: g for g in app.registry.groups}["metric.app.request.count"]
    briefs = {a["name"]: a["brief"] for a in metric["attributes"]}
    assert briefs == {
        "server.address": "Server address.",
        "server.port": "Server port.",
    }

    demote = build_registry(base / "entity_demote_registry" / "registry")
    assert [(p.code, p.group_id) for p in demote.errors] == [
        ("entity_refinement_changed_identity", "demoted.host")
    ]
    assert "'host.id'" in demote.errors[0].message


def test_all_of_weavers_resolver_cases_are_present() -> None:
    """The shared data holds the 24 resolver cases these tests are written for."""
    assert len(CASES) == 24


@pytest.mark.usefixtures("weaver_layout")
@pytest.mark.parametrize("name", CASES)
def test_resolver_case_matches_weaver(name: str) -> None:
    """Resolving the case gives what Weaver gives (groups, attributes, or errors)."""
    case = CASES_DIR / name
    if name == "registry-test-dep-exclusion":
        _check_dep_exclusion(case)
    elif name == "registry-test-v2-dep":
        _check_v2_dep(case)
    elif (case / "expected-errors.json").exists():
        _check_errors(case)
    elif (case / "expected-schema.yaml").exists():
        _check_v2_schema(Path("data", name, "registry"), case / "expected-schema.yaml")
    else:
        _check_resolved(case)


def test_unknown_ref_names_file_line_group_and_expectation(
    write_registry: WriteRegistry,
) -> None:
    """A `ref` to an attribute nobody defines is reported on the `ref` line."""
    text = """\
        groups:
          - id: span.fetch
            type: span
            span_kind: client
            stability: stable
            brief: Fetch.
            attributes:
              - ref: http.method
    """
    problem = one_problem(
        check_registry(write_registry({"s.yaml": text})), "unresolved_attribute_ref"
    )
    assert (problem.file or "").endswith("s.yaml")
    assert (problem.line, problem.group_id) == (8, "span.fetch")
    assert (
        "'ref: http.method' names an attribute that is not defined" in problem.message
    )


def test_resolution_is_byte_identical_whatever_the_file_order(
    semconv_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same files resolve to the same JSON, also when read in reverse order."""
    first = load_registry(semconv_model).to_json()
    assert load_registry(semconv_model).to_json() == first
    forward = loader.registry_files
    monkeypatch.setattr(loader, "registry_files", lambda root: forward(root)[::-1])
    assert load_registry(semconv_model).to_json() == first


def test_real_semconv_resolves_without_problems(semconv_model: Path) -> None:
    """All of semantic conventions v1.44.0 (both file formats) resolves cleanly."""
    assert check_registry(semconv_model) == []
    registry = load_registry(semconv_model)
    http = registry.group("metric.http.server.request.duration")
    assert (http["instrument"], http["unit"]) == ("histogram", "s")
    method = {a["name"]: a for a in http["attributes"]}["http.request.method"]
    assert method["requirement_level"] == "required"
    get = {"id": "get", "value": "GET", "brief": "GET method.", "stability": "stable"}
    assert get in method["type"]["members"]
    server = registry.group("server")
    assert [a["name"] for a in server["attributes"]] == [
        "server.address",
        "server.port",
    ]


@pytest.mark.parametrize(
    "text",
    [
        """\
        groups:
          - id: metric.shop.count
            type: metric
            metric_name: shop.count
            instrument: counter
            unit: ""
            stability: stable
            brief: Items counted.
        """,
        """\
        file_format: definition/2
        metrics:
          - name: shop.count
            instrument: counter
            unit: ""
            stability: stable
            brief: Items counted.
        """,
    ],
    ids=["v1", "v2"],
)
def test_empty_metric_unit_is_kept_as_weaver_keeps_it(
    write_registry: WriteRegistry, text: str
) -> None:
    """`unit: ""` stays in the resolved metric as "" rather than vanishing."""
    registry = load_registry(write_registry({"m.yaml": text}))
    metric = registry.group("metric.shop.count")
    assert (metric["instrument"], metric["unit"]) == ("counter", "")
    assert '"unit": ""' in registry.to_json()
