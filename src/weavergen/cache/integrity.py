"""Keyed integrity of cache entries: a secret kept outside the state folder.

Re-validation checks that cached code is well formed and names the right
facts, but code with extra statements appended still passes it. Whoever can
write the state folder (it may sit on shared storage) could so make WeaverGen
serve their code. Each entry therefore carries an HMAC-SHA256 made with a key
that lives elsewhere: ``$WEAVERGEN_CACHE_KEY`` if set, else a key file in the
user's config folder, created on first use. The key is never logged or stored
in the state folder.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

from weavergen.errors import StateError

log = logging.getLogger(__name__)

KEY_ENV = "WEAVERGEN_CACHE_KEY"
KEY_FILE = Path("weavergen") / "cache.key"
KEY_BYTES = 32
# Changing what is signed must change this, so old MACs stop verifying.
_DOMAIN = "weavergen-cache-entry/1"


def key_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the key file is: ``$XDG_CONFIG_HOME/weavergen/cache.key``."""
    env = os.environ if env is None else env
    config = env.get("XDG_CONFIG_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = Path(config) if os.path.isabs(config) else Path.home() / ".config"
    return base / KEY_FILE


def load_key(env: Mapping[str, str] | None = None) -> bytes:
    """The cache key: from ``$WEAVERGEN_CACHE_KEY``, else the key file.

    The key file is created (mode 0600) on first use. Raises StateError when
    it can be neither read nor created.
    """
    env = os.environ if env is None else env
    given = env.get(KEY_ENV, "").strip()
    if given:
        return _key_bytes(given)
    path = key_path(env)
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


def sign(key: bytes, fields: Sequence[object]) -> str:
    """HMAC-SHA256 (hex) of ``fields``, encoded as canonical JSON."""
    text = json.dumps([_DOMAIN, *fields], separators=(",", ":"))
    return hmac.new(key, text.encode(), "sha256").hexdigest()


def verify(key: bytes, fields: Sequence[object], mac: object) -> bool:
    """Whether ``mac`` is the MAC of ``fields`` under ``key`` (constant time)."""
    if not isinstance(mac, str):
        return False
    return hmac.compare_digest(sign(key, fields), mac)


def _key_bytes(text: str) -> bytes:
    # A hex key means its bytes; any other string is used as it is.
    try:
        return bytes.fromhex(text)
    except ValueError:
        return text.encode()


def _read_key_file(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise _key_error(path, f"cannot be read ({exc})") from exc
    if not text:
        raise _key_error(path, "is empty; expected a hex key")
    return _key_bytes(text)


def _create_key_file(path: Path) -> None:
    """Write a new random key, unless another process creates one first."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = _write_temp_key(path)
    except OSError as exc:
        raise _key_error(path, f"cannot be created ({exc})") from exc
    try:
        # A hard link, unlike a rename, never replaces a key someone else
        # just created and may already have signed entries with.
        os.link(temp, path)
        log.info("created the cache key file %s", path)
    except FileExistsError:
        pass
    except OSError as exc:
        raise _key_error(path, f"cannot be created ({exc})") from exc
    finally:
        temp.unlink(missing_ok=True)


def _write_temp_key(path: Path) -> Path:
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(KEY_BYTES) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return temp


def _key_error(path: Path, problem: str) -> StateError:
    return StateError(
        f"cache key file {path} {problem}; fix its folder's permissions, or set "
        f"{KEY_ENV} to a secret of your own"
    )
