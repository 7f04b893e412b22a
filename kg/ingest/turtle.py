"""A small Turtle writer for accepted facts: prefixed names, escaped literals, one block per node, stable order."""

from __future__ import annotations

PREFIX_BLOCK = """@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ekd: <https://w3id.org/ecosystem-kg/id/> .
@prefix ekg: <https://w3id.org/ecosystem-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def lit(text: str, lang: str | None = "fr", datatype: str | None = None) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
               .replace("\t", "\\t"))
    if datatype:
        return f'"{escaped}"^^{datatype}'
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


class Node:
    """A subject and its predicate → objects, in insertion order."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.props: dict[str, list[str]] = {}

    def add(self, predicate: str, *objects: str) -> Node:
        values = self.props.setdefault(predicate, [])
        for obj in objects:
            if obj not in values:
                values.append(obj)
        return self

    def turtle(self) -> str:
        lines = []
        items = list(self.props.items())
        if "a" in self.props:
            items.sort(key=lambda kv: kv[0] != "a")
        for predicate, objects in items:
            lines.append(f"    {predicate} {' , '.join(objects)}")
        return self.subject + "\n" + " ;\n".join(lines) + " .\n"


def comment(text: str) -> str:
    """A Turtle comment line: a line break in the text (a name given on the command line) cannot end it."""
    return "# " + " ".join(text.split()) + "\n"
