"""The fault matrix of `kg release` (issue 25, item 7): an OUTDIR that is a symbolic link or a dangling one, a
SOURCE_DATE_EPOCH out of range, a parent folder that cannot be written, a disk that fills up while writing, and
an OUTDIR whose parents do not exist yet. Each answers one line `Error: …` and exit 2, leaving nothing behind, or
does what `mkdir -p` would do."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli.main import cli
from kg.publish import release

EPOCH = "1764547200"  # 2025-12-01T00:00:00Z


def run_release(outdir: Path | str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["release", str(outdir), "--no-diagrams"],
                              env={"SOURCE_DATE_EPOCH": EPOCH, **(env or {})}, prog_name="kg")


def assert_one_line_error(result: Result, *contains: str) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for text in contains:
        assert text in lines[0], (text, lines[0])
    return lines[0]


def entries(folder: Path) -> list[str]:
    """Everything under `folder`, links included, so a leftover temporary folder shows."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_release_into_a_symbolic_link_to_an_empty_folder_writes_into_that_folder(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    result = run_release(tmp_path / "link")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "link").is_symlink() and os.readlink(tmp_path / "link") == "real"
    assert (tmp_path / "real" / "SHA256SUMS").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]  # no temporary folder left


def test_release_into_a_dangling_symbolic_link_is_one_line(tmp_path):
    (tmp_path / "dangling").symlink_to("nowhere")
    assert_one_line_error(run_release(tmp_path / "dangling"), "symbolic link to nowhere", "does not exist")
    assert entries(tmp_path) == ["dangling"]


def test_release_into_a_symbolic_link_to_a_full_folder_or_a_file_is_refused(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    (tmp_path / "to-full").symlink_to("full")
    (tmp_path / "file").write_text("x")
    (tmp_path / "to-file").symlink_to("file")
    for name in ("to-full", "to-file"):
        assert_one_line_error(run_release(tmp_path / name), "already exists and is not an empty folder")
    assert entries(tmp_path) == ["file", "full", "full/x", "to-file", "to-full"]


def test_release_below_a_dangling_link_or_a_file_is_one_line(tmp_path):
    (tmp_path / "dangling").symlink_to("nowhere")
    (tmp_path / "file").write_text("x")
    assert_one_line_error(run_release(tmp_path / "dangling" / "a" / "b"), "dangling symbolic link")
    assert_one_line_error(run_release(tmp_path / "file" / "a"), "not a folder")
    assert entries(tmp_path) == ["dangling", "file"]


@pytest.mark.parametrize("epoch", ["99999999999999", "-1", "253402300800", "-99999999999999"])
def test_source_date_epoch_out_of_range_is_one_line(tmp_path, epoch):
    line = assert_one_line_error(run_release(tmp_path / "out", {"SOURCE_DATE_EPOCH": epoch}), "out of range")
    assert line.startswith(f"Error: SOURCE_DATE_EPOCH='{epoch}'")
    assert entries(tmp_path) == []


def test_source_date_epoch_at_the_bounds_is_accepted(monkeypatch):
    from kg.shared.paths import layout

    for epoch in ("0", str(release.LAST_EPOCH)):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        assert release.release_epoch(layout()) == int(epoch)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_release_into_a_read_only_parent_is_one_line(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        assert_one_line_error(run_release(parent / "out"), "permission denied")
        assert_one_line_error(run_release(parent / "a" / "b"), "permission denied")
        assert entries(parent) == []
    finally:
        parent.chmod(0o755)


def test_a_parent_that_refuses_the_temporary_folder_is_one_line(tmp_path, monkeypatch):
    """What a read-only parent does when the check cannot see it (root, a read-only mount, a race)."""
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    assert_one_line_error(run_release(tmp_path / "a" / "b" / "out"), "Permission denied", "cannot write a release")
    assert entries(tmp_path) == []  # the parents made for it are gone again


def test_a_disk_that_fills_up_while_writing_leaves_nothing(tmp_path, monkeypatch):
    real_put = release.ReleaseWriter._put
    calls = []

    def put(self, name, raw):
        calls.append(name)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_put(self, name, raw)

    monkeypatch.setattr(release.ReleaseWriter, "_put", put)
    assert_one_line_error(run_release(tmp_path / "a" / "out"), "No space left on device", "nothing was written")
    assert entries(tmp_path) == []


def test_release_makes_missing_parents_like_mkdir_p(tmp_path):
    result = run_release(tmp_path / "a" / "b" / "c")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / "b" / "c" / "SHA256SUMS").is_file()
    assert entries(tmp_path)[:3] == ["a", "a/b", "a/b/c"]
    assert not [p for p in (tmp_path / "a" / "b").iterdir() if p.name != "c"]  # no temporary folder left


def test_release_into_an_existing_empty_folder_still_works(tmp_path):
    (tmp_path / "out").mkdir()
    result = run_release(tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "dataset.ttl").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
