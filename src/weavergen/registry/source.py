"""Where a registry comes from: a folder, a git repository, or the default.

A git source is written the way Weaver accepts it,
``<url>[@<ref>][[<subfolder>]]`` (``https://host/repo.git@v1.2[model]``).
It is cloned with the `git` command into a cache folder keyed by URL and
ref: the clone lands in a temporary folder first and is renamed into place,
so a half-done clone is never used. A full commit id is immutable and served
from the cache; a branch, a tag or the default branch is fetched again on
each use, falling back to the cached copy (with a warning) when offline.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from weavergen.errors import RegistrySourceError

logger = logging.getLogger(__name__)

CACHE_ENV = "WEAVERGEN_CACHE_DIR"
DEFAULT_REGISTRY = Path(__file__).resolve().parent / "default"
GIT_TIMEOUT_S = 600
_GIT_SCHEMES = ("http://", "https://", "file://", "ssh://", "git://", "git@")
_COMMIT_ID = re.compile(r"^[0-9a-fA-F]{40}$")
_FETCH_STAMP = "weavergen-fetched"
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
    inside = checkout.resolve()
    if not source.subfolder:
        _refuse_outward_links(inside, inside, where)
        return checkout
    root = (checkout / source.subfolder).resolve()
    if not root.is_relative_to(inside):
        raise RegistrySourceError(
            f"folder [{source.subfolder}] of {where} leads outside the repository "
            "(through '..' or a symbolic link); expected a folder inside it"
        )
    if not root.is_dir():
        raise RegistrySourceError(
            f"folder [{source.subfolder}] does not exist in {where}; "
            "expected a registry folder"
        )
    _refuse_outward_links(root, inside, where)
    return root


def _refuse_outward_links(root: Path, inside: Path, where: str) -> None:
    """Refuse a committed symbolic link that would make us read outside the clone."""
    for folder, folders, names in os.walk(root):
        folders[:] = [name for name in folders if name != ".git"]
        for name in (*folders, *names):
            path = Path(folder, name)
            if path.is_symlink() and not path.resolve().is_relative_to(inside):
                raise RegistrySourceError(
                    f"{path.relative_to(inside)} in {where} is a symbolic link "
                    "leading outside the repository; expected files inside it"
                )


def cache_key(url: str, ref: str | None) -> str:
    """A folder name for one (URL, ref): readable tail plus a hash."""
    digest = hashlib.sha256(f"{url}\n{ref or ''}".encode()).hexdigest()[:16]
    tail = re.sub(r"[^A-Za-z0-9._-]+", "-", url.rstrip("/").rsplit("/", 1)[-1])
    tail = tail.removesuffix(".git") or "repo"
    return f"{tail}-{re.sub(r'[^A-Za-z0-9._-]+', '-', ref or 'HEAD')}-{digest}"


def clone_once(url: str, ref: str | None, cache_dir: Path) -> Path:
    """Give the cached checkout of `url` at `ref`, cloning or refreshing it.

    A full commit id never changes, so its clone is used as it is; a branch,
    a tag or the default branch is fetched again on each use.
    """
    target = cache_dir / cache_key(url, ref)
    if not target.exists() and not target.is_symlink():
        _clone_into_cache(url, ref, cache_dir, target)
        return target
    _check_cache_entry(target, url)
    if _COMMIT_ID.match(ref or ""):
        logger.debug("reusing cached clone %s of a fixed commit", target)
    else:
        _refresh(target, url, ref)
    return target


def _check_cache_entry(target: Path, url: str) -> None:
    """Refuse a cache entry that is not a clone, leaving it as it is."""
    what = "is not a folder" if not target.is_dir() else "is not a git clone"
    if target.is_dir() and (target / ".git").is_dir():
        return
    raise RegistrySourceError(
        f"the clone cache entry {target} {what}; expected WeaverGen's clone of "
        f"{url} there: move it away, or set {CACHE_ENV} to another folder"
    )


def _clone_into_cache(url: str, ref: str | None, cache_dir: Path, target: Path) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".clone-", dir=cache_dir))
    except OSError as exc:
        raise RegistrySourceError(
            f"cannot create cache folder {cache_dir}: {exc}"
        ) from exc
    try:
        _clone(url, ref, staging / "repo")
        _stamp_fetched(staging / "repo")
        _move_into_place(staging / "repo", target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("cloned %s%s into %s", url, f"@{ref}" if ref else "", target)


def _move_into_place(clone: Path, target: Path) -> None:
    try:
        clone.rename(target)
    except OSError as exc:
        # Another run finished the same clone first; theirs is as good.
        if not target.is_dir():
            raise RegistrySourceError(
                f"cannot put the clone of {target.name} into {target}: "
                f"{exc.strerror}; expected a free place in the clone cache"
            ) from exc


def _refresh(target: Path, url: str, ref: str | None) -> None:
    """Fetch `ref` again and check it out; keep the old copy when offline."""
    repo = ["git", "-C", str(target)]
    failure = _run_git(
        [*repo, "fetch", "--quiet", "--depth", "1", "origin", ref or "HEAD"]
    )
    if failure is None:
        failure = _run_git(
            [*repo, "checkout", "--quiet", "--force", "--detach", "FETCH_HEAD"]
        )
    if failure is None:
        _stamp_fetched(target)
        logger.debug("refreshed cached clone %s", target)
        return
    logger.warning(
        "could not fetch %s%s (%s); using the cached copy fetched %s ago",
        url,
        f"@{ref}" if ref else "",
        failure,
        _age(target),
    )


def _stamp_fetched(clone: Path) -> None:
    """Record when the clone last matched its origin (for the offline warning)."""
    try:
        (clone / ".git" / _FETCH_STAMP).touch()
    except OSError:
        logger.debug("cannot stamp %s as fetched", clone)


def _age(clone: Path) -> str:
    stamp = clone / ".git" / _FETCH_STAMP
    try:
        seconds = (
            time.time() - (stamp if stamp.exists() else clone / ".git").stat().st_mtime
        )
    except OSError:
        return "an unknown time"
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return "less than a minute"


def _clone(url: str, ref: str | None, dest: Path) -> None:
    shallow = ["git", "clone", "--quiet", "--depth", "1"]
    branch = ["--branch", ref] if ref else []
    if _run_git([*shallow, *branch, "--", url, str(dest)]) is None:
        return
    # A commit id cannot be cloned by name: fetch everything, then check it out.
    shutil.rmtree(dest, ignore_errors=True)
    where = f"{url}@{ref}" if ref else url
    failure = _run_git(["git", "clone", "--quiet", "--", url, str(dest)])
    if failure is not None:
        raise RegistrySourceError(f"git clone of {where} failed: {failure}")
    checkout = ["git", "-C", str(dest), "checkout", "--quiet", "--detach"]
    if ref and _run_git([*checkout, ref]) is not None:
        raise RegistrySourceError(
            f"git clone of {where} failed: unknown ref '{ref}'; expected a "
            "branch, tag or commit id of that repository"
        )


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
    return None if done.returncode == 0 else _git_reason(done.stderr)


def _git_reason(stderr: str) -> str:
    """The lines of git's complaint that say what went wrong, in one line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    reasons = [
        line.split(":", 1)[1].strip()
        for line in lines
        if line.startswith(("fatal:", "error:"))
    ]
    if not reasons:
        return lines[-1] if lines else "unknown error"
    return "; ".join(
        r for r in reasons if r != "Could not read from remote repository."
    )
