"""Fixtures of the model tests: a scripted server and recorded waits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.models.model_server import AdapterFactory, ScriptedServer, make_adapter
from weavergen.models import HttpChatModel


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A fresh scripted server on a free port of 127.0.0.1."""
    running = ScriptedServer()
    yield running
    running.stop()


@pytest.fixture
def sleeps() -> list[float]:
    """Waits the adapter asked for, recorded instead of slept."""
    return []


@pytest.fixture
def opened() -> Iterator[list[HttpChatModel]]:
    """Adapters a test opens; their connection pools are closed afterwards."""
    adapters: list[HttpChatModel] = []
    yield adapters
    for adapter in adapters:
        adapter.close()


@pytest.fixture
def adapter_for(
    server: ScriptedServer, sleeps: list[float], opened: list[HttpChatModel]
) -> AdapterFactory:
    """Build adapters pointed at the test's server, closed after the test."""

    def build(provider: str, **options: Any) -> HttpChatModel:
        adapter = make_adapter(provider, server, sleeps, **options)
        opened.append(adapter)
        return adapter

    return build
