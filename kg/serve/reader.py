"""What an entity page adds for readers (issue 26): the glance (description, kinds, other names, key facts), the
page's numbered notes, and the inferred statements worth reading apart from the restatements folded away. The
data come from kg.inspection.glance; this module only gathers them for the template."""

from __future__ import annotations

from pathlib import Path

from kg.inspection.entity import EntityPage, PageBuilder
from kg.inspection.glance import Notes, glance, split_inferred


def entity_context(builder: PageBuilder, page: EntityPage, lang: str, sources_dir: Path | None,
                   show_all: bool = False) -> dict[str, object]:
    """The template's values beyond the page itself. `show_all`: list every inferred statement (?inferred=all)."""
    notes = Notes(builder, lang, sources_dir)
    if show_all:
        outgoing, incoming, folded = page.inferred_outgoing, page.inferred_incoming, 0
    else:
        outgoing, folded_out = split_inferred(builder, page, page.inferred_outgoing)
        incoming, folded_in = split_inferred(builder, page, page.inferred_incoming)
        folded = folded_out + folded_in
    return {"glance": glance(builder, page) if page.kind == "entity" else None, "notes": notes,
            "inferred_outgoing": outgoing, "inferred_incoming": incoming, "folded": folded, "show_all": show_all}
