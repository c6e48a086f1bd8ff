"""The python target's names: those of the published semconv package.

Users of the python target expect the names of
``opentelemetry-semantic-conventions``, which the forge's python target
reproduces file for file, so validation and ground truth use the same names:

- attribute ``HTTP_REQUEST_METHOD``; a template attribute (a family such as
  ``http.request.header``) ``HTTP_REQUEST_HEADER_TEMPLATE``;
- enum class ``HttpRequestMethodValues`` (the target's acronyms respelled:
  ``CPythonGCGenerationValues``) with members ``GET``, named from their ids;
- metric ``HTTP_SERVER_REQUEST_DURATION`` holding the metric name, and a
  factory ``create_http_server_request_duration(meter)`` whose call
  (``meter.create_histogram(..., unit="s")``) gives instrument and unit.

Names are a pure function of the key, as in the package: two keys that spell
the same words get the same name. Case rules come from the forge, so the
validator cannot drift from what the templates print.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping

from weavergen.errors import WeaverGenError
from weavergen.forge.casing import (
    apply_acronyms,
    pascal_case,
    screaming_snake_case,
    snake_case,
)
from weavergen.forge.target import load_target

log = logging.getLogger(__name__)

TEMPLATE_TYPE_PREFIX = "template["
# Used when the built-in target cannot be read; they match its weaver.yaml.
FALLBACK_ACRONYMS = ("CPython", "GC")
FALLBACK_FACTORIES: Mapping[str, str] = {
    "counter": "create_counter",
    "histogram": "create_histogram",
    "updowncounter": "create_up_down_counter",
    "gauge": "create_observable_gauge",
}
# A synchronous gauge is as right for a gauge as the package's observable one.
EXTRA_FACTORIES: Mapping[str, str] = {"create_gauge": "gauge"}


def attribute_constant(key: str, type_label: str = "string") -> str:
    """``http.request.method`` -> ``HTTP_REQUEST_METHOD`` (``_TEMPLATE`` if one)."""
    suffix = "_TEMPLATE" if type_label.startswith(TEMPLATE_TYPE_PREFIX) else ""
    return _leading_letter(screaming_snake_case(key), "V_") + suffix


def enum_class(key: str) -> str:
    """``cpython.gc.generation`` -> ``CPythonGCGenerationValues``."""
    name = apply_acronyms(pascal_case(key), list(python_acronyms()))
    return _leading_letter(name, "V") + "Values"


def member_constant(member_id: str) -> str:
    """``azure.aks`` -> ``AZURE_AKS``: the member's id, upper snake case."""
    return _leading_letter(screaming_snake_case(member_id), "V_")


def metric_constant(metric_name: str) -> str:
    """``http.server.request.duration`` -> ``HTTP_SERVER_REQUEST_DURATION``."""
    return _leading_letter(screaming_snake_case(metric_name), "V_")


def metric_factory(metric_name: str) -> str:
    """``http.server.request.duration`` -> ``create_http_server_request_duration``."""
    return "create_" + snake_case(metric_name)


def instrument_factory(instrument: str) -> str:
    """The ``Meter`` method that creates ``instrument`` (``create_histogram``)."""
    return instrument_factories().get(instrument, "create_" + snake_case(instrument))


def instrument_of_factory(method: str) -> str | None:
    """The instrument a ``Meter`` method creates, or None when it is not one."""
    known = {factory: kind for kind, factory in instrument_factories().items()}
    return known.get(method) or EXTRA_FACTORIES.get(method)


def _leading_letter(name: str, prefix: str) -> str:
    if not name:
        return prefix + "EMPTY"
    return prefix + name if name[0].isdigit() else name


@functools.cache
def python_acronyms() -> tuple[str, ...]:
    """The acronyms the python target respells in class names."""
    target = _python_target()
    return tuple(target[0]) if target else FALLBACK_ACRONYMS


@functools.cache
def instrument_factories() -> Mapping[str, str]:
    """Instrument kind -> ``Meter`` method, as the python target maps them."""
    target = _python_target()
    return dict(target[1]) if target else dict(FALLBACK_FACTORIES)


@functools.cache
def _python_target() -> tuple[list[str], dict[str, str]] | None:
    try:
        target = load_target("python")
    except WeaverGenError as exc:
        log.warning("python target unreadable, using built-in names: %s", exc)
        return None
    factories = target.text_maps.get("instrument_factories") or FALLBACK_FACTORIES
    return list(target.acronyms), dict(factories)
