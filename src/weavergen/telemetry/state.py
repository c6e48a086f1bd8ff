"""Where WeaverGen keeps its state (spans, cache, ledger) on this machine.

One rule for every command: ``--state-dir`` wins, then the environment variable
``WEAVERGEN_STATE_DIR``, then ``.weavergen/`` in the current folder. Keeping it
in one function stops commands from disagreeing about where the spans are.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

STATE_DIR_ENV = "WEAVERGEN_STATE_DIR"
DEFAULT_STATE_DIR = ".weavergen"
SPAN_STORE_FILE = "spans.db"


def resolve_state_dir(
    explicit: Path | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """Return the state folder: the explicit one, the env's, or the default."""
    if explicit is not None:
        return explicit
    from_env = (os.environ if env is None else env).get(STATE_DIR_ENV, "")
    if from_env.strip():
        return Path(from_env)
    return Path.cwd() / DEFAULT_STATE_DIR


def span_store_path(state_dir: Path) -> Path:
    """Return the span database file inside ``state_dir``."""
    return state_dir / SPAN_STORE_FILE
