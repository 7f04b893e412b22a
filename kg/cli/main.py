"""The `kg` group. It only assembles commands; each command lives in its own module, imported when used."""

from __future__ import annotations

import click

from kg import __version__
from kg.cli.commands import COMMAND_MODULES, load_command

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is asked for, so that `kg queries`
    does not pay for the modules of the nine other commands (click's documented lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, _, _ in COMMAND_MODULES]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name)


@click.group(cls=LazyGroup, context_settings=CONTEXT)
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


def main() -> None:
    import kg

    kg.BACKGROUND_CACHE = True  # a cold run answers first; a child process writes the cache
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
