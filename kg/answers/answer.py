"""The value every answer function returns: the text a command prints and its exit status."""

from __future__ import annotations

from kg.shared.errors import EXIT_OK


class Answer:
    """What to print on stdout, and the exit status (1 when an ASK query answers false)."""

    __slots__ = ("exit_code", "text")

    def __init__(self, text: str, exit_code: int = EXIT_OK) -> None:
        self.text = text
        self.exit_code = exit_code
