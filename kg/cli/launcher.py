"""The `kg` console script. Plain `kg query` and `kg explain` command lines are answered without click.

Why: a warm query (closure cached on disk) costs about 15 ms of work, while importing click and assembling the
command group costs 25 ms, more than the Oxigraph CLI needs for the whole answer. So the command lines of
these two commands that only use the options below are parsed here, and run through the very functions the
click commands call (kg.answers). Anything else (--help, --endpoint, another command, an unknown or malformed
option, an invalid choice) goes to click untouched, which then also gives the usual error messages: this
parser never reports a usage error itself, it only declines.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from kg import ENGINES, LANGUAGES, REGIMES


class FastCommand:
    """What the launcher knows of one click command: its arguments, the options it parses here (each
    mapped to the keyword of the kg.answers function it calls) and their choices."""

    def __init__(self, arguments: int, values: dict[str, str], flags: dict[str, tuple[str, object]],
                 choices: Callable[[], dict[str, tuple[str, ...]]], run: Callable[..., object],
                 params: tuple[str, ...] = ()) -> None:
        self.arguments = arguments  # how many positional arguments
        self.values = values  # option → keyword, for options that take a value
        self.flags = flags  # option → (keyword, value when the flag is given)
        self.choices = choices  # keyword → allowed values (called lazily: it may import)
        self.run = run  # (*arguments, [params,] **options) → kg.answers.answer.Answer
        self.params = params  # repeatable `NAME=VALUE` options, passed as a list after the arguments


def _query_choices() -> dict[str, tuple[str, ...]]:
    from kg.output.formatting import ALL_FORMATS

    return {"fmt": ALL_FORMATS, "lang": LANGUAGES, "reasoning": REGIMES, "engine": ENGINES}


def _run_query(name: str, params: list[str], **options: object) -> object:
    from kg.answers.query import answer_named

    return answer_named(name, params, **options)  # type: ignore[arg-type]


def _run_explain(subject: str, predicate: str, object_: str, **options: object) -> object:
    from kg.answers.explain import answer_explain

    return answer_explain(subject, predicate, object_, **options)  # type: ignore[arg-type]


COMMANDS: dict[str, FastCommand] = {
    "query": FastCommand(
        arguments=1,
        values={"--format": "fmt", "--lang": "lang", "--reasoning": "reasoning", "--engine": "engine",
                "--data": "data_dir"},
        flags={"--no-cache": ("use_cache", False)},
        choices=_query_choices, run=_run_query, params=("-p", "--param")),
    "explain": FastCommand(
        arguments=3,
        values={"--format": "fmt", "--lang": "lang", "--reasoning": "reasoning", "--engine": "engine",
                "--data": "data_dir"},
        flags={"--no-cache": ("use_cache", False), "--all": ("show_all", True)},
        choices=lambda: {"fmt": ("text", "json"), "lang": LANGUAGES, "reasoning": ("rdfs", "owlrl"),
                         "engine": ENGINES},
        run=_run_explain),
}
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
# Environment variables that click would turn into options this parser does not handle.
DECLINED_ENV = ("KG_ENDPOINT",)


def parse_args(command: FastCommand, args: list[str]) -> tuple[list[object], dict[str, object]] | None:
    """(positional arguments [+ the list of -p assignments], keyword options) for a plain command line, or
    None to leave it to click. Options may come before or after the arguments, as `--opt VALUE` or
    `--opt=VALUE`; the last one wins, as in click."""
    if any(os.environ.get(name) for name in DECLINED_ENV):
        return None
    arguments: list[str] = []
    params: list[str] = []
    options: dict[str, object] = {}
    short_params = [p for p in command.params if not p.startswith("--")]
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            arguments += args[i:]
            break
        if not arg.startswith("-") or arg == "-":
            arguments.append(arg)
            continue
        option, eq, value = arg.partition("=")
        short = next((p for p in short_params if arg.startswith(p) and arg != p), None)
        if short is not None and not arg.startswith("--"):
            option, eq, value = short, "=", arg[len(short):]  # -pNAME=VALUE
        if option in command.flags and not eq:
            keyword, flag_value = command.flags[option]
            options[keyword] = flag_value
            continue
        if option not in command.values and option not in command.params:
            return None
        if not eq:
            if i >= len(args):
                return None
            value = args[i]
            i += 1
        if option in command.params:
            params.append(value)
        else:
            options[command.values[option]] = value
    if len(arguments) != command.arguments:
        return None
    choices = command.choices()
    if any(key in choices and value not in choices[key] for key, value in options.items()):
        return None
    return [*arguments, params] if command.params else list(arguments), options


def run(command: FastCommand, arguments: list[object], options: dict[str, object]) -> int:
    """Answer and print, as the click command does (same output, same one-line errors, same exit codes)."""
    from kg.shared.errors import KgError, one_line

    try:
        done = command.run(*arguments, **options)
    except KgError as exc:
        sys.stdout.flush()
        sys.stderr.write(f"Error: {one_line(exc.message)}\n")
        return exc.exit_code
    try:
        sys.stdout.write(done.text)  # type: ignore[attr-defined]
        sys.stdout.flush()
    except OSError as exc:  # the reader went away (`kg query … | head`: not an error), or a full disk
        from kg.cli import stdout

        if isinstance(exc, BrokenPipeError):
            return stdout.reader_gone()
        if not stdout.is_output_error(exc):
            raise
        return stdout.output_failed(exc)
    return done.exit_code  # type: ignore[attr-defined]


def main() -> None:
    import kg

    kg.BACKGROUND_CACHE = True  # a cold run answers first; a child process writes the cache
    args = sys.argv[1:]
    if "_KG_COMPLETE" in os.environ:  # a shell completion request: click answers those
        args = []
    command = COMMANDS.get(args[0]) if args else None
    parsed = parse_args(command, args[1:]) if command is not None else None
    if command is not None and parsed is not None:
        if args[0] == "query":
            from kg.shared.terminal import terminal_width

            parsed[1]["width"] = terminal_width()
        try:
            code = run(command, *parsed)
        except KeyboardInterrupt:  # Ctrl-C: a word, not a traceback, and the shell's usual status
            sys.stderr.write("\nAborted!\n")
            code = EXIT_INTERRUPTED
        # Everything is written: skip the interpreter's teardown and the store's close (4-5 ms, an eighth of
        # a warm query). Nothing else is pending: a cache being written belongs to a forked child.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    from kg.cli.main import main as click_main

    click_main()


if __name__ == "__main__":
    main()
