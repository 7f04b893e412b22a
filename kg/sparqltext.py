"""Small lexical helpers over SPARQL text that skip comments, strings and IRIs.

We never build queries by pasting values; these helpers only find places in a query (its top-level WHERE,
an ORDER BY) so that a VALUES block of serialised RDF terms can be inserted.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"  # IRIs
    r"|#[^\n]*"  # comments
    r"|[{}]"
    r"|[A-Za-z_][A-Za-z0-9_]*"  # words
    r"|\s+|.",
    re.DOTALL,
)


def tokens(text: str) -> list[tuple[int, str]]:
    """(offset, token) pairs; strings, IRIs and comments are single tokens."""
    return [(m.start(), m.group(0)) for m in _TOKEN.finditer(text)]


def code_only(text: str) -> str:
    """The query with comments blanked and string contents removed (for keyword look-ups)."""
    out = []
    for _, tok in tokens(text):
        if tok.startswith("#"):
            out.append(" ")
        elif tok[:1] in "\"'" and len(tok) >= 2:
            out.append('""')
        else:
            out.append(tok)
    return "".join(out)


def has_order_by(text: str) -> bool:
    """True when the outermost query has ORDER BY (after its last top-level closing brace)."""
    depth = 0
    last_close = -1
    toks = tokens(text)
    for i, (_, tok) in enumerate(toks):
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth == 0:
                last_close = i
    tail = [t for _, t in toks[last_close + 1:] if t.strip() and not t.startswith("#")]
    for a, b in zip(tail, tail[1:], strict=False):
        if a.upper() == "ORDER" and b.upper() == "BY":
            return True
    return False
