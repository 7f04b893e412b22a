"""`kg release`: a dated, versioned, checksummed, self-describing set of files, byte-identical for the same inputs.

One version number (kg.__version__, which pyproject.toml reads too) names the package, the ontology's
owl:versionInfo / owl:versionIRI (checked here and by a test) and the release. The only date is the issue date,
taken from SOURCE_DATE_EPOCH, else the date of the last commit of the repository, else the newest input file;
gzip members carry mtime 0 and no file name. The release is built in a temporary folder next to OUTDIR and
renamed into place, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import __version__
from kg.output.rdf import (
    CONTEXT_FILE,
    canonical,
    canonical_lines,
    jsonld_chunks,
    nquads_chunks,
    trig_chunks,
    turtle_chunks,
)
from kg.publish import void
from kg.publish.export import export_lines
from kg.publish.noquotes import graph_without_quotes, without_quotes
from kg.shared.errors import EXIT_FALSE, InputError, KgError
from kg.shared.namespaces import BASE, EKG, GRAPH_DATA, GRAPH_ONTOLOGY, ONTOLOGY_IRI, OWL, RDFS

if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph
    from kg.shared.paths import GraphLayout

NAME = "ecosystem-kg"
QUOTES = ("full", "none")
DEFAULT_QUOTES = "full"
SHAPES_FILE = Path(__file__).resolve().parent / "shapes" / "release.ttl"
DESCRIPTION = "dataset.ttl"
CHECKSUMS = "SHA256SUMS"
LAST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last second a date of four digits can name

MEDIA_TYPES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nq": "application/n-quads",
               ".trig": "application/trig", ".html": "text/html", ".svg": "image/svg+xml",
               ".tsv": "text/tab-separated-values", ".md": "text/markdown", ".txt": "text/plain"}


def step(message: str) -> None:
    """The one place `kg release` reports its steps (kg.shared.progress: on a terminal, or KG_PROGRESS=1)."""
    from kg.shared import progress

    progress.note(f"kg release: {message}")


# -- version and date -------------------------------------------------------------------------------------------
def ontology_version(kgraph: KnowledgeGraph) -> tuple[str, str]:
    """(owl:versionInfo, owl:versionIRI) of the ontology header; both must name the package version."""
    rows = kgraph.query(f"SELECT ?info ?iri WHERE {{ <{ONTOLOGY_IRI}> <{OWL}versionInfo> ?info ; "
                        f"<{OWL}versionIRI> ?iri }}").rows
    if not rows:
        raise InputError(f"<{ONTOLOGY_IRI}>: the ontology header needs owl:versionInfo and owl:versionIRI")
    info, iri = rows[0][0].value, rows[0][1].value
    if info != __version__ or iri != f"{ONTOLOGY_IRI}/{__version__}":
        raise InputError(f"<{ONTOLOGY_IRI}>: owl:versionInfo {info!r} / owl:versionIRI <{iri}> differ from the "
                         f"package version {__version__} (kg/__init__.py): update the ontology header")
    return info, iri


def release_epoch(layout: GraphLayout) -> int:
    """SOURCE_DATE_EPOCH, else the last commit's date, else the newest input file's modification time."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env:
        try:
            seconds = int(env)
        except ValueError:
            raise InputError(f"SOURCE_DATE_EPOCH={env!r}: not a number of seconds") from None
        if not 0 <= seconds <= LAST_EPOCH:
            raise InputError(f"SOURCE_DATE_EPOCH={env!r}: out of range (0 to {LAST_EPOCH}, "
                             "1970-01-01 to 9999-12-31)")
        return seconds
    try:
        done = subprocess.run(["git", "-C", str(layout.data_dir), "log", "-1", "--format=%ct"],
                              capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.strip():
            return int(done.stdout.strip())
    except (OSError, ValueError):
        pass
    files = layout.ontology_files() + layout.data_files()
    return int(max((f.stat().st_mtime for f in files), default=0))


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: mtime 0, no file name in the header."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as fh:
        fh.write(data)
    return buffer.getvalue()


# -- the graph as released ------------------------------------------------------------------------------------
def sources_of(kgraph: KnowledgeGraph) -> list[void.Source]:
    rows = kgraph.query(
        f"SELECT ?d ?id ?label ?title WHERE {{ ?d a <{EKG}SourceDocument> ; "
        f"<http://purl.org/dc/terms/identifier> ?id . OPTIONAL {{ ?d <{RDFS}label> ?label }} "
        f"OPTIONAL {{ ?d <http://purl.org/dc/terms/title> ?title }} }}").rows
    found: dict[str, void.Source] = {}
    for d, ident, label, title in rows:
        source = found.setdefault(d.value, void.Source(d.value, ident.value, {}))
        if label is not None:
            source.labels[label.language or ""] = label.value
        if title is not None:
            source.title = (title.value, title.language or "")
    return [found[k] for k in sorted(found)]


# -- writing ----------------------------------------------------------------------------------------------------
class ReleaseWriter:
    """Collects the files of a release in a folder, remembering sizes and checksums."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, bytes] = {}

    def write(self, name: str, data: bytes | str, *, gz: bool = False) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self._put(name, raw)
        if gz:
            self._put(name + ".gz", gzip_bytes(raw))

    def _put(self, name: str, raw: bytes) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        self.files[name] = raw

    def info(self, name: str) -> void.FileInfo:
        raw = self.files[name]
        base = name[:-3] if name.endswith(".gz") else name
        media = MEDIA_TYPES.get(Path(base).suffix, "application/octet-stream")
        if base == CHECKSUMS:
            media = "text/plain"
        return void.FileInfo(name, media, len(raw), hashlib.sha256(raw).hexdigest(), name.endswith(".gz"))


def _text(chunks: Iterable[str]) -> str:
    return "".join(chunks)


def previous_release_iri(previous: str) -> str | None:
    """The release IRI of a previous release folder (from its description), or of a tag named like a version."""
    folder = Path(previous)
    if (folder / DESCRIPTION).is_file():
        store = ox.Store()
        try:
            store.load(path=str(folder / DESCRIPTION), format=ox.RdfFormat.TURTLE)
        except SyntaxError as exc:
            raise InputError(f"{folder / DESCRIPTION}: {exc}") from None
        rows = list(store.query(f"SELECT ?d WHERE {{ ?d a <{void.DCAT}Dataset> ; <{void.DCAT}version> ?v }}"))
        return rows[0]["d"].value if rows else None
    tag = previous.removeprefix("v")
    if tag.replace(".", "").isdigit() and tag.count(".") == 2:
        return f"{BASE}release/{tag}"
    return None


def build_release(outdir: str | Path, kgraph: KnowledgeGraph, asserted_graph: KnowledgeGraph, *,
                  previous: str | None = None, quotes: str = DEFAULT_QUOTES, sources_dir: str | None = None,
                  extras: Callable[[ReleaseWriter, KnowledgeGraph], None] | None = None,
                  ) -> list[str]:
    """Write the release into `outdir` (which must not exist, or be empty). `kgraph` carries the OWL 2 RL
    closure, `asserted_graph` is the same files without reasoning (for the quality report). `extras` writes
    the documentation and diagrams (default: write_documentation). Returns the file names written."""
    from kg.publish import diff, report

    if quotes not in QUOTES:
        raise InputError(f"--quotes {quotes}: choose from {', '.join(QUOTES)}")
    from kg.shared.utf8 import check_path

    check_path(str(outdir), "OUTDIR")
    target = release_target(Path(outdir))
    _, onto_version_iri = ontology_version(kgraph)
    issued = datetime.fromtimestamp(release_epoch(kgraph.layout), tz=UTC).strftime("%Y-%m-%d")
    release_iri = f"{BASE}release/{__version__}" + ("/no-quotes" if quotes == "none" else "")

    step("quality report")
    checks = report.load_checks()
    sources = report.read_sources(sources_dir) if sources_dir else None
    quality = report.run_report(asserted_graph, checks, sources=sources)
    errors = quality.counts()["ERROR"]
    if errors:
        raise KgError(f"the quality report finds {errors} ERROR violation(s): run `kg report` to see them; "
                      "no release written", EXIT_FALSE)

    step("dumps")
    parts = export_lines(kgraph, inferred=True)
    documented = kgraph
    if quotes == "none":
        parts = without_quotes(parts)
        documented = graph_without_quotes(parts, kgraph)  # the docs' examples come from the variant's data
    graphs = canonical(parts)
    asserted = canonical_lines(parts[GRAPH_ONTOLOGY] | parts[GRAPH_DATA])

    created = make_parents(target)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:  # a read-only or full parent folder
        remove_folders(created)
        raise InputError(f"{outdir}: cannot write a release into {target.parent} ({exc.strerror or exc})") from None
    try:
        out = ReleaseWriter(tmp)
        out.write(f"{NAME}.ttl", _text(turtle_chunks(asserted)), gz=True)
        out.write(f"{NAME}.jsonld", _text(jsonld_chunks(asserted)), gz=True)
        out.write(f"{NAME}.nq", _text(nquads_chunks(graphs)), gz=True)
        out.write(f"{NAME}.trig", _text(trig_chunks(graphs)), gz=True)
        out.write(f"{NAME}-ontology.ttl", _text(turtle_chunks(graphs[GRAPH_ONTOLOGY])))
        out.write("context.jsonld", CONTEXT_FILE.read_bytes())
        for shapes in kgraph.layout.shapes_files():
            out.write(f"shapes/{shapes.name}", shapes.read_bytes())
        out.write("shapes/release.ttl", SHAPES_FILE.read_bytes())
        out.write("report.tsv", report.render_tsv(quality))
        out.write("report.html", report.render_html(quality))
        dumps = [n for n in out.files if n.startswith(f"{NAME}.")]

        step("documentation and diagrams")
        (extras or write_documentation)(out, documented)

        step("changes")
        out.write("CHANGES.md", changes_markdown(previous, out.folder / f"{NAME}.ttl", issued, diff))
        out.write("LICENSE.txt", LICENCE_TEXT)
        out.write("README.md", readme(issued, quotes, sorted([*out.files, "README.md"]), quality,
                                      sources is not None))

        step("description")
        info = void.ReleaseInfo(__version__, issued, release_iri, quotes, onto_version_iri,
                                previous_iri=previous_release_iri(previous) if previous else None,
                                sources=sources_of(kgraph),
                                files=[out.info(n) for n in sorted(out.files)], dumps=sorted(dumps))
        stats = void.statistics(parts)
        description = void.description_turtle(info, stats)
        validate_description(description)
        out.write(DESCRIPTION, description)
        sums = "".join(f"{hashlib.sha256(out.files[n]).hexdigest()}  {n}\n" for n in sorted(out.files))
        out.write(CHECKSUMS, sums)
        names = sorted(out.files)
        os.chmod(tmp, 0o777 & ~_umask())
        os.replace(tmp, target)  # rename(2) replaces an empty folder in one step
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        remove_folders(created)
        if isinstance(exc, OSError):
            raise InputError(f"{outdir}: cannot write the release ({exc.strerror or exc}); "
                             "nothing was written") from None
        raise
    return names


def release_target(outdir: Path) -> Path:
    """The folder a release goes to: OUTDIR, or the folder OUTDIR links to. InputError, before any work, when it
    is not a new or empty folder, or when its parents cannot be made (`kg release a/b` makes `a`, as mkdir -p)."""
    target = outdir
    try:
        if outdir.is_symlink():
            if not outdir.exists():
                raise InputError(f"{outdir}: a symbolic link to {os.readlink(outdir)}, which does not exist; "
                                 "remove the link or create the folder it names")
            target = outdir.resolve()
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise InputError(f"{outdir}: already exists and is not an empty folder")
        ancestor = target.parent
        while not ancestor.exists() and not ancestor.is_symlink() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            what = "a dangling symbolic link" if ancestor.is_symlink() else "not a folder"
            raise InputError(f"{outdir}: cannot make a folder inside {ancestor} ({what})")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise InputError(f"{outdir}: cannot write a release into {ancestor} (permission denied)")
    except OSError as exc:  # a folder that cannot be listed
        raise InputError(f"{outdir}: cannot write a release there ({exc.strerror or exc})") from None
    return target


def make_parents(target: Path) -> list[Path]:
    """Create the missing parents of `target` (mkdir -p) and return them, outermost first, so a failed release
    can take them away again."""
    missing = [p for p in reversed(target.parents) if not p.exists()]
    created: list[Path] = []
    for folder in missing:
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            remove_folders(created)
            raise InputError(f"{target}: cannot create the folder {folder} ({exc.strerror or exc})") from None
        created.append(folder)
    return created


def remove_folders(created: list[Path]) -> None:
    """Remove the folders make_parents created (innermost first) when they are still empty."""
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            break


def documentation_files(kgraph: KnowledgeGraph, *, diagrams: bool = True) -> dict[str, str | bytes]:
    """The ontology documentation in English and French, and the diagrams (SVG, by Graphviz), by file name."""
    from kg.publish.ontodoc import render_ontology_html

    files: dict[str, str | bytes] = {
        "ontology.html": render_ontology_html(kgraph, lang="en", other_language_href="ontology.fr.html"),
        "ontology.fr.html": render_ontology_html(kgraph, lang="fr", other_language_href="ontology.html"),
    }
    if diagrams:
        from kg.publish.diagrams import render_all

        for name, svg in render_all(kgraph).items():
            files[f"diagrams/{name}.svg"] = svg
    return files


def write_documentation(out: ReleaseWriter, kgraph: KnowledgeGraph, *, diagrams: bool = True) -> None:
    for name, data in documentation_files(kgraph, diagrams=diagrams).items():
        out.write(f"docs/{name}", data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def validate_description(turtle: str, shapes: Path = SHAPES_FILE) -> None:
    """Refuse a description that breaks our own shapes (a bug in kg, not in the data)."""
    conforms, text = check_description(turtle, shapes)
    if not conforms:
        import re

        messages = sorted(set(re.findall(r"Message: (.*)", text)))
        said = "; ".join(messages[:3]) + ("; …" if len(messages) > 3 else "") if messages else "see its shapes"
        raise KgError(f"the release description does not conform to {shapes.name}: {said}")


def check_description(turtle: str, shapes: Path = SHAPES_FILE) -> tuple[bool, str]:
    """(conforms, report text) of a description against the release shapes (pySHACL, SHACL Core)."""
    import pyshacl
    import rdflib

    data = rdflib.Graph().parse(data=turtle, format="turtle")
    shapes_graph = rdflib.Graph().parse(str(shapes), format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none")
    return bool(conforms), str(text)


# -- texts ------------------------------------------------------------------------------------------------------
def changes_markdown(previous: str | None, new_dump: Path, issued: str, diff_module) -> str:
    head = f"# Changes in {NAME} {__version__} ({issued})\n\n"
    if not previous:
        return head + "First release: no previous release to compare with.\n"
    old = diff_module.load_version(previous)
    new = ox.Store()
    new.load(path=str(new_dump), format=ox.RdfFormat.TURTLE)
    result = diff_module.compare(old, new, old_name=previous, new_name=__version__)
    return head + f"Since `{Path(previous).name or previous}` (asserted triples).\n\n" + diff_module.render_markdown(
        result)


LICENCE_TEXT = f"""{NAME} {__version__}

The graph (ontology, data and their descriptions) is licensed under the Creative Commons Attribution 4.0
International licence (CC BY 4.0): https://creativecommons.org/licenses/by/4.0/
Attribution: "{NAME} contributors, https://w3id.org/ecosystem-kg/".

Quotations (the values of ekg:quote and ekg:quotedText, and the labels of ekg:Quotation nodes, which repeat
their first words) remain their publishers' text. They are cited, each with its document and sentence, under
the right of short quotation (in France, article L122-5 of the Code de la propriété intellectuelle); the
CC BY 4.0 licence does not extend to them. The variant built with `kg release --quotes none` leaves them out,
with every other value copied from them (descriptions, notes); it keeps the names of things, and rebuilds from
names the labels of facts that repeated a quote.
"""


def readme(issued: str, quotes: str, names: list[str], quality, checked_quotes: bool) -> str:
    variant = ("with the quotations (the default)" if quotes == "full" else
               "without the quoted words (`--quotes none`): no quotation, nor any description or note copied "
               "from one; names, documents and sentence indexes are kept")
    counts = quality.counts()
    files = "\n".join(f"- `{n}`" for n in names)
    return f"""# {NAME} {__version__}

Issued {issued}. Built by `kg release` {variant}.

## Files

{files}
- `{DESCRIPTION}`: the VoID and DCAT 3 description of this release (statistics, one dcat:Distribution per
  file with its media type, size and SHA-256)
- `{CHECKSUMS}`: check the files with `sha256sum -c {CHECKSUMS}`

`{NAME}.ttl` and `{NAME}.jsonld` (compacted with `context.jsonld`) hold the asserted graph (ontology + data);
`{NAME}.nq` and `{NAME}.trig` add the OWL 2 RL closure, each part in its named graph:
`https://w3id.org/ecosystem-kg/graph/ontology`, `.../graph/data`, `.../graph/inferred`.
Every dump is also gzipped. Byte-identical for the same inputs.

## Quality

The quality report (`report.tsv`, `report.html`) of the graph this release was built from: {counts['ERROR']}
ERROR, {counts['WARN']} WARN, {counts['INFO']} INFO{'' if checked_quotes else
'; the quotes were not checked against the source texts'}.

## Rights

{LICENCE_TEXT.split(chr(10), 2)[2].strip()}

The default release keeps the quotations: they are what lets anyone check each fact against its source, each
is short and cited with its document and sentence, and the documents themselves are not redistributed.
"""
