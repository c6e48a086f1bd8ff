"""Tests for the per-target naming convention that facts and ground truth share."""

from __future__ import annotations

import pytest

from weavergen.engine.naming import (
    canonical_target,
    pascal,
    plan_names,
    snake,
    upper_snake,
)
from weavergen.engine.slices import Attribute, Member, Metric, SliceView
from weavergen.errors import RequestError

METHOD = Attribute(
    "http.request.method",
    "enum",
    members=(Member("get", "GET"), Member("other", "_OTHER")),
)
DURATION = Metric("http.server.request.duration", "histogram", "s")
VIEW = SliceView((METHOD,), (DURATION,), ("registry.http",))


M = "METRIC_HTTP_SERVER_REQUEST_DURATION"
CONVENTIONS = [
    (
        "python",
        "HTTP_REQUEST_METHOD",
        "HttpRequestMethodValues.GET",
        "HTTP_SERVER_REQUEST_DURATION",
        "create_http_server_request_duration.unit",
    ),
    ("java", "HTTP_REQUEST_METHOD", "HttpRequestMethodValues.GET", M, M + "_UNIT"),
    ("rust", "HTTP_REQUEST_METHOD", "http_request_method.GET", M, M + "_UNIT"),
    ("ts", "ATTR_HTTP_REQUEST_METHOD", "HTTP_REQUEST_METHOD_VALUE_GET", M, M + "_UNIT"),
    ("js", "ATTR_HTTP_REQUEST_METHOD", "HTTP_REQUEST_METHOD_VALUE_GET", M, M + "_UNIT"),
    (
        "go",
        "HTTPRequestMethodKey",
        "HTTPRequestMethodGet",
        "HTTPServerRequestDurationName",
        "HTTPServerRequestDurationUnit",
    ),
]


@pytest.mark.parametrize(
    ("target", "attribute", "member", "metric", "unit"), CONVENTIONS
)
def test_each_target_names_keys_members_and_metrics_its_own_way(
    target: str, attribute: str, member: str, metric: str, unit: str
) -> None:
    """The documented convention of each target, on http.request.method."""
    plan = plan_names(VIEW, target)
    assert plan.attributes[0].name == attribute
    assert plan.attributes[0].members[0].name == member
    assert (plan.metrics[0].name, plan.metrics[0].unit_name) == (metric, unit)


def test_keys_spelling_the_same_words_get_numbered_names() -> None:
    """``a.b_c`` and ``a.b.c`` both spell A_B_C: the second gets ``_2``."""
    view = SliceView(
        (Attribute("a.b.c", "string"), Attribute("a.b_c", "string")), (), ()
    )
    names = [a.name for a in plan_names(view, "java").attributes]
    assert names == ["A_B_C", "A_B_C_2"]


def test_python_names_depend_on_the_key_alone_as_in_the_package() -> None:
    """Python follows the semconv package: no ``_2`` suffixes, ever."""
    view = SliceView(
        (Attribute("a.b.c", "string"), Attribute("a.b_c", "string")), (), ()
    )
    names = [a.name for a in plan_names(view, "python").attributes]
    assert names == ["A_B_C", "A_B_C"]


def test_python_template_attributes_and_acronyms_follow_the_package() -> None:
    """``_TEMPLATE`` suffix for template types; CPython and GC respelled."""
    header = Attribute("http.request.header", "template[string[]]")
    generation = Attribute(
        "cpython.gc.generation", "enum", members=(Member("generation_0", 0),)
    )
    plan = plan_names(SliceView((header, generation), (), ()), "python")
    assert plan.attributes[0].name == "HTTP_REQUEST_HEADER_TEMPLATE"
    assert plan.attributes[1].container == "CPythonGCGenerationValues"
    members = [m.name for m in plan.attributes[1].members]
    assert members == ["CPythonGCGenerationValues.GENERATION_0"]


def test_python_leaves_out_what_the_registry_excludes_from_code() -> None:
    """Members and metrics marked ``code_generation.exclude`` have no names."""
    platform = Attribute(
        "cloud.platform",
        "enum",
        members=(Member("azure.aks", "azure.aks"), Member("azure_aks", "x", "", False)),
    )
    gone = Metric("k8s.old", "gauge", "1", generated=False)
    plan = plan_names(SliceView((platform,), (DURATION, gone), ()), "python")
    members = [m.name for m in plan.attributes[0].members]
    assert members == ["CloudPlatformValues.AZURE_AKS"]
    assert [m.name for m in plan.metrics] == ["HTTP_SERVER_REQUEST_DURATION"]


def test_python_metric_instrument_is_read_from_its_factory() -> None:
    """The instrument fact of a python metric is named after its factory."""
    metric = plan_names(VIEW, "python").metrics[0]
    assert metric.instrument_name == "create_http_server_request_duration.instrument"


def test_words_that_start_with_a_digit_or_are_keywords_stay_identifiers() -> None:
    """Leading digits get a letter prefix; Rust keywords get a trailing ``_``."""
    assert upper_snake("1.0") == "V_1_0"
    assert pascal("2xx") == "V2xx"
    assert snake("type") == "type_"
    assert snake("") == "empty"


def test_aliases_map_to_canonical_targets() -> None:
    """Short names (ts, py, md) map to the targets they stand for."""
    assert [canonical_target(t) for t in ("TS", "py", "md", "golang")] == [
        "typescript",
        "python",
        "markdown",
        "go",
    ]


def test_targets_without_a_code_convention_are_refused() -> None:
    """Planning code names for markdown or an unknown target is a RequestError."""
    with pytest.raises(RequestError, match="no naming convention for target 'cobol'"):
        plan_names(VIEW, "cobol")


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("url.full", "URLFullKey"),
        ("db.system.name", "DBSystemNameKey"),
        ("shop.order.id", "ShopOrderIDKey"),
        ("k8s.pod.uid", "K8SPodUIDKey"),
        ("gen_ai.request.model", "GenAIRequestModelKey"),
        ("os.type", "OSTypeKey"),
        ("http.request.method_original", "HTTPRequestMethodOriginalKey"),
        ("identity.idle", "IdentityIdleKey"),
    ],
)
def test_go_names_spell_initialisms_in_capitals(key: str, name: str) -> None:
    """Whole words on the list are capitalised; words merely starting so are not."""
    view = SliceView((Attribute(key, "string"),), (), ())
    assert plan_names(view, "go").attributes[0].name == name


def test_go_members_and_metrics_use_initialisms_too() -> None:
    """Member ids and metric names go through the same initialism rule."""
    view = SliceView(
        (Attribute("rpc.system", "enum", members=(Member("grpc_json", "g"),)),),
        (Metric("db.client.connection.count", "updowncounter", None),),
        (),
    )
    plan = plan_names(view, "go")
    assert plan.attributes[0].members[0].name == "RPCSystemGrpcJSON"
    assert plan.metrics[0].name == "DBClientConnectionCountName"
    assert plan.metrics[0].instrument_name == "DBClientConnectionCountInstrument"


def test_go_initialisms_that_collide_get_numbered_names() -> None:
    """``a.id`` (A, ID) and ``a.i_d`` (A, I, D) both spell AID: one gets ``_2``."""
    view = SliceView(
        (Attribute("a.id", "string"), Attribute("a.i_d", "string")), (), ()
    )
    names = [a.name for a in plan_names(view, "go").attributes]
    assert names == ["AIDKey", "AIDKey_2"]
