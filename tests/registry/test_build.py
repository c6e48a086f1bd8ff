"""build_registry: the steps behind load_registry, and what they leave behind."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from weavergen.registry import build, load_registry
from weavergen.registry.resolve import Resolution, resolve_groups

from .conftest import GOOD_GROUP, WriteRegistry


@pytest.fixture
def collector_on() -> Iterator[None]:
    """Run with the cycle collector on, and leave it as it was found."""
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_cycle_collector_is_off_while_building_and_back_on_after(
    write_registry: WriteRegistry,
    monkeypatch: pytest.MonkeyPatch,
    collector_on: None,
) -> None:
    """Resolution runs without the cycle collector, which is restored after."""
    seen: list[bool] = []

    def spy(*args: object, **kwargs: object) -> Resolution:
        seen.append(gc.isenabled())
        return resolve_groups(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "resolve_groups", spy)
    registry = load_registry(write_registry({"r.yaml": GOOD_GROUP}))
    assert [a["name"] for a in registry.groups[0]["attributes"]] == ["ok.name"]
    assert seen == [False]
    assert gc.isenabled()


def test_cycle_collector_is_restored_when_loading_fails(
    write_registry: WriteRegistry,
    monkeypatch: pytest.MonkeyPatch,
    collector_on: None,
) -> None:
    """An exception while building still switches the collector back on."""

    def broken(*args: object, **kwargs: object) -> Resolution:
        raise RuntimeError("resolution failed")

    monkeypatch.setattr(build, "resolve_groups", broken)
    with pytest.raises(RuntimeError, match="resolution failed"):
        load_registry(write_registry({"r.yaml": GOOD_GROUP}))
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off(
    write_registry: WriteRegistry, collector_on: None
) -> None:
    """Building does not switch on a collector the caller had switched off."""
    gc.disable()
    load_registry(write_registry({"r.yaml": GOOD_GROUP}))
    assert not gc.isenabled()
