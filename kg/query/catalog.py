"""The catalogue of named queries: `queries/NAME.rq` files whose `#+ key: value` header describes them.

The header lives in SPARQL comments, so each file still runs unchanged in any SPARQL editor:

    #+ summary: Laboratories and each of their supervising institutions
    #+ description: Lists every research unit … (repeat the key for more lines)
    #+ tags: organisations, labs
    #+ reasoning: none
    #+ param: lab | iri | optional | The laboratory (IRI or prefixed name), e.g. ekd:lix
    #+ param: lang | string | default=fr | Language of the labels
    #+ view: table

`view` says how the web pages show the result, as Wikidata's `#defaultView` does: `table` (the default),
`timeline` (rows on a time axis, by the first column holding dates) or `bar` (a bar per row, by the first
numeric column; one chart per unit when the result has a `unit` column).
"""

from __future__ import annotations

import os
import re
from collections import namedtuple
from collections.abc import Mapping
from pathlib import Path

from kg import REGIMES, __version__
from kg.query.params import ParamSpec, bind, parse_type, parse_value, resolve, resolve_untyped
from kg.shared import sparqltext
from kg.shared.errors import InputError, KgError, ParameterError
from kg.shared.utf8 import check_utf8, shown

HEADER_KEYS = ("summary", "description", "tags", "reasoning", "param", "view")
VIEWS = ("table", "timeline", "bar")
AD_HOC_ORIGIN = "<query>"

# Regular expressions as text, compiled on first use (re caches them): compiling every module's patterns
# at import time cost milliseconds on each `kg query`, most of them never used.
_HEADER = r"^#\+\s*([A-Za-z_-]+)\s*:\s?(.*)$"
_POSITION = r"^error at (\d+):(\d+):\s*(.*)$"


_QueryFields = namedtuple("NamedQuery", "name text origin summary description tags reasoning params has_header view",
                          defaults=(AD_HOC_ORIGIN, "", "", (), "none", (), False, "table"))


class NamedQuery(_QueryFields):
    """A query and what its header says about it.

    Fields: name, text, origin (the file as shown to the user, or <query>), summary, description, tags,
    reasoning, params (ParamSpecs), has_header, view (table, timeline, bar: how the web pages show it). A named
    tuple rather than a dataclass, to keep `kg query`'s imports light."""

    __slots__ = ()

    @property
    def form(self) -> str | None:
        """select, ask, construct or describe."""
        return sparqltext.query_form(self.text)

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)

    def as_dict(self) -> dict[str, object]:
        """Plain data for `kg queries --format json` and generated docs."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "reasoning": self.reasoning,
            "view": self.view,
            "form": self.form,
            "params": [
                {"name": p.name, "type": p.type_text, "mode": p.mode, "description": p.description}
                for p in self.params
            ],
        }


def _origin(path: Path) -> str:
    from kg.shared.paths import display_path

    return display_path(path)


def parse_query_text(text: str, name: str, origin: str = AD_HOC_ORIGIN, *, require_summary: bool = True
                     ) -> NamedQuery:
    """Read the `#+` header of a query. Malformed lines are InputError naming `origin:line`."""
    fields: dict[str, list[tuple[int, str]]] = {key: [] for key in HEADER_KEYS}
    in_header = True
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#+"):
            if not in_header:
                raise InputError(f"{origin}:{lineno}: '#+' header line after the query has started")
            match = re.match(_HEADER, stripped)
            if not match:
                raise InputError(f"{origin}:{lineno}: malformed header line, expected '#+ key: value'")
            key, value = match.group(1).lower(), match.group(2).strip()
            if key not in HEADER_KEYS:
                import difflib  # only on errors: it costs 6 ms to import

                close = difflib.get_close_matches(key, HEADER_KEYS, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise InputError(f"{origin}:{lineno}: unknown header key {key!r}{hint}; "
                                 f"known keys: {', '.join(HEADER_KEYS)}")
            fields[key].append((lineno, value))
        elif stripped and not stripped.startswith("#"):
            in_header = False
    has_header = any(fields.values())

    def single(key: str) -> tuple[int, str] | None:
        entries = fields[key]
        if len(entries) > 1:
            raise InputError(f"{origin}:{entries[1][0]}: header key {key!r} given more than once")
        return entries[0] if entries else None

    summary = single("summary")
    if summary is not None and not summary[1]:
        raise InputError(f"{origin}:{summary[0]}: empty summary")
    if summary is None and require_summary:
        raise InputError(f"{origin}:1: missing '#+ summary: …' header line")
    reasoning_entry = single("reasoning")
    reasoning = "none"
    if reasoning_entry is not None:
        reasoning = reasoning_entry[1].lower()
        if reasoning not in REGIMES:
            raise InputError(f"{origin}:{reasoning_entry[0]}: unknown reasoning {reasoning_entry[1]!r} "
                             f"(choose from {', '.join(REGIMES)})")
    view_entry = single("view")
    view = "table"
    if view_entry is not None:
        view = view_entry[1].lower()
        if view not in VIEWS:
            raise InputError(f"{origin}:{view_entry[0]}: unknown view {view_entry[1]!r} "
                             f"(choose from {', '.join(VIEWS)})")
    tags: list[str] = []
    for _, value in fields["tags"]:
        tags.extend(t.strip() for t in value.split(",") if t.strip())
    used = sparqltext.variables(text) if fields["param"] else set()
    params: list[ParamSpec] = []
    for lineno, value in fields["param"]:
        spec = _parse_param(value, origin, lineno)
        if any(p.name == spec.name for p in params):
            raise InputError(f"{origin}:{lineno}: parameter {spec.name!r} declared twice")
        if spec.name not in used:
            raise InputError(f"{origin}:{lineno}: parameter {spec.name!r} is declared but the query "
                             f"never uses ?{spec.name}")
        params.append(spec)
    return NamedQuery(
        name=name, text=text, origin=origin,
        summary=summary[1] if summary else "",
        description=" ".join(v for _, v in fields["description"]),
        tags=tuple(dict.fromkeys(tags)),
        reasoning=reasoning,
        params=tuple(params),
        has_header=has_header,
        view=view,
    )


def _parse_param(value: str, origin: str, lineno: int) -> ParamSpec:
    parts = [part.strip() for part in value.split("|", 3)]
    where = f"{origin}:{lineno}"
    if len(parts) != 4:
        raise InputError(f"{where}: malformed param, expected "
                         "'#+ param: name | type | required|optional|default=VALUE | description'")
    name, type_text, mode, description = parts
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
        raise InputError(f"{where}: {name!r} is not a valid parameter name")
    try:
        kind, lang = parse_type(type_text)
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None
    required, default = False, None
    if mode == "required":
        required = True
    elif mode.startswith("default="):
        default = mode[len("default="):].strip()
    elif mode != "optional":
        raise InputError(f"{where}: unknown parameter mode {mode!r} "
                         "(choose required, optional or default=VALUE)")
    spec = ParamSpec(name, kind, lang, required, default, description)
    if default is not None:
        try:
            parse_value(spec, default)
        except ParameterError as exc:
            raise InputError(f"{where}: bad default: {exc.message}") from None
    return spec


def load_query_file(path: Path, origin: str | None = None) -> NamedQuery:
    """One named query from its file. `origin` is how errors name the file (default: its display path)."""
    origin = origin or _origin(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{origin}: cannot read: {exc}") from None
    return parse_query_text(text, path.stem, origin)


def load_catalog(queries_dir: Path | str) -> dict[str, NamedQuery]:
    """Every `*.rq` file of a folder, by name (the file stem), sorted by name.

    The parsed catalogue is remembered in the cache directory and reused while no query file and no module
    of kg has changed (see _read_index): `kg queries` then reads one file instead of parsing every query and
    loading pyoxigraph to check their defaults."""
    folder = Path(queries_dir)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such queries directory")
    shown = _origin(folder) + "/"  # resolved once, not once per file
    shown = "" if shown == "./" else shown
    paths = sorted(folder.glob("*.rq"))
    signature = _index_signature(paths)
    queries = _read_index(folder, signature, shown)
    if queries is None:
        queries = [load_query_file(p, shown + p.name) for p in paths]
        _write_index(folder, signature, queries)
    return {q.name: q for q in queries}


# -- the parsed catalogue, remembered ---------------------------------------------------------------
_INDEX_FORMAT = 2


def _index_signature(paths: list[Path]) -> list:
    """What a parse depends on: each query file (name, size, mtime, ctime, inode), kg's version and every
    module that takes part in parsing (kg/__init__ for the regimes, kg/query for the parser and parameter types,
    kg/shared for the prefixes and terms)."""
    from kg.shared.paths import file_signature

    root = Path(__file__).resolve().parent.parent
    modules = [root / "__init__.py"]
    for package in ("query", "shared"):
        modules += sorted(Path(entry.path) for entry in os.scandir(root / package) if entry.name.endswith(".py"))
    return [_INDEX_FORMAT, __version__,
            [[path.relative_to(root).as_posix(), *file_signature(path)] for path in modules],
            [[p.name, *file_signature(p)] for p in paths]]


def _read_index(folder: Path, signature: list, shown: str) -> list[NamedQuery] | None:
    """The remembered catalogue of `folder` if its signature still holds; `shown` prefixes the origins."""
    from kg.shared.paths import CATALOGUE_FILE, cache_root, read_remembered

    entry = read_remembered(cache_root() / CATALOGUE_FILE).get(str(folder.resolve()))
    try:
        if not entry or entry["signature"] != signature:
            return None
        return [NamedQuery(name, text, f"{shown}{name}.rq", summary, description, tuple(tags), reasoning,
                           tuple(ParamSpec(*spec) for spec in params), has_header, view)
                for name, text, summary, description, tags, reasoning, params, has_header, view
                in entry["queries"]]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # stale or damaged: parse the files


def _write_index(folder: Path, signature: list, queries: list[NamedQuery]) -> None:
    from kg.shared.paths import CATALOGUE_FILE, cache_root, read_remembered, write_remembered

    path = cache_root() / CATALOGUE_FILE
    index = {key: value for key, value in read_remembered(path).items() if os.path.isdir(key)}  # forget deleted
    index[str(folder.resolve())] = {
        "signature": signature,
        "queries": [[q.name, q.text, q.summary, q.description, list(q.tags), q.reasoning,
                     [list(p) for p in q.params], q.has_header, q.view] for q in queries],
    }
    write_remembered(path, index)


def find(queries_dir: Path | str, name: str) -> NamedQuery:
    """One query by name, reading only its file (`kg query` need not parse the whole catalogue); an unknown
    name reads the folder's file names to suggest the closest."""
    check_utf8(name, "the query name")
    if not name.strip():
        raise InputError("empty query name (kg queries lists them)")
    folder = Path(queries_dir)
    path = folder / f"{name}.rq"
    if "/" not in name and "\\" not in name and len(name) < 250 and path.is_file():
        return load_query_file(path)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such queries directory")
    names = {p.stem: p for p in sorted(folder.glob("*.rq"))}
    return get(dict.fromkeys(names), name)  # raises with suggestions


def get(catalog: Mapping[str, NamedQuery], name: str) -> NamedQuery:
    """A query by name; an unknown name is an error that suggests the closest names."""
    if name in catalog:
        return catalog[name]
    if len(name) > 250:  # no query is named so: spare difflib the comparison
        raise InputError(f"unknown query {shown(name)} (kg queries lists them)")
    import difflib  # only on errors: it costs 6 ms to import

    close = difflib.get_close_matches(name, list(catalog), n=3, cutoff=0.5)
    if not close:
        close = [n for n in catalog if name.lower() in n.lower()][:3]
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise InputError(f"unknown query {shown(name)}{hint} (kg queries lists them)")


def filter_by_tag(catalog: Mapping[str, NamedQuery], tag: str | None) -> list[NamedQuery]:
    """Queries carrying a tag (case-insensitive), or all of them."""
    queries = list(catalog.values())
    if tag is None:
        return queries
    wanted = tag.strip().lower()
    return [q for q in queries if wanted in (t.lower() for t in q.tags)]


def check_syntax(text: str, origin: str = AD_HOC_ORIGIN) -> None:
    """Parse the query without running it; a syntax error names `origin:line:column`. A query nested too deep
    for pyoxigraph's parser (kg.shared.sparqltext.MAX_NESTING) is refused before it is parsed."""
    import pyoxigraph as ox

    from kg.shared.namespaces import PREFIXES

    sparqltext.check_nesting(text, origin)

    def parse() -> None:
        # parsing is eager and evaluation lazy: an empty store costs nothing (but an ASK is evaluated at once)
        ox.Store().query(text, prefixes=PREFIXES)

    try:
        if sparqltext.services(text):  # an ASK would call its services: a parse fails fast, or it parsed
            run_bounded(parse, SYNTAX_WAIT, lambda: None)
        else:
            parse()
    except (OSError, RuntimeError, KgError):
        return  # it parsed: an ASK is evaluated at once, and its SERVICE failed; the real run reports that
    except SyntaxError as exc:
        message = " ".join(str(exc.args[0] if exc.args else exc).split())
        if len(message) > 240:
            message = message[:240] + "…"
        match = re.match(_POSITION, message, re.DOTALL)
        if match:
            # Oxigraph's column is one past the offending character; editors count from 1 at it.
            column = max(1, int(match.group(2)) - 1)
            raise InputError(f"{origin}:{match.group(1)}:{column}: query does not parse: "
                             f"{match.group(3)}") from None
        raise InputError(f"{origin}: query does not parse: {message}") from None


SYNTAX_WAIT = 1.0  # seconds: a query that does not parse fails well within this (parsing takes milliseconds)


def run_bounded(call: object, timeout: float, on_timeout: object) -> object:
    """`call()` in a worker thread, waited for at most `timeout` seconds; past that, `on_timeout()` (which
    raises, or returns what to answer). pyoxigraph releases the GIL while it evaluates, and offers no
    timeout of its own for SERVICE calls: a thread is how a silent service cannot hang kg. The abandoned
    worker is a daemon thread, so the process still ends."""
    import threading

    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = call()  # type: ignore[operator]
        except BaseException as exc:
            # pyoxigraph's result objects must be freed by the thread that made them: drop the tracebacks
            # (whose frames hold them) here, and hand over only the exceptions.
            seen = exc
            while seen is not None:
                seen.__traceback__ = None
                seen = seen.__context__ or seen.__cause__
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="kg-query", daemon=True)
    worker.start()
    # Waited for in short slices: a Ctrl-C the kernel hands to the worker (stuck in Rust on a silent SERVICE)
    # does not wake a long join, and would only be seen once the whole timeout had passed.
    import time

    end = time.monotonic() + timeout
    while worker.is_alive() and (left := end - time.monotonic()) > 0:
        worker.join(min(left, 0.05))
    if worker.is_alive():
        return on_timeout()  # type: ignore[operator]
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


def prepare(query: NamedQuery, raw_params: Mapping[str, str]) -> str:
    """Check the query's syntax, then bind its typed parameters (untyped ones when it has no header)."""
    check_syntax(query.text, query.origin)
    if query.params or query.has_header:
        bindings = resolve(query.params, raw_params)
    else:
        bindings = resolve_untyped(raw_params)
    return bind(query.text, bindings)


def render_listing(queries: list[NamedQuery], fmt: str = "table", width: int | None = None) -> str:
    """The catalogue for `kg queries`: a table of name, summary and parameters (fitted to `width`, the
    terminal's, when given), or JSON."""
    import json

    from kg.output.columns import table_lines

    if fmt == "json":
        return json.dumps([q.as_dict() for q in queries], indent=2, ensure_ascii=False) + "\n"
    if not queries:
        return "(no queries)\n"
    rows = [(q.name, q.summary, ", ".join(f"{p.name} ({p.type_text}, {p.mode})" for p in q.params) or "-")
            for q in queries]
    return "\n".join(table_lines(("NAME", "SUMMARY", "PARAMETERS"), rows, width)) + "\n"


_EXAMPLES = {"iri": "ekd:cnrs", "string": "text", "langstring": "texte@fr", "integer": "42",
             "decimal": "3.14", "date": "2024-01-31", "boolean": "true"}
_EXAMPLE_IN_TEXT = r"\be\.g\.\s+(\S+?)[.,;)]?(?:\s|$)"


def example_value(spec: ParamSpec) -> str:
    """A value to show for a parameter: the one its description gives (`e.g. ekd:lix`), else a
    placeholder of its type."""
    match = re.search(_EXAMPLE_IN_TEXT, spec.description)
    if match:
        return match.group(1)
    if spec.type == "string" and spec.lang:
        return f"texte@{spec.lang}" if spec.lang == "fr" else f"text@{spec.lang}"
    return _EXAMPLES.get(spec.type, "VALUE")


def render_help(query: NamedQuery, width: int = 100) -> str:
    """`kg query NAME --help`: what the query answers, its parameters with their types and examples, how to
    run it. The generic options are left to `kg query --help`."""
    import textwrap

    def para(text: str, indent: str = "  ") -> list[str]:
        return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [indent]

    lines = [f"Usage: kg query {query.name} [-p NAME=VALUE]... [OPTIONS]", ""]
    lines += para(query.summary or "(no summary)")
    if query.description:
        lines += ["", *para(query.description)]
    lines += ["", "Parameters (-p NAME=VALUE):" if query.params else "Parameters: none"]
    if query.params:
        rows = [(p.name, f"{p.type_text}, {p.mode}", p.description or "-", example_value(p))
                for p in query.params]
        name_w = max(len(r[0]) for r in rows)
        kind_w = max(len(r[1]) for r in rows)
        for name, kind, description, example in rows:
            lines.append(f"  {name:<{name_w}}  {kind:<{kind_w}}  {description}")
            if f"e.g. {example}" not in description:
                lines.append(f"  {'':<{name_w}}  {'':<{kind_w}}  e.g. -p {name}={example}")
    lines += ["", f"Reasoning: {query.reasoning} (--reasoning overrides it)"]
    if query.tags:
        lines.append(f"Tags: {', '.join(query.tags)}")
    lines.append(f"File: {query.origin}")
    lines += ["", "Examples:", f"  kg query {query.name}"]
    required = [p for p in query.params if p.required]
    sample = required or list(query.params[:1])
    if sample:
        assignments = " ".join(f"-p {p.name}={example_value(p)}" for p in sample)
        lines.append(f"  kg query {query.name} {assignments}")
    lines.append(f"  kg query {query.name} --format csv > {query.name}.csv")
    lines += ["", "Options (--format, --lang, --reasoning, --endpoint…): kg query --help"]
    return "\n".join(lines) + "\n"


# -- ad-hoc queries and execution --------------------------------------------------------------------
def load_ad_hoc(arg: str, stdin_text: str | bytes | None = None) -> NamedQuery:
    """`kg sparql` input: `-` (stdin, text or the raw bytes read), a file, or the query text itself. A `#+`
    header is honoured."""
    if arg == "-":
        if isinstance(stdin_text, bytes):
            stdin_text = decode_utf8(stdin_text, "<stdin>")
        if not (stdin_text or "").strip():
            raise InputError("<stdin>: empty query: pipe SPARQL text into kg sparql -")
        return parse_query_text(stdin_text or "", "<stdin>", "<stdin>", require_summary=False)
    if not arg.strip():
        raise InputError("empty query: give SPARQL text, a query file (.rq) or - to read stdin")
    check_utf8(arg, "the query")
    path = Path(arg)
    looks_like_path = "\n" not in arg and not any(c in arg for c in "{}") and len(arg) < 4096
    if looks_like_path and path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{_origin(path)}: cannot read: {exc}") from None
        return parse_query_text(text, path.stem, _origin(path), require_summary=False)
    if looks_like_path and (path.suffix.lower() in (".rq", ".sparql") or path.is_dir()):
        raise InputError(f"{arg}: no such query file")
    return parse_query_text(arg, AD_HOC_ORIGIN, AD_HOC_ORIGIN, require_summary=False)


def decode_utf8(data: bytes, origin: str) -> str:
    """Text from UTF-8 bytes; invalid bytes are an InputError naming where they are."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{origin}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                         f"{exc.start})") from None


class Execution:
    """A query's result and how to look labels up where it ran."""

    __slots__ = ("result", "run")

    def __init__(self, result: object, run: object = None) -> None:
        self.result = result  # kg.shared.results.QueryResult
        self.run = run  # Callable[[str], QueryResult] | None, for kg.output.labels


AUTH_MODES = ("basic", "digest", "none")


def _auth(auth: str | None) -> tuple[str, str] | str | None:
    """`USER:PASSWORD`, or a mode (basic, digest, none) whose credentials come from the environment."""
    if not auth:
        return None
    if auth in AUTH_MODES:
        return auth
    user, sep, password = auth.partition(":")
    if not sep:
        raise ParameterError(f"--auth: write USER:PASSWORD or one of {', '.join(AUTH_MODES)}")
    return user, password


def execute(sparql: str, *, reasoning: str = "none", engine: str = "rules", use_cache: bool = True,
            data_dir: str | None = None, endpoint: str | None = None, auth: str | None = None,
            timeout: float = 60.0) -> Execution:
    """Run a bound query on the embedded graph, or at `endpoint` over the project's named graphs."""
    if endpoint:
        return _execute_remote(sparql, reasoning=reasoning, endpoint=endpoint, auth=_auth(auth),
                               timeout=timeout)
    from kg.engine.graph import open_graph
    from kg.shared.paths import layout

    # A query needs only the default graph (per-file provenance is left to whoever needs it): a closure-only
    # cache entry will do. One that names graphs (GRAPH, FROM) sees the per-file and round graphs, as ever.
    kgraph = open_graph(layout(data_dir), reasoning=reasoning, engine=engine, use_cache=use_cache,
                        provenance=sparqltext.reads_named_graphs(sparql))
    services = sparqltext.services(sparql)

    def too_long() -> object:  # the query runs on in its thread, out of reach; the process ends soon after
        from kg.shared.errors import StoreError

        if not services:
            raise StoreError(f"the query ran past the time limit of {timeout:g} s and was stopped (--timeout "
                             "sets the limit)")
        named = services[0] if len(services) == 1 else f"one of {', '.join(services)}"
        raise StoreError(f"SERVICE {named}: no answer within {timeout:g} s (--timeout sets how long to wait)")

    # In a thread with a deadline, as the server runs its queries: pyoxigraph can neither cancel a query nor
    # time out a silent SERVICE, and a runaway would otherwise hold the terminal until Ctrl-C.
    return Execution(run_bounded(lambda: kgraph.query(sparql), timeout, too_long), kgraph.query)


def remote_default_graphs(reasoning: str) -> list[str]:
    from kg.shared.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY

    graphs = [GRAPH_ONTOLOGY, GRAPH_DATA]
    return [*graphs, GRAPH_INFERRED] if reasoning != "none" else graphs


def _execute_remote(sparql: str, *, reasoning: str, endpoint: str, auth: tuple[str, str] | str | None,
                    timeout: float) -> Execution:
    from kg.shared.errors import StoreError
    from kg.shared.results import SelectResult

    try:
        from kg.stores import remote
    except ImportError:
        raise StoreError("--endpoint: remote queries are not available here (no kg.stores.remote)") from None
    graphs = remote_default_graphs(reasoning)

    def run(text: str) -> object:
        return remote.run_query(endpoint, text, default_graphs=graphs, auth=auth, timeout=timeout)

    result = run(sparql)
    if isinstance(result, SelectResult):
        result.ordered = sparqltext.has_order_by(sparql)
    return Execution(result, run)
