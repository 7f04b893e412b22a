"""Options and error handling shared by every command, so flags behave the same everywhere."""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from kg import ENGINES, LANGUAGES, REGIMES
from kg.shared.errors import KgError, one_line

F = TypeVar("F", bound=Callable[..., Any])

REGIME_CHOICES = REGIMES
ENGINE_CHOICES = ENGINES


def handle_errors(func: F) -> F:
    """Turn library errors into one line `Error: …` on stderr and their exit code, never a traceback; so too a
    standard output that cannot be written (kg.cli.stdout)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kg.cli import stdout

        try:
            try:
                return func(*args, **kwargs)
            finally:  # what is still buffered fails here, not at exit: `kg stats > /dev/full`
                stdout.flush()
        except KgError as exc:
            click.echo(f"Error: {one_line(exc.message)}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            sys.exit(stdout.reader_gone())
        except OSError as exc:
            if not stdout.is_output_error(exc):
                raise
            sys.exit(stdout.output_failed(exc))

    return wrapper  # type: ignore[return-value]


# -- values every command checks the same way -------------------------------------------------------------
MAX_SECONDS = 1_000_000.0  # 11.5 days: above any sensible limit, below what timers and joins overflow on


class Seconds(click.FloatRange):
    """A positive, finite number of seconds: `nan`, `inf` and overflowing values are one usage error, where a
    FloatRange lets them through (nan compares false with every bound) to fail later, at every request."""

    name = "seconds"

    def __init__(self, most: float = MAX_SECONDS) -> None:
        super().__init__(min=0, max=most, min_open=True)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number of seconds", param, ctx)
        return super().convert(number, param, ctx)


def checked_path(what: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback that refuses a file or folder name that names nothing: empty, not UTF-8, holding NUL, or
    too long (kg.shared.utf8.check_path, the check the library functions make too). One usage error line."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        from kg.shared.utf8 import check_path

        for text in value if isinstance(value, tuple) else (value,):
            if text is None:
                continue
            try:
                check_path(text, what)
            except KgError as exc:
                raise click.UsageError(exc.message, ctx) from None
        return value

    return callback


def print_answer(done: Any) -> None:
    """Print a kg.answers.answer.Answer and leave with its exit status when it is not 0."""
    click.echo(done.text, nl=False)
    if done.exit_code:
        sys.exit(done.exit_code)


def data_option(func: F) -> F:
    return click.option(
        "--data", "data_dir", metavar="DIR", default=None, envvar="KG_DATA_DIR",
        help="Use the graph in DIR (a root with ontology/ and data/, or a folder of data .ttl files) "
             "instead of the project graph. Also $KG_DATA_DIR.",
    )(func)


def engine_options(func: F) -> F:
    func = click.option(
        "--engine", type=click.Choice(ENGINE_CHOICES), default="rules", show_default=True,
        help="Reasoner that computes the closure: rules (compiled OWL 2 RL rules inside the store), "
             "owlrl (the reference), reasonable.",
    )(func)
    func = click.option("--no-cache", is_flag=True, help="Do not read or write the cached closure.")(func)
    return func


def reasoning_option(default: str | None = None) -> Callable[[F], F]:
    def deco(func: F) -> F:
        return click.option(
            "--reasoning", type=click.Choice(REGIME_CHOICES), default=default,
            help="Reasoning regime. Default: what the query's header asks for (none for ad-hoc queries).",
        )(func)

    return deco


def lang_option(func: F) -> F:
    return click.option(
        "--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
        help="Language of labels shown (falls back to the other language).",
    )(func)


def output_format_option(choices: tuple[str, ...], default: str | None = None, help_text: str = ""
                         ) -> Callable[[F], F]:
    """`--format` with the given choices (shared so every command spells formats alike)."""

    def deco(func: F) -> F:
        return click.option(
            "--format", "fmt", type=click.Choice(choices), default=default, show_default=default is not None,
            help=help_text or f"Output format: {', '.join(choices)}.",
        )(func)

    return deco


def params_option(func: F) -> F:
    from kg.cli.completion import complete_param

    return click.option(
        "-p", "--param", "params", metavar="NAME=VALUE", multiple=True, shell_complete=complete_param,
        help="Bind a query parameter (repeatable). IRIs as <…> or prefixed names; strings may end in @fr.",
    )(func)


def endpoint_options(func: F) -> F:
    """`--endpoint URL` and its companions: run the query at a remote SPARQL endpoint instead."""
    func = click.option(
        "--timeout", type=Seconds(), default=60.0, show_default=True,
        help="Seconds a query may take: at --endpoint (in all, retries included), or on the embedded graph "
             "(its SERVICE calls included).",
    )(func)
    func = click.option(
        "--auth", metavar="USER:PASSWORD", default=None, envvar="KG_ENDPOINT_AUTH",
        help="Credentials for --endpoint, or basic/digest/none with credentials from the environment "
             "(also $KG_ENDPOINT_AUTH).",
    )(func)
    func = click.option(
        "--endpoint", metavar="URL", default=None, envvar="KG_ENDPOINT",
        help="Query this remote SPARQL endpoint instead of the embedded graph (also $KG_ENDPOINT). "
             "Default graphs: ontology + data (+ inferred when reasoning is on).",
    )(func)
    return func
