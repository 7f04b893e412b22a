"""The pages in a real browser: headless Chromium (Debian's, scripts/install-browser.sh) driven by Playwright, on a
`kg serve` application started by the test on 127.0.0.1 and a free port. A reader's walk through the site, with
no console error and no request to another host on any page; screenshots go to docs/screenshots/ (the README
shows them). Markup in a hostile graph is shown as text and never runs."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from seedtext import SEEDS_DIR
from servers import free_port, missing

from kg.serve.app import create_app
from kg.serve.config import ServeConfig

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "docs" / "screenshots"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _serve(config: ServeConfig) -> Iterator[str]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 300  # the first start of a session reasons (a fresh cache); the machine is shared
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    sources = str(SEEDS_DIR) if SEEDS_DIR.is_dir() else None
    yield from _serve(ServeConfig(sources_dir=sources))


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[str]:
    yield from _serve(ServeConfig(data_dir=str(HOSTILE), sources_dir=str(HOSTILE)))


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        missing("Chromium is not installed (scripts/install-browser.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                                     args=CHROMIUM_ARGS, timeout=120_000)
        try:
            yield chromium
        finally:
            chromium.close()


class Watch:
    """Console errors, page errors, dialogs and requests to other hosts, on every page of one browser tab."""

    def __init__(self, page, base: str) -> None:  # type: ignore[no-untyped-def]
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.dialogs: list[str] = []
        host = urlparse(base).netloc
        page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def request(req) -> None:  # type: ignore[no-untyped-def]
            url = urlparse(req.url)
            if url.scheme in ("http", "https", "ws", "wss") and url.netloc != host:
                self.foreign.append(req.url)

        page.on("request", request)

    def check(self, where: str) -> None:
        assert not self.errors, f"{where}: console errors {self.errors}"
        assert not self.foreign, f"{where}: requests to other hosts {self.foreign}"
        assert not self.dialogs, f"{where}: dialogs {self.dialogs}"


@pytest.fixture()
def tab(browser, site):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(90_000)  # a page's first view searches its proofs; the machine is shared
    page = context.new_page()
    watch = Watch(page, site)
    yield page, watch
    context.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_a_readers_walk_through_the_site(tab, site: str) -> None:  # type: ignore[no-untyped-def]
    page, watch = tab
    page.goto(site + "/")
    assert page.title().startswith("ecosystem-kg")
    shot(page, "home")
    watch.check("home")

    # search "zapolski"
    page.fill("#home-q", "zapolski")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/search?*")
    first = page.locator("ol.hits a.hit").first
    assert first.inner_text() == "Alexandre Zapolsky"
    shot(page, "search")
    watch.check("search")

    # LINAGORA's page, from the home page
    page.goto(site + "/")
    page.click("section a[href='/id/linagora']")
    page.wait_for_url("**/id/linagora")
    assert page.locator("h1").inner_text() == "LINAGORA"
    assert page.locator("#outgoing").is_visible() and page.locator("#inferred-outgoing").count() == 1
    shot(page, "entity")
    watch.check("LINAGORA")

    # unfold an inferred statement's proof
    details = page.locator("#inferred-outgoing details.proof").first
    assert details.get_attribute("open") is None
    proof_step = details.locator("ul.proof li").first
    assert not proof_step.is_visible()
    details.locator("summary").click()
    assert details.get_attribute("open") is not None and proof_step.is_visible()
    assert "round" in proof_step.inner_text()
    details.scroll_into_view_if_needed()
    shot(page, "proof")
    watch.check("proof")

    # follow a statement to its source document
    link = page.locator("#outgoing td.sources a.doc").first
    target = link.get_attribute("href")
    assert target.startswith("/id/doc-") and "#s-" in target
    link.click()
    page.wait_for_url("**/id/doc-*")
    anchor = target.split("#", 1)[1]
    assert page.locator(f"section#{anchor}").is_visible()
    assert page.locator("section.sentence li.cite").count() > 5
    shot(page, "document")
    if SEEDS_DIR.is_dir():
        quoted = page.locator(".full-text a.quoted")
        assert quoted.count() > 5
        page.locator(".full-text").scroll_into_view_if_needed()
        shot(page, "document-text")
        href = quoted.first.get_attribute("href")
        quoted.first.click()
        assert page.locator(href).is_visible()
    watch.check("document")

    # the neighbourhood picture, and a click on one of its nodes
    page.goto(site + "/id/linagora")
    page.click("#open-picture")
    page.wait_for_url("**/graph/linagora")
    nodes = page.locator("svg.neighbourhood a")
    assert nodes.count() >= 10
    shot(page, "neighbourhood")
    watch.check("neighbourhood")
    href = nodes.first.get_attribute("href")
    nodes.first.locator("circle").click()
    page.wait_for_url("**" + href)
    assert page.locator("svg.neighbourhood").count() == 1
    watch.check("neighbour")

    # a named query through its form, with a parameter
    page.goto(site + "/query/")
    page.click("a[href^='/query/people-roles']")
    page.fill("#p-person", "ekd:antoine-petit")
    page.click("#run")
    page.wait_for_url("**person=ekd%3Aantoine-petit*")
    rows = page.locator("#results tbody tr")
    assert rows.count() >= 1
    cells = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert all("Antoine Petit" in c for c in cells) and any("PDG du CNRS" in c for c in cells), cells
    shot(page, "query")
    watch.check("query")

    # a chart declared by the query's header
    page.goto(site + "/query/timeline")
    assert page.locator("svg.chart.timeline circle.dot").count() > 3
    shot(page, "timeline")
    page.goto(site + "/editor")
    assert "PREFIX ekg:" in page.locator("#sparql-text").input_value()
    watch.check("timeline and editor")


def test_hostile_markup_never_runs(browser, hostile_site: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    context.set_default_timeout(90_000)
    page = context.new_page()
    watch = Watch(page, hostile_site)
    try:
        for path in ("/id/evil-corp", "/id/evil-corp?lang=fr", "/id/good-lab", "/id/role-evil", "/id/doc-evil",
                     "/graph/evil-corp", "/search?q=evil"):
            page.goto(hostile_site + path)
            assert page.evaluate("typeof window.__pwned") == "undefined", path
            page.mouse.move(200, 200)
            assert page.locator("script").count() == 0, path
        page.goto(hostile_site + "/id/evil-corp")
        assert page.locator("h1").inner_text() == "<script>window.__pwned = 1</script>Evil Corp"
        page.locator("#outgoing a[href^='/id/good-lab']").first.hover()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        watch.check("hostile pages")
    finally:
        context.close()
