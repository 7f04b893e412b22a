"""What the terminal is like, read at the edges (the commands), so the libraries below take plain values."""

from __future__ import annotations

import os
import sys

DEFAULT_COLUMNS = 80


def terminal_width(stream: object = None) -> int | None:
    """Columns of the terminal that `stream` (default stdout) writes to, or None when it is not a terminal
    (piped, redirected, captured): then tables keep their full values. $COLUMNS, when a number, wins."""
    stream = sys.stdout if stream is None else stream
    try:
        if not stream.isatty():  # type: ignore[attr-defined]
            return None
        fileno = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(fileno).columns or DEFAULT_COLUMNS
    except OSError:
        return DEFAULT_COLUMNS
