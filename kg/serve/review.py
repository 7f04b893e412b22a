"""Review in the browser: the pending reviews of a graph folder, one page each, with the same edits a spreadsheet
makes to the same TSV file and the same accept as `kg accept`.

Where reviews live: `reviews/*.tsv` in the graph folder (`kg ingest … -o reviews/x.tsv`), or the folder given by
`kg serve --reviews DIR`. The routes are there only when the server runs on a graph folder of one's own (never
on the packaged graph, which is read-only) and listens on a loopback address (unless `--remote-review`).

Thin: the page's data come from kg.ingest.reviewpage (built on kg.ingest.reviewstate); a decision or a corrected
cell is kg.ingest.reviewstate.decide/correct (the file rewritten whole and atomically); the accept button is
kg.ingest.accept.accept, as the command line runs it. Every POST carries the server's secret token (a hidden field
of every form), comes from the page's own origin and names one of our host names (no DNS rebinding); anything
else is refused with 403 and changes nothing. Forms work without JavaScript (a POST answers with a redirect back
to the row); static/review.js only keeps the scroll position.

After an accept, the graph this process serves is opened again (the entity pages show the new facts); the other
server processes notice the changed data files within a second and do the same.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlparse

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from kg.shared.errors import KgError

ENV_TOKEN = "KG_SERVE_TOKEN"  # set by `kg serve` for its processes: one secret per server, shared by its children
MAX_FORM = 64 * 1024
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
CHECK_EVERY = 1.0  # seconds between two looks at the graph's files (another process's accept shows within it)

WORDS = {
    "en": {"reviews": "Reviews", "pending": "Pending reviews", "none_pending": "No review is waiting.",
           "put_here": "Review files (kg ingest … -o FILE.tsv) are read from", "rows": "rows",
           "accepted": "accepted", "rejected": "rejected", "undecided": "undecided", "text": "The document",
           "candidates": "Candidates, by sentence", "accept": "Accept", "reject": "Reject", "undo": "Undecide",
           "correct": "Correct a cell", "save": "Save", "column": "Column", "value": "Value",
           "accept_all": "Accept the reviewed rows", "by": "Accepted by", "no_text": "The text cannot be read "
           "(neither the kept copy nor the review's path holds it); rows are shown without it.",
           "stale": "This review was made against another state of the graph: accepting re-checks every row.",
           "exists": "in the graph", "unknown": "unknown", "created": "created by", "result": "Result",
           "written": "Written", "nothing_written": "Nothing written", "added": "Statements added",
           "inferred": "Inferred statements gained", "removed": "Statements removed", "why": "why",
           "outcome": "outcome", "row": "row", "other_rows": "Rows without a sentence of the text",
           "sentence": "Sentence", "file": "file", "open_document": "open the document's page",
           "decision": "decision", "status": "status", "quote": "quote", "kind": "kind", "this_row": "new: this row",
           "see": "See", "accepted_as": "accepted as", "waiting": "decisions not yet accepted"},
    "fr": {"reviews": "Relectures", "pending": "Relectures en attente", "none_pending": "Aucune relecture en attente.",
           "put_here": "Les fichiers de relecture (kg ingest … -o FICHIER.tsv) sont lus dans", "rows": "lignes",
           "accepted": "acceptées", "rejected": "rejetées", "undecided": "à décider", "text": "Le document",
           "candidates": "Propositions, par phrase", "accept": "Accepter", "reject": "Rejeter",
           "undo": "Annuler la décision", "correct": "Corriger une cellule", "save": "Enregistrer",
           "column": "Colonne", "value": "Valeur", "accept_all": "Accepter les lignes relues",
           "by": "Accepté par", "no_text": "Le texte est introuvable (ni la copie conservée ni le chemin de la "
           "relecture) : les lignes sont montrées sans lui.",
           "stale": "Cette relecture a été faite sur un autre état du graphe : l’acceptation revérifie chaque ligne.",
           "exists": "dans le graphe", "unknown": "inconnu", "created": "créé par", "result": "Résultat",
           "written": "Écrit", "nothing_written": "Rien n’a été écrit", "added": "Déclarations ajoutées",
           "inferred": "Déclarations déduites en plus", "removed": "Déclarations retirées", "why": "pourquoi",
           "outcome": "issue", "row": "ligne", "other_rows": "Lignes sans phrase du texte", "sentence": "Phrase",
           "file": "fichier", "open_document": "ouvrir la page du document", "decision": "décision",
           "status": "statut", "quote": "citation", "kind": "sorte", "this_row": "nouveau : cette ligne",
           "see": "Voir", "accepted_as": "acceptée comme", "waiting": "décisions pas encore acceptées"},
}


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def graph_stamp(lay: object) -> tuple:
    """What changes when a file of the graph does (names, sizes, modification times): one stat per file."""
    from kg.shared.paths import file_signature

    files = [*lay.ontology_files(), *lay.shapes_files(), *lay.data_files()]  # type: ignore[attr-defined]
    return tuple((str(p), *file_signature(p)) for p in files)


class Reviews:
    """The review routes of one server: where the reviews are, the graph folder accept writes to, the token."""

    def __init__(self, state: object, root: Path) -> None:
        from kg.ingest.reviewpage import reviews_dir

        self.state = state
        self.config = state.config  # type: ignore[attr-defined]
        self.site = state.site  # type: ignore[attr-defined]
        self.root = root
        self.folder = reviews_dir(root, getattr(self.config, "reviews_dir", None))
        self.token = os.environ.get(ENV_TOKEN) or secrets.token_urlsafe(32)
        self.hosts = set(LOOPBACK_NAMES) | {str(self.config.host).strip("[]").lower()}
        if self.config.base_url:
            self.hosts.add((urlparse(self.config.base_url).hostname or "").lower())
        self.reload_lock = threading.Lock()
        self.known_lock = threading.Lock()
        self._known: tuple[tuple, object] | None = None
        self.stamp = graph_stamp(state.layout)  # type: ignore[attr-defined]
        self.checked = time.monotonic()

    # -- the graph served follows the folder -------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        """Open the graph again when its files changed (an accept here or in another process, a retract, an
        edit): the site's pages, search and SPARQL then answer from the new graph."""
        state = self.state
        stamp = graph_stamp(state.layout)  # type: ignore[attr-defined]
        if stamp == self.stamp and not force:
            return
        with self.reload_lock:
            stamp = graph_stamp(state.layout)  # type: ignore[attr-defined]
            if stamp == self.stamp and not force:
                return
            from kg.engine.graph import open_graph
            from kg.serve.endpoint import _graph_store
            from kg.serve.site import Site

            try:
                kgraph = open_graph(state.layout, reasoning=self.config.reasoning)  # type: ignore[attr-defined]
                kgraph.ensure_provenance()
            except (KgError, OSError):
                self.stamp = stamp  # a broken edit: keep serving the graph as it was; tried again when it changes
                return
            state.kgraph = kgraph  # type: ignore[attr-defined]
            resources = getattr(state, "resources", None)
            if resources is not None:
                resources.stores = {self.config.reasoning: _graph_store(kgraph)}
                resources.description_counts = None
            # the routes hold the Site's bound methods: the same object, filled again
            vars(self.site).update(vars(Site(state)))
            self.site.env.globals["pending_reviews"] = self.pending
            self.stamp = stamp

    def known(self) -> object:
        """The graph's Known for the review pages, built once per state of the graph's files."""
        from kg.ingest.reviewpage import known_graph

        stamp = graph_stamp(self.state.layout)  # type: ignore[attr-defined]
        with self.known_lock:
            if self._known is None or self._known[0] != stamp:
                self._known = (stamp, known_graph(str(self.root)))
            return self._known[1]

    def stale_graph(self) -> bool:
        """Whether the graph's files changed since it was opened; looked at most once a second, so that a
        busy endpoint pays a few stat calls a second, not per request."""
        now = time.monotonic()
        if now - self.checked < CHECK_EVERY:
            return False
        self.checked = now
        return graph_stamp(self.state.layout) != self.stamp  # type: ignore[attr-defined]

    # -- guards --------------------------------------------------------------------------------------------
    def host_ok(self, request: Request) -> bool:
        """Whether the request names this server: a loopback name, --host or --base-url's host (a page of
        another name that resolves to 127.0.0.1 — DNS rebinding — is refused). With --remote-review the user
        chose to serve other machines: any name, the token and the origin checks still apply."""
        if getattr(self.config, "remote_review", False):
            return True
        host = (request.url.hostname or "").lower()
        return host in self.hosts or _is_loopback(host)

    def post_refusal(self, request: Request, form: dict[str, str]) -> str | None:
        """Why a POST is refused (None: it may go on): a foreign host, another origin, no or a wrong token."""
        if not self.host_ok(request):
            return f"host {request.url.hostname!r} is not this server's"
        own = f"{request.url.scheme}://{request.url.netloc}".lower()
        origin = request.headers.get("origin")
        if origin is not None and origin.lower() != own:
            return f"a form from another origin ({origin}) is refused"
        if origin is None:
            referer = request.headers.get("referer")
            if referer:
                parsed = urlparse(referer)
                if f"{parsed.scheme}://{parsed.netloc}".lower() != own:
                    return "a form from another site is refused"
        if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return "a form from another site is refused"
        if not hmac.compare_digest(form.get("token", "").encode("utf-8"), self.token.encode("utf-8")):
            return "the form's token is missing or out of date (the server was restarted?): reload the page"
        return None

    async def read_form(self, request: Request) -> dict[str, str] | Response:
        from kg.serve.form import parse_form

        body = await request.body()
        if len(body) > MAX_FORM:
            return self.refused(request, "the form is too large", 413)
        form = dict(parse_form(body))
        why = self.post_refusal(request, form)
        if why:
            return self.refused(request, why, 403)
        return form

    def refused(self, request: Request, message: str, status: int) -> Response:
        return self.site.render(request, "error.html", status, title="Refused", message=message)

    # -- data ----------------------------------------------------------------------------------------------
    def pending(self) -> list[dict[str, object]]:
        """The reviews of the folder with their counts (for the home page and /review/)."""
        from kg.ingest.reviewpage import review_files, review_summary

        return [review_summary(p, self.root) for p in review_files(self.folder).values()]

    def file(self, name: str) -> Path | None:
        from kg.ingest.reviewpage import review_files

        return review_files(self.folder).get(name)

    def page(self, request: Request, path: Path, status: int = 200, **extra: object) -> Response:
        from kg.ingest.reviewpage import review_page, review_summary, touched_entities
        from kg.shared.paths import display_path

        lang = self.lang(request)
        try:
            page = review_page(path, str(self.root), known=self.known())
        except KgError as exc:
            return self.site.render(request, "error.html", 400, title=path.name, message=exc.message)
        result = extra.get("result")
        extra["touched"] = touched_entities(page, result) if isinstance(result, dict) else []
        extra["summary"] = review_summary(path, self.root)
        extra["who"] = extra.get("who") or _default_who()
        return self.site.render(request, "review.html", status, title=f"{WORDS[lang]['reviews']}: {path.name}",
                                page=page, rw=WORDS[lang], token=self.token, folder=display_path(self.folder),
                                action=f"/review/{quote(path.name)}", **extra)

    @staticmethod
    def lang(request: Request) -> str:
        from kg.serve.site import pick_lang

        return pick_lang(request)

    def back(self, request: Request, name: str, anchor: str = "") -> Response:
        lang = request.query_params.get("lang")
        target = f"/review/{quote(name)}" + (f"?lang={quote(lang)}" if lang else "") + (f"#{anchor}" if anchor else "")
        return RedirectResponse(target, status_code=303)

    # -- routes --------------------------------------------------------------------------------------------
    async def index(self, request: Request) -> Response:
        from kg.shared.paths import display_path

        if not self.host_ok(request):
            return self.refused(request, f"host {request.url.hostname!r} is not this server's", 403)
        lang = self.lang(request)
        reviews = await run_in_threadpool(self.pending)
        return self.site.render(request, "reviews.html", title=WORDS[lang]["reviews"], reviews=reviews,
                                rw=WORDS[lang], folder=display_path(self.folder))

    async def show(self, request: Request) -> Response:
        if not self.host_ok(request):
            return self.refused(request, f"host {request.url.hostname!r} is not this server's", 403)
        path = self.file(request.path_params["name"])
        if path is None:
            return self.site.not_found(request, f"No review is called {request.path_params['name']!r} in "
                                                f"{self.folder}.")
        return await run_in_threadpool(self.page, request, path)

    async def decide(self, request: Request) -> Response:
        from kg.ingest.reviewstate import decide

        form = await self.read_form(request)
        if isinstance(form, Response):
            return form
        path = self.file(request.path_params["name"])
        if path is None:
            return self.site.not_found(request, f"No review is called {request.path_params['name']!r}.")
        row = form.get("row", "")
        try:
            await run_in_threadpool(decide, path, row, form.get("decision", ""))
        except KgError as exc:
            message = exc.message
            return await run_in_threadpool(lambda: self.page(request, path, 400, error=message))
        return self.back(request, path.name, f"row-{row}")

    async def correct(self, request: Request) -> Response:
        from kg.ingest.reviewpage import check_correction
        from kg.ingest.reviewstate import correct

        form = await self.read_form(request)
        if isinstance(form, Response):
            return form
        path = self.file(request.path_params["name"])
        if path is None:
            return self.site.not_found(request, f"No review is called {request.path_params['name']!r}.")
        row, column, value = form.get("row", ""), form.get("column", ""), form.get("value", "")

        def run() -> None:
            check_correction(path, row, column, value, str(self.root))
            correct(path, row, column, value)

        try:
            await run_in_threadpool(run)
        except KgError as exc:
            message = exc.message
            return await run_in_threadpool(lambda: self.page(request, path, 400, error=message))
        return self.back(request, path.name, f"row-{row}")

    async def accept(self, request: Request) -> Response:
        from kg.ingest.accept import AcceptError, accept

        form = await self.read_form(request)
        if isinstance(form, Response):
            return form
        path = self.file(request.path_params["name"])
        if path is None:
            return self.site.not_found(request, f"No review is called {request.path_params['name']!r}.")
        who = " ".join(form.get("by", "").split()) or None

        def run() -> tuple[dict[str, object] | None, str, int]:
            try:
                done = accept(path, data_dir=str(self.root), who=who, raise_on_refusal=False)
            except AcceptError as exc:
                return (exc.result.as_dict() if exc.result is not None else None), exc.message, 400
            except KgError as exc:
                return None, exc.message, 400
            if done.written:
                self.refresh(force=True)
            message = "" if done.written or not done.refused else done.notes[-1]
            return done.as_dict(), message, 200 if done.written or not done.refused else 400

        result, message, status = await run_in_threadpool(run)
        return await run_in_threadpool(lambda: self.page(request, path, status, result=result, error=message,
                                                         who=who or ""))


def _default_who() -> str:
    return os.environ.get("KG_CURATOR") or os.environ.get("USER") or os.environ.get("USERNAME") or ""


def enabled_root(config: object) -> Path | None:
    """The graph folder whose reviews the server shows, or None: the packaged graph (read-only), a folder kg may
    not write, or an address other than loopback without --remote-review."""
    from kg.shared.graphdir import writable_root

    if not _is_loopback(str(config.host).strip("[]")) and not getattr(config, "remote_review", False):  # type: ignore[attr-defined]
        return None
    try:
        root, _ = writable_root(config.data_dir)  # type: ignore[attr-defined]
    except KgError:
        return None
    return root


def routes(state: object) -> list[BaseRoute]:
    """The review routes (none for the packaged graph); the home page lists the pending reviews."""
    root = enabled_root(state.config)  # type: ignore[attr-defined]
    site = state.site  # type: ignore[attr-defined]
    site.env.globals["pending_reviews"] = None
    if root is None:
        return []
    reviews = Reviews(state, root)
    state.reviews = reviews  # type: ignore[attr-defined]
    site.env.globals["pending_reviews"] = reviews.pending
    return [
        Route("/review/", reviews.index),
        Route("/review/{name}", reviews.show),
        Route("/review/{name}/decide", reviews.decide, methods=["POST"]),
        Route("/review/{name}/correct", reviews.correct, methods=["POST"]),
        Route("/review/{name}/accept", reviews.accept, methods=["POST"]),
    ]


class FollowGraph:
    """ASGI middleware: before each request, open the graph again if its files changed since (one stat per
    file; the reload itself runs off the event loop)."""

    def __init__(self, app: object, reviews: Reviews) -> None:
        self.app = app
        self.reviews = reviews

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and self.reviews.stale_graph():
            await run_in_threadpool(self.reviews.refresh)
        await self.app(scope, receive, send)  # type: ignore[operator]


def follow_graph(app: object, state: object) -> None:
    """Keep the served graph in step with the folder when reviews are on (the SPARQL short path included)."""
    reviews = getattr(state, "reviews", None)
    if reviews is None:
        return
    app.add_middleware(FollowGraph, reviews=reviews)  # type: ignore[attr-defined]
    handler = app.sparql_handler  # type: ignore[attr-defined]
    if handler is None:
        return

    async def sparql(request: Request) -> Response:
        if reviews.stale_graph():
            await run_in_threadpool(reviews.refresh)
        return await handler(request)

    app.sparql_handler = sparql  # type: ignore[attr-defined]
