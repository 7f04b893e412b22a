"""Names in words for the properties of other vocabularies the graph uses (the ontology labels its own): a page
says "founder", not schema:founder."""

from __future__ import annotations

DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"

EXTERNAL_LABELS = {
    DCTERMS + "description": ("description", "description"),
    DCTERMS + "title": ("title", "titre"),
    DCTERMS + "publisher": ("publisher", "éditeur"),
    DCTERMS + "subject": ("subject", "sujet"),
    DCTERMS + "identifier": ("file name", "nom de fichier"),
    DCTERMS + "language": ("language", "langue"),
    DCTERMS + "date": ("date", "date"),
    DCTERMS + "creator": ("author", "auteur"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": ("type", "type"),
    "http://www.w3.org/2000/01/rdf-schema#label": ("label", "libellé"),
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": ("see also", "voir aussi"),
    "http://www.w3.org/2004/02/skos/core#altLabel": ("other name", "autre nom"),
    "http://www.w3.org/2004/02/skos/core#definition": ("definition", "définition"),
    "http://www.w3.org/ns/prov#wasDerivedFrom": ("source", "source"),
    "http://www.w3.org/ns/prov#wasAttributedTo": ("attributed to", "attribué à"),
    "http://www.w3.org/2002/07/owl#sameAs": ("same as", "identique à"),
    SCHEMA + "about": ("about", "à propos de"),
    SCHEMA + "mentions": ("mentions", "mentionne"),
    SCHEMA + "founder": ("founder", "fondateur"),
    SCHEMA + "creator": ("creator", "créateur"),
    SCHEMA + "contributor": ("contributor", "contributeur"),
    SCHEMA + "provider": ("provider", "fournisseur"),
    SCHEMA + "location": ("location", "lieu"),
    SCHEMA + "containedInPlace": ("contained in", "situé dans"),
    "http://www.w3.org/ns/org#hasMember": ("has member", "a pour membre"),
    "http://www.w3.org/ns/org#memberOf": ("member of", "membre de"),
    "http://www.w3.org/ns/org#organization": ("organisation", "organisation"),
    "http://www.w3.org/ns/org#subOrganizationOf": ("sub-organisation of", "sous-organisation de"),
    "http://www.w3.org/ns/org#transitiveSubOrganizationOf": ("part of", "fait partie de"),
}



def external_label(iri: str, lang: str) -> str | None:
    """The name in words of a property of another vocabulary, or None."""
    found = EXTERNAL_LABELS.get(iri)
    return None if found is None else found[1 if lang == "fr" else 0]
