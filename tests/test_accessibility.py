"""WCAG 2.1 A/AA and phones (issue 26, items 8 and 9), in a real browser: axe-core (pinned, vendored for the tests
only: tests/vendor/axe-core) runs on every kind of page in both languages, at desktop width and at 390 px, and the
test fails on any WCAG A or AA violation; at 320 px no page scrolls sideways (wide tables scroll inside
themselves). Uses the server and browser of test_browser.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_browser import SHOTS, browser, site  # noqa: F401  (fixtures: the server and Chromium)

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {  # one of every kind of page
    "home": "/",
    "search": "/search?q=cnrs",
    "entity": "/id/linagora",
    "person": "/id/adeline-nazarenko",
    "fact": "/id/fig-linagora-revenue-2023",
    "attestation": "/id/att-alexandre-zapolsky-type-person-000",
    "document": "/id/doc-001",
    "queries": "/query/",
    "query": "/query/people-roles?person=ekd%3Aantoine-petit",
    "timeline": "/query/timeline",
    "figures": "/query/figures",
    "editor": "/editor",
    "picture": "/graph/linagora",
    "graph-all": "/graph/linagora?all=1",
    "choices": "/query/affiliations?org=PEPR",
    "editor-answer": "/editor?query=SELECT%20%3Flab%20WHERE%20%7B%20%3Flab%20a%20ekg%3ALaboratory%20%7D",
    "not-found": "/id/linagor",
    "bad-request": "/query/figures?subject=%3Cnot%20an%20iri",
}


def _with(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


def _violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
                          "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})))",
                          WCAG_TAGS)
    return found


@pytest.fixture(scope="module")
def contexts(browser):  # type: ignore[no-untyped-def]  # noqa: F811
    made = {}
    for width, height in ((1280, 900), (390, 844)):
        # the pages forbid inline scripts (CSP); the test lifts that for itself to inject axe-core
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        context.set_default_timeout(90_000)
        made[width] = context
    yield made
    for context in made.values():
        context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", [1280, 390])
def test_no_wcag_a_or_aa_violation_on_any_page(contexts, site: str, width: int, lang: str) -> None:  # noqa: F811
    page = contexts[width].new_page()
    failures = {}
    checked = 0
    try:
        for kind, path in PAGES.items():
            page.goto(site + _with(path, lang))
            violations = _violations(page)
            checked += 1
            if violations:
                failures[kind] = violations
    finally:
        page.close()
    assert checked == len(PAGES)
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)[:6000]


def test_french_text_is_marked_french(contexts, site: str) -> None:  # noqa: F811
    page = contexts[1280].new_page()
    try:
        page.goto(site + "/id/linagora?lang=en")
        assert page.locator("html").get_attribute("lang") == "en"
        quotes = page.locator("q.quote")
        assert quotes.count() > 10
        assert all(quotes.nth(i).get_attribute("lang") == "fr" for i in range(min(quotes.count(), 30)))
        # a French description on an English page carries its language
        described = page.locator("table#outgoing td span.literal[lang=fr]")
        assert described.count() > 5 and "@fr" not in page.locator("main").inner_text()
    finally:
        page.close()


def test_skip_link_and_visible_focus(contexts, site: str) -> None:  # noqa: F811
    page = contexts[1280].new_page()
    try:
        page.goto(site + "/id/linagora")
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
        assert focused == ["skip", "#content"]
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none")
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "content"
        underline = page.evaluate("() => getComputedStyle(document.querySelector('main a')).textDecorationLine")
        assert "underline" in underline  # links are told apart without colour
    finally:
        page.close()


def test_no_page_scrolls_sideways_at_320_px(browser, site: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 320, "height": 700})
    context.set_default_timeout(90_000)
    page = context.new_page()
    wide = {}
    try:
        for lang in ("en", "fr"):
            for kind, path in PAGES.items():
                page.goto(site + _with(path, lang))
                sizes = page.evaluate("() => [document.documentElement.scrollWidth, "
                                      "document.documentElement.clientWidth]")
                if sizes[0] > sizes[1]:
                    wide[f"{kind} ({lang})"] = sizes
    finally:
        context.close()
    assert not wide, wide


PHONE_SHOTS = {"phone-home": "/", "phone-entity": "/id/linagora", "phone-query": "/query/affiliations?org=CNRS",
               "phone-not-found": "/id/linagor"}
DESKTOP_SHOTS = {"not-found": "/id/linagor", "editor": "/editor?example=founders",
                 "entity-fr": "/id/linagora?lang=fr"}


def test_screenshots_at_desktop_and_phone_width(browser, site: str) -> None:  # noqa: F811
    """The README's pictures of the reader's pages (the walk in test_browser.py takes the others)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for (width, height), shots in (((390, 844), PHONE_SHOTS), ((1280, 900), DESKTOP_SHOTS)):
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
        context.set_default_timeout(90_000)
        page = context.new_page()
        try:
            for name, path in shots.items():
                page.goto(site + path)
                page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
                assert (SHOTS / f"{name}.png").stat().st_size > 5000
        finally:
            context.close()
