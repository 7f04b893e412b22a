"""Small lexical helpers over SPARQL text that skip comments, strings and IRIs.

We never build queries by pasting values; these helpers only find places in a query (its top-level WHERE,
an ORDER BY) so that a VALUES block of serialised RDF terms can be inserted.
"""

from __future__ import annotations

import itertools
import re

_QUOTED = (  # strings, IRIs and comments: each a single token, whatever it contains
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',  # long strings
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\\n]|\\.)*"',  # short strings
    r"'(?:[^'\\\n]|\\.)*'",
    r"<[^<>\"{}|^`\\\s]*>",  # IRIs
    r"#[^\n]*",  # comments
)
_VARIABLE = r"[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+"
# Prefixed names (PNAME_NS, then PN_LOCAL). The first class is [A-Za-z\u00C0-\uFFFF] written as its
# complement, which compiles 10× faster (1.5 ms saved on every `kg query`).
_PREFIXED_NAME = (r"(?:[^\x00-\x40\x5b-\x60\x7b-\xbf\U00010000-\U0010FFFF](?:[\w\-.]*[\w\-])?)?:"
                  r"(?:(?:[\w\-:%]|\\[^\s])(?:(?:[\w\-:%.]|\\[^\s])*(?:[\w\-:%]|\\[^\s]))?)?")
_WORD = r"[A-Za-z_][A-Za-z0-9_]*"
_TOKEN = re.compile("|".join([*_QUOTED, r"[{}]", _VARIABLE, _PREFIXED_NAME, _WORD, r"\s+", "."]), re.DOTALL)
# What `variables` needs of the tokens: the same branches in the same order, the variable captured, without
# the single-character ones; scanned by the regex engine alone (2× faster: `kg queries` reads every query).
_SKIP_OR_VARIABLE = "|".join([*_QUOTED, f"({_VARIABLE})", _PREFIXED_NAME, _WORD])


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
    for a, b in itertools.pairwise(tail):
        if a.upper() == "ORDER" and b.upper() == "BY":
            return True
    return False


# -- finding places in a query (used by kg.query.params to insert a VALUES block) -----------------------------

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def significant_tokens(text: str) -> list[tuple[int, str]]:
    """Tokens without whitespace and comments."""
    return [(pos, tok) for pos, tok in tokens(text) if not tok.isspace() and not tok.startswith("#")]


def query_form(text: str) -> str | None:
    """select, ask, construct or describe: the first query-form keyword after the prologue."""
    for _, tok in significant_tokens(text):
        if tok.upper() in QUERY_FORMS:
            return tok.lower()
    return None


def _matching_brace(toks: list[tuple[int, str]], open_index: int) -> int:
    depth = 0
    for i in range(open_index, len(toks)):
        if toks[i][1] == "{":
            depth += 1
        elif toks[i][1] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced braces")


def where_group(text: str) -> tuple[int, int, bool]:
    """Offsets just inside the braces of the outermost WHERE group: (after `{`, at `}`, body is a sub-SELECT).

    Raises ValueError when the query has no WHERE group (e.g. `DESCRIBE <iri>`) or its braces do not balance.
    """
    toks = significant_tokens(text)
    start = next((i for i, (_, t) in enumerate(toks) if t.upper() in QUERY_FORMS), None)
    if start is None:
        raise ValueError("no SELECT, ASK, CONSTRUCT or DESCRIBE keyword")
    i = start + 1
    if toks[start][1].upper() == "CONSTRUCT" and i < len(toks) and toks[i][1] == "{":
        i = _matching_brace(toks, i) + 1  # skip the template
    parens = 0
    open_index = None
    while i < len(toks):
        tok = toks[i][1]
        if tok == "(":
            parens += 1
        elif tok == ")":
            parens -= 1
        elif parens == 0 and tok.upper() == "WHERE":
            j = i + 1
            if j < len(toks) and toks[j][1] == "{":
                open_index = j
            break
        elif parens == 0 and tok == "{":
            open_index = i
            break
        i += 1
    if open_index is None:
        raise ValueError("no WHERE clause")
    close_index = _matching_brace(toks, open_index)
    sub_select = open_index + 1 < len(toks) and toks[open_index + 1][1].upper() == "SELECT"
    return toks[open_index][0] + 1, toks[close_index][0], sub_select


def variables(text: str) -> set[str]:
    """Names of the variables a query mentions (without `?`/`$`), outside strings, IRIs and comments."""
    return {name[1:] for name in re.findall(_SKIP_OR_VARIABLE, text, re.DOTALL) if name}



def services(text: str) -> list[str]:
    """What each SERVICE clause names, as written (`<http://…>`, a prefixed name or a variable), in order."""
    toks = significant_tokens(text)
    out: list[str] = []
    for i, (_, tok) in enumerate(toks):
        if tok.upper() != "SERVICE":
            continue
        rest = [t for _, t in toks[i + 1:i + 3]]
        if rest and rest[0].upper() == "SILENT":
            rest = rest[1:]
        if rest and rest[0] not in out:
            out.append(rest[0])
    return out


def reads_named_graphs(text: str) -> bool:
    """Whether a query looks at named graphs (GRAPH, FROM, FROM NAMED) rather than the default graph alone."""
    return any(tok.upper() in ("GRAPH", "FROM") for _, tok in significant_tokens(text))


# -- how deep a query nests (pyoxigraph's parser recurses: too deep a query overflows the stack) -------------

# pyoxigraph 0.5 recurses once per level of nesting, and once per link of a chain (`a || b || …`, `{…} UNION {…}
# UNION …`, a run of OPTIONALs or BINDs: each a left-deep tree), parsing, planning and dropping a query; a stack
# overflow there kills the whole process (SIGSEGV), whatever thread it runs in. Measured on an 8 MiB stack
# (benchmarks/query_nesting.py): 820 levels of `FILTER EXISTS {`, 940 of `STR(`, 2,190 of `{`, 4,670 of `(`,
# 9,340 of `!`; chains of 6,520 UNIONs, 6,880 `+`, 9,340 `||`. Real queries nest a dozen levels and hold a few
# dozen operators; these bounds keep the costliest construct measured about 3× under its limit, both at once.
MAX_NESTING = 256
MAX_OPERATORS = 2000
_NESTERS = "({[!"
_KEYWORDS = ("UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "GRAPH", "SERVICE", "VALUES", "EXISTS", "IN")
_OPERATOR_CHARS = "(){}[]!+-*/|&=<>^,;"
_DROP_OPERATORS = str.maketrans("", "", _OPERATOR_CHARS)
# What `nesting` looks at: strings, IRIs and comments (skipped whole), brackets, operators and the keywords that
# build a node of the algebra. Everything else is passed over by the regex engine alone: a 1 MB query takes
# 0.05-1 s, where the full tokenizer takes 2-6 s.
_STRUCTURE = re.compile("|".join([*_QUOTED, r"(?:[^\W\d]|:)[\w\-.]*:[\w\-.:%]*",  # prefixed names: `-` is no minus
                                  r"[(){}\[\]]|!(?!=)|[+\-*/|&=<>^,;]",
                                  r"\b(?i:" + "|".join(_KEYWORDS) + r")\b"]),
                        re.DOTALL)


def _surely_within(text: str) -> bool:
    """Whether counting characters alone shows that the query passes neither bound: every request of the server
    asks, and C loops take microseconds for a few KB where the regex scan takes about 1 µs a character. Each
    keyword that builds a node comes with a bracket (UNION {, FILTER (, FILTER EXISTS {, IN (…), at most two to
    a bracket: three times the brackets and operators is a bound on what `nesting` counts."""
    if sum(text.count(c) for c in _NESTERS) > MAX_NESTING:
        return False
    if len(text) <= MAX_OPERATORS:
        return True
    return 3 * (len(text) - len(text.translate(_DROP_OPERATORS))) <= MAX_OPERATORS


def nesting(text: str, quick: bool = True) -> tuple[int, int, int]:
    """(the deepest nesting of (), {}, [] and prefix `!` outside strings, IRIs and comments; the offset where it
    first passes MAX_NESTING, or -1; how many brackets, operators and operator keywords the query holds, each a
    node of pyoxigraph's trees). A run of `!` counts one level for each: the parser recurses for each. Counting
    stops as soon as a bound is passed (the query is refused either way). `quick`: (-1, -1, -1) when counting
    characters shows the query is within both bounds (the usual case) without scanning it."""
    if quick and _surely_within(text):
        return -1, -1, -1  # the usual query cannot pass either bound: no need to look closer
    depth = deepest = operators = 0
    where = -1
    stack: list[int] = []  # the `!`s just before each open bracket
    bangs = 0
    for match in _STRUCTURE.finditer(text):
        tok = match.group(0)
        if len(tok) > 1 and (tok[0] in "\"'<#" or ":" in tok):  # a string, an IRI, a comment, a prefixed name
            continue
        operators += 1
        if tok == "!":
            bangs += 1
            depth += 1
        elif tok in ("(", "{", "["):
            stack.append(bangs)
            bangs = 0
            depth += 1
        elif tok in (")", "}", "]"):
            depth -= 1 + bangs + (stack.pop() if stack else 0)  # the `!`s before the bracket end with it
            bangs = 0
        elif bangs:  # an operator after the operand of a run of `!`: they nest no further
            depth -= bangs
            bangs = 0
        if depth > deepest:
            deepest = depth
            if where < 0 and depth > MAX_NESTING:
                where = match.start()
        if where >= 0 or operators > MAX_OPERATORS:  # refused either way
            break
    return deepest, where, operators


def check_nesting(text: str, origin: str = "") -> None:
    """InputError when the query nests deeper than MAX_NESTING or chains more than MAX_OPERATORS operators:
    refused before pyoxigraph parses it (it would crash the process)."""
    from kg.shared.errors import InputError

    deepest, where, operators = nesting(text)
    if deepest > MAX_NESTING:
        line = text.count("\n", 0, where) + 1
        column = where - (text.rfind("\n", 0, where) + 1) + 1
        place = f"{origin}:{line}:{column}: " if origin else f"line {line}, column {column}: "
        raise InputError(f"{place}the query nests brackets (or `!`) more than {MAX_NESTING} levels deep; at most "
                         f"{MAX_NESTING} are accepted (deeper would overflow the SPARQL parser's stack)")
    if operators > MAX_OPERATORS:
        place = f"{origin}: " if origin else ""
        raise InputError(f"{place}the query holds more than {MAX_OPERATORS} brackets, operators and UNION, "
                         f"OPTIONAL, FILTER or BIND keywords; at most {MAX_OPERATORS} are accepted (more would "
                         "overflow the SPARQL parser's stack): split it, or use VALUES for long lists")
