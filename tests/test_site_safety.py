"""`crdkg site --out DIR` never deletes what a user owns (issue 27): each test is named after
what broke. The refusals come before the graph is parsed, with one line and exit 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_cli
from crdkg.errors import CrdkgError
from crdkg.web.site import MARKER, check_target


def _refused(args, cwd=None):
    r = run_cli("site", *args, cwd=cwd)
    assert r.code == 2, r
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crdkg: error: "), r.err
    return lines[0]


def test_site_out_deleted_the_files_already_in_the_folder(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep", encoding="utf-8")
    message = _refused(["--out", str(folder)])
    assert "--force" in message and MARKER in message
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]  # no hidden debris beside it


@pytest.mark.parametrize("out", [".", "/", "..", "~"])
def test_site_out_dot_root_or_home_would_be_emptied(tmp_path, out):
    target = str(Path.home()) if out == "~" else out
    message = _refused(["--out", target], cwd=tmp_path)
    assert "refusing to replace" in message


def test_site_out_the_project_s_own_folder(tmp_path):
    from crdkg import resources

    for name in ("data", "queries"):
        with pytest.raises(CrdkgError, match="refusing to replace"):
            check_target(os.path.join(resources.root_folder(), name))


def test_site_out_a_file_or_a_symlink_left_hidden_debris(tmp_path):
    a_file = tmp_path / "f"
    a_file.write_text("mine", encoding="utf-8")
    assert "is a file" in _refused(["--out", str(a_file)])
    (tmp_path / "real").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "real")
    assert "symbolic link" in _refused(["--out", str(link)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f", "link", "real"]
    assert a_file.read_text(encoding="utf-8") == "mine"


def test_site_endpoint_notaurl_exited_0(tmp_path):
    assert "not an http(s) URL" in _refused(["--out", str(tmp_path / "s"), "--endpoint", "notaurl"])
    assert not (tmp_path / "s").exists()


def test_an_earlier_site_an_empty_folder_or_force_may_be_replaced(tmp_path):
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / MARKER).write_text("", encoding="utf-8")
    (earlier / "index.html").write_text("old", encoding="utf-8")
    assert check_target(earlier) == earlier
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check_target(empty) == empty
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("x", encoding="utf-8")
    assert check_target(mine, force=True) == mine
