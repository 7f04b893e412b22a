"""Progress on stderr for the steps that can take more than a couple of seconds: the one facility every part of
kg uses (loading, reasoning, validation, the cache, export; document ingestion and releases to come).

    from kg.shared import progress

    with progress.step("Parsing data", total=len(files), unit="files") as p:
        for path in files:
            ...
            p.advance()                  # or p.advance(n); p.detail("round 3") for a step without a total
    progress.note("12 files skipped")    # a line of its own, only when progress is shown

Why this shape: a person at a terminal should see that a long step is alive and how far it got; a pipe, a log or
a test must get nothing but the command's own output. So:

- Shown only when stderr is a terminal, or when KG_PROGRESS=1 forces it (KG_PROGRESS=0 silences it).
- A step draws nothing during its first second (`delay`): quick steps leave no trace. After that, one line is
  rewritten in place (at most every 0.1 s), and a ticker redraws it every half second, so a step that cannot
  count (one long SHACL run) still shows its elapsed time.
- A step that was shown ends with a summary line ("Parsing data: 120 files, 12.1 s"); one that was not shown
  prints nothing. Forced onto something that is not a terminal, lines are printed, not rewritten, at most one
  every 5 s.

Nothing here is imported on a warm query's path; the module itself imports only os, sys, threading and time.
"""

from __future__ import annotations

import os
import sys
import threading
import time

ENV = "KG_PROGRESS"
DELAY = 1.0  # seconds a step runs before it is shown
TICK: float | None = 0.5  # seconds between the ticker's redraws (None: no ticker thread, for tests)
_REDRAW = 0.1  # least seconds between two redraws on a terminal
_LOG_EVERY = 5.0  # least seconds between two lines when forced onto something that is not a terminal

__all__ = ["DELAY", "ENV", "Step", "enabled", "note", "step"]


def enabled(stream: object = None) -> bool:
    """Whether progress is shown on `stream` (default: stderr)."""
    forced = os.environ.get(ENV, "")
    if forced in ("0", "1"):
        return forced == "1"
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def _terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s"


def _amount(n: float, unit: str, total: float | None = None) -> str:
    """`n unit`, or `n/total unit` ("bytes" as MB)."""
    if unit == "bytes":
        shown = f"{n / 1e6:,.1f}" + (f"/{total / 1e6:,.1f}" if total else "")
        return f"{shown} MB"
    shown = f"{n:,.0f}" + (f"/{total:,.0f}" if total else "")
    return shown + (f" {unit}" if unit else "")


class Step:
    """One long step: a label, optionally a total to count towards. Use it through `step()`."""

    def __init__(self, label: str, total: float | None = None, unit: str = "", *, stream: object = None,
                 delay: float | None = None, clock=time.monotonic) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.done = 0.0
        self.extra = ""
        self._stream = sys.stderr if stream is None else stream
        self._on = enabled(self._stream)
        self._tty = _terminal(self._stream)
        self._delay = DELAY if delay is None else delay
        self._clock = clock
        self._start = clock()
        self._drawn = float("-inf")  # when the line was last drawn
        self._shown = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # -- what the caller calls ------------------------------------------------------------------------
    def advance(self, n: float = 1) -> None:
        """Count `n` more units done."""
        self.done += n
        self._maybe_draw()

    def detail(self, text: str) -> None:
        """Say where the step is when it cannot count (e.g. "round 4, 1,204 new triples")."""
        self.extra = text
        self._maybe_draw()

    # -- drawing ---------------------------------------------------------------------------------------
    def text(self) -> str:
        """The line as it would be drawn now."""
        parts = []
        if self.total:
            share = min(self.done / self.total, 1.0)
            parts.append(f"{_amount(self.done, self.unit, self.total)} ({share:.0%})")
        elif self.done:
            parts.append(_amount(self.done, self.unit))
        if self.extra:
            parts.append(self.extra)
        parts.append(_duration(self._clock() - self._start))
        return f"{self.label}: {', '.join(parts)}"

    def _maybe_draw(self, force: bool = False) -> None:
        if not self._on:
            return
        now = self._clock()
        if now - self._start < self._delay:
            return
        if not force and now - self._drawn < (_REDRAW if self._tty else _LOG_EVERY):
            return
        with self._lock:
            self._drawn = now
            self._shown = True
            self._write(self.text())

    def _write(self, line: str, final: bool = False) -> None:
        try:
            if self._tty:
                self._stream.write("\r\x1b[K" + line + ("\n" if final else ""))  # type: ignore[attr-defined]
            else:
                self._stream.write(line + "\n")  # type: ignore[attr-defined]
            self._stream.flush()  # type: ignore[attr-defined]
        except (OSError, ValueError):
            self._on = False  # stderr went away: progress is never worth an error

    def _tick(self) -> None:
        while not self._stop.wait(TICK or 0.5):
            self._maybe_draw()

    def __enter__(self) -> Step:
        _ACTIVE.append(self)
        self._maybe_draw()  # at once when there is no delay
        if self._on and TICK:
            self._ticker = threading.Thread(target=self._tick, name="kg-progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self in _ACTIVE:
            _ACTIVE.remove(self)
        if self._shown:
            with self._lock:
                if exc_info[0] is None:
                    summary = self.text()
                else:
                    summary = f"{self.label}: stopped after {_duration(self._clock() - self._start)}"
                self._write(summary, final=True)


_ACTIVE: list[Step] = []


def step(label: str, total: float | None = None, unit: str = "", *, stream: object = None,
         delay: float | None = None) -> Step:
    """A context manager for one long step; `total` (with its `unit`, "bytes" printed as MB) when it can
    count, `delay` seconds before it shows (default DELAY)."""
    return Step(label, total, unit, stream=stream, delay=delay)


def note(message: str, *, stream: object = None) -> None:
    """A line of its own, shown only when progress is (e.g. what a long step decided); it does not tear the line
    of a step being drawn."""
    stream = sys.stderr if stream is None else stream
    if not enabled(stream):
        return
    try:
        if _terminal(stream) and any(s._shown for s in _ACTIVE):
            stream.write("\r\x1b[K")  # type: ignore[attr-defined]
        stream.write(message + "\n")  # type: ignore[attr-defined]
        stream.flush()  # type: ignore[attr-defined]
    except (OSError, ValueError):
        pass
    for active in _ACTIVE:
        active._drawn = float("-inf")  # redraw its line at the next update
