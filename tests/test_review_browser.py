"""Review in a real browser (issue 23, item 5): headless Chromium (Debian's) driven by Playwright on a `kg serve`
application for a graph folder of the test's own, on 127.0.0.1 and a free port. A curator opens the pending
review from the home page, accepts three rows, corrects one and accepts it, rejects one, presses "accept the
reviewed rows", and finds the new facts on the entity page. No console error, no request to another host;
screenshots go to docs/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from curation_helpers import new_graph, orbis_rows, row, text_file, write_review
from test_browser import Watch, _serve, browser, shot  # noqa: F401  (browser: the fixture)

from kg.ingest.review import read_review
from kg.serve.config import ServeConfig

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("review-browser")
    graph = new_graph(tmp)
    rows = orbis_rows("")
    rows[3]["value"] = "4"  # the extractor misread the figure: the curator corrects it to 40
    rows.append(row("c0005", "relation", 1, "Orbis Data et LINAGORA", "", subject="ekd:orbis-data",
                    predicate="ekg:collaboratesWith", object="ekd:linagora-sa"))
    (graph / "reviews").mkdir()
    review = write_review(graph / "reviews" / "orbis.tsv", text_file(tmp), rows, title="Orbis Data et LINAGORA")
    for url in _serve(ServeConfig(data_dir=str(graph))):
        yield url, review


def test_a_curators_review_in_the_browser(browser, curated) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    site, review = curated
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-GB")
    context.set_default_timeout(180_000)  # accepting builds the closure again; the machine is shared
    page = context.new_page()
    watch = Watch(page, site)
    try:
        page.goto(site + "/")
        page.click("section.home-reviews a[href='/review/orbis.tsv']")
        page.wait_for_url("**/review/orbis.tsv")
        assert page.locator("a.hl").count() >= 5  # every candidate's words marked in the text
        assert page.locator("#row-c0003 .badge.created").inner_text().startswith("created by")
        assert page.locator("#row-c0003 .badge.exists").count() == 1  # LINAGORA is in the graph
        assert page.locator("#row-c0005 .badge.unknown").count() == 1
        shot(page, "review")
        watch.check("review page")

        for rid in ("c0001", "c0002", "c0003"):
            page.click(f"#row-{rid} button.btn-accept")
            page.wait_for_selector(f"#row-{rid}.decided-accept")
        page.click("#row-c0004 details.correct summary")
        page.select_option("#row-c0004 select[name=column]", "value")
        page.fill("#row-c0004 input[name=value]", "40")
        page.click("#row-c0004 details.correct button[type=submit]")
        page.wait_for_load_state()
        assert "40" in page.locator("#row-c0004 dl").inner_text()
        page.click("#row-c0004 button.btn-accept")
        page.wait_for_selector("#row-c0004.decided-accept")
        page.click("#row-c0005 button.btn-reject")
        page.wait_for_selector("#row-c0005.decided-reject")
        _, rows = read_review(review)  # the browser's edits are the TSV's
        assert [r.decision for r in rows] == ["accept"] * 4 + ["reject"] and rows[3].value == "40"
        watch.check("decisions")

        page.fill("form.accept-all input[name=by]", "Jeanne Relectrice")
        page.click("#accept-reviewed")
        page.wait_for_selector("section.accept-result")
        result = page.locator("section.accept-result").inner_text()
        assert "Written" in result and "doc-005" in result, result
        shot(page, "review-accepted")
        watch.check("accept")

        assert "Jeanne Relectrice" in (review.parent.parent / "data" / "doc-005.ttl").read_text(encoding="utf-8")
        page.click("p.touched a[href='/id/orbis-data']")
        page.wait_for_url("**/id/orbis-data")
        assert page.locator("h1").inner_text() == "Orbis Data"
        facts = page.locator("main").inner_text()
        assert "LINAGORA" in facts and "40" in facts and "doc-005" in facts.replace("document 005", "doc-005")
        shot(page, "review-entity")
        watch.check("entity page after accept")
    finally:
        context.close()
