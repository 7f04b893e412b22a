"""A query in, the text to print and the exit status out: what `kg query` and `kg sparql` do.

Kept apart from click so that both the click commands and the console script's fast path
(kg.cli.launcher) run exactly this code, and so that tests can call it directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.answers.answer import Answer
from kg.shared.errors import EXIT_FALSE, EXIT_OK

TYPE_CHECKING = False  # typing itself is not imported on this path: it costs milliseconds
if TYPE_CHECKING:
    from kg.query.catalog import NamedQuery


def answer_named(name: str, params: Sequence[str] = (), *, data_dir: str | None = None,
                 **options: object) -> Answer:
    """Run the named query NAME with `-p NAME=VALUE` assignments. Options as for `answer`."""
    from kg.query.catalog import find
    from kg.shared.paths import layout

    named = find(layout(data_dir).queries_dir, name)
    return answer(named, params, data_dir=data_dir, **options)  # type: ignore[arg-type]


def answer_ad_hoc(query: str, params: Sequence[str] = (), stdin_text: str | None = None,
                  **options: object) -> Answer:
    """Run an ad-hoc query: its text, a file, or `-` for `stdin_text`."""
    from kg.query.catalog import load_ad_hoc

    return answer(load_ad_hoc(query, stdin_text), params, **options)  # type: ignore[arg-type]


def answer(named: NamedQuery, params: Sequence[str] = (), *, reasoning: str | None = None, engine: str = "rules",
           use_cache: bool = True, data_dir: str | None = None, fmt: str | None = None, lang: str = "en",
           endpoint: str | None = None, auth: str | None = None, timeout: float = 60.0,
           width: int | None = None) -> Answer:
    """Bind the parameters, run the query (embedded graph or endpoint) and render the result.

    `reasoning=None` means what the query's header asks for; `width` the terminal's columns, which a table
    fits (None: full values). Raises KgError on bad input."""
    from kg.output.formatting import render
    from kg.query.catalog import execute, prepare
    from kg.query.params import parse_assignments
    from kg.shared.results import AskResult

    sparql = prepare(named, parse_assignments(params))

    def work() -> Answer:  # reads the store up to the last label: run again if a cached store is damaged
        done = execute(sparql, reasoning=reasoning or named.reasoning, engine=engine,
                       use_cache=use_cache, data_dir=data_dir, endpoint=endpoint, auth=auth, timeout=timeout)
        text = render(done.result, fmt, run=done.run, lang=lang, width=width)  # type: ignore[arg-type]
        false_ask = isinstance(done.result, AskResult) and not done.result.value
        return Answer(text, EXIT_FALSE if false_ask else EXIT_OK)

    if endpoint:
        return work()
    from kg.engine.graph import recovering

    return recovering(work)
