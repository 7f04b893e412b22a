"""How kg ingest finds and types new names and links known ones (kg/ingest/names.py, the Extractor's mentions), on
invented sentences: each rule with an example it must read and one it must leave alone. No language model here:
the rules must hold without it."""

from __future__ import annotations

import pytest

from kg.engine.graph import open_graph
from kg.ingest import names
from kg.ingest.extract import Extractor
from kg.ingest.known import Known, label_key, label_variants
from kg.query.search import normalise
from kg.shared.paths import layout

DOC = "https://w3id.org/ecosystem-kg/id/doc-999"


def spans(found: list[tuple[int, int, str, str]], sent: str) -> list[tuple[str, str]]:
    return [(sent[s:e], family) for s, e, family, _ in found]


@pytest.mark.parametrize(("sent", "name", "expected"), [
    ("Le Brisa Summit réunit les chercheurs.", "Brisa Summit", ("event", "Summit")),
    ("Nous utilisons Talma, un modèle de langage ouvert.", "Talma", ("product", "LanguageModel")),
    ("Ondra est un projet de recherche.", "Ondra", ("programme", "Project")),
    ("Il compare des modèles comme Zefir et d'autres.", "Zefir", ("product", "AIModel")),
    ("Elle travaille avec des institutions telles qu’ORVA au Chili.", "ORVA", ("organisation", "Organisation")),
    ("Le programme de l'institut pour les données, baptisé KOLM, démarre.", "KOLM", ("programme", "Programme")),
    ("Elle publie la suite Fjord et un nouveau programme pour les données, baptisé KOLM.", "KOLM",
     ("programme", "Programme")),
    ("Pia Lund, vice-présidente de Vallée Numérique, parle.", "Vallée Numérique", ("organisation", "Organisation")),
    ("© Le Courrier des Pins", "Le Courrier des Pins", ("organisation", "Organisation")),
    ("Un soutien de Fondia.org aux chercheurs.", "Fondia.org", ("organisation", "Organisation")),
])
def test_context_gives_the_type(sent: str, name: str, expected: tuple[str, str]) -> None:
    start = sent.index(name)
    assert names.context_type(sent, start, start + len(name)) == expected


def test_a_participle_agrees_with_its_noun() -> None:
    sent = "Le programme de diffusion des logiciels, baptisé KOLM, démarre."
    start = sent.index("KOLM")
    assert names.context_type(sent, start, start + 4) == ("programme", "Programme")  # not "logiciels"


def test_no_context_no_type() -> None:
    sent = "Hier, Brisa a parlé longuement."
    assert names.context_type(sent, 6, 11) == ("", "")


def test_name_shapes() -> None:
    sent = "Elle publie la suite collaborative Fjord et la suite de bureautique Grise."
    assert spans(names.gap_names(sent), sent) == [("Fjord", "product:Software")]  # "de" breaks the second
    sent = "Il est lauréat de l'appel à projets « Mers Vives » cette année."
    assert spans(names.quoted_names(sent), sent) == [("Mers Vives", "programme:CallForProposals")]
    sent = "R. VANTIER"
    assert spans(names.initial_names(sent), sent) == [("R. VANTIER", "person:Person")]
    sent = "le Laboratoire des marées (LAMA, Université Nord/Univ. Sud Côte) travaille."
    assert spans(names.supervision_names(sent), sent) == [("Université Nord", "organisation:Organisation"),
                                                          ("Univ. Sud Côte", "organisation:Organisation")]
    sent = "La réunion a eu lieu au siège de l'Institut Pélagos hier."
    assert spans(names.seat_names(sent), sent) == [("siège de l'Institut Pélagos", "place:Venue")]
    sent = "Nous avons lancé ondra.chat pour tous, voir https://ondra.chat aussi."
    assert names.domain_names(sent) == []  # a line with a link is left alone
    sent = "Nous avons lancé ondra.chat pour tous."
    assert spans(names.domain_names(sent), sent) == [("ondra.chat", "product:Software")]
    sent = "Nous utilisons Talma, un modèle de langage, et Ondra est un projet."
    assert [n for n, _ in spans(names.stated_names(sent), sent)] == ["Talma", "Ondra"]
    sent = "Demain, la plateforme ouvrira."
    assert names.stated_names(sent) == []  # a sentence's first word before a comma: an adverb
    sent = "Elle dirige le projet utilisé Fjord."
    assert names.gap_names(sent) == []  # a verb between the type word and the name


def test_titles_extend_over_their_portfolio() -> None:
    sent = "sous le patronage du Ministre de la Mer, des Ports et de la Pêche durable et de la Ministre des Sports."
    end = sent.index("Mer") + 3
    assert sent[sent.index("Ministre"):names.title_end(sent, end)] == \
        "Ministre de la Mer, des Ports et de la Pêche durable"


def test_acronym_expansion_must_start_with_its_letter() -> None:
    assert names.expands("Laboratoire des marées", "LAMA")
    assert not names.expands("IA générative et grands modèles de langage", "LLM")


@pytest.mark.parametrize(("sent", "span", "is_noise"), [
    ("Pia LUND, Présidente de Fjordia, a parlé.", "Présidente de Fjordia", True),
    ("la nouvelle secrétaire d’État au numérique", "État", True),
    ("la compagne d'un de nos Brestois", "Brestois", True),
    ("Share", "Share", True),
    ("Pia Lund a rejoint Fjordia.", "Fjordia", False),
])
def test_noise(sent: str, span: str, is_noise: bool) -> None:
    start = sent.index(span)
    assert names.noise(sent, start, start + len(span)) is is_noise


def test_trie_pattern_prefers_the_longest_word() -> None:
    import re

    pattern = re.compile(rf"\b({names.trie_pattern(['modèle', 'modèle de langage', 'mode'])})\b")
    assert [m.group(1) for m in pattern.finditer("le modèle de langage, le modèle, la mode")] == \
        ["modèle de langage", "modèle", "mode"]


def test_label_variants_and_keys() -> None:
    assert label_variants("accord-cadre ORVA–Fjordia") == ["accord-cadre entre ORVA et Fjordia",
                                                          "accord-cadre entre Fjordia et ORVA"]
    assert label_variants("Fjordia–ORVA") == []  # no common noun to name the pair
    assert label_key(normalise("accord-cadre entre Fjordia et le ORVA")) == \
        label_key(normalise("accord-cadre entre Fjordia et ORVA"))
    assert label_key("la fabrique") == "la fabrique"  # an article that starts a phrase stays


@pytest.fixture(scope="module")
def known() -> Known:
    return Known(open_graph(layout(None), reasoning="none"))


def entities(text: str, known: Known) -> dict[str, str]:
    return {c.label: c.value for c in Extractor(text, known, DOC).run() if c.kind == "entity"}


def mentions(text: str, known: Known) -> dict[str, str]:
    return {c.label: c.subject for c in Extractor(text, known, DOC).run() if c.kind == "mention"}


def test_extractor_new_names_without_the_model(known: Known) -> None:
    text = ("Le Programme régional des mers (PRM) Atlas finance le projet ORVA K7X et les projets Mer&Data. "
            "Nous prônons le concept de « Mer Commune ». La Mer Commune avance. "
            "Ses équipes comparent Talma à des modèles comme Zefir.")
    found = entities(text, known)
    assert found["PRM Atlas"] == "programme"
    assert found["ORVA"] == "organisation" and found["K7X"] == "programme"
    assert found["projets Mer&Data"] == "programme"
    assert found["Zefir"] == "product"
    assert "Mer Commune" not in found  # a concept is no entity, and is not proposed again later
    assert "ORVA K7X" not in found


def test_a_known_acronym_makes_its_expansion_a_spelling(known: Known) -> None:
    text = "Fjordia travaille avec le Centre national de la recherche scientifique (CNRS, Paris)."
    assert "Centre national de la recherche scientifique" not in entities(text, known)


def test_theme_words_link_as_nouns_only(known: Known) -> None:
    assert "datasets" in mentions("Fjordia publie des datasets ouverts.", known)
    assert "libre" not in mentions("Fjordia veut une voix libre.", known)


def test_a_graded_adjective_is_not_the_term(known: Known) -> None:
    assert not any(label.startswith("grand modèle")
                   for label in mentions("Talma, le plus grand modèle de langage ouvert.", known))
    assert any(label.startswith("grand modèle")
               for label in mentions("Talma est un grand modèle de langage ouvert.", known))


def test_projects_of_a_known_programme_are_that_programme(known: Known) -> None:
    assert "projets Mer&Data" in entities("Fjordia finance les projets Mer&Data.", known)
    assert not entities("Fjordia participe à la sélection des projets LinTO.", known)  # LinTO is known


def test_an_event_known_by_its_kind_and_date(known: Known) -> None:
    linked = mentions("Fjordia était présente à la cérémonie du 26 février.", known)
    assert linked == {"cérémonie du 26 février": "ekd:cnrs-linagora-signing-ceremony"}
    assert not mentions("Fjordia était présente à la cérémonie du 27 février.", known)  # no event that day
    assert not mentions("Fjordia était présente au salon du 26 février.", known)  # no salon that day
