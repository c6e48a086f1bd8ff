"""Where a registry comes from: a folder, a git repository, or the default.

A git source is written the way Weaver accepts it,
``<url>[@<ref>][[<subfolder>]]`` (``https://host/repo.git@v1.2[model]``).
It is cloned once with the `git` command into a cache folder keyed by URL
and ref, and reused on every later run: the clone lands in a temporary
folder first and is renamed into place, so a half-done clone is never used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from weavergen.errors import RegistrySourceError

logger = logging.getLogger(__name__)

CACHE_ENV = "WEAVERGEN_CACHE_DIR"
DEFAULT_REGISTRY = Path(__file__).resolve().parent / "default"
GIT_TIMEOUT_S = 600
_GIT_SCHEMES = ("http://", "https://", "file://", "ssh://", "git://", "git@")
_SUBFOLDER = re.compile(r"^(?P<rest>.*)\[(?P<sub>[^\[\]]*)\]$")


@dataclass(frozen=True)
class GitSource:
    """A parsed git registry address."""

    url: str
    ref: str | None
    subfolder: str | None


@dataclass(frozen=True)
class LocatedRegistry:
    """A registry folder on disk, and how to name its files in messages."""

    root: Path
    label: str


def default_cache_dir() -> Path:
    """The clone cache: $WEAVERGEN_CACHE_DIR or ~/.cache/weavergen/registries."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "weavergen" / "registries"


def is_git_source(source: str) -> bool:
    """Say whether `source` names a git repository rather than a folder."""
    bare = _SUBFOLDER.sub(r"\g<rest>", source)
    return source.startswith(_GIT_SCHEMES) or bare.split("@")[0].endswith(".git")


def parse_git_source(source: str) -> GitSource:
    """Split ``url@ref[subfolder]`` into its parts."""
    subfolder = None
    match = _SUBFOLDER.match(source)
    if match:
        source, subfolder = match["rest"], match["sub"].strip("/") or None
    head, _, last = source.rpartition("/")
    ref = None
    if "@" in last:
        last, _, ref = last.partition("@")
    return GitSource(
        url=f"{head}/{last}" if head else last, ref=ref or None, subfolder=subfolder
    )


def locate_registry(
    source: str | Path | None, *, cache_dir: Path | None = None
) -> LocatedRegistry:
    """Find the folder of a registry, cloning it first if it is a git URL."""
    if source is None:
        return LocatedRegistry(DEFAULT_REGISTRY, str(DEFAULT_REGISTRY))
    text = str(source)
    if isinstance(source, str) and is_git_source(text):
        return _locate_git(parse_git_source(text), cache_dir or default_cache_dir())
    folder = Path(source).expanduser()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise RegistrySourceError(
            f"registry folder {text} {what}; expected a folder of semantic-"
            "convention YAML files or a git URL (https://host/repo.git@ref[folder])"
        )
    return LocatedRegistry(folder, text.rstrip("/") or text)


def _locate_git(source: GitSource, cache_dir: Path) -> LocatedRegistry:
    if source.ref is not None and source.ref.startswith("-"):
        raise RegistrySourceError(
            f"git ref '{source.ref}' starts with '-'; expected a tag, branch or commit"
        )
    checkout = clone_once(source.url, source.ref, cache_dir)
    root = checkout / source.subfolder if source.subfolder else checkout
    if not root.is_dir():
        raise RegistrySourceError(
            f"folder [{source.subfolder}] does not exist in {source.url}"
            f"{'@' + source.ref if source.ref else ''}; expected a registry folder"
        )
    return LocatedRegistry(root, str(root))


def cache_key(url: str, ref: str | None) -> str:
    """A folder name for one (URL, ref): readable tail plus a hash."""
    digest = hashlib.sha256(f"{url}\n{ref or ''}".encode()).hexdigest()[:16]
    tail = re.sub(r"[^A-Za-z0-9._-]+", "-", url.rstrip("/").rsplit("/", 1)[-1])
    tail = tail.removesuffix(".git") or "repo"
    return f"{tail}-{re.sub(r'[^A-Za-z0-9._-]+', '-', ref or 'HEAD')}-{digest}"


def clone_once(url: str, ref: str | None, cache_dir: Path) -> Path:
    """Give the cached checkout of `url` at `ref`, cloning it if not there yet."""
    target = cache_dir / cache_key(url, ref)
    if target.is_dir():
        logger.debug("reusing cached clone %s", target)
        return target
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".clone-", dir=cache_dir))
    except OSError as exc:
        raise RegistrySourceError(
            f"cannot create cache folder {cache_dir}: {exc}"
        ) from exc
    try:
        _clone(url, ref, staging / "repo")
        _move_into_place(staging / "repo", target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("cloned %s%s into %s", url, f"@{ref}" if ref else "", target)
    return target


def _move_into_place(clone: Path, target: Path) -> None:
    try:
        clone.rename(target)
    except OSError:
        # Another run finished the same clone first; theirs is as good.
        if not target.is_dir():
            raise


def _clone(url: str, ref: str | None, dest: Path) -> None:
    shallow = ["git", "clone", "--quiet", "--depth", "1"]
    branch = ["--branch", ref] if ref else []
    if _run_git([*shallow, *branch, "--", url, str(dest)]) is None:
        return
    # A commit id cannot be cloned by name: fetch everything, then check it out.
    shutil.rmtree(dest, ignore_errors=True)
    failure = _run_git(["git", "clone", "--quiet", "--", url, str(dest)])
    if failure is None and ref:
        failure = _run_git(["git", "-C", str(dest), "checkout", "--quiet", ref])
    if failure is not None:
        where = f"{url}@{ref}" if ref else url
        raise RegistrySourceError(f"git clone of {where} failed: {failure}")


def _run_git(command: list[str]) -> str | None:
    """Run git; give None on success, else its error text."""
    # No prompts, and only plain transports: `ext::` and friends run commands.
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ALLOW_PROTOCOL": "file:git:http:https:ssh",
    }
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            env=env,
            check=False,
        )
    except FileNotFoundError as exc:
        raise RegistrySourceError("the git command is not installed") from exc
    except subprocess.TimeoutExpired:
        return f"no answer after {GIT_TIMEOUT_S}s"
    if done.returncode == 0:
        return None
    return (
        done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "unknown error"
    )
