"""The `kg` group. It only assembles commands; each command lives in its own module."""

from __future__ import annotations

import click

from kg import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Ask the knowledge graph of the French open-source and sovereign AI ecosystem.

    \b
    Examples:
      kg queries                               list the named queries
      kg query lab-parents                     run one on the embedded graph
      kg query affiliations -p person=ekd:adeline-nazarenko --lang fr
      kg explain ekd:adeline-nazarenko ekg:affiliatedWith ekd:cnrs
      kg sparql 'SELECT * WHERE { ?s a ekg:Laboratory }'
      kg validate                              check the data against the SHACL shapes
    """


def _register() -> None:
    # Each module defines one command; importing them is cheap (no rdflib/owlrl/pyshacl at import time).
    from kg.cli import commands

    for command in commands.all_commands():
        cli.add_command(command)


_register()


def main() -> None:
    import kg

    kg.BACKGROUND_CACHE = True  # a cold run answers first; a child process writes the cache
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
