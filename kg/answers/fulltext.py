"""`kg search --text` and `/search?in=text`: the full-text index of a graph, built once per graph state and kept
in the cache like the closure.

What is indexed: every quote the graph keeps (ekg:quote of attestations and fact nodes, one passage per
document and quote, citing every node that quotes it) and, when the source texts are given (`--sources DIR`),
every sentence of every document the graph cites, split and numbered as the data's ekg:sentenceIndex is
(kg.ingest.sentences), citing the nodes that give that sentence's number or quote words inside it.

The cache entry is one SQLite file, `fulltext/KEY.sqlite` under kg's cache folder, KEY a digest of the index
format, the stemmer's version, the ontology and data files and the source files read. Written to a temporary
name, then renamed: readers never see half an index. Where the cache folder cannot be written, the index is
built in a temporary file for this run alone.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.answers.answer import Answer
from kg.query.fulltext import FORMAT, FullTextIndex, Passage, build
from kg.shared.errors import EXIT_FALSE, InputError
from kg.shared.namespaces import EKG, RDF, RDFS

if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph
    from kg.shared.paths import GraphLayout

NAMING = (RDFS + "label", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://www.w3.org/2004/02/skos/core#altLabel")

PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"


def passages_query() -> str:
    return (f"SELECT ?n ?q ?doc ?file ?idx ?label ?p WHERE {{ ?n <{EKG}quote> ?q ; <{PROV}wasDerivedFrom> ?doc . "
            f"OPTIONAL {{ ?doc <{DCTERMS}identifier> ?file }} OPTIONAL {{ ?n <{EKG}sentenceIndex> ?idx }} "
            f"OPTIONAL {{ ?n <{RDFS}label> ?label }} OPTIONAL {{ ?n <{RDF}predicate> ?p }} }}")


def documents_query() -> str:
    return (f"SELECT ?doc ?file WHERE {{ ?doc a <{EKG}SourceDocument> ; <{DCTERMS}identifier> ?file }} "
            f"ORDER BY ?file")


def graph_passages(run: Callable[[str], object], sources: dict[str, str] | None = None) -> list[Passage]:
    """The passages of a graph: its quotes, and the sentences of `sources` ({file name: text}) when given."""
    from kg.ingest.sentences import normalise, sentences

    nodes: dict[str, dict] = {}
    for n, q, doc, file, idx, label, pred in getattr(run(passages_query()), "rows", []):
        if n is None or q is None or doc is None:
            continue
        node = nodes.setdefault(n.value, {"labels": {}, "quotes": set(), "doc": doc.value,
                                          "file": file.value if file is not None else "", "idx": None,
                                          "naming": pred is not None and pred.value in NAMING})
        node["quotes"].add(normalise(q.value))
        if idx is not None:
            node["idx"] = int(idx.value)
        if label is not None:
            node["labels"][getattr(label, "language", None) or "en"] = label.value

    def fact(iri: str) -> tuple[str, str, str]:
        labels = nodes[iri]["labels"]
        return (iri, labels.get("en", ""), labels.get("fr", ""))

    def cited_by(iris: list[str]) -> list[tuple[str, str, str]]:
        """Statements first, then the attestations of names (a name is rarely what a reader looks for)."""
        return [fact(i) for i in sorted(iris, key=lambda i: (nodes[i]["naming"], i))]

    by_quote: dict[tuple[str, str], list[str]] = {}
    for iri, node in nodes.items():
        for quote in node["quotes"]:
            by_quote.setdefault((node["doc"], quote), []).append(iri)
    files = {node["doc"]: node["file"] for node in nodes.values()}
    said: dict[str, list[str]] = {}  # document → its sentences, when the sources are given
    out = []
    if sources:
        documents = {file.value: doc.value for doc, file in getattr(run(documents_query()), "rows", [])
                     if doc is not None and file is not None}
        by_doc: dict[str, list[str]] = {}
        for iri, node in nodes.items():
            by_doc.setdefault(node["doc"], []).append(iri)
        for file, text in sorted(sources.items()):
            doc = documents.get(file, "")
            for number, sentence in enumerate(sentences(text), start=1):
                citing = sorted(i for i in by_doc.get(doc, []) if nodes[i]["idx"] == number
                                or any(q and q in sentence for q in nodes[i]["quotes"]))
                out.append(Passage("sentence", doc, file, number, sentence, cited_by(citing)))
                said.setdefault(doc, []).append(sentence)
    # A quote inside one sentence of its document is found as that sentence (which cites the same facts).
    for (doc, quote), iris in sorted(by_quote.items()):
        if not any(quote in sentence for sentence in said.get(doc, ())):
            out.append(Passage("quote", doc, files.get(doc, ""), None, quote, cited_by(iris)))
    return out


def read_sources(run: Callable[[str], object], sources_dir: Path) -> dict[str, str]:
    """The text of every document the graph cites, from `sources_dir` ({file name: text}); one clear error when
    the folder holds none of them."""
    if not sources_dir.is_dir():
        raise InputError(f"--sources {sources_dir}: not a folder")
    names = [file.value for _doc, file in getattr(run(documents_query()), "rows", []) if file is not None]
    texts = {}
    for name in names:
        path = sources_dir / name
        if path.is_file():
            try:
                texts[name] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{path}: cannot read as UTF-8 text: {exc}") from None
    if names and not texts:
        raise InputError(f"--sources {sources_dir}: none of the graph's {len(names)} documents is there "
                         f"(expected files such as {names[0]})")
    return texts


def index_key(layout: GraphLayout, sources_dir: Path | None) -> str:
    """A digest of everything the index is made from (no graph opened: a warm search reads no Turtle)."""
    from importlib.metadata import version

    from kg.engine.cache import file_digests

    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover
        from hashlib import blake2b
    h = blake2b(digest_size=20)
    h.update(f"fulltext={FORMAT};snowball={version('snowballstemmer')};".encode())
    here = Path(__file__).resolve()
    code = [here, here.parent.parent / "query" / "fulltext.py", here.parent.parent / "ingest" / "sentences.py"]
    files = code + layout.ontology_files() + layout.data_files()
    for path, digest in zip(files, file_digests(files), strict=True):
        h.update(f"{path.name}:{digest};".encode())
    if sources_dir is not None:
        texts = sorted(p for p in sources_dir.iterdir() if p.is_file()) if sources_dir.is_dir() else []
        for path, digest in zip(texts, file_digests(texts), strict=True):
            h.update(f"source:{path.name}:{digest};".encode())
    return h.hexdigest()


def open_index(layout: GraphLayout, sources_dir: Path | None = None, *, use_cache: bool = True,
               graph: KnowledgeGraph | None = None) -> FullTextIndex:
    """The graph's full-text index: from the cache when this graph state has one, else built (and cached)."""
    from kg.shared.paths import FULLTEXT_DIR, cache_root

    if sources_dir is not None and not sources_dir.is_dir():
        raise InputError(f"--sources {sources_dir}: not a folder")
    key = index_key(layout, sources_dir)
    folder = cache_root() / FULLTEXT_DIR
    target = folder / f"{key}.sqlite"
    if use_cache and target.is_file():
        return FullTextIndex(target)
    if graph is None:
        from kg.engine.graph import open_graph

        graph = open_graph(layout, reasoning="none", use_cache=use_cache, provenance=False)
    sources = read_sources(graph.query, sources_dir) if sources_dir is not None else None
    passages = graph_passages(graph.query, sources)
    try:
        if not use_cache:
            raise OSError("no cache")
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".tmp-{key}-{os.getpid()}-", suffix=".sqlite", dir=folder)
    except OSError:  # no writable cache: an index for this run alone
        fd, tmp = tempfile.mkstemp(prefix="kg-fulltext-", suffix=".sqlite")
        target = None  # type: ignore[assignment]
    os.close(fd)
    os.unlink(tmp)  # sqlite creates it
    try:
        build(passages, tmp)
        if target is not None:
            os.replace(tmp, target)
            return FullTextIndex(target)
        import atexit

        atexit.register(lambda: os.path.exists(tmp) and os.unlink(tmp))
        return FullTextIndex(tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def render_text_hits(hits: list, fmt: str = "text", lang: str = "en") -> str:
    import json

    if fmt == "json":
        return json.dumps([h.as_dict(lang) for h in hits], indent=2, ensure_ascii=False) + "\n"
    if not hits:
        return "(no match)\n"
    blocks = []
    for hit in hits:
        where = f"{hit.file} sentence {hit.index}" if hit.kind == "sentence" else f"{hit.file} (quote)"
        lines = [f"{where}", f"  {hit.marked}"]
        for iri, en, fr in hit.facts[:10]:
            label = (fr if lang == "fr" else en) or en or fr
            lines.append(f"  cited by {_short(iri)}" + (f"  {label}" if label else ""))
        if len(hit.facts) > 10:
            lines.append(f"  … and {len(hit.facts) - 10} more")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _short(iri: str) -> str:
    from kg.shared.namespaces import EKD

    return "ekd:" + iri[len(EKD):] if iri.startswith(EKD) else f"<{iri}>"


def answer_text_search(text: str, *, lang: str = "en", fmt: str = "text", limit: int = 20,
                       data_dir: str | None = None, sources_dir: str | None = None,
                       use_cache: bool = True) -> Answer:
    """Search the documents' sentences (with sources) and the graph's quotes; exit 1 when nothing matches."""
    from kg.shared.paths import layout

    index = open_index(layout(data_dir), Path(sources_dir) if sources_dir else None, use_cache=use_cache)
    try:
        hits = index.search(text, limit=limit)
    finally:
        index.close()
    return Answer(render_text_hits(hits, fmt, lang), 0 if hits else EXIT_FALSE)
