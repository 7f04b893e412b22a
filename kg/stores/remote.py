"""Run a SPARQL query on a remote endpoint and get the same result objects as the embedded engine.

The query is POSTed as a form with one `default-graph-uri` per graph, so the endpoint answers over the same
union of graphs the embedded store uses (Virtuoso sees every graph unless restricted this way; Oxigraph
sees only its empty default graph). Terms come back as pyoxigraph terms, so formatting and golden
comparisons do not care where a result came from.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.shared.errors import StoreError
from kg.shared.results import GraphResult, QueryResult, to_result
from kg.stores.profiles import check_base_url, redact

if TYPE_CHECKING:
    from requests.auth import AuthBase

RESULTS_JSON = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")
_VALID_BNODE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside strings, IRIs and comments."""
    from kg.shared.sparqltext import tokens

    for _, tok in tokens(sparql):
        if tok.upper() in _FORMS:
            return tok.upper()
    return "SELECT"


def with_prefixes(sparql: str) -> str:
    """Declare the project's prefixes the query uses without declaring, as the embedded engine does."""
    from kg.shared.namespaces import PREFIXES
    from kg.shared.sparqltext import code_only

    code = code_only(sparql)
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(code)}
    missing = [
        f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()
        if p not in declared and re.search(rf"(?<![\w:<]){re.escape(p)}:", code)
    ]
    return "".join(missing) + sparql


def _resolve_auth(auth: Any, url: str) -> AuthBase | None:
    from requests.auth import AuthBase, HTTPBasicAuth

    from kg.stores.http import make_auth

    if auth is None:
        return make_auth("basic", url)  # credentials from the environment or ~/.netrc, if any
    if isinstance(auth, str):
        return make_auth(auth, url)
    if isinstance(auth, tuple):
        return HTTPBasicAuth(*auth)
    if isinstance(auth, AuthBase):
        return auth
    raise TypeError("auth must be None, 'basic'|'digest'|'none', a (user, password) tuple or a requests auth")


def _normalise_bnodes(payload: bytes) -> bytes:
    """Virtuoso names blank nodes `nodeID://b10002` in JSON results, which is not a blank node label:
    map every label pyoxigraph would reject to a valid one, the same label to the same node."""
    data = json.loads(payload)
    names: dict[str, str] = {}
    changed = False
    for row in (data.get("results") or {}).get("bindings") or []:
        for value in row.values():
            if value.get("type") == "bnode" and not _VALID_BNODE.match(value.get("value", "")):
                value["value"] = names.setdefault(value["value"], f"b{len(names)}")
                changed = True
    return json.dumps(data).encode("utf-8") if changed else payload


def run_query(
    endpoint_url: str,
    sparql: str,
    *,
    default_graphs: list[str],
    auth: Any = None,
    timeout: float = 60,
    verify_tls: bool = True,
) -> QueryResult:
    """Run one query (parameters already bound) on a SPARQL endpoint; raise StoreError on any failure.

    `auth`: None (credentials from KG_STORE_USER/KG_STORE_PASSWORD or ~/.netrc, sent as basic auth if
    found), a mode "basic"|"digest"|"none", a (user, password) tuple, or a requests auth object.
    A result cut short by the server (Virtuoso's ResultSetMaxRows, or its anytime-query timeout) is an
    error, never a silently shorter answer.
    """
    from kg.stores.http import HttpClient, server_message

    check_base_url(endpoint_url, "--endpoint")
    form = query_form(sparql)
    text = with_prefixes(sparql)
    accept = RESULTS_JSON if form in ("SELECT", "ASK") else GRAPH_ACCEPT
    data = [("query", text)] + [("default-graph-uri", g) for g in default_graphs]
    client = HttpClient(auth=_resolve_auth(auth, endpoint_url), timeout=timeout, verify_tls=verify_tls)
    client.set_deadline(timeout, option="--timeout")  # the whole wait, retries included, not each try
    try:
        response = client.send("POST", endpoint_url, what="query", data=data, headers={"Accept": accept})
    finally:
        client.session.close()

    cap = response.headers.get("X-SPARQL-MaxRows")
    if cap:
        raise StoreError(
            f"query: {redact(endpoint_url)} cut the result at {cap} rows (Virtuoso ResultSetMaxRows): "
            "raise that limit in the server's virtuoso.ini [SPARQL] section, or page with LIMIT/OFFSET"
        )
    if response.headers.get("X-SQL-State"):
        raise StoreError(
            f"query: {redact(endpoint_url)} returned a partial result "
            f"({response.headers.get('X-SQL-Message') or response.headers['X-SQL-State']})"
        )
    media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    try:
        if form in ("SELECT", "ASK"):
            if media not in (RESULTS_JSON, "application/json"):
                raise StoreError(
                    f"query: {redact(endpoint_url)} answered {media or 'no content type'}, not SPARQL JSON "
                    f"results: {server_message(response.text)}"
                )
            parsed = ox.parse_query_results(
                _normalise_bnodes(response.content), format=ox.QueryResultsFormat.JSON
            )
            return to_result(parsed, sparql)
        rdf_format = ox.RdfFormat.N_TRIPLES if media == "text/plain" else ox.RdfFormat.from_media_type(media)
        if rdf_format is None:
            raise StoreError(
                f"query: {redact(endpoint_url)} answered {media or 'no content type'}, not RDF: "
                f"{server_message(response.text)}"
            )
        triples = [q.triple for q in ox.parse(response.content, format=rdf_format)]
        return GraphResult(triples)
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"query: cannot read the answer of {redact(endpoint_url)}: {exc}") from None
