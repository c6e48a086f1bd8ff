"""write_rendered never writes outside the output folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from weavergen.errors import OutputEscape
from weavergen.forge import output
from weavergen.forge.output import contained_path, write_rendered
from weavergen.forge.render import RenderedFile


def rendered(path: Path, text: str = "x") -> RenderedFile:
    """A rendered file at ``path``."""
    return RenderedFile(path=path, text=text, pattern="attributes", group_ids=[])


def test_files_are_written_with_parents(tmp_path: Path) -> None:
    """Nested paths are created and the written paths returned."""
    out = tmp_path / "out"
    written = write_rendered([rendered(out / "a/b.py", "text\n")], out)
    assert written == [(out / "a/b.py").resolve()]
    assert (out / "a/b.py").read_text(encoding="utf-8") == "text\n"


@pytest.mark.parametrize("name", ["../x.py", "a/../../x.py", "../out-sibling/x.py"])
def test_parent_directory_escape_is_refused(tmp_path: Path, name: str) -> None:
    """``..`` segments that climb out of the folder raise OutputEscape."""
    out = tmp_path / "out"
    with pytest.raises(OutputEscape, match="outside"):
        write_rendered([rendered(Path(name))], out)
    assert not (tmp_path / "x.py").exists()


def test_absolute_path_elsewhere_is_refused(tmp_path: Path) -> None:
    """An absolute path outside the folder raises OutputEscape."""
    with pytest.raises(OutputEscape):
        write_rendered([rendered(tmp_path / "elsewhere.py")], tmp_path / "out")
    assert not (tmp_path / "elsewhere.py").exists()


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    """A symlinked subfolder pointing outside cannot be written through."""
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    os.symlink(outside, out / "link")
    with pytest.raises(OutputEscape):
        write_rendered([rendered(out / "link/evil.py")], out)
    assert list(outside.iterdir()) == []


def test_symlinked_file_pointing_outside_is_refused(tmp_path: Path) -> None:
    """Overwriting a symlink whose target is outside is refused."""
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    os.symlink(victim, out / "file.py")
    with pytest.raises(OutputEscape):
        write_rendered([rendered(out / "file.py", "overwritten")], out)
    assert victim.read_text(encoding="utf-8") == "keep"


def test_nothing_is_written_when_any_path_escapes(tmp_path: Path) -> None:
    """Paths are all checked first, so a bad one leaves the folder empty."""
    out = tmp_path / "out"
    files = [rendered(out / "good.py"), rendered(Path("../bad.py"))]
    with pytest.raises(OutputEscape):
        write_rendered(files, out)
    assert list(out.iterdir()) == []


def test_output_folder_itself_is_not_a_file(tmp_path: Path) -> None:
    """The folder itself is not a valid file destination."""
    with pytest.raises(OutputEscape):
        contained_path(tmp_path, tmp_path)


def test_relative_output_folder_and_bare_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paths already under a relative output folder, and bare names, land inside it."""
    monkeypatch.chdir(tmp_path)
    out = Path("out")
    written = write_rendered([rendered(out / "a.py"), rendered(Path("b.py"))], out)
    assert written == [
        (tmp_path / "out/a.py").resolve(),
        (tmp_path / "out/b.py").resolve(),
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.py", "b.py"]


def test_symlink_inside_the_folder_is_written_through(tmp_path: Path) -> None:
    """A symlink to another file of the output folder writes that file."""
    out = tmp_path / "out"
    (out / "real").mkdir(parents=True)
    os.symlink(out / "real" / "a.py", out / "a.py")
    written = write_rendered([rendered(out / "a.py", "text")], out)
    assert written == [(out / "real" / "a.py").resolve()]
    assert (out / "real" / "a.py").read_text(encoding="utf-8") == "text"


def test_symlink_planted_after_planning_is_replaced_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A symlink appearing where a planned file goes is replaced, not followed."""
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    plan = output._contained

    def plan_then_plant(path: Path, output_dir: Path, root: Path) -> Path:
        planned = plan(path, output_dir, root)
        os.symlink(victim, planned)
        return planned

    monkeypatch.setattr(output, "_contained", plan_then_plant)
    write_rendered([rendered(out / "file.py", "overwritten")], out)
    assert victim.read_text(encoding="utf-8") == "keep"
    assert not (out / "file.py").is_symlink()
    assert (out / "file.py").read_text(encoding="utf-8") == "overwritten"


def test_hard_link_in_output_is_replaced_not_written_through(tmp_path: Path) -> None:
    """A hard link to an outside file, planted in OUTPUT, leaves that file alone."""
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("ORIGINAL", encoding="utf-8")
    os.link(victim, out / "out.txt")

    write_rendered([rendered(out / "out.txt", "generated")], out)

    assert victim.read_text(encoding="utf-8") == "ORIGINAL"
    assert (out / "out.txt").read_text(encoding="utf-8") == "generated"
    assert sorted(p.name for p in out.iterdir()) == ["out.txt"]


def test_folder_where_a_file_goes_fails_before_any_write(tmp_path: Path) -> None:
    """A folder on disk in the way of a later file: nothing at all is written."""
    out = tmp_path / "out"
    (out / "b.txt").mkdir(parents=True)
    with pytest.raises(OutputEscape, match="a folder of that name exists"):
        write_rendered(
            [rendered(out / "a.txt", "a"), rendered(out / "b.txt", "b")], out
        )
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]


def test_file_where_a_folder_goes_fails_before_any_write(tmp_path: Path) -> None:
    """A file on disk where a later file needs a folder: nothing at all is written."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "zz").write_text("old", encoding="utf-8")
    with pytest.raises(OutputEscape, match="zz is a file, not a folder"):
        write_rendered(
            [rendered(out / "a.txt", "a"), rendered(out / "zz" / "in.txt", "b")], out
        )
    assert sorted(p.name for p in out.iterdir()) == ["zz"]


def test_written_files_get_the_umask_mode(tmp_path: Path) -> None:
    """A new file has the mode open() would give it, not the temp file's 0600."""
    out = tmp_path / "out"
    write_rendered([rendered(out / "a.txt", "a")], out)
    assert (out / "a.txt").stat().st_mode & 0o777 == output._NEW_FILE_MODE
    assert output._NEW_FILE_MODE & 0o600 == 0o600


def test_files_are_written_as_utf8_with_unix_newlines(tmp_path: Path) -> None:
    """Text is stored as UTF-8 bytes exactly as rendered, one folder made once."""
    out = tmp_path / "out"
    texts = ["é\nline\n", "second\r\n"]
    files = [rendered(out / "pkg" / f"m{i}.py", t) for i, t in enumerate(texts)]
    write_rendered(files, out)
    assert [(out / "pkg" / f"m{i}.py").read_bytes() for i in range(2)] == [
        t.encode("utf-8") for t in texts
    ]
