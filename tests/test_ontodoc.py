"""The ontology documentation: every term listed with its labels, no broken internal link, nothing fetched,
both languages, a base for the server's /ontology mount; and it renders in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib

from kg.publish.ontodoc import render_ontology_html
from kg.shared.errors import InputError

REPO = Path(__file__).resolve().parent.parent
EKG = "https://w3id.org/ecosystem-kg/ontology#"
SCREENSHOT = REPO / "docs" / "screenshots" / "ontology.png"


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "href" in attrs and tag == "a":
            self.hrefs.append(attrs["href"])
        if tag in ("script", "img", "iframe") or (tag == "link" and attrs.get("rel") == "stylesheet"):
            self.sources.append(tag)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def ontology_terms() -> dict[str, dict[str, str]]:
    """Local name -> {lang: label} of every ekg: class and property, read with rdflib (not with kg)."""
    graph = rdflib.Graph().parse(REPO / "ontology" / "ecosystem.ttl", format="turtle")
    terms: dict[str, dict[str, str]] = {}
    for kind in (rdflib.OWL.Class, rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty):
        for term in graph.subjects(rdflib.RDF.type, kind):
            if str(term).startswith(EKG):
                terms[str(term)[len(EKG):]] = {lab.language: str(lab) for lab in graph.objects(term, rdflib.RDFS.label)}
    return terms


@pytest.fixture(scope="module")
def pages(project_graphs) -> dict[str, str]:
    kgraph = project_graphs("none")
    return {lang: render_ontology_html(kgraph, lang=lang) for lang in ("en", "fr")}


def test_every_term_is_listed_with_both_labels(pages):
    terms = ontology_terms()
    assert len(terms) > 150
    page = parse(pages["en"])
    for local, labels in terms.items():
        assert local in page.ids, local
        block = unescape(pages["en"].split(f'<article id="{local}" class="term">', 1)[1].split("</article>", 1)[0])
        for lang in ("fr", "en"):
            assert f'<span lang="{lang}">{labels[lang]}</span>' in block, (local, lang)


def test_no_broken_internal_link_and_nothing_fetched(pages):
    for html in pages.values():
        page = parse(html)
        internal = [h for h in page.hrefs if h.startswith("#")]
        assert len(internal) > 300
        for href in internal:
            assert href[1:] in page.ids, href
        assert not page.sources  # no script, image or stylesheet to fetch
        assert not re.search(r"""(src|href)=["']//""", html)


def test_language_choice(pages):
    assert '<html lang="fr">' in pages["fr"]
    assert "Propriétés d&#39;objet" in pages["fr"] and "Object properties" in pages["en"]
    fr = pages["fr"].split('<article id="Laboratory" class="term">', 1)[1]
    assert fr.startswith("\n<h3>laboratoire <code>ekg:Laboratory</code></h3>")


def test_details_of_a_property(pages):
    block = pages["en"].split('<article id="supervisedBy" class="term">', 1)[1].split("</article>", 1)[0]
    assert '<a href="#ResearchUnit" title="ekg:ResearchUnit">research unit</a>' in block  # domain
    assert '<a href="#supervises" title="ekg:supervises">supervises</a>' in block  # inverse
    assert '<a href="#subOrganisationOf"' in block  # super-property
    assert "Statements in the data</dt><dd>" in block and "Example</dt>" in block
    chain = pages["en"].split('<article id="memberOf" class="term">', 1)[1].split("</article>", 1)[0]
    assert "Property chain" in chain and " ∘ " in chain


def test_base_for_the_server_mount(project_graphs):
    html = render_ontology_html(project_graphs("none"), base="/ontology")
    page = parse(html)
    assert '<a href="/ontology#Organisation"' in html
    assert all(h.startswith("/ontology#") for h in page.hrefs if "#" in h and not h.startswith("http"))


def test_unknown_language(project_graphs):
    with pytest.raises(InputError):
        render_ontology_html(project_graphs("none"), lang="de")


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.browser
def test_page_renders_in_headless_chromium(pages, tmp_path):
    browser = chromium()
    if browser is None:
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail("Chromium is missing: scripts/install-browser.sh installs it")
        pytest.skip("Chromium is missing: scripts/install-browser.sh installs it")
    page = tmp_path / "ontology.html"
    page.write_text(pages["en"], encoding="utf-8")
    shot = tmp_path / "ontology.png"
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--virtual-time-budget=3000", f"--screenshot={shot}", "--window-size=1200,900",
                           page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000  # a blank page compresses far smaller
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)
