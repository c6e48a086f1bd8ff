"""Tests for the cache key: where it lives, how it is made, how entries are signed."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from weavergen.cache.integrity import key_path, load_key, sign, verify
from weavergen.errors import StateError


def test_first_use_creates_a_private_key_file_in_the_config_folder(
    tmp_path: Path,
) -> None:
    """The key file is $XDG_CONFIG_HOME/weavergen/cache.key, mode 0600, 32 bytes."""
    key = load_key()
    path = tmp_path / "config" / "weavergen" / "cache.key"
    assert key_path() == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 32
    assert path.read_text(encoding="utf-8").strip() == key.hex()
    assert load_key() == key


def test_the_environment_variable_wins_and_creates_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hex WEAVERGEN_CACHE_KEY means its bytes; any other string is used as is."""
    monkeypatch.setenv("WEAVERGEN_CACHE_KEY", "00ff10")
    assert load_key() == b"\x00\xff\x10"
    monkeypatch.setenv("WEAVERGEN_CACHE_KEY", "a passphrase")
    assert load_key() == b"a passphrase"
    assert not (tmp_path / "config").exists()


def test_a_relative_config_home_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XDG says a relative XDG_CONFIG_HOME is invalid: ~/.config is used instead."""
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert key_path() == tmp_path / "home" / ".config" / "weavergen" / "cache.key"


def test_concurrent_first_uses_in_threads_agree_on_one_key(tmp_path: Path) -> None:
    """Many threads creating the key at once all get the one key that was kept."""
    start = threading.Barrier(8)

    def first_use(_n: int) -> bytes:
        start.wait()
        return load_key()

    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(first_use, range(8)))
    folder = tmp_path / "config" / "weavergen"
    assert keys == {load_key()}
    assert [p.name for p in folder.iterdir()] == ["cache.key"]


def test_concurrent_first_uses_in_processes_agree_on_one_key(tmp_path: Path) -> None:
    """Separate processes creating the key at once end with one key between them."""
    script = "from weavergen.cache.integrity import load_key; print(load_key().hex())"
    workers = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        for _ in range(3)
    ]
    outputs = {worker.communicate(timeout=60)[0].decode().strip() for worker in workers}
    assert [worker.returncode for worker in workers] == [0, 0, 0]
    assert outputs == {load_key().hex()}


def test_an_empty_key_file_is_a_clear_state_error(tmp_path: Path) -> None:
    """An empty key file is reported with its path, not used as an empty key."""
    path = key_path()
    path.parent.mkdir(parents=True)
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(StateError, match=r"cache\.key is empty; expected a hex key"):
        load_key()


def test_a_key_file_that_cannot_be_created_names_the_way_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A config 'folder' that is a file gives a StateError suggesting the env var."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    with pytest.raises(StateError, match=r"cannot be created.*WEAVERGEN_CACHE_KEY"):
        load_key()


def test_a_mac_verifies_only_the_same_fields_under_the_same_key() -> None:
    """Any changed field, another key, or a missing MAC fails verification."""
    fields: list[object] = ["k1", "code", ["a", "b"], 0.9, None, True]
    mac = sign(b"key", fields)
    assert verify(b"key", fields, mac) is True
    assert verify(b"key", [*fields[:5], False], mac) is False
    assert verify(b"key", ["k1", "code ", ["a", "b"], 0.9, None, True], mac) is False
    assert verify(b"other", fields, mac) is False
    assert verify(b"key", fields, None) is False
