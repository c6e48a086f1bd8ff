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
    return source.startswith(_GIT_SCHEMES) or parse_git_source(source).url.endswith(
        ".git"
    )


def parse_git_source(source: str) -> GitSource:
    """Split ``url@ref[subfolder]`` into its parts.

    The ref starts at the first ``@`` after ``.git``, or else at the first
    ``@`` in the repository path (after ``scheme://host/`` or ``host:``), so
    refs may contain ``/`` (``@release/v1``, ``@refs/tags/v1``) and a user
    name before the host is never taken for a ref.
    """
    subfolder = None
    match = _SUBFOLDER.match(source)
    if match:
        source, subfolder = match["rest"], match["sub"].strip("/") or None
    split = _ref_start(source)
    url, ref = (source, None) if split < 0 else (source[:split], source[split + 1 :])
    return GitSource(url=url, ref=ref or None, subfolder=subfolder)


def _ref_start(source: str) -> int:
    """The index of the ``@`` that begins the ref, or -1 when there is none."""
    after_suffix = source.find(".git@")
    if after_suffix >= 0:
        return after_suffix + len(".git")
    return source.find("@", _path_start(source))


def _path_start(source: str) -> int:
    """Where the repository path begins, past any scheme, user and host."""
    scheme = source.find("://")
    if scheme >= 0:
        slash = source.find("/", scheme + 3)
        return len(source) if slash < 0 else slash
    colon, slash = source.find(":"), source.find("/")
    # scp-like `user@host:path`: the host part ends at the first colon.
    return colon + 1 if colon >= 0 and (slash < 0 or colon < slash) else 0


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
    root = _confined_subfolder(source, checkout)
    return LocatedRegistry(root, str(root))


def _confined_subfolder(source: GitSource, checkout: Path) -> Path:
    """The registry folder inside the checkout; never a folder outside it."""
    where = f"{source.url}{'@' + source.ref if source.ref else ''}"
    if not source.subfolder:
        return checkout
    inside = checkout.resolve()
    root = (checkout / source.subfolder).resolve()
    if root != inside and not root.is_relative_to(inside):
        raise RegistrySourceError(
            f"folder [{source.subfolder}] of {where} leads outside the repository "
            "(through '..' or a symbolic link); expected a folder inside it"
        )
    if not root.is_dir():
        raise RegistrySourceError(
            f"folder [{source.subfolder}] does not exist in {where}; "
            "expected a registry folder"
        )
    return root


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
