"""Pages for readers, not for the graph's authors (issue 26): what a thing is at a glance, numbered notes, proofs
in plain words, absence said, forms that take names, error pages, compression, the neighbourhood picture and the
charts' caveats. Page data from the library, then the HTML over Starlette's test client."""

from __future__ import annotations

import gzip
import itertools
import re

import pyoxigraph as ox
import pytest
from seedtext import SEEDS_DIR, require_seeds
from starlette.testclient import TestClient

from kg.inspection import glance
from kg.inspection.entity import PageBuilder
from kg.output.pictures import Spot, neighbourhood_svg
from kg.serve.app import create_app
from kg.serve.config import ServeConfig
from kg.shared.namespaces import EKD

HTML = {"Accept": "text/html"}


def iri(name: str) -> ox.NamedNode:
    return ox.NamedNode(EKD + name)


@pytest.fixture(scope="module")
def builder(project_graphs) -> PageBuilder:
    return PageBuilder(project_graphs("owlrl"))


@pytest.fixture(scope="module")
def client():
    sources = str(SEEDS_DIR) if SEEDS_DIR.is_dir() else None
    with TestClient(create_app(ServeConfig(sources_dir=sources)), headers=HTML) as c:
        yield c


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- at a glance ------------------------------------------------------------------------------------------------
def test_linagora_at_a_glance(builder: PageBuilder) -> None:
    seen = glance.glance(builder, builder.page(iri("linagora"), "en"))
    assert seen.generated and seen.description.startswith("Small or medium-sized enterprise, founded by")
    assert "Alexandre Zapolsky and Michel-Marie Maudet" in seen.description
    assert [t.name for t in seen.types] == ["small or medium-sized enterprise"]  # not agent, company, organisation
    facts = {k.label: [n.text for n, _ in k.items] for k in seen.key_facts}
    assert facts["founders"] == ["Alexandre Zapolsky", "Michel-Marie Maudet"]
    assert facts["revenue"] == ["13 million euros, 2023"]
    assert facts["head-count"] == ["200 people (date not stated in the texts)"]
    assert {"LinTO", "LUCIE", "OpenPaaS"} <= set(facts["develops"])
    assert all(sources for k in seen.key_facts for _, sources in k.items)  # every key fact has its documents


def test_french_page_takes_the_texts_own_description(builder: PageBuilder) -> None:
    seen = glance.glance(builder, builder.page(iri("linagora"), "fr"))
    assert not seen.generated and seen.description_sources
    facts = {k.label: [n.text for n, _ in k.items] for k in seen.key_facts}
    assert facts["chiffre d’affaires"] == ["13 millions d’euros, 2023"]


@pytest.mark.parametrize(("name", "label", "value"), [
    ("adeline-nazarenko", "roles", "director of CNRS Sciences informatiques"),
    ("pepr-ia", "budget", "73 million euros over 6 years"),
    ("bloom", "training computer", "Jean Zay"),
    ("cnrs-linagora-signing-ceremony", "date", "26 February, year not stated"),
])
def test_key_facts_per_class(builder: PageBuilder, name: str, label: str, value: str) -> None:
    facts = {k.label: " | ".join(n.text for n, _ in k.items)
             for k in glance.glance(builder, builder.page(iri(name), "en")).key_facts}
    assert value in facts[label], facts


def test_search_hits_say_what_each_thing_is(client: TestClient) -> None:
    html = client.get("/search?q=zapolski").text
    first = re.search(r'<li><a class="hit"[^>]*>Alexandre Zapolsky</a>\s*<span class="hit-line">([^<]*)', html)
    assert first and first.group(1).startswith("person — ")


# -- notes, properties in words ----------------------------------------------------------------------------------
def test_each_document_is_cited_once_per_page(client: TestClient) -> None:
    html = client.get("/id/linagora").text
    notes = re.findall(r'<li id="note-(\d+)">', html)
    assert notes == [str(i) for i in range(1, len(notes) + 1)] and len(notes) >= 4
    title = "IA et logiciels libres : LINAGORA et le CNRS signent un accord-cadre"
    assert html.count(title) == 1  # once, in its note; statements point to it by number
    assert 'href="#note-1"' in html and "data/" not in text_of(html) and ".ttl" not in text_of(html)
    assert ">dcterms:description<" not in html and ">rdf:type<" not in html and ">schema:" not in html


def test_an_untitled_document_is_named_by_its_opening_words(client: TestClient) -> None:
    require_seeds()
    html = client.get("/id/linagora").text
    assert "document 000 (untitled)" not in html
    assert re.search(r"<cite lang=\"fr\">Issy-les-Moulineaux, le 26 février – Dans une démarche[^<]*…</cite>", html)


# -- proofs in plain words ---------------------------------------------------------------------------------------
def test_an_inferred_statement_says_why_in_one_sentence(client: TestClient) -> None:
    html = client.get("/id/adeline-nazarenko").text
    row = html[html.index('id="inferred-outgoing"'):]
    because = text_of(re.search(r'<p class="because">(.*?)</p>', row).group(1))
    assert because.startswith("Because Adeline Nazarenko holds the position “director of CNRS Sciences informatiques”")
    assert "CNRS Sciences informatiques unit of CNRS" in because and "[ 1 ]" in because
    assert '<details class="proof"><summary>proof</summary>' in row  # the rule tree, one click further


def test_restatements_are_folded_with_a_count(client: TestClient) -> None:
    html = client.get("/id/linagora").text
    folded = re.search(r'<p class="folded" id="folded">(\d+) inferred statements only restate', html)
    assert folded and int(folded.group(1)) > 50
    every = client.get("/id/linagora?inferred=all").text
    shown = html.count('<p class="because">')
    assert every.count('<p class="because">') == shown + int(folded.group(1))
    assert len(html) < len(every) / 2


# -- absence ----------------------------------------------------------------------------------------------------
def test_not_stated_is_said(client: TestClient) -> None:
    html = client.get("/id/fig-linagora-headcount-001").text
    assert re.search(r'<tr class="not-stated"><th scope="row"><a class="term" href="/ontology#date">date</a></th>'
                     r"<td><em>not stated in the texts</em>", html)
    assert "non précisé dans les textes" in client.get("/id/fig-linagora-headcount-001?lang=fr").text


def test_an_empty_answer_says_what_was_searched(client: TestClient) -> None:
    html = client.get("/query/figures?subject=ekd:loria").text
    said = text_of(html)
    assert "No row answers this query." in said and "(subject = ekd:loria)" in said
    assert "an empty answer is not a no" in said and 'id="results"' not in html


# -- forms --------------------------------------------------------------------------------------------------------
def test_an_entity_parameter_takes_a_name(client: TestClient) -> None:
    html = client.get("/query/affiliations?org=CNRS").text
    assert "read as <strong>CNRS</strong>" in html and "not an IRI" not in html
    assert text_of(html).count("Antoine Petit") >= 1 and re.search(r"\d+ rows · \d+ ms", text_of(html))


def test_an_ambiguous_name_offers_choices(client: TestClient) -> None:
    r = client.get("/query/affiliations?org=PEPR")
    assert r.status_code == 200 and 'class="choices"' in r.text and "Which one did you mean?" in r.text
    assert "/query/affiliations?org=ekd%3Apepr-ia" in r.text


def test_a_name_that_matches_nothing_is_one_line(client: TestClient) -> None:
    r = client.get("/query/affiliations?org=zzqqxx")
    assert r.status_code == 400 and "Error: org: no entity is called “zzqqxx”" in r.text


def test_pick_list_and_sort(client: TestClient) -> None:
    html = client.get("/query/affiliations?_sort=person&_desc=1").text
    assert '<datalist id="list-person">' in html and '<option value="Adeline Nazarenko">' in html
    people = re.findall(r'<tr><td><a href="/id/[^"]+">([^<]+)</a>', html)
    assert len(people) > 3 and people == sorted(people, key=str.casefold, reverse=True)
    assert 'aria-sort="descending"' in html


def test_editor_shows_a_table_and_keeps_the_query_on_error(client: TestClient) -> None:
    ok = client.get("/editor", params={"query": "SELECT ?lab WHERE { ?lab a ekg:Laboratory } ORDER BY ?lab"})
    assert ok.status_code == 200 and 'id="results"' in ok.text and ">LORIA<" in ok.text
    assert 'href="/sparql?query=' in ok.text  # downloads
    bad = client.get("/editor", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert bad.status_code == 400 and "Error: query does not parse" in bad.text
    assert "SELECT * WHERE { ?s ?p }</textarea>" in bad.text
    example = client.get("/editor?example=founders").text
    assert "/editor?example=timeline" in example and "foundedBy" in example


# -- error pages, compression -----------------------------------------------------------------------------------
def test_a_404_for_a_browser_is_a_page_with_did_you_mean(client: TestClient) -> None:
    r = client.get("/id/linagor")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert '<a class="skip"' in r.text and 'href="/id/linagora"' in r.text and 'id="error-q"' in r.text
    queries = client.get("/query/programme-pilot").text
    assert 'href="/query/programme-pilots"' in queries


def test_programs_keep_the_one_line_error(client: TestClient) -> None:
    r = client.get("/id/linagor", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.text == "Error: no such node: https://w3id.org/ecosystem-kg/id/linagor\n"
    r = client.get("/queries/figures.csv?subject=<bad", headers={"Accept": "*/*"})
    assert r.status_code == 400 and r.text.startswith("Error: ")


def test_a_400_for_a_browser_is_a_page(client: TestClient) -> None:
    r = client.get("/queries/nope.json", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.text.startswith("Error: ")  # asks for data: plain text
    r = client.get("/nothing/here")
    assert r.status_code == 404 and "<h1>Not found" in r.text


def test_pages_are_compressed_when_the_client_accepts_it(client: TestClient) -> None:
    import httpx

    r = client.get("/id/linagora", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    raw = client.get("/id/linagora", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert int(r.headers["content-length"]) * 5 < len(raw.content)
    assert gzip.decompress(gzip.compress(raw.content)) == raw.content and isinstance(r, httpx.Response)


# -- pictures --------------------------------------------------------------------------------------------------
def test_neighbourhood_labels_never_overlap_and_say_how_many() -> None:
    spots = [Spot(f"node {i}", f"/id/n{i}", f"relation {i % 3}", i % 2 == 0) for i in range(24)]
    svg = neighbourhood_svg("centre", sorted(spots, key=lambda s: (s.outgoing, s.via)), total=160)
    for anchor in ("start", "end"):
        ys = sorted(float(y) for y in re.findall(rf'<text x="[\d.]+" y="([\d.]+)" class="(?:node|edge)-label" '
                                           rf'text-anchor="{anchor}"', svg))
        assert len(ys) > 12 and all(b - a >= 14 for a, b in itertools.pairwise(ys))
    assert "24 of 160 neighbours shown" in svg and "what it states" in svg


def test_linagoras_picture_shows_its_products(client: TestClient) -> None:
    html = client.get("/id/linagora").text
    svg = html[html.index("<svg"):html.index("</svg>")]
    for product in ("LinTO", "LUCIE", "OpenPaaS", "Twake Workplace"):
        assert f">{product}</text>" in svg
    assert re.search(r"24 / \d+ neighbours shown", text_of(html)) and "/graph/linagora?all=1" in html


def test_the_charts_keep_the_caveats(client: TestClient) -> None:
    figures = client.get("/query/figures").text
    chart = figures[figures.index('class="chart-box"'):figures.index('id="results"')]
    assert "soon 25 years" in chart and "over 6 years" in chart
    assert re.search(r"more than [\d,]+", chart) or "nearly" in chart
    timeline = client.get("/query/timeline").text
    assert "date inferred by the graph" in timeline and 'class="dot inferred"' in timeline
    assert "26 February 2024 (inferred) —" in timeline
    assert "year or month only" in timeline and "without a year, not drawn" in timeline
