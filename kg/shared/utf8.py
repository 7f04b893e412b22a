"""Command-line text that is not UTF-8, caught before it reaches a parser, a store or a message.

Bytes of a command line that do not decode reach Python as lone surrogates (surrogateescape); pyoxigraph and
most codecs then fail with a traceback. Kept tiny and import-free: `kg query`'s fast path uses it."""

from __future__ import annotations

from kg.shared.errors import InputError

SHOWN = 60  # characters of user text quoted in a message; the rest is cut with "…"


def invalid_utf8(text: str) -> str:
    """'' when the text is valid Unicode, else the offending bytes as Python shows them (b'\\xff\\xfe')."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raw = text[exc.start:exc.end].encode("utf-8", "surrogateescape")
        return f"bytes {raw!r} at character {exc.start + 1}"
    return ""


def check_utf8(text: str, what: str) -> None:
    """InputError `WHAT is not valid UTF-8 (bytes …)` when the text holds bytes that are not UTF-8."""
    bad = invalid_utf8(text)
    if bad:
        raise InputError(f"{what} is not valid UTF-8 ({bad})")


def check_path(text: str, what: str) -> None:
    """InputError when the text cannot name a file at all: empty, not UTF-8, a NUL character, or longer than the
    file system takes. Path methods raise (ValueError, ENAMETOOLONG) or quietly say False for those, so commands taking
    a file or folder name call this first and need no special case of their own."""
    import errno
    import os

    if not text:
        raise InputError(f"{what}: empty file or folder name")
    check_utf8(text, what)
    if "\x00" in text:
        raise InputError(f"{what} {shown(text)}: a file name cannot hold a NUL character")
    try:
        os.stat(text)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise InputError(f"{what} {shown(text)}: {exc.strerror}") from None


def shown(text: str, limit: int = SHOWN) -> str:
    """User text for a one-line message: quoted like repr, and cut when long."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
