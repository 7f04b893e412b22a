"""Reading a document a person hands to `kg ingest`: plain text, UTF-8 or a Western single-byte encoding, or
UTF-8 with a few lines in one (decoded line by line, and the note names those lines).

A press text arrives as UTF-8 most of the time, sometimes as Latin-1 or Windows-1252 (an old CMS export, a
Windows editor). Those decode without error whatever the bytes are, so they are told apart from binary data
first: a file with NUL bytes or many control characters is refused rather than read as gibberish.
"""

from __future__ import annotations

from pathlib import Path

from kg.shared.errors import InputError

# Bytes 0x80-0x9F are printable in Windows-1252 (€, ’, œ, …) but C1 controls in Latin-1.
_CP1252_ONLY = set(range(0x80, 0xA0)) - {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_TEXT_CONTROLS = {9, 10, 12, 13}
_NAMES = {"windows-1252": "Windows-1252", "latin-1": "Latin-1"}


class Document:
    """The text of a document and how it was read (encoding, and a note for stderr when it was not UTF-8)."""

    __slots__ = ("encoding", "note", "path", "text")

    def __init__(self, path: Path, text: str, encoding: str, note: str | None) -> None:
        self.path, self.text, self.encoding, self.note = path, text, encoding, note


def decode(data: bytes, name: str) -> tuple[str, str, str | None]:
    """(text, encoding, note) for the bytes of a text file; InputError for empty or binary data."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS)
    if b"\x00" in sample or controls > max(2, len(sample) // 200):
        raise InputError(f"{name}: not a text file (binary data); kg ingest reads plain text (UTF-8, Latin-1 or "
                         "Windows-1252)")
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as exc:
        position = exc.start
    mixed = _mixed(data, name)
    if mixed is not None:
        return mixed
    if any(b in _CP1252_ONLY for b in data):
        try:
            text = data.decode("cp1252")
            return text, "windows-1252", (f"{name}: not UTF-8 (byte {position}); read as Windows-1252")
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1", f"{name}: not UTF-8 (byte {position}); read as Latin-1 (ISO-8859-1)"


def _single_byte(line: bytes) -> tuple[str, str]:
    if any(b in _CP1252_ONLY for b in line):
        try:
            return line.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            pass
    return line.decode("latin-1"), "latin-1"


def _mixed(data: bytes, name: str) -> tuple[str, str, str] | None:
    """A UTF-8 text with some lines in a single-byte encoding (a paragraph pasted from an old page): each line
    decoded as what it is, so that the accents of the UTF-8 lines are not made mojibake. None when no line holds
    UTF-8 beyond ASCII (the whole file is then single-byte)."""
    lines = data.splitlines(keepends=True)
    out: list[str] = []
    utf8_lines = 0
    other: dict[str, list[int]] = {}
    for number, line in enumerate(lines, 1):
        try:
            text = line.decode("utf-8")
            utf8_lines += not line.isascii()
        except UnicodeDecodeError:
            text, encoding = _single_byte(line)
            other.setdefault(encoding, []).append(number)
        out.append(text)
    if not utf8_lines:
        return None
    numbers = sorted(n for found in other.values() for n in found)
    shown = ", ".join(str(n) for n in numbers[:10]) + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")
    encodings = " or ".join(_NAMES[e] for e in sorted(other))
    note = f"{name}: UTF-8 but for {'line' if len(numbers) == 1 else 'lines'} {shown}, read as {encodings}"
    return "".join(out), "utf-8+" + "+".join(sorted(other)), note


def read_bytes(path: Path, name: str, kind: str) -> bytes:
    """The file's bytes; InputError naming it (as `name`) when it is missing, a folder or unreadable."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a {kind}") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def read_document(path: str | Path) -> Document:
    """Read and decode a text file, refusing what is not text."""
    path = Path(path)
    data = read_bytes(path, str(path), "text file")
    text, encoding, note = decode(data, str(path))
    return Document(path, text.replace("\r\n", "\n").replace("\r", "\n"), encoding, note)
