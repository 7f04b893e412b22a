"""French vocabulary the extractor reads: number words, months, type keywords, role titles, verbs of saying.

General French and the ontology's vocabulary only: nothing here names a particular person, organisation or
figure of the seed documents.
"""

from __future__ import annotations

UNITS_WORDS = {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
               "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
               "quinze": 15, "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "vingt": 20,
               "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "soixante-dix": 70,
               "quatre-vingt": 80, "quatre-vingts": 80, "quatre-vingt-dix": 90, "cent": 100, "cents": 100,
               "mille": 1000}
APPROX_WORDS = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
                "quarantaine": 40, "cinquantaine": 50, "centaine": 100, "millier": 1000}
SCALES = {"million": 1_000_000, "millions": 1_000_000, "milliard": 1_000_000_000, "milliards": 1_000_000_000,
          "mille": 1000, "M": 1_000_000, "Md": 1_000_000_000, "Mds": 1_000_000_000}
MONTHS = {"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
          "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12}

# Qualifier words before a figure → the French label of the graph's ekg:Qualifier.
QUALIFIERS = {"plus de": "plus de", "près de": "près de", "pres de": "près de", "presque": "près de",
              "environ": "environ", "quelque": "environ", "bientôt": "bientôt", "au moins": "plus de",
              "plus d'": "plus de", "plus d’": "plus de"}

# Nouns counted in a figure → the French label of the graph's ekg:Unit (singular).
COUNT_NOUNS = {
    "personne": ("personne",), "chercheur": ("personne",), "chercheuse": ("personne",), "salarié": ("personne",),
    "collaborateur": ("personne",), "employé": ("personne",), "développeur": ("personne",),
    "ingénieur": ("personne",), "doctorant": ("personne",), "étudiant": ("personne",), "agent": ("personne",),
    "membre": ("personne",), "utilisateur": ("personne",), "enseignant": ("personne",), "expert": ("personne",),
    "participant": ("personne",), "contributeur": ("personne",), "post-doctorant": ("personne",),
    "projet": ("projet",), "partenaire": ("partenaire",), "an": ("année",), "année": ("année",),
    "salle": ("salle",), "défi": ("défi",), "métier": ("métier",), "cluster": ("cluster",),
    "pétaflops": ("pétaflops",), "pétaflop": ("pétaflops",), "pflops": ("pétaflops",),
}
# Measures by words of the sentence (first match wins) → French label of the graph's ekg:Measure.
MEASURE_CUES = (
    ("chiffre d", "chiffre d’affaires"), ("puissance", "puissance de calcul"), ("pétaflops", "puissance de calcul"),
    ("r&d", "dépense de R&D"), ("investit", "dépense de R&D"), ("doté", "dotation"), ("dotation", "dotation"),
    ("budget", "dotation"), ("plan", "montant du plan"), ("investissements privés", "investissements privés annoncés"),
    ("contribu", "contribution annoncée"), ("chercheur", "chercheurs impliqués"), ("doctorant", "doctorants formés"),
    ("salarié", "effectif"), ("collaborateur", "effectif"), ("employé", "effectif"), ("membre", "nombre de membres"),
    ("communauté", "taille de la communauté"), ("partenaire", "nombre de partenaires"),
    ("projet", "projets financés"), ("existence", "ancienneté"), ("métier", "nombre de métiers"),
    ("défi", "nombre de grands défis sociétaux"), ("développeur", "taille de la communauté"),
)
MEASURE_BY_UNIT = {"euro": "dotation", "euro par an": "dépense de R&D", "personne": "effectif",
                   "projet": "projets financés", "année": "durée", "pétaflops": "puissance de calcul",
                   "partenaire": "nombre de partenaires", "défi": "nombre de grands défis sociétaux",
                   "métier": "nombre de métiers", "salle": "ampleur du déploiement", "cluster": "nombre de membres"}

# Keywords that announce what kind of thing a name is: keyword → (family, class local name).
TYPE_KEYWORDS = {
    "société": ("organisation", "Company"), "entreprise": ("organisation", "Company"),
    "pme": ("organisation", "SmallOrMediumEnterprise"), "start-up": ("organisation", "Startup"),
    "startup": ("organisation", "Startup"), "jeune pousse": ("organisation", "Startup"),
    "association": ("organisation", "Organisation"), "réseau": ("organisation", "Network"),
    "communauté": ("organisation", "Community"), "fondation": ("organisation", "Foundation"),
    "laboratoire": ("organisation", "Laboratory"), "institut": ("organisation", "ResearchInstitute"),
    "université": ("organisation", "HigherEducationInstitution"),
    "école": ("organisation", "HigherEducationInstitution"),
    "centre de calcul": ("organisation", "ComputingCentre"), "centre": ("organisation", "ResearchCentre"),
    "agence": ("organisation", "PublicAuthority"), "ministère": ("organisation", "PublicAuthority"),
    "groupe": ("organisation", "Company"), "consortium": ("organisation", "Network"),
    "média": ("organisation", "MediaOutlet"), "journal": ("organisation", "MediaOutlet"),
    "chaîne": ("organisation", "MediaOutlet"), "collectif": ("organisation", "Community"),
    "assistant vocal": ("product", "VoiceAssistant"), "assistant": ("product", "Software"),
    "modèle de langage": ("product", "LanguageModel"), "modèle de langue": ("product", "LanguageModel"),
    "grand modèle de langage": ("product", "LanguageModel"), "modèle": ("product", "AIModel"),
    "supercalculateur": ("product", "Supercomputer"), "calculateur": ("product", "Supercomputer"),
    "plateforme": ("product", "Software"), "logiciel": ("product", "Software"), "suite": ("product", "Software"),
    "application": ("product", "Software"), "outil": ("product", "Software"), "messagerie": ("product", "Software"),
    "jeu de données": ("product", "Dataset"), "corpus": ("product", "Dataset"), "licence": ("product", "Licence"),
    "chatbot": ("product", "ConversationalService"), "agent conversationnel": ("product", "ConversationalService"),
    "projet": ("programme", "Project"), "programme": ("programme", "Programme"),
    "plan": ("programme", "InvestmentPlan"),
    "appel à projets": ("programme", "CallForProposals"), "initiative": ("programme", "Initiative"),
    "pepr": ("programme", "ResearchProgramme"), "stratégie": ("programme", "Programme"),
    "sommet": ("event", "Summit"), "salon": ("event", "Event"), "forum": ("event", "Event"),
    "conférence": ("event", "Event"), "colloque": ("event", "Event"), "journée": ("event", "Event"),
    "festival": ("event", "Event"), "hackathon": ("event", "Event"), "rencontre": ("event", "Meeting"),
    "réunion": ("event", "Meeting"), "entretien": ("event", "Interview"), "interview": ("event", "Interview"),
    "ville": ("place", "City"), "région": ("place", "Region"), "pays": ("place", "Country"),
}
FAMILY_CLASS = {"person": "Person", "organisation": "Organisation", "product": "Software",
                "programme": "Initiative", "place": "Place", "event": "Event"}

# Role titles (masculine and feminine, as written) → French label of the graph's role kind.
ROLE_TITLES = {
    "pdg": "président-directeur général", "président-directeur général": "président-directeur général",
    "présidente-directrice générale": "président-directeur général",
    "directeur général": "directeur général", "directrice générale": "directeur général",
    "président": "président", "présidente": "président", "vice-président": "vice-président",
    "vice-présidente": "vice-président", "directeur": "directeur", "directrice": "directeur",
    "cofondateur": "cofondateur", "cofondatrice": "cofondateur", "co-fondateur": "cofondateur",
    "co-fondatrice": "cofondateur", "fondateur": "cofondateur", "fondatrice": "cofondateur",
    "responsable": "responsable", "chef": "responsable", "cheffe": "responsable", "ministre": "ministre",
    "secrétaire d'état": "secrétaire d’État", "secrétaire d’état": "secrétaire d’État",
    "délégué": "responsable", "déléguée": "responsable", "dg": "directeur général", "ceo": "directeur général",
}
FOUNDER_TITLES = ("cofondateur", "cofondatrice", "co-fondateur", "co-fondatrice", "fondateur", "fondatrice")

SAYING_VERBS = ("déclare", "explique", "affirme", "souligne", "ajoute", "précise", "se réjouit", "indique",
                "estime", "conclut", "rappelle", "poursuit", "commente", "confie", "insiste", "assure", "résume",
                "observe", "note", "martèle", "lance", "déclarait", "expliquait", "a déclaré", "a expliqué",
                "a affirmé", "a souligné", "a ajouté", "a précisé", "selon")

# Capitalised words that start sentences or name no entity.
STOPWORDS = frozenset("""le la les l un une des de du d au aux et ou en à a ce cet cette ces son sa ses leur leurs
notre nos votre vos il elle ils elles on nous vous je j par pour avec sans sur sous dans lors depuis selon mais
donc or ni car si ainsi aussi enfin pourtant ensemble signe texte fictif""".split())

# Unit each measure is counted in (a cue only names a measure of the figure's unit).
MEASURE_UNITS = {"chiffre d’affaires": "euro", "dépense de R&D": "euro par an", "dotation": "euro",
                 "montant du plan": "euro", "investissements privés annoncés": "euro", "contribution annoncée": "euro",
                 "puissance de calcul": "pétaflops", "chercheurs impliqués": "personne",
                 "doctorants formés": "personne",
                 "effectif": "personne", "nombre de membres": "personne", "taille de la communauté": "personne",
                 "nombre de partenaires": "partenaire", "projets financés": "projet", "ancienneté": "année",
                 "nombre de métiers": "métier", "nombre de grands défis sociétaux": "défi"}
