"""Fixtures shared by every test: where ../shared is, and isolation of state.

Each test runs in its own working directory with its own state folder,
cache folder and config folder (so its own cache key), and without OTLP or
API-key variables from the environment, so no test can see another's spans,
cache entries, cache key or credentials.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = (REPO_ROOT / ".." / "shared").resolve()
SEMCONV_MODEL = SHARED / "data" / "semconv" / "v1.44.0" / "model"
RESOLVER_CASES = SHARED / "data" / "weaver-resolver-cases"


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give each test its own cwd, state, cache and config dirs; drop OTLP vars."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("WEAVERGEN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("WEAVERGEN_CACHE_DIR", str(tmp_path / "cache"))
    # The cache's HMAC key lives outside the state folder: keep it per test too.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("WEAVERGEN_CACHE_KEY", raising=False)
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def semconv_model() -> Path:
    """The real semantic conventions v1.44.0 model folder in ../shared."""
    if not SEMCONV_MODEL.is_dir():
        pytest.fail(f"missing shared data: {SEMCONV_MODEL}")
    return SEMCONV_MODEL


@pytest.fixture(scope="session")
def resolver_cases() -> Path:
    """Weaver's resolver test cases in ../shared."""
    return RESOLVER_CASES
