"""Writes to a graph folder that happen whole or not at all, under the folder's lock.

Why a journal: `kg accept` changes up to three files (the document's data file, its kept text, its decisions) and
`kg retract` removes them. Each file is written to a temporary name and renamed, which is atomic for one file;
for several, the list of renames and removals is first written (atomically) to `.kg-journal`. A process killed
before the journal exists changed nothing; killed after, the next command that opens the folder finishes the
list (every step can be repeated). Readers therefore see the graph before or after, never between.

Why a lock: two writers that each read the graph, then write, would each miss the other's document (and give it
the same number). A writer holds an exclusive `flock` on `.kg-lock` from before it reads the graph until its
journal is done; a second writer waits (up to $KG_LOCK_WAIT seconds, default 30), then is refused in one line.

This module imports nothing of kg.shared.paths, which calls `recover` when it sees a journal.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from kg.shared.errors import InputError, KgError

JOURNAL = ".kg-journal"  # the same name as kg.shared.paths.JOURNAL (checked by a test)
LOCK = ".kg-lock"


class GraphBusy(KgError):
    """Another writer holds the graph folder's lock."""


# -- the lock ------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def locked(root: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the graph folder's write lock; wait up to `wait` seconds ($KG_LOCK_WAIT, default 30) for another
    writer, then refuse."""
    import fcntl

    if wait is None:
        import math

        text = os.environ.get("KG_LOCK_WAIT") or "30"
        try:
            wait = float(text)
        except ValueError:
            wait = math.nan
        if not math.isfinite(wait) or wait < 0:
            raise InputError(f"$KG_LOCK_WAIT: {text!r} is not a finite, non-negative number of seconds")

    path = root / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InputError(f"{root}: cannot write in the graph folder ({exc.strerror or exc}); nothing written") \
            from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise GraphBusy(f"{root}: another kg command is writing to this graph (lock {LOCK}); "
                                    "try again when it has finished") from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)  # releases the lock


# -- writes of several files, whole or not at all ------------------------------------------------------------
def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(final: Path, content: bytes) -> Path:
    tmp = final.with_name(f".{final.name}.kg-tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def commit(root: Path, writes: dict[Path, bytes], removals: list[Path] = ()) -> None:  # type: ignore[assignment]
    """Write every file of `writes` and remove every file of `removals`, all or nothing (see the module)."""
    temps: dict[Path, Path] = {}
    try:
        for final, content in writes.items():
            final.parent.mkdir(parents=True, exist_ok=True)
            temps[final] = _write_temp(final, content)
        steps = {"rename": [[str(t), str(f)] for f, t in temps.items()], "remove": [str(p) for p in removals]}
        journal = root / JOURNAL
        tmp_journal = _write_temp(journal, json.dumps(steps).encode())
        os.replace(tmp_journal, journal)  # the point of no return
        _fsync_dir(root)
    except OSError as exc:
        for tmp in temps.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        where = getattr(exc, "filename", None) or root
        raise InputError(f"{where}: cannot write ({exc.strerror or exc}); nothing written") from None
    _roll_forward(root)


def _roll_forward(root: Path) -> None:
    journal = root / JOURNAL
    try:
        steps = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError):  # a journal is renamed into place whole: damage is not ours to guess at
        raise InputError(f"{journal}: damaged journal of an interrupted write; remove it and check the graph") \
            from None
    for tmp, final in steps.get("rename", []):
        if os.path.exists(tmp):
            os.replace(tmp, final)
    for path in steps.get("remove", []):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    for _, final in steps.get("rename", []):
        _fsync_dir(Path(final).parent)
    journal.unlink(missing_ok=True)
    _fsync_dir(root)


def recover(root: Path | str) -> None:
    """Finish a write of several files that a killed process left (its journal); remove the temporary files of
    writes killed before their journal existed. Done under the lock, so never in the middle of a live write."""
    root = Path(root)
    if not (root / JOURNAL).exists() and not _leftovers(root):
        return
    try:
        with locked(root, wait=0.0):
            _roll_forward(root)
            for tmp in _leftovers(root):
                with contextlib.suppress(OSError):
                    tmp.unlink()
    except GraphBusy:
        return  # a live writer will finish its own journal
    except InputError:
        if (root / JOURNAL).exists():
            raise
        # a read-only folder: nothing to finish, nothing we may do


def _leftovers(root: Path) -> list[Path]:
    found = []
    for folder in (root, root / "data", root / "sources", root / "decisions"):
        with contextlib.suppress(OSError):
            found += [p for p in folder.glob(".*.kg-tmp-*")]
    return found
