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
