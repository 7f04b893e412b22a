"""The quality report, in the style of ROBOT's `report`: one SPARQL file per check, each returning
`?entity ?property ?value` and carrying its severity in a `#+ severity:` header line, so a user adds a check by
dropping a `.rq` file in a folder (`kg report --checks DIR`).

The built-in checks live in kg/publish/checks/ (shipped in the wheel). A check whose header says
`#+ needs: sources` also projects `?file`, the document's file name, and keeps only the rows whose `?value` the
file does not contain verbatim (whitespace aside); it is skipped, and the report says so, without source texts.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.shared.errors import InputError
from kg.shared.namespaces import shorten
from kg.shared.results import SelectResult

if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph

CHECKS_DIR = Path(__file__).resolve().parent / "checks"
LEVELS = ("ERROR", "WARN", "INFO")
FAIL_ON = (*LEVELS, "none")
FORMATS = ("text", "tsv", "json", "html")

_HEADER = re.compile(r"^#\+\s*([A-Za-z_-]+)\s*:\s*(.*?)\s*$")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Check:
    name: str
    severity: str
    summary: str
    sparql: str
    needs: tuple[str, ...] = ()
    path: Path | None = None


@dataclass(frozen=True)
class Violation:
    check: str
    severity: str
    entity: str
    property: str
    value: str


@dataclass
class Report:
    violations: list[Violation] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # check name -> why

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(LEVELS, 0)
        for v in self.violations:
            out[v.severity] += 1
        return out

    def fails(self, fail_on: str) -> bool:
        """True when a violation at `fail_on` or a more severe level exists (`none` never fails)."""
        if fail_on == "none":
            return False
        worst = LEVELS.index(fail_on)
        return any(LEVELS.index(v.severity) <= worst for v in self.violations)


def parse_check(path: Path) -> Check:
    """A check from its file: the header lines name its severity (required), summary and needs."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the check: {exc}") from None
    header: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            key = match.group(1).lower()
            if key in header:
                raise InputError(f"{path}:{number}: '#+ {key}:' given twice")
            header[key] = match.group(2)
    severity = header.get("severity", "").upper()
    if severity not in LEVELS:
        raise InputError(f"{path}:1: a check needs a '#+ severity: ERROR|WARN|INFO' header line"
                         + (f" (got {header['severity']!r})" if "severity" in header else ""))
    needs = tuple(n.strip() for n in header.get("needs", "").split(",") if n.strip())
    for need in needs:
        if need != "sources":
            raise InputError(f"{path}: '#+ needs: {need}': unknown (only 'sources' is known)")
    return Check(path.stem, severity, header.get("summary", ""), text, needs, path)


def load_checks(extra_dirs: Iterable[str | Path] = (), *, builtin: bool = True) -> list[Check]:
    """The built-in checks and those of the extra folders, by name; a user's check replaces a built-in one of
    the same name."""
    by_name: dict[str, Check] = {}
    folders = ([CHECKS_DIR] if builtin else []) + [Path(d) for d in extra_dirs]
    for folder in folders:
        if not folder.is_dir():
            raise InputError(f"--checks: {folder}: no such directory")
        for path in sorted(folder.glob("*.rq")):
            by_name[path.stem] = parse_check(path)
    return [by_name[name] for name in sorted(by_name)]


def normalise(text: str) -> str:
    """Every run of whitespace (non-breaking spaces and line breaks too) as one space: how quotes are compared
    with documents (the rule of tests/seedtext.py)."""
    return _WS.sub(" ", text).strip()


def read_sources(folder: str | Path) -> dict[str, str]:
    """File name -> normalised text of every .txt file in a folder of source documents."""
    path = Path(folder)
    if not path.is_dir():
        raise InputError(f"--sources: {path}: no such directory")
    out = {}
    for file in sorted(path.glob("*.txt")):
        try:
            out[file.name] = normalise(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{file}: cannot read the source document: {exc}") from None
    return out


def _text(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def run_check(kgraph: KnowledgeGraph, check: Check, sources: dict[str, str] | None) -> list[Violation]:
    try:
        result = kgraph.query(check.sparql)
    except InputError as exc:
        raise InputError(f"{check.path or check.name}: {exc.message}") from None
    if not isinstance(result, SelectResult):
        raise InputError(f"{check.path or check.name}: a check must be a SELECT query")
    columns = [v.lstrip("?$") for v in result.variables]
    missing = [c for c in ("entity", "property", "value") if c not in columns]
    if missing:
        raise InputError(f"{check.path or check.name}: the query must project ?entity ?property ?value "
                         f"(missing ?{', ?'.join(missing)})")
    index = {name: columns.index(name) for name in ("entity", "property", "value")}
    file_index = columns.index("file") if "sources" in check.needs and "file" in columns else None
    if "sources" in check.needs and file_index is None:
        raise InputError(f"{check.path or check.name}: a check that needs sources must project ?file")
    found = set()
    for row in result.rows:
        if file_index is not None and sources is not None:
            file_term = row[file_index]
            text = sources.get(file_term.value) if isinstance(file_term, ox.Literal) else None
            value = row[index["value"]]
            if text is not None and isinstance(value, ox.Literal) and normalise(value.value) in text:
                continue
        found.add(Violation(check.name, check.severity, _text(row[index["entity"]]),
                            _text(row[index["property"]]), _text(row[index["value"]])))
    return sorted(found, key=lambda v: (v.entity, v.property, v.value))


def run_report(kgraph: KnowledgeGraph, checks: list[Check], *, sources: dict[str, str] | None = None) -> Report:
    """Run every check on the asserted graph of `kgraph` (open it with reasoning none: a check reports what the
    files say, not what the reasoner adds)."""
    report = Report(checks=list(checks))
    for check in checks:
        if "sources" in check.needs and sources is None:
            report.skipped[check.name] = "needs the source texts (--sources DIR)"
            continue
        report.violations.extend(run_check(kgraph, check, sources))
    report.violations.sort(key=lambda v: (LEVELS.index(v.severity), v.check, v.entity, v.property, v.value))
    return report


# -- rendering ------------------------------------------------------------------------------------------------
def summary_line(report: Report) -> str:
    counts = report.counts()
    return "Violations: " + ", ".join(f"{counts[level]} {level}" for level in LEVELS)


def render_text(report: Report) -> str:
    lines: list[str] = []
    by_check: dict[str, list[Violation]] = {}
    for v in report.violations:
        by_check.setdefault(v.check, []).append(v)
    checks = {c.name: c for c in report.checks}
    for name, items in by_check.items():
        check = checks.get(name)
        lines.append(f"{items[0].severity} {name} ({len(items)}): {check.summary if check else ''}".rstrip())
        for v in items:
            lines.append(f"  {v.entity}  {v.property}  {v.value}".rstrip())
        lines.append("")
    for name, why in sorted(report.skipped.items()):
        lines.append(f"skipped {name}: {why}")
    if report.skipped:
        lines.append("")
    lines.append(f"{len(report.checks) - len(report.skipped)} checks run. {summary_line(report)}")
    return "\n".join(lines) + "\n"


def _tsv_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def render_tsv(report: Report) -> str:
    """ROBOT's report columns: Level, Rule Name, Subject, Property, Value."""
    lines = ["Level\tRule Name\tSubject\tProperty\tValue"]
    lines += ["\t".join(_tsv_cell(x) for x in (v.severity, v.check, v.entity, v.property, v.value))
              for v in report.violations]
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    data = {
        "counts": report.counts(),
        "checks": [{"name": c.name, "severity": c.severity, "summary": c.summary,
                    "skipped": report.skipped.get(c.name)} for c in report.checks],
        "violations": [{"level": v.severity, "rule": v.check, "subject": v.entity, "property": v.property,
                        "value": v.value} for v in report.violations],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_html(report: Report) -> str:
    """One self-contained page (no script, no external style)."""
    esc = html.escape
    counts = report.counts()
    rows = "\n".join(
        f'<tr class="{v.severity.lower()}"><td>{esc(v.severity)}</td><td>{esc(v.check)}</td>'
        f"<td>{esc(v.entity)}</td><td>{esc(v.property)}</td><td>{esc(v.value)}</td></tr>"
        for v in report.violations)
    checks = "\n".join(
        f"<li><b>{esc(c.name)}</b> ({esc(c.severity)}): {esc(c.summary)}"
        + (f" <i>skipped: {esc(report.skipped[c.name])}</i>" if c.name in report.skipped else "") + "</li>"
        for c in report.checks)
    summary = ", ".join(f"{counts[level]} {level}" for level in LEVELS)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ecosystem-kg quality report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }}
tr.error td:first-child {{ color: #b00020; font-weight: bold; }}
tr.warn td:first-child {{ color: #9a6700; }}
</style>
</head>
<body>
<h1>Quality report</h1>
<p>Violations: {esc(summary)}.</p>
<table>
<thead><tr><th>Level</th><th>Rule</th><th>Subject</th><th>Property</th><th>Value</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<h2>Checks</h2>
<ul>
{checks}
</ul>
</body>
</html>
"""


RENDERERS = {"text": render_text, "tsv": render_tsv, "json": render_json, "html": render_html}


def render(report: Report, fmt: str) -> str:
    if fmt not in RENDERERS:
        raise InputError(f"--format {fmt}: unknown (choose from {', '.join(FORMATS)})")
    return RENDERERS[fmt](report)
