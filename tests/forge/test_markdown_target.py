"""The built-in markdown target documents metrics, spans and events too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from weavergen.forge.casing import kebab_case
from weavergen.forge.render import render_target
from weavergen.forge.semconv import root_namespace
from weavergen.forge.target import load_target
from weavergen.registry import load_registry


def _counter_registry() -> list[dict[str, Any]]:
    """A user's registry: one attribute, one counter carrying it, one event."""
    attribute = {
        "name": "shop.order.id",
        "type": "string",
        "brief": "The order.",
        "requirement_level": "required",
    }
    return [
        {"id": "registry.shop", "type": "attribute_group", "attributes": [attribute]},
        {
            "id": "metric.shop.orders",
            "type": "metric",
            "metric_name": "shop.orders",
            "instrument": "counter",
            "unit": "{order}",
            "stability": "stable",
            "brief": "Orders | placed.",
            "attributes": [
                {**attribute, "requirement_level": {"conditionally_required": "x"}}
            ],
        },
        {
            "id": "metric.billing.invoices",
            "type": "metric",
            "metric_name": "billing.invoices",
            "instrument": "histogram",
            "unit": "",
            "brief": "Invoices.",
            "attributes": [],
        },
        {
            "id": "event.shop.checkout",
            "type": "event",
            "name": "shop.checkout",
            "brief": "Checkout done.",
            "attributes": [attribute],
        },
        {
            "id": "span.shop.pay",
            "type": "span",
            "span_kind": "client",
            "brief": "Pay.",
            "attributes": [],
        },
    ]


def _pages(groups: list[dict[str, Any]], out: Path) -> dict[str, str]:
    files = render_target(groups, load_target("markdown"), out)
    return {f.path.name: f.text for f in files}


def test_metric_rows_name_instrument_unit_stability_and_attributes(
    tmp_path: Path,
) -> None:
    """A counter gets a row with its unit, stability, brief and attributes."""
    shop = _pages(_counter_registry(), tmp_path)["shop.md"]
    assert (
        "| `shop.orders` | counter | `{order}` | Orders \\| placed. | Stable | "
        "`shop.order.id` (conditionally required) |" in shop
    )
    assert shop.index("## Attributes") < shop.index("## Metrics")


def test_namespace_with_only_metrics_still_gets_a_page(tmp_path: Path) -> None:
    """``billing`` has a metric but no attributes; it is not silently dropped."""
    pages = _pages(_counter_registry(), tmp_path)
    assert sorted(pages) == ["README.md", "billing.md", "shop.md"]
    billing = pages["billing.md"]
    assert "## Attributes" not in billing
    assert "| `billing.invoices` | histogram |  | Invoices. | Development |  |" in (
        billing
    )
    assert "| [billing](billing.md) | 0 | 1 | 0 | 0 |" in pages["README.md"]
    assert "| [shop](shop.md) | 1 | 1 | 1 | 1 |" in pages["README.md"]


def test_spans_and_events_are_listed_under_their_namespace(tmp_path: Path) -> None:
    """The span row shows its kind, the event row its name and attributes."""
    shop = _pages(_counter_registry(), tmp_path)["shop.md"]
    assert "| `span.shop.pay` | client | Pay. | Development |  |" in shop
    assert (
        "| `shop.checkout` | Checkout done. | Development | "
        "`shop.order.id` (required) |" in shop
    )


def test_rendering_twice_gives_the_same_pages(tmp_path: Path) -> None:
    """Output is deterministic: the same registry renders the same bytes."""
    first = _pages(_counter_registry(), tmp_path / "a")
    assert _pages(_counter_registry(), tmp_path / "b") == first


def test_every_metric_of_the_real_registry_is_documented(
    semconv_model: Path, tmp_path: Path
) -> None:
    """Each v1.44.0 metric name is a row on the page of its namespace."""
    groups = load_registry(semconv_model).groups
    pages = _pages(groups, tmp_path)
    names = {str(g["metric_name"]) for g in groups if g.get("type") == "metric"}
    assert len(names) > 300
    missing = {
        name
        for name in names
        if f"| `{name}` |"
        not in pages.get(f"{kebab_case(root_namespace(name))}.md", "")
    }
    assert missing == set()
