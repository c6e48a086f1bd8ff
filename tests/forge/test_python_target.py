"""The built-in python target's rules, on a registry small enough to read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from weavergen.forge.formatting import format_files
from weavergen.forge.render import render_target
from weavergen.forge.target import load_target

from .conftest import attribute


@pytest.fixture
def modules(small_registry: dict[str, Any], tmp_path: Path) -> dict[str, str]:
    """The python target over the small registry, by relative path."""
    files = render_target(small_registry, load_target("python"), tmp_path)
    return {f.path.relative_to(tmp_path).as_posix(): f.text for f in files}


def test_stable_and_incubating_modules_are_split(modules: dict[str, str]) -> None:
    """Stable attributes get attributes/; everything gets _incubating/."""
    assert sorted(modules) == [
        "_incubating/attributes/http_attributes.py",
        "_incubating/attributes/k8s_attributes.py",
        "_incubating/metrics/k8s_metrics.py",
        "attributes/http_attributes.py",
        "metrics/k8s_metrics.py",
    ]


def test_stable_module_keeps_only_stable_members(modules: dict[str, str]) -> None:
    """The stable enum drops development members; template types get _TEMPLATE."""
    stable = modules["attributes/http_attributes.py"]
    assert 'HTTP_REQUEST_HEADER_TEMPLATE: Final = "http.request.header"' in stable
    assert 'GET = "GET"\n    """get value."""' in stable
    assert "QUERY" not in stable
    assert "http.old" not in stable
    assert "typing_extensions" not in stable


def test_incubating_module_points_stable_entries_to_stable_module(
    modules: dict[str, str],
) -> None:
    """Stable attributes in _incubating are marked deprecated in favour of stable."""
    incubating = modules["_incubating/attributes/http_attributes.py"]
    stable_ref = "opentelemetry.semconv.attributes.http_attributes"
    assert (
        f"Deprecated in favor of stable :py:const:`{stable_ref}.HTTP_REQUEST_METHOD`."
        in (incubating)
    )
    assert (
        f'@deprecated(\n    "Deprecated in favor of stable :py:const:`{stable_ref}'
        in incubating
    )
    assert 'QUERY = "QUERY"\n    """QUERY method."""' in incubating
    assert (
        'HTTP_OLD: Final = "http.old"\n"""\nDeprecated: Replaced by `http.new`.\n"""'
        in (incubating)
    )


def test_metric_modules_have_constants_and_factories(modules: dict[str, str]) -> None:
    """Stable metric modules hold constants; incubating ones add create_* factories."""
    stable = modules["metrics/k8s_metrics.py"]
    assert 'K8S_POD_COUNT: Final = "k8s.pod.count"' in stable
    assert "Number of pods\nInstrument: gauge\nUnit: {pod}" in stable
    assert "def create_" not in stable
    incubating = modules["_incubating/metrics/k8s_metrics.py"]
    assert "def create_k8s_job_duration(meter: Meter) -> Histogram:" in incubating
    assert 'description="Duration of jobs.",' in incubating
    assert "callbacks: Sequence[CallbackT] | None" in incubating
    assert "from opentelemetry.metrics import CallbackOptions, Histogram, Meter" in (
        incubating
    )


def test_rendered_modules_compile(modules: dict[str, str]) -> None:
    """Every module is valid Python."""
    for name, text in modules.items():
        compile(text, name, "exec")


def _long_name_registry() -> dict[str, Any]:
    """Names long enough to push every generated statement past 120 columns."""
    long = "very_long_segment_" * 4
    member = {"id": "one", "value": "one", "brief": "One.", "stability": "stable"}
    return {
        "groups": [
            {
                "id": "registry.acme",
                "type": "attribute_group",
                "brief": "Acme.",
                "attributes": [
                    attribute(f"acme.{long}.name"),
                    attribute(f"acme.{long * 2}.too_long_to_fit"),
                    attribute(
                        f"acme.{long}.kind",
                        type={"members": [member]},
                        deprecated={"reason": "renamed", "renamed_to": f"acme.{long}"},
                    ),
                    attribute(
                        f"acme.{long}.mode",
                        stability="stable",
                        type={"members": [member]},
                    ),
                ],
            },
            *(
                {
                    "id": f"metric.acme.{instrument}",
                    "type": "metric",
                    "metric_name": f"acme.{long}.{instrument}",
                    "instrument": instrument,
                    "unit": "1",
                    "brief": "Something counted.",
                    "stability": "development",
                    "attributes": [],
                }
                for instrument in ("gauge", "counter")
            ),
        ]
    }


def test_output_is_already_ruff_formatted(tmp_path: Path) -> None:
    """ruff format (the published package's formatter) changes nothing we render."""
    files = render_target(_long_name_registry(), load_target("python"), tmp_path)
    assert sorted(f.path.relative_to(tmp_path).as_posix() for f in files) == [
        "_incubating/attributes/acme_attributes.py",
        "_incubating/metrics/acme_metrics.py",
        "attributes/acme_attributes.py",
    ]
    texts = {str(number): f.text for number, f in enumerate(files)}
    assert format_files(texts, 120) == texts


def test_long_statements_are_wrapped_as_ruff_wraps_them(tmp_path: Path) -> None:
    """Long constants, decorators and signatures take ruff's parenthesised form."""
    files = render_target(_long_name_registry(), load_target("python"), tmp_path)
    attributes, metrics = (f.text for f in files if "_incubating" in str(f.path))
    assert ': Final = (\n    "acme.very_long_segment_' in attributes
    assert '_TOO_LONG_TO_FIT: Final = "acme.' in attributes
    assert attributes.count("@deprecated(\n") == 2
    assert "(\n    meter: Meter, callbacks: Sequence[CallbackT] | None\n) ->" in metrics
    assert "(\n    meter: Meter,\n) -> Counter:" in metrics
