"""Errors that carry their exit code, so the CLI can print one line and exit the right way."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FALSE = 1  # ASK false, data does not conform, triple does not hold
EXIT_USAGE = 2  # usage or input error


class KgError(Exception):
    """A user-facing error: one line of text and an exit code (2 unless said otherwise)."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class InputError(KgError):
    """Bad input: a file that does not parse, a malformed term, an unknown name."""


class ParameterError(KgError):
    """A query parameter that is unknown, missing or of the wrong type."""


class StoreError(KgError):
    """A remote triplestore refused, failed or could not be reached."""


LONG_WORD = 300  # characters: a longer run without spaces (a pasted blob, not an IRI) is cut in messages
KEPT = 100  # characters of it that are kept


def one_line(message: str) -> str:
    """A message as the one line the CLI prints: line breaks become spaces, and a very long run without
    spaces (a huge argument echoed back) is cut to its start and an ellipsis, keeping any closing quote."""
    if "\n" in message or "\r" in message:
        message = " ".join(message.split())
    if len(message) <= LONG_WORD:
        return message
    words = message.split(" ")
    for i, word in enumerate(words):
        if len(word) > LONG_WORD:
            closing = word[-1] if word[-1] in "'\")>" else ""
            words[i] = word[:KEPT] + "…" + closing
    return " ".join(words)
