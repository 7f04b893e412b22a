"""The HTML site: home, entity pages (documents included), query pages, search, the SPARQL editor, the
neighbourhood picture. Thin: the pages' data come from kg.inspection (entity, documents, results) and kg.query
(catalog, search); this module only reads requests and fills templates.

The /id/{name} route itself belongs to the endpoint (it negotiates RDF formats); for HTML it calls
`state.render_entity_html(request, iri)`, set here. Everything a page uses is served from /static: no other host
is ever referenced, and a Content-Security-Policy header says so to the browser too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kg.inspection import documents as docs
from kg.inspection.describe import query_part
from kg.inspection.entity import PageBuilder
from kg.inspection.results import result_table
from kg.output.pictures import Spot, neighbourhood_svg
from kg.query.catalog import NamedQuery, load_catalog, prepare
from kg.query.search import SearchIndex
from kg.serve import html
from kg.serve.federation import refusal
from kg.serve.reader import entity_context
from kg.shared.errors import KgError
from kg.shared.namespaces import EKD, EKG

HERE = Path(__file__).resolve().parent
LANGS = ("en", "fr")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SEARCH_LIMIT = 30
FORMATS = ("json", "xml", "csv", "tsv")
WORDS = {
    "en": {"search": "Search", "queries": "Queries", "editor": "SPARQL editor", "documents": "Documents",
           "ontology": "Ontology", "statements": "Statements", "incoming": "Referred to by",
           "inferred": "Inferred statements", "inferred_in": "Inferred references", "facts": "Facts",
           "types": "Types", "source": "Source", "proof": "proof", "documents_behind": "documents behind the proof",
           "neighbourhood": "Neighbourhood", "open_picture": "open the picture", "no_results": "No match.",
           "also_known": "Also known as", "run": "Run", "download": "Download", "permalink": "Permalink",
           "rows": "rows", "entities": "Entities",
           "property": "property", "value": "value", "cut": "rows shown; the result was cut at", "sentence": "Sentence",
           "full_text": "Full text, quoted passages marked", "not_found_quotes": "quotes not found in the text",
           "asserted_in": "asserted in", "round": "round", "none": "(none)", "parameters": "Parameters",
           "note": "note", "document": "document", "not_stated": "not stated in the texts",
           "stated_in_data": "stated in the data",
           "graph_file": "stated by the graph's files, not by a text", "because": "Because",
           "by_definition": "By the ontology's definitions alone.", "and": "and", "why": "why",
           "key_facts": "Key facts", "notes": "Documents cited", "generated": "description generated from the graph",
           "folded": "inferred statements only restate a type, a broader property, another vocabulary's name or a "
                     "statement shown above, and are not listed.", "show_all": "Show them all",
           "show_fewer": "Show the useful ones only", "no_title": "untitled; opening words",
           "no_entity": "no entity is called", "resolved": "read as", "yes": "yes", "no": "no", "row": "row",
           "no_rows": "No row answers this query.", "searched": "Searched",
           "empty_means": "No text in the graph states it (or the graph does not record it yet): an empty answer is "
                          "not a no.", "examples": "Named queries as examples", "choose": "Which one did you mean?",
           "editor_intro": "The project's prefixes are declared. The answer shows here as a table; the endpoint "
                           "itself is /sparql.",
           "neighbours_shown": "neighbours shown", "see_all": "see all", "neighbours_all": "neighbours",
           "neighbours_fewer": "the most telling only",
           "skip": "Skip to content", "not_found": "Not found", "bad_request": "Bad request",
           "did_you_mean": "Did you mean", "search_instead": "Or search the graph:",
           "home_intro": "A knowledge graph of the French open-source and sovereign AI ecosystem, built from five "
                         "press texts: every statement shows the document and the words behind it, every "
                         "inferred one its proof."},
    "fr": {"search": "Rechercher", "queries": "Requêtes", "editor": "Éditeur SPARQL", "documents": "Documents",
           "ontology": "Ontologie", "statements": "Déclarations", "incoming": "Cité par",
           "inferred": "Déclarations déduites", "inferred_in": "Références déduites", "facts": "Faits",
           "types": "Types", "source": "Source", "proof": "preuve", "documents_behind": "documents à l’origine",
           "neighbourhood": "Voisinage", "open_picture": "ouvrir l’image", "no_results": "Aucun résultat.",
           "also_known": "Autres noms", "run": "Exécuter", "download": "Télécharger", "permalink": "Lien permanent",
           "rows": "lignes", "entities": "Entités",
           "property": "propriété", "value": "valeur", "cut": "lignes affichées ; le résultat a été coupé à",
           "sentence": "Phrase",
           "full_text": "Texte intégral, passages cités surlignés",
           "not_found_quotes": "citations absentes du texte", "asserted_in": "déclaré dans", "round": "tour",
           "none": "(aucun)", "parameters": "Paramètres",
           "note": "note", "document": "document", "not_stated": "non précisé dans les textes",
           "stated_in_data": "déclaré dans les données",
           "graph_file": "déclaré par les fichiers du graphe, non par un texte", "because": "Car",
           "by_definition": "Par les seules définitions de l’ontologie.", "and": "et", "why": "pourquoi",
           "key_facts": "L’essentiel", "notes": "Documents cités", "generated": "description tirée du graphe",
           "folded": "déclarations déduites ne font que redire un type, une propriété plus large, le nom d’un autre "
                     "vocabulaire ou une déclaration déjà montrée, et ne sont pas listées.",
           "show_all": "Les montrer toutes", "show_fewer": "N’afficher que les utiles",
           "no_entity": "aucune entité ne s’appelle", "resolved": "lu comme", "yes": "oui", "no": "non",
           "row": "ligne", "no_rows": "Aucune ligne ne répond à cette requête.",
           "searched": "Recherché", "empty_means": "Aucun texte du graphe ne l’énonce (ou le graphe ne l’enregistre "
                                                    "pas encore) : une réponse vide n’est pas un non.",
           "examples": "Les requêtes nommées en exemples", "choose": "Laquelle vouliez-vous dire ?",
           "editor_intro": "Les préfixes du projet sont déclarés. La réponse s’affiche ici en tableau ; le point "
                           "d’accès lui-même est /sparql.",
           "neighbours_shown": "voisins montrés", "see_all": "tout voir", "neighbours_all": "voisins",
           "neighbours_fewer": "les plus parlants seulement",
           "no_title": "sans titre ; premiers mots", "skip": "Aller au contenu", "not_found": "Introuvable",
           "bad_request": "Requête invalide", "did_you_mean": "Vouliez-vous dire",
           "search_instead": "Ou cherchez dans le graphe :",
           "home_intro": "Un graphe de connaissances de l’écosystème français de l’IA ouverte et souveraine, tiré "
                         "de cinq textes de presse : chaque déclaration montre le document et les mots qui la "
                         "fondent, chaque déduction sa preuve."},
}


class Site:
    """What the pages share: the templates, the page builder (labels, proofs), the search index, the catalogue."""

    def __init__(self, state: object) -> None:
        self.state = state
        self.kgraph = state.kgraph  # type: ignore[attr-defined]
        self.config = state.config  # type: ignore[attr-defined]
        self.builder = PageBuilder(self.kgraph)
        self.index = SearchIndex.from_runner(self.kgraph.query)
        self.catalog = load_catalog(state.layout.queries_dir)  # type: ignore[attr-defined]
        self.featured = self.builder.most_connected(self.index.types, 10)
        self._ontology_pages: dict[str, str] = {}
        self.env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(local=local_path, doc_href=html.doc_href, inferred_table=html.inferred_table,
                                statements_table=html.statements_table, source_html=html.source,
                                note_refs=html.note_refs)

    # -- helpers ---------------------------------------------------------------------------------------
    def render(self, request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
        lang = pick_lang(request)
        other = "fr" if lang == "en" else "en"
        lq = "" if lang == default_lang(request) else f"?lang={lang}"  # links keep a language the user chose
        query = dict(request.query_params)
        query["lang"] = other
        text = self.env.get_template(template).render(
            lang=lang, other_lang=other, lq=lq, switch_href=f"{request.url.path}?{urlencode(query)}", w=WORDS[lang],
            request=request, **context)
        return HTMLResponse(text, status_code=status, headers={"Content-Security-Policy": CSP})

    def ontology(self, request: Request, iri: str) -> Response:
        """The ontology's documentation, one page with an anchor per term (`/ontology#Organisation`): the very
        renderer `kg release` and `kg docs` use (kg.publish.ontodoc), made once per language (the graph is
        read-only). Its style sheet is inline, hence the one relaxed directive."""
        lang = pick_lang(request)
        page = self._ontology_pages.get(lang)
        if page is None:
            from kg.publish.ontodoc import render_ontology_html

            other = "fr" if lang == "en" else "en"
            page = self._ontology_pages[lang] = render_ontology_html(
                self.kgraph, lang=lang, base="/ontology", other_language_href=f"/ontology?lang={other}",
                external_links=False)
        csp = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        return HTMLResponse(page, headers={"Content-Security-Policy": csp})

    def not_found(self, request: Request, message: str) -> HTMLResponse:
        return self.error_page(request, 404, message)

    def error_page(self, request: Request, status: int, message: str) -> HTMLResponse:
        """A 404 or 400 in the site's layout: the reason, "did you mean" (entities from the search index, named
        queries by spelling) and a search box holding the words of the address."""
        from kg.serve.suggest import suggestions

        lang = pick_lang(request)
        words, entities, queries = suggestions(self.index, self.catalog, request.url.path, lang)
        title = WORDS[lang]["not_found" if status == 404 else "bad_request"]
        return self.render(request, "error.html", status, title=title, message=message, code=status,
                           text=words, suggested=[(h, h.iri[len(EKD):]) for h in entities], suggested_queries=queries)

    # -- pages -----------------------------------------------------------------------------------------
    def home(self, request: Request) -> Response:
        lang = pick_lang(request)
        featured = [self.builder.node(n, lang) for n in self.featured]
        return self.render(request, "home.html", title="ecosystem-kg", documents=docs.documents(self.builder, lang),
                           featured=featured, queries=sorted(self.catalog.values(), key=lambda q: q.name)[:8])

    def entity(self, request: Request, iri: str) -> Response:
        """The page of any node under the data namespace: an entity, a fact, or a source document."""
        lang = pick_lang(request)
        node = ox.NamedNode(iri)
        if not iri.startswith(EKD) or not any(True for _ in self.kgraph.store.quads_for_pattern(node, None, None)):
            return self.not_found(request, f"Nothing in the graph is about <{iri}>.")
        if docs.is_document(self.builder, node):
            page = docs.document_page(self.builder, node, lang, self.config.sources_path())
            return self.render(request, "document.html", title=page.label, page=page)
        page = self.builder.page(node, lang)
        lq = lang_query(request, lang)
        spots = [Spot(n.node.text, f"/id/{n.node.link}{lq}", n.via, n.outgoing) for n in page.neighbours]
        picture = neighbourhood_svg(page.label, spots, total=page.neighbour_total, lang=lang)
        extra = entity_context(self.builder, page, lang, self.config.sources_path(),
                               request.query_params.get("inferred") == "all")
        return self.render(request, "entity.html", title=page.label, page=page, picture=picture,
                           name=iri[len(EKD):], **extra)

    def graph(self, request: Request) -> Response:
        lang = pick_lang(request)
        name = request.path_params["name"]
        try:
            node = ox.NamedNode(EKD + name)
        except ValueError:  # a space, `<`, `"`, `{`…: no IRI, so nothing in the graph
            return self.not_found(request, f"Nothing in the graph is about ekd:{name}.")
        if not self.builder.types_of(node):
            return self.not_found(request, f"Nothing in the graph is about ekd:{name}.")
        page = self.builder.page(node, lang)
        lq = lang_query(request, lang)
        everyone = request.query_params.get("all") == "1"
        neighbours = self.builder.neighbours(page) if everyone else page.neighbours
        spots = [Spot(n.node.text, f"/graph/{n.node.link}{lq}", n.via, n.outgoing) for n in neighbours]
        picture = neighbourhood_svg(page.label, spots, width=1100, height=500, label_width=40,
                                    total=page.neighbour_total, lang=lang)
        return self.render(request, "graph.html", title=page.label, page=page, picture=picture, name=name,
                           everyone=everyone)

    def search(self, request: Request) -> Response:
        if request.query_params.get("in") == "text":  # full-text search of the documents (kg.serve.textsearch)
            from kg.serve.textsearch import text_search

            lang = pick_lang(request)
            return text_search(self, request, lang, WORDS[lang], wants_json(request))
        lang = pick_lang(request)
        text = request.query_params.get("q", "")[:200]
        hits = self.index.search(text, limit=SEARCH_LIMIT, lang=lang) if text.strip() else []
        if wants_json(request):
            return JSONResponse({"query": text, "hits": [dict(h.as_dict(), page=f"/id/{h.iri[len(EKD):]}")
                                                         for h in hits]})
        from kg.inspection.glance import hit_line

        return self.render(request, "search.html", title=f"{WORDS[lang]['search']}: {text}", text=text,
                           hits=[(h, h.iri[len(EKD):], hit_line(self.builder, ox.NamedNode(h.iri), lang))
                                 for h in hits])

    def queries(self, request: Request) -> Response:
        return self.render(request, "queries.html", title=WORDS[pick_lang(request)]["queries"],
                           queries=sorted(self.catalog.values(), key=lambda q: q.name))

    def query(self, request: Request) -> Response:
        named = self.catalog.get(request.path_params["name"])
        if named is None:
            return self.not_found(request, f"No named query is called {request.path_params['name']!r}.")
        return self.query_page(request, named)

    def query_page(self, request: Request, named: NamedQuery) -> Response:
        import time

        from kg.serve import forms

        lang = pick_lang(request)
        raw = {p.name: request.query_params[p.name] for p in named.params
               if request.query_params.get(p.name, "").strip()}
        resolution = forms.resolve(named, raw, self.index, lang)
        error, table, status, elapsed = None, None, 200, None
        sort, desc = request.query_params.get("_sort"), request.query_params.get("_desc") == "1"
        if resolution.unknown:
            error, status = "; ".join(f"{k}: {WORDS[lang]['no_entity']} “{v}”"
                                      for k, v in resolution.unknown.items()), 400
        elif not resolution.choices:
            try:
                sparql = prepare(named, resolution.values)
                refused = refusal(sparql, self.config.allow_service or ())  # as /sparql and /queries/NAME: no SSRF
                if refused:
                    raise KgError(refused)
                part = "asserted" if named.reasoning == "none" else "all"
                start = time.perf_counter()
                result = query_part(self.kgraph, sparql, part)
                elapsed = (time.perf_counter() - start) * 1000
                table = result_table(self.builder, result, lang, self.config.max_rows, named.view)
                forms.sort_rows(table, sort, desc)
            except KgError as exc:
                error, status = exc.message, 400
        encoded = urlencode(resolution.values)
        # the endpoint's API: /queries/NAME.FORMAT with the query's own parameters only
        downloads = [(fmt, f"/queries/{named.name}.{fmt}" + (f"?{encoded}" if encoded else "")) for fmt in FORMATS]
        permalink = f"/query/{named.name}?{urlencode({**raw, 'lang': lang})}"
        note = None
        if named.reasoning not in ("none", self.kgraph.reasoning):
            note = (f"This query asks for {named.reasoning} reasoning; the server holds the "
                    f"{self.kgraph.reasoning} closure.")
        choices = {name: [(h, f"/query/{named.name}?{urlencode({**raw, name: 'ekd:' + local, 'lang': lang})}")
                          for h, local in hits] for name, hits in resolution.choices.items()}
        links = (forms.sort_links(request.url.path, dict(request.query_params), table.columns, sort, desc)
                 if table is not None and table.rows else None)
        return self.render(request, "query.html", status, title=named.name, q=named, raw=raw, error=error,
                           table=table, downloads=downloads, permalink=permalink, encoded=encoded, note=note,
                           resolution=resolution, choices=choices,
                           picks=forms.pick_lists(self.builder, named, self.index, lang),
                           elapsed=elapsed, sort_links=links, sorted_by=sort, desc=desc,
                           searched=forms.searched(named, raw, resolution))

    async def editor(self, request: Request) -> Response:
        from kg.serve.editor import editor_page

        lang = pick_lang(request)
        return await editor_page(self, request, lang, WORDS[lang]["editor"])


def pick_lang(request: Request) -> str:
    """?lang= when given, else the browser's first language when it is French, else English."""
    lang = request.query_params.get("lang", "")
    return lang if lang in LANGS else default_lang(request)


def default_lang(request: Request) -> str:
    accept = request.headers.get("accept-language", "")
    return "fr" if accept.lower().startswith("fr") else "en"


def lang_query(request: Request, lang: str) -> str:
    return "" if lang == default_lang(request) else f"?lang={lang}"


def wants_json(request: Request) -> bool:
    if request.query_params.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def local_path(iri: str) -> str | None:
    """The local page of an IRI: /id/NAME for data, /ontology#Term for ontology terms; None for others."""
    if iri.startswith(EKD):
        return "/id/" + iri[len(EKD):]
    if iri.startswith(EKG):
        return "/ontology#" + iri[len(EKG):]
    return None


def _in_threads(function: Callable[..., Response]) -> Callable[..., Awaitable[Response]]:
    """A page function as a coroutine the endpoint awaits, run off the event loop (pages are CPU work)."""

    async def run(*args: object) -> Response:
        return await run_in_threadpool(function, *args)

    return run


def routes(state: object) -> list[BaseRoute]:
    site = Site(state)
    # The endpoint owns /id/NAME, /queries, /queries/NAME and /sparql and negotiates their formats; for a browser
    # it calls these (awaiting what they return).
    state.render_entity_html = _in_threads(site.entity)  # type: ignore[attr-defined]
    state.render_query_html = _in_threads(site.query_page)  # type: ignore[attr-defined]
    state.render_queries_html = _in_threads(site.queries)  # type: ignore[attr-defined]
    state.render_sparql_html = site.editor  # type: ignore[attr-defined]
    state.render_ontology_html = _in_threads(site.ontology)  # type: ignore[attr-defined]
    state.site = site  # type: ignore[attr-defined]
    return [
        Route("/", site.home),
        Route("/search", site.search),
        Route("/query/", site.queries),
        Route("/query/{name}", site.query),
        Route("/editor", site.editor),
        Route("/graph/{name:path}", site.graph),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
