"""What a full or broken standard output means for a command: one line, never a traceback.

`kg query … > /dev/full` (a full disk, a quota) raises OSError ENOSPC where the output is written or flushed; a
reader that went away (`kg query … | head`) raises BrokenPipeError. Both the click commands (kg.cli.common) and
the console script's fast path (kg.cli.launcher) end here, so every command says it the same way. Kept
import-light: the fast path uses it.
"""

from __future__ import annotations

import errno
import os
import sys

EXIT_OUTPUT = 2  # as any other failure to do what was asked
WRITE_ERRNOS = frozenset((errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS))


def is_output_error(exc: BaseException) -> bool:
    """Whether an error raised while printing is the standard output failing (not a bug to show as one)."""
    return isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS


def _silence_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered would fail again when Python flushes at exit (a
    second message, `Exception ignored …`)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real descriptor (a test runner's capture)
        pass


def output_failed(exc: OSError) -> int:
    """Say that writing the output failed, in one line on stderr, and give the exit status."""
    _silence_stdout()
    sys.stderr.write(f"Error: cannot write the output to standard output: {exc.strerror or exc}\n")
    sys.stderr.flush()
    return EXIT_OUTPUT


def reader_gone() -> int:
    """The reader of a pipe went away: not an error (exit 0), and nothing more to say."""
    _silence_stdout()
    return 0


def flush() -> None:
    sys.stdout.flush()
