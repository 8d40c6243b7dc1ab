"""Reports and exports are replaced whole or not at all."""

import os
import stat
from pathlib import Path

import pytest

from runner.atomic import NotAPlainFile, write_text_atomic


def test_the_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "report.json"
    write_text_atomic(path, "first")
    write_text_atomic(path, "second")
    assert path.read_text() == "second"
    assert [p.name for p in path.parent.iterdir()] == ["report.json"]


def test_a_failed_write_leaves_the_old_file_and_no_litter(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_text_atomic(path, "old")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(path, "new \ud800 text")  # cannot be written as UTF-8
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_reader_of_the_old_file_never_sees_the_new_text(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_text_atomic(path, "old text")
    with path.open(encoding="utf-8") as reader:
        write_text_atomic(path, "new")
        assert reader.read() == "old text"
    assert path.read_text() == "new"


def test_the_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "export.csv", "id\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "export.csv").stat().st_mode) == 0o644


@pytest.mark.parametrize("kind", ["link", "pipe"])
def test_a_link_or_pipe_is_never_replaced(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "kept.json"
    target.write_text("kept")
    path = tmp_path / "report.json"
    if kind == "link":
        path.symlink_to(target)
    else:
        os.mkfifo(path)

    with pytest.raises(NotAPlainFile, match=f"it is a {kind}|pipe"):
        write_text_atomic(path, "new")

    assert target.read_text() == "kept"
    assert path.is_symlink() if kind == "link" else stat.S_ISFIFO(path.lstat().st_mode)
