"""A two-group registry (attributes and a metric) written for CLI tests."""

from __future__ import annotations

from pathlib import Path

SHOP_YAML = """\
groups:
  - id: registry.shop
    type: attribute_group
    brief: Shop attributes.
    attributes:
      - id: shop.order.id
        type: string
        brief: The order id.
        examples: ["o-1"]
        stability: stable
      - id: shop.order.state
        type:
          members:
            - id: open
              value: "open"
              stability: stable
            - id: paid
              value: "paid"
              stability: stable
        brief: Where the order is.
        stability: stable
  - id: metric.shop.orders
    type: metric
    metric_name: shop.orders
    brief: Orders placed.
    instrument: counter
    unit: "{order}"
    stability: stable
    attributes:
      - ref: shop.order.id
"""


def write_shop_registry(parent: Path) -> Path:
    """Write the registry into ``parent/registry`` and return that folder."""
    folder = parent / "registry"
    folder.mkdir()
    (folder / "shop.yaml").write_text(SHOP_YAML)
    return folder
