"""`registry_stats`: the counts behind `weavergen registry stats`."""

from __future__ import annotations

from weavergen.registry import load_registry, registry_stats


def test_stats_of_the_default_registry_count_what_it_defines() -> None:
    """The embedded registry: 5 groups, 15 attributes, 1 enum of 5, 3 metrics."""
    stats = registry_stats(load_registry(None))
    assert stats["groups"] == 5
    assert stats["groups_by_type"] == {"attribute_group": 1, "metric": 3, "span": 1}
    assert (stats["attributes"], stats["enums"], stats["enum_members"]) == (15, 1, 5)
    assert stats["metrics_by_instrument"] == {"counter": 1, "histogram": 2}
    assert stats["deprecated"] == {"attributes": 0, "groups": 0}
    assert stats["stability"]["attributes"] == {"development": 15}
