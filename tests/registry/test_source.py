"""Registry sources: folders, git URLs cloned once into a cache, the default."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from weavergen.errors import RegistrySourceError
from weavergen.registry import check_registry, load_registry
from weavergen.registry.source import GitSource, parse_git_source

MODEL = """\
groups:
  - id: registry.shop
    type: attribute_group
    brief: Shop attributes.
    attributes:
      - id: shop.cart.size
        type: int
        brief: Items in the cart.
        stability: development
"""


def _git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
    subprocess.run(
        ["git", *identity, "-C", str(repo), *args], check=True, capture_output=True
    )


@pytest.fixture
def shop_repo(tmp_path: Path) -> Path:
    """A local git repository with a registry in `model/`, tagged v1 then changed."""
    repo = tmp_path / "shop-conventions"
    (repo / "model").mkdir(parents=True)
    (repo / "model" / "shop.yaml").write_text(MODEL)
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "v1")
    _git(repo, "tag", "v1")
    (repo / "model" / "shop.yaml").write_text(
        MODEL.replace("shop.cart.size", "shop.cart.items")
    )
    _git(repo, "commit", "--quiet", "-am", "rename")
    return repo


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "https://host/repo.git@v1.2[model]",
            GitSource("https://host/repo.git", "v1.2", "model"),
        ),
        (
            "file:///srv/repo@main[sub/dir]",
            GitSource("file:///srv/repo", "main", "sub/dir"),
        ),
        (
            "https://host/org/repo.git",
            GitSource("https://host/org/repo.git", None, None),
        ),
        ("git@host:org/repo.git@v2", GitSource("git@host:org/repo.git", "v2", None)),
        (
            "https://host/repo.git@release/v1[model]",
            GitSource("https://host/repo.git", "release/v1", "model"),
        ),
        (
            "https://user@host/org/repo@refs/tags/v1",
            GitSource("https://user@host/org/repo", "refs/tags/v1", None),
        ),
        ("git@host:org/repo@a/b", GitSource("git@host:org/repo", "a/b", None)),
    ],
)
def test_git_source_is_split_into_url_ref_and_subfolder(
    text: str, expected: GitSource
) -> None:
    """Weaver's `url@ref[subfolder]` form is understood."""
    assert parse_git_source(text) == expected


def test_git_registry_at_a_tag_is_cloned_and_resolved(
    shop_repo: Path, tmp_path: Path
) -> None:
    """`file://repo@v1[model]` resolves the registry as it was at the tag."""
    cache = tmp_path / "clones"
    registry = load_registry(f"file://{shop_repo}@v1[model]", cache_dir=cache)
    assert list(registry.attributes) == ["shop.cart.size"]
    assert len(list(cache.iterdir())) == 1


def test_cached_tag_is_used_with_a_warning_when_origin_is_unreachable(
    shop_repo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Offline, a tag's cached clone still serves, with a warning saying its age."""
    cache = tmp_path / "clones"
    url = f"file://{shop_repo}@v1[model]"
    first = load_registry(url, cache_dir=cache).to_json()
    shop_repo.rename(tmp_path / "moved-away")
    assert load_registry(url, cache_dir=cache).to_json() == first
    assert len(list(cache.iterdir())) == 1
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert f"could not fetch file://{shop_repo}@v1" in warning
    assert "using the cached copy fetched less than a minute ago" in warning


def test_full_commit_id_is_served_from_the_cache_without_fetching(
    shop_repo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 40-hex commit never changes: its clone is reused, no fetch, no warning."""
    commit = subprocess.run(
        ["git", "-C", str(shop_repo), "rev-parse", "v1"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    url = f"file://{shop_repo}@{commit}[model]"
    load_registry(url, cache_dir=tmp_path / "c")
    shop_repo.rename(tmp_path / "moved-away")
    registry = load_registry(url, cache_dir=tmp_path / "c")
    assert list(registry.attributes) == ["shop.cart.size"]
    assert [r for r in caplog.records if r.levelname == "WARNING"] == []


@pytest.mark.parametrize("ref", ["@main", ""])
def test_branch_or_default_branch_is_fetched_again_when_it_moves(
    shop_repo: Path, tmp_path: Path, ref: str
) -> None:
    """A branch (or no ref) is re-fetched on each use, so a new commit shows."""
    url = f"file://{shop_repo}{ref}[model]"
    before = load_registry(url, cache_dir=tmp_path / "c")
    (shop_repo / "model" / "shop.yaml").write_text(
        MODEL.replace("shop.cart.size", "shop.cart.count")
    )
    _git(shop_repo, "commit", "--quiet", "-am", "count")
    after = load_registry(url, cache_dir=tmp_path / "c")
    assert (list(before.attributes), list(after.attributes)) == (
        ["shop.cart.items"],
        ["shop.cart.count"],
    )


def test_cache_entry_that_is_a_file_is_reported_and_left_alone(
    shop_repo: Path, tmp_path: Path
) -> None:
    """A stray file where the clone should be gives a clear error, not a traceback."""
    url = f"file://{shop_repo}@v1[model]"
    load_registry(url, cache_dir=tmp_path / "c")
    (entry,) = (tmp_path / "c").iterdir()
    shutil.rmtree(entry)
    entry.write_text("mine")
    with pytest.raises(RegistrySourceError, match=r"cache entry .* is not a folder"):
        load_registry(url, cache_dir=tmp_path / "c")
    assert entry.read_text() == "mine"


def test_missing_repository_says_what_git_found(tmp_path: Path) -> None:
    """The message carries git's reason, not its closing advice."""
    missing = tmp_path / "nothing.git"
    with pytest.raises(RegistrySourceError) as caught:
        load_registry(f"file://{missing}", cache_dir=tmp_path / "c")
    message = str(caught.value)
    assert f"'{missing}' does not appear to be a git repository" in message
    assert "and the repository exists" not in message


def test_cache_folder_comes_from_the_environment(
    shop_repo: Path, tmp_path: Path
) -> None:
    """Without `cache_dir`, clones go to $WEAVERGEN_CACHE_DIR (set per test)."""
    registry = load_registry(f"file://{shop_repo}[model]")
    assert list(registry.attributes) == ["shop.cart.items"]
    assert len(list((tmp_path / "cache").iterdir())) == 1


def test_each_ref_gets_its_own_clone(shop_repo: Path, tmp_path: Path) -> None:
    """The cache is keyed by URL and ref, so two refs never share a checkout."""
    cache = tmp_path / "clones"
    old = load_registry(f"file://{shop_repo}@v1[model]", cache_dir=cache)
    new = load_registry(f"file://{shop_repo}@main[model]", cache_dir=cache)
    assert (list(old.attributes), list(new.attributes)) == (
        ["shop.cart.size"],
        ["shop.cart.items"],
    )


def test_unknown_ref_is_a_source_error(shop_repo: Path, tmp_path: Path) -> None:
    """A ref the repository does not have raises `RegistrySourceError` saying so."""
    with pytest.raises(
        RegistrySourceError, match=r"git clone of .*@v9 failed: unknown ref 'v9'"
    ):
        load_registry(f"file://{shop_repo}@v9[model]", cache_dir=tmp_path / "c")


def test_missing_subfolder_is_a_source_error(shop_repo: Path, tmp_path: Path) -> None:
    """`[subfolder]` must exist in the checkout."""
    with pytest.raises(RegistrySourceError, match=r"folder \[nope\] does not exist"):
        load_registry(f"file://{shop_repo}@v1[nope]", cache_dir=tmp_path / "c")


def test_missing_folder_is_a_source_error(tmp_path: Path) -> None:
    """A folder that does not exist is `RegistrySourceError`, also for checks."""
    with pytest.raises(RegistrySourceError, match="does not exist"):
        check_registry(tmp_path / "no-such-registry")


def test_default_registry_describes_weavergens_own_telemetry() -> None:
    """With no source, the embedded registry resolves with zero problems."""
    assert check_registry(None) == []
    registry = load_registry(None)
    tier = registry.attributes["weavergen.tier"]["type"]["members"]
    assert [m["value"] for m in tier] == [
        "template",
        "cache",
        "local",
        "cloud",
        "consensus",
    ]
    metrics = {
        g["metric_name"]: (g["instrument"], g["unit"])
        for g in registry.groups
        if g["type"] == "metric"
    }
    assert metrics == {
        "weavergen.generation.cost": ("histogram", "USD"),
        "weavergen.generation.duration": ("histogram", "s"),
        "weavergen.cache.hits": ("counter", "{hit}"),
    }
    span = registry.group("span.weavergen.generation")
    assert {"weavergen.tier", "weavergen.cost_usd", "weavergen.tenant"} <= {
        a["name"] for a in span["attributes"]
    }


def test_ref_that_looks_like_an_option_is_refused(tmp_path: Path) -> None:
    """A ref starting with '-' could be read by git as an option; it is rejected."""
    with pytest.raises(RegistrySourceError, match="starts with '-'"):
        load_registry(
            "https://example.invalid/repo.git@--orphan", cache_dir=tmp_path / "c"
        )
    assert not (tmp_path / "c").exists()


def test_command_running_transports_are_not_allowed(tmp_path: Path) -> None:
    """git's `ext::` transport (which runs a command) is refused by git itself."""
    marker = tmp_path / "ran"
    with pytest.raises(RegistrySourceError, match="git clone"):
        load_registry(f"ext::sh -c touch% {marker}.git", cache_dir=tmp_path / "c")
    assert not marker.exists()


@pytest.mark.parametrize(
    "subfolder", ["../../outside", "linked", "model/../../../outside"]
)
def test_subfolder_leading_outside_the_clone_is_refused(
    tmp_path: Path, subfolder: str
) -> None:
    """`[..]` parts or a committed symlink cannot point the registry elsewhere."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shop.yaml").write_text(MODEL)
    repo = tmp_path / "repo"
    (repo / "model").mkdir(parents=True)
    (repo / "model" / "shop.yaml").write_text(MODEL)
    (repo / "linked").symlink_to(outside)
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "v1")
    cache = tmp_path / "cache"
    with pytest.raises(RegistrySourceError, match=r"leads outside the repository"):
        check_registry(f"file://{repo}@main[{subfolder}]", cache_dir=cache)


@pytest.mark.parametrize("ref", ["release/v1", "refs/tags/v1"])
def test_refs_containing_a_slash_are_checked_out(
    shop_repo: Path, tmp_path: Path, ref: str
) -> None:
    """`@release/v1` (a branch) and `@refs/tags/v1` name the tagged commit."""
    _git(shop_repo, "branch", "release/v1", "v1")
    registry = load_registry(f"file://{shop_repo}@{ref}[model]", cache_dir=tmp_path)
    assert list(registry.attributes) == ["shop.cart.size"]


def test_committed_file_link_leading_outside_the_clone_is_refused(
    shop_repo: Path, tmp_path: Path
) -> None:
    """A symlinked YAML file pointing outside the repository is not read."""
    secret = tmp_path / "secret.yaml"
    secret.write_text(MODEL.replace("registry.shop", "registry.secret"))
    (shop_repo / "model" / "evil.yaml").symlink_to(secret)
    _git(shop_repo, "add", ".")
    _git(shop_repo, "commit", "--quiet", "-m", "link")
    with pytest.raises(
        RegistrySourceError,
        match=r"model/evil.yaml in .* is a symbolic link leading outside",
    ):
        check_registry(f"file://{shop_repo}@main[model]", cache_dir=tmp_path / "c")
    with pytest.raises(
        RegistrySourceError,
        match=r"model/evil.yaml in .* is a symbolic link leading outside",
    ):
        check_registry(f"file://{shop_repo}", cache_dir=tmp_path / "c")
