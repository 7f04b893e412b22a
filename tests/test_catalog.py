"""The named-query catalogue: `#+` headers, errors naming file and line, look-up with suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.query import catalog
from kg.shared.errors import InputError, ParameterError

MINI = Path(__file__).parent / "fixtures" / "mini"
PROJECT_QUERIES = Path(__file__).resolve().parent.parent / "queries"

GOOD = """\
#+ summary: Laboratories and their parents
#+ description: First line,
#+ description: second line.
#+ tags: organisations, labs
#+ tags: labs
#+ reasoning: owlrl
#+ param: lab | iri | optional | The lab
#+ param: lang | string@fr | default=fr | Language
#+ param: min | integer | required | Smallest count
# an ordinary comment
SELECT ?lab ?lang ?min WHERE { ?lab ?p ?o }
"""


def test_header_fields() -> None:
    q = catalog.parse_query_text(GOOD, "labs", "queries/labs.rq")
    assert q.summary == "Laboratories and their parents"
    assert q.description == "First line, second line."
    assert q.tags == ("organisations", "labs")
    assert q.reasoning == "owlrl"
    assert q.form == "select"
    assert [(p.name, p.type_text, p.mode) for p in q.params] == [
        ("lab", "iri", "optional"), ("lang", "string@fr", "default=fr"), ("min", "integer", "required")]
    assert q.as_dict()["params"][1] == {"name": "lang", "type": "string@fr", "mode": "default=fr",
                                        "description": "Language"}


@pytest.mark.parametrize("line, message", [
    ("#+ sumary: x", "unknown header key 'sumary' (did you mean summary?)"),
    ("#+ no colon here", "malformed header line, expected '#+ key: value'"),
    ("#+ reasoning: full", "unknown reasoning 'full' (choose from none, rdfs, owlrl)"),
    ("#+ param: lab | url | optional | x", "unknown parameter type 'url'"),
    ("#+ param: lab | iri | maybe | x", "unknown parameter mode 'maybe'"),
    ("#+ param: lab | iri | optional", "malformed param, expected"),
    ("#+ param: 1lab | iri | optional | x", "'1lab' is not a valid parameter name"),
    ("#+ param: n | integer | default=many | x", "bad default: parameter n: 'many' is not an integer"),
    ("#+ param: other | iri | optional | x", "parameter 'other' is declared but the query never uses ?other"),
])
def test_malformed_header_names_file_and_line(line: str, message: str) -> None:
    text = f"#+ summary: ok\n{line}\nSELECT ?lab ?n WHERE {{ ?lab ?p ?n }}\n"
    with pytest.raises(InputError) as err:
        catalog.parse_query_text(text, "q", "queries/q.rq")
    assert err.value.message.startswith("queries/q.rq:2: ")
    assert message in err.value.message
    assert err.value.exit_code == 2


def test_duplicate_keys_and_params() -> None:
    with pytest.raises(InputError, match=r"^q.rq:2: header key 'summary' given more than once"):
        catalog.parse_query_text("#+ summary: a\n#+ summary: b\nASK {}", "q", "q.rq")
    text = ("#+ summary: a\n#+ param: x | iri | optional | x\n#+ param: x | iri | optional | y\n"
            "ASK { ?x ?p ?o }")
    with pytest.raises(InputError, match=r"^q.rq:3: parameter 'x' declared twice"):
        catalog.parse_query_text(text, "q", "q.rq")


def test_missing_summary_and_late_header() -> None:
    with pytest.raises(InputError, match=r"^q.rq:1: missing '#\+ summary: …' header line"):
        catalog.parse_query_text("ASK {}", "q", "q.rq")
    with pytest.raises(InputError, match=r"^q.rq:3: '#\+' header line after the query has started"):
        catalog.parse_query_text("#+ summary: a\nASK {\n#+ tags: x\n}", "q", "q.rq")


def test_load_catalog_of_fixture() -> None:
    cat = catalog.load_catalog(MINI / "queries")
    assert list(cat) == sorted(cat)
    assert {"lab-parents", "echo", "is-supervised", "labels", "supervision-graph"} <= set(cat)
    assert cat["lab-parents"].origin.endswith("lab-parents.rq")
    assert [q.name for q in catalog.filter_by_tag(cat, "LABS")] == ["lab-parents"]
    assert len(catalog.filter_by_tag(cat, None)) == len(cat)


def test_load_catalog_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such queries directory"):
        catalog.load_catalog(tmp_path / "missing")
    (tmp_path / "bad.rq").write_text("#+ summary: fine\n#+ colour: blue\nASK {}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.rq:2: unknown header key 'colour'"):
        catalog.load_catalog(tmp_path)


def test_get_suggests_close_names() -> None:
    cat = catalog.load_catalog(MINI / "queries")
    assert catalog.get(cat, "echo").name == "echo"
    with pytest.raises(InputError) as err:
        catalog.get(cat, "lab-parent")
    assert err.value.message.startswith("unknown query 'lab-parent'; did you mean lab-parents")
    with pytest.raises(InputError, match=r"^unknown query 'zzz' \(kg queries lists them\)$"):
        catalog.get(cat, "zzz")


def test_check_syntax_names_position() -> None:
    catalog.check_syntax("SELECT * WHERE { ?s ekg:p ?o }")  # project prefixes are known
    with pytest.raises(InputError) as err:
        catalog.check_syntax("SELECT ?s\nWHERE {\n  ?s ?p\n}", "queries/x.rq")
    assert err.value.message.startswith("queries/x.rq:4:1: query does not parse: ")


def test_prepare_binds_typed_and_untyped() -> None:
    cat = catalog.load_catalog(MINI / "queries")
    bound = catalog.prepare(cat["lab-parents"], {"lab": "ekd:lix"})
    assert "VALUES (?lab) { (<https://w3id.org/ecosystem-kg/id/lix>) }" in bound
    with pytest.raises(ParameterError, match="unknown parameter nope"):
        catalog.prepare(cat["lab-parents"], {"nope": "1"})
    adhoc = catalog.load_ad_hoc("SELECT ?s WHERE { ?s ?p ?o }")
    assert adhoc.origin == "<query>" and not adhoc.has_header
    bound = catalog.prepare(adhoc, {"s": "ekd:cnrs"})
    assert "VALUES (?s) { (<https://w3id.org/ecosystem-kg/id/cnrs>) }" in bound


def test_load_ad_hoc_sources(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("#+ reasoning: rdfs\nASK {}\n", encoding="utf-8")
    from_file = catalog.load_ad_hoc(str(path))
    assert from_file.reasoning == "rdfs" and from_file.text.endswith("ASK {}\n")
    assert catalog.load_ad_hoc("-", "ASK {}").origin == "<stdin>"
    with pytest.raises(InputError, match=r"missing\.rq: no such query file"):
        catalog.load_ad_hoc(str(tmp_path / "missing.rq"))


def test_listing_formats() -> None:
    cat = catalog.load_catalog(MINI / "queries")
    table = catalog.render_listing(list(cat.values()))
    assert table.splitlines()[0].split() == ["NAME", "SUMMARY", "PARAMETERS"]
    assert "lab (iri, optional)" in table
    import json

    data = json.loads(catalog.render_listing(list(cat.values()), "json"))
    assert [d["name"] for d in data] == list(cat)


@pytest.mark.skipif(not any(PROJECT_QUERIES.glob("*.rq")), reason="the project has no named queries yet")
def test_project_queries_load_and_parse() -> None:
    cat = catalog.load_catalog(PROJECT_QUERIES)
    for query in cat.values():
        catalog.check_syntax(query.text, query.origin)
        assert query.summary


# -- the parsed catalogue, remembered between runs -------------------------------------------------------
def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "labs.rq").write_text(GOOD, encoding="utf-8")
    (folder / "one.rq").write_text("#+ summary: One\nSELECT ?x WHERE { ?x ?p ?o }\n", encoding="utf-8")
    return folder


def test_a_second_load_reads_the_remembered_catalogue(tmp_path: Path, cache_dir: Path, monkeypatch) -> None:
    folder = _folder(tmp_path)
    first = catalog.load_catalog(folder)
    assert (cache_dir / "catalogue.json").is_file()
    monkeypatch.setattr(catalog, "load_query_file", lambda *a, **k: pytest.fail("parsed again"))
    again = catalog.load_catalog(folder)
    assert again == first  # the same NamedQuery values, parameters and origins included
    assert again["labs"].params[1] == first["labs"].params[1] and again["labs"].param("lang").default == "fr"


def test_any_change_to_a_query_file_is_seen(tmp_path: Path, cache_dir: Path) -> None:
    folder = _folder(tmp_path)
    catalog.load_catalog(folder)
    (folder / "one.rq").write_text("#+ summary: Two\nSELECT ?x WHERE { ?x ?p ?o }\n", encoding="utf-8")
    assert catalog.load_catalog(folder)["one"].summary == "Two"
    (folder / "new.rq").write_text("#+ summary: New\nASK { ?s ?p ?o }\n", encoding="utf-8")
    assert "new" in catalog.load_catalog(folder)
    (folder / "new.rq").unlink()
    assert "new" not in catalog.load_catalog(folder)
    (folder / "one.rq").write_text("#+ summary: Two\n#+ reasoning: magic\nSELECT ?x {}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"one\.rq:2: unknown reasoning"):
        catalog.load_catalog(folder)  # errors are never remembered: reported on every run
    with pytest.raises(InputError, match=r"one\.rq:2: unknown reasoning"):
        catalog.load_catalog(folder)


def test_a_damaged_index_is_ignored_and_rewritten(tmp_path: Path, cache_dir: Path) -> None:
    folder = _folder(tmp_path)
    expected = catalog.load_catalog(folder)
    import json

    for damage in ("{not json", "[]", json.dumps({str(folder.resolve()): {"signature": 1}}), ""):
        (cache_dir / "catalogue.json").write_text(damage, encoding="utf-8")
        assert catalog.load_catalog(folder) == expected
    assert str(folder.resolve()) in (cache_dir / "catalogue.json").read_text(encoding="utf-8")
