"""The `kg` group. It only assembles commands; each command lives in its own module, imported when used."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

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

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        """Run as click does, except that a usage error (bad option value, unknown option, missing
        argument…) is one line `Error: …` and exit 2, not click's usage block: the README's promise."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            done = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `kg` or `kg cache` alone: the help it asks for
            click.echo(exc.ctx.get_help())
            sys.exit(0)
        except click.ClickException as exc:
            click.echo(usage_error_line(exc), err=True)
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C: a word, not a traceback, and the shell's usual status (128 + SIGINT)
            click.echo("Aborted!", err=True)
            sys.exit(130)
        sys.exit(done if isinstance(done, int) else 0)


def usage_error_line(exc: click.ClickException) -> str:
    """One line for a click error: its message, and for a usage error where to read the command's help."""
    from kg.shared.errors import one_line

    message = one_line(exc.format_message())
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        message = f"{message} (see '{ctx.command_path} --help')"
    return f"Error: {message}"


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
