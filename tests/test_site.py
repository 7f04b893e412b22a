"""The web pages of `kg serve` (issue 15, pages half): page data from the library functions, then the HTML
served over HTTP (Starlette's test client; the real-browser tests are in test_browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from seedtext import SEEDS_DIR, require_seeds
from starlette.testclient import TestClient

from kg.cli.main import cli
from kg.inspection import documents as docs
from kg.inspection.entity import PageBuilder
from kg.inspection.results import result_table
from kg.output import facts
from kg.output.pictures import Point, Spot, bars_svg, date_position, neighbourhood_svg, timeline_svg
from kg.query.catalog import parse_query_text, prepare
from kg.serve.app import create_app
from kg.serve.config import ServeConfig
from kg.shared.errors import InputError
from kg.shared.namespaces import EKD, EKG

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


def iri(name: str) -> ox.NamedNode:
    return ox.NamedNode(EKD + name)


@pytest.fixture(scope="module")
def builder(project_graphs) -> PageBuilder:
    return PageBuilder(project_graphs("owlrl"))


@pytest.fixture(scope="module")
def client():
    app = create_app(ServeConfig())
    with TestClient(app, headers={"Accept": "text/html"}) as c:  # as a browser asks
        yield c


# -- fact sentences: one template per fact class ------------------------------------------------------
FACT_CASES = [
    ("role-antoine-petit-cnrs-000",
     "Antoine Petit occupe la fonction « PDG du CNRS » auprès de CNRS (le 26 février\u202f; 26 février 2024 déduit)",
     "Antoine Petit holds the position “PDG of CNRS” at CNRS (le 26 février; 26 February 2024 inferred)"),
    ("fig-linagora-revenue-2023",
     "chiffre d’affaires de LINAGORA : treize millions d’euros (13 millions d’euros), 2023",
     "revenue of LINAGORA: 13 million euros, 2023 — “treize millions d’euros”"),
    ("fund-anr-llm4all-001",
     "ANR finance LLM4ALL",
     "ANR funds LLM4ALL"),
    ("collab-linagora-openllm-llm-000",
     "LINAGORA et OpenLLM France collaborent sur grands modèles de langage",
     "LINAGORA and OpenLLM France collaborate on large language models"),
    ("part-antoine-petit-signing-000",
     "Antoine Petit participe à cérémonie de signature de l’accord-cadre CNRS–LINAGORA en tant que signataire",
     "Antoine Petit takes part in signing ceremony of the CNRS–LINAGORA framework agreement as signatory"),
    ("dep-linto-european-commission-003",
     "LinTO est déployé pour Commission européenne par LINAGORA",
     "LinTO is deployed for European Commission by LINAGORA"),
    ("quote-borghetti-001",
     "Patrizia Borghetti : « Ce premier accord-cadre avec une PME française souligne que l’innovation et la "
     "recherche irriguent l’ensemble du tissu économique français » (à propos de accord-cadre CNRS–LINAGORA)",
     "Patrizia Borghetti: “Ce premier accord-cadre avec une PME française souligne que l’innovation et la "
     "recherche irriguent l’ensemble du tissu économique français” (in French) (about CNRS–LINAGORA framework "
     "agreement)"),
]


@pytest.mark.parametrize(("name", "fr", "en"), FACT_CASES, ids=[c[0].split("-")[0] for c in FACT_CASES])
def test_fact_sentence_per_class(builder: PageBuilder, name: str, fr: str, en: str) -> None:
    node = iri(name)
    assert facts.as_text(builder.fact_sentence(node, "fr")) == fr
    assert facts.as_text(builder.fact_sentence(node, "en")) == en


def test_every_fact_class_has_a_template_in_both_languages(builder: PageBuilder) -> None:
    kg = builder.kgraph
    rows = kg.query(f"SELECT DISTINCT ?c WHERE {{ ?x a ?c . ?c rdfs:subClassOf <{EKG}SourcedFact> . "
                    f"FILTER(?c != <{EKG}SourcedFact> && ?c != <{EKG}Attestation>) }}").rows
    used = {r[0].value for r in rows}
    assert used and used <= set(facts.TEMPLATES), sorted(used - set(facts.TEMPLATES))
    assert len(FACT_CASES) == len(facts.TEMPLATES)
    for templates in facts.TEMPLATES.values():
        assert set(templates) == {"fr", "en"}


def test_sentence_links_entities_and_drops_empty_groups() -> None:
    props = {"funder": [iri("anr")], "fundingRecipient": [iri("a"), iri("b")]}
    segments = facts.sentence(EKG + "Funding", props, "en", lambda t: t.value.rsplit("/", 1)[1].upper())
    assert segments == [(EKD + "anr", "ANR"), " funds ", (EKD + "a", "A"), " and ", (EKD + "b", "B")]


# -- entity pages ------------------------------------------------------------------------------------------
def test_linagora_page_data(builder: PageBuilder) -> None:
    page = builder.page(iri("linagora"), "fr")
    assert page.label == "LINAGORA" and page.kind == "entity"
    assert EKG + "Company" in [t.term.value for t in page.types]
    groups = {g.predicate.term.value: g for g in page.outgoing}
    founders = groups[EKG + "foundedBy"]
    assert {r.node.link for r in founders.rows} == {"alexandre-zapolsky", "michel-marie-maudet"}
    source = founders.rows[0].sources[0]
    assert source.identifier.startswith("000_") and source.quotes and source.sentence is not None
    assert "fondée par Alexandre Zapolsky" in source.quotes[0]
    kinds = {f.kind_name for f in page.facts}
    assert {"fonctions", "chiffres"} <= kinds
    inferred = [r for g in page.inferred_outgoing for r in g.rows]
    assert inferred and all(r.proof is not None for r in inferred)
    assert any(r.proof.rule and r.documents for r in inferred)


def test_attestations_never_appear_as_entities(builder: PageBuilder) -> None:
    for name in ("linagora", "cnrs", "alexandre-zapolsky"):
        page = builder.page(iri(name), "en")
        shown = [r.node.link for g in page.outgoing + page.incoming + page.inferred_outgoing + page.inferred_incoming
                 for r in g.rows] + [n.node.link for n in page.neighbours] + [f.node.link for f in page.facts]
        assert not [s for s in shown if s and s.startswith("att-")]


def test_an_attestation_page_shows_the_statement_and_its_source(builder: PageBuilder) -> None:
    page = builder.page(iri("att-alexandre-zapolsky-type-person-000"), "en")
    assert page.kind == "attestation" and not page.outgoing and not page.neighbours
    assert [n.text for n in page.attests] == ["Alexandre Zapolsky", "type", "person"]  # properties in words
    assert page.sources and page.sources[0].identifier.startswith("000_")


def test_incoming_fact_nodes_are_sentences_not_rows(builder: PageBuilder) -> None:
    page = builder.page(iri("antoine-petit"), "en")
    rows = [r.node.link for g in page.incoming for r in g.rows]
    assert not [r for r in rows if r and r.startswith("role-")]
    assert any(f.node.link == "role-antoine-petit-cnrs-000" for f in page.facts)


def test_home_page_entities_are_the_most_connected(builder: PageBuilder) -> None:
    from kg.query.search import SearchIndex

    index = SearchIndex.from_runner(builder.kgraph.query)
    top = [n.value.rsplit("/", 1)[1] for n in builder.most_connected(index.types, 5)]
    assert len(top) == 5 and {"linagora", "cnrs"} <= set(top)
    assert not [t for t in top if t.startswith(("att-", "doc-", "role-", "fig-"))]


def test_label_language_and_fallback(builder: PageBuilder) -> None:
    assert builder.page(iri("free-software"), "fr").label == "logiciel libre"
    assert builder.page(iri("free-software"), "en").label == "free software"
    assert builder.label(ox.NamedNode("https://example.org/unlabelled"), "fr") == "<https://example.org/unlabelled>"


def test_fact_node_page_has_its_sentence_and_source(builder: PageBuilder) -> None:
    page = builder.page(iri("fig-linagora-revenue-2023"), "en")
    assert page.kind == "fact" and facts.as_text(page.fact).startswith("revenue of LINAGORA")
    assert page.sources and page.sources[0].sentence == 7


# -- document pages ----------------------------------------------------------------------------------------
def test_document_page_sentences(builder: PageBuilder) -> None:
    page = docs.document_page(builder, iri("doc-001"), "en")
    assert page.identifier == "001_79be0d28506bdd24.txt" and page.title.startswith("IA et logiciels libres")
    seven = dict(page.sentences)[7]
    assert "f-fig-linagora-revenue-2023" in [c.anchor for c in seven]
    assert any(c.kind == "statement" and c.statement for c in seven)
    assert page.passages is None


def test_document_page_full_text_highlights_quotes(builder: PageBuilder) -> None:
    require_seeds()
    page = docs.document_page(builder, iri("doc-001"), "en", SEEDS_DIR)
    text = "".join(p.text for p in page.passages)
    assert text == (SEEDS_DIR / page.identifier).read_text(encoding="utf-8")
    marked = [p for p in page.passages if "f-fig-linagora-revenue-2023" in p.anchors]
    assert marked and "treize millions d’euros" in "".join(p.text for p in marked)
    assert not page.missing_quotes, page.missing_quotes


def test_highlight_overlaps_and_missing() -> None:
    cites = [docs.Cite("a", None, "fact", quotes=["quick brown"]), docs.Cite("b", None, "fact", quotes=["brown  fox"]),
             docs.Cite("c", None, "fact", quotes=["absent"])]
    passages, missing = docs.highlight("the quick brown fox", cites)
    assert [(p.text, p.anchors) for p in passages] == [("the ", []), ("quick ", ["a"]), ("brown", ["a", "b"]),
                                                       (" fox", ["b"])]
    assert missing == ["c"]


def test_read_source_stays_in_its_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert docs.read_source(tmp_path, "a.txt") == "x"
    assert docs.read_source(tmp_path, "../a.txt") is None
    assert docs.read_source(tmp_path / "sub", "../a.txt") is None


def test_document_page_refuses_other_nodes(builder: PageBuilder) -> None:
    with pytest.raises(InputError):
        docs.document_page(builder, iri("linagora"))


# -- pictures and charts -------------------------------------------------------------------------------------
def test_neighbourhood_svg_escapes_and_links() -> None:
    svg = neighbourhood_svg("A <b>", [Spot("<script>x</script>", "/id/x", "via \"q\"", True)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and '<a href="/id/x">' in svg
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_date_positions() -> None:
    assert date_position("2024") == 2024
    assert date_position("2024-07-01") == pytest.approx(2024.5)
    assert date_position("--02-26") is None and date_position("soon") is None


def test_timeline_and_bars_svg() -> None:
    svg = timeline_svg([Point("B", 2025.0, "2025"), Point("A", 2017.0, "2017", "/id/a")])
    assert svg.index("2017 — A") < svg.index("2025 — B") and 'href="/id/a"' in svg
    bars = bars_svg([Point("small", 1, "1"), Point("big", 10, "10")], title="euro")
    assert bars.index("big") < bars.index("small")
    assert timeline_svg([]) == "" and bars_svg([]) == ""


def test_query_views_give_charts(builder: PageBuilder) -> None:
    from kg.inspection.describe import query_part
    from kg.query.catalog import load_catalog

    catalog = load_catalog(builder.kgraph.layout.queries_dir)
    assert catalog["timeline"].view == "timeline" and catalog["figures"].view == "bar"
    assert catalog["people-roles"].view == "table"
    for name in ("timeline", "figures"):
        named = catalog[name]
        result = query_part(builder.kgraph, prepare(named, {}), "asserted")
        table = result_table(builder, result, "en", view=named.view)
        assert table.rows and table.chart.startswith("<svg"), name
    bar = result_table(builder, query_part(builder.kgraph, prepare(catalog["figures"], {}), "asserted"), "en",
                       view="bar").chart
    assert "euro" in bar and "LINAGORA" in bar


def test_view_header() -> None:
    q = parse_query_text("#+ summary: s\n#+ view: Timeline\nSELECT * WHERE { ?s ?p ?o }", "q")
    assert q.view == "timeline" and q.as_dict()["view"] == "timeline"
    assert parse_query_text("#+ summary: s\nSELECT * WHERE { ?s ?p ?o }", "q").view == "table"
    with pytest.raises(InputError, match=r"q\.rq:2: unknown view 'pie' \(choose from table, timeline, bar\)"):
        parse_query_text("#+ summary: s\n#+ view: pie\nASK {}", "q", "q.rq")


# -- search: the command and name resolution -----------------------------------------------------------------
SEARCHES = [
    ("zapolski", "alexandre-zapolsky"), ("Jean-Zay", "jean-zay"), ("cnrs sciences info", "cnrs-sciences-informatiques"),
    ("linagora", "linagora"), ("LUCIE", "lucie"), ("openllm", "openllm-france"), ("maudet", "michel-marie-maudet"),
    ("retailleau", "sylvie-retailleau"), ("antoine petit", "antoine-petit"), ("bloom", "bloom"),
    ("pepr ia", "pepr-ia"), ("idris", "idris"), ("genci", "genci"), ("lix", "lix"), ("laas", "laas"),
    ("twake", "twake-workplace"), ("polytechnique", "ecole-polytechnique"),
    ("commission europeenne", "european-commission"), ("issy", "issy-les-moulineaux"), ("llm4all", "llm4all"),
    ("france 24", "france-24"), ("borghetti", "patrizia-borghetti"), ("google.org", "google-org"),
    ("logiciel libre", "free-software"), ("union européenne", "european-union"),
]


@pytest.mark.parametrize(("text", "first"), SEARCHES)
def test_search_first_hit_over_http(client: TestClient, text: str, first: str) -> None:
    r = client.get("/search", params={"q": text}, headers={"Accept": "application/json"})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert hits and hits[0]["iri"] == EKD + first and hits[0]["page"] == "/id/" + first, hits[:2]


def test_search_html_lists_hits(client: TestClient) -> None:
    r = client.get("/search?q=zapolski")
    assert r.status_code == 200 and 'href="/id/alexandre-zapolsky"' in r.text
    assert client.get("/search?q=zapolski&format=json").json()["hits"][0]["label"] == "Alexandre Zapolsky"
    assert client.get("/search?q=zzzz-nothing&format=json").json()["hits"] == []


def test_kg_search_command() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "zapolski"])
    assert out.exit_code == 0 and out.output.startswith("ekd:alexandre-zapolsky  Alexandre Zapolsky  [words]")
    out = runner.invoke(cli, ["search", "jean-zay", "--format", "json", "--limit", "1"])
    assert out.exit_code == 0 and '"iri": "https://w3id.org/ecosystem-kg/id/jean-zay"' in out.output
    out = runner.invoke(cli, ["search", "zzzz-no-such-thing"])
    assert out.exit_code == 1 and out.output == "(no match)\n"


def test_describe_resolves_free_text_when_unique() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["describe", "zapolski"])
    assert out.exit_code == 0 and out.output.startswith("Alexandre Zapolsky (ekd:alexandre-zapolsky)")
    out = runner.invoke(cli, ["describe", "pepr"])
    assert out.exit_code == 2
    assert "Error: 'pepr' is ambiguous: it matches ekd:pepr-ia (PEPR IA), ekd:pepr-ensemble" in out.output


def test_explain_resolves_free_text() -> None:
    out = CliRunner().invoke(cli, ["explain", "zapolski", "rdf:type", "ekg:Person"])
    assert out.exit_code == 0 and "Alexandre Zapolsky" in out.output


# -- pages over HTTP -------------------------------------------------------------------------------------------
PAGES = ["/", "/id/linagora", "/id/linagora?lang=fr", "/id/cnrs", "/id/doc-001", "/id/fig-linagora-revenue-2023",
         "/query/", "/query/timeline", "/query/figures", "/query/people-roles?person=ekd%3Aantoine-petit",
         "/editor", "/graph/linagora", "/search?q=cnrs", "/ontology", "/ontology?lang=fr"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_reference_no_other_host(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "script-src 'self'" in r.headers["content-security-policy"]
    targets = re.findall(r'\b(?:href|src|action|srcset|poster|data)\s*=\s*"([^"]*)"', r.text)
    assert targets
    foreign = [t for t in targets if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", t, re.I)
               and not t.startswith("http://www.w3.org/2000/svg")]
    assert not foreign, foreign
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", r.text)
    assert "<script" not in r.text  # the pages need no script at all


def test_static_files_ship_in_the_package_and_reference_no_host(client: TestClient) -> None:
    static = Path(__file__).resolve().parent.parent / "kg" / "serve" / "static"
    for path in static.rglob("*"):
        if path.is_file() and path.suffix in (".css", ".svg", ".js"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"(?:https?:)?//(?!www\.w3\.org/2000/svg)[a-z0-9.-]+\.[a-z]{2,}", text), path
            assert client.get(f"/static/{path.relative_to(static).as_posix()}").status_code == 200


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e/app.py",
                                  "/static/../../pyproject.toml", "/static//etc/passwd", "/static/nothing.css"])
def test_static_path_traversal_is_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_entity_page_html(client: TestClient) -> None:
    html = client.get("/id/linagora").text
    assert "<h1>LINAGORA</h1>" in html
    assert 'href="/id/doc-000#s-' in html  # a statement's source links to the sentence of its document
    assert "<details class=\"proof\"><summary>proof</summary>" in html
    assert 'href="/ontology#SmallOrMediumEnterprise"' in html  # its most specific kind, by label
    assert 'class="neighbourhood"' in html and 'href="/graph/linagora"' in html
    assert "/id/att-" not in html
    fr = client.get("/id/linagora?lang=fr").text
    assert '<html lang="fr">' in fr and "Déclarations déduites" in fr and "?lang=fr" in fr


def test_unknown_entity_and_query_are_404(client: TestClient) -> None:
    assert client.get("/id/no-such-thing").status_code == 404
    assert client.get("/query/no-such-query").status_code == 404
    assert client.get("/graph/no-such-thing").status_code == 404


def test_query_page_runs_with_parameters(client: TestClient) -> None:
    r = client.get("/query/people-roles", params={"person": "ekd:antoine-petit", "lang": "en"})
    assert r.status_code == 200
    table = r.text[r.text.index('id="results"'):]
    assert 'href="/id/antoine-petit' in table and "PDG of CNRS" in table
    # the query's own `lang` parameter (language of the titles) is also the page's language
    assert 'href="/queries/people-roles.csv?person=ekd%3Aantoine-petit&amp;lang=en"' in r.text
    assert 'id="permalink" href="/query/people-roles?person=ekd%3Aantoine-petit&amp;lang=en"' in r.text


def test_query_page_bad_parameter_is_400_with_the_message(client: TestClient) -> None:
    r = client.get("/query/figures-at-least", params={"min": "abc"})
    assert r.status_code == 400 and "Error:" in r.text and "min" in r.text


def test_query_parameter_injection_cannot_change_the_query(client: TestClient) -> None:
    hostile = 'ekd:antoine-petit> } UNION { ?person ?p ?o } #'
    r = client.get("/query/people-roles", params={"person": hostile})
    assert r.status_code == 400 and "person" in r.text


def test_timeline_page_draws_its_chart(client: TestClient) -> None:
    html = client.get("/query/timeline").text
    assert 'class="chart timeline"' in html


def test_editor_predeclares_prefixes_and_answers_on_the_page(client: TestClient) -> None:
    html = client.get("/editor").text
    assert 'action="/editor" method="get"' in html  # the answer shows on the page (issue 26); /sparql stays the API
    assert "PREFIX ekg: &lt;https://w3id.org/ecosystem-kg/ontology#&gt;" in html


def test_hooks_for_the_endpoint_render_pages(client: TestClient) -> None:
    import asyncio

    from starlette.requests import Request

    state = client.app.state.kg
    request = Request({"type": "http", "method": "GET", "path": "/x", "headers": [], "query_string": b""})
    entity = asyncio.run(state.render_entity_html(request, EKD + "lix"))
    assert entity.status_code == 200 and b"<h1>LIX</h1>" in entity.body
    query = asyncio.run(state.render_query_html(request, state.site.catalog["founders"]))
    assert query.status_code == 200 and b'id="results"' in query.body
    assert b'href="/query/founders"' in asyncio.run(state.render_queries_html(request)).body
    assert b'action="/editor"' in asyncio.run(state.render_sparql_html(request)).body


# -- hostile input -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_client():
    app = create_app(ServeConfig(data_dir=str(HOSTILE), sources_dir=str(HOSTILE)))
    with TestClient(app, headers={"Accept": "text/html"}) as c:  # as a browser asks
        yield c


@pytest.mark.parametrize("path", ["/id/evil-corp", "/id/evil-corp?lang=fr", "/id/good-lab", "/id/role-evil",
                                  "/id/doc-evil", "/graph/evil-corp", "/search?q=evil", "/search?q=%3Cscript%3E"])
def test_markup_in_the_graph_is_shown_as_text(hostile_client: TestClient, path: str) -> None:
    r = hostile_client.get(path)
    assert r.status_code == 200
    assert "<script" not in r.text and "<img" not in r.text and "<svg onload" not in r.text
    assert "onerror=\"" not in r.text and "onmouseover=\"" not in r.text and "<b>" not in r.text
    if path.startswith("/id/evil-corp"):
        assert "&lt;script&gt;window.__pwned" in r.text or "&lt;img src=x" in r.text


def test_page_proofs_are_the_proofs_kg_explain_prints(builder: PageBuilder) -> None:
    from kg.engine.explain import Explainer

    explainer = Explainer(builder.kgraph)  # a fresh one, as `kg explain` makes

    def shape_of_view(v) -> tuple:  # type: ignore[no-untyped-def]
        return (str(v.subject.term), str(v.predicate.term), str(v.object.term), v.rule, v.round,
                tuple(shape_of_view(p) for p in v.premises))

    def shape_of_proof(p) -> tuple:  # type: ignore[no-untyped-def]
        t = p.triple
        return (str(t.subject), str(t.predicate), str(t.object), p.rule, p.round,
                tuple(shape_of_proof(q) for q in p.premises))

    page = builder.page(iri("cnrs"), "en")
    rows = [(g, r) for g in page.inferred_outgoing for r in g.rows]
    assert len(rows) > 10
    for g, r in rows:
        proof = explainer.explain(ox.Triple(page.iri, g.predicate.term, r.node.term))
        assert shape_of_view(r.proof) == shape_of_proof(proof)



def test_ontology_page_is_the_release_documentation(client: TestClient) -> None:
    """One renderer for both: the server's /ontology is kg.publish.ontodoc's page, anchors and all."""
    from kg.publish.ontodoc import render_ontology_html

    state = client.app.state.kg
    r = client.get("/ontology")
    assert r.status_code == 200
    assert r.text == render_ontology_html(state.kgraph, lang="en", base="/ontology",
                                          other_language_href="/ontology?lang=fr", external_links=False)
    assert 'id="Organisation"' in r.text and 'href="/ontology#University"' in r.text
    fr = client.get("/ontology?lang=fr").text
    assert '<html lang="fr">' in fr
