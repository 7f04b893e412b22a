"""The `kg` console script. Plain `kg query NAME [options]` command lines are answered without click.

Why: a warm query (closure cached on disk) costs about 10 ms of work, while importing click and assembling the
command group costs 35 ms, more than three times what the Oxigraph CLI needs for the same answer. So the
command lines that only use the options below are parsed here, and run through the very function the click
command calls (kg.answer). Anything else (--help, --endpoint, another command, an unknown or malformed option,
an invalid choice) goes to click untouched, which then also gives the usual error messages: this parser never
reports a usage error itself, it only declines.
"""

from __future__ import annotations

import os
import sys

from kg import ENGINES, LANGUAGES, REGIMES

# option → keyword of kg.answer.answer; every one takes a value except --no-cache
VALUE_OPTIONS = {"--format": "fmt", "--lang": "lang", "--reasoning": "reasoning", "--engine": "engine",
                 "--data": "data_dir"}
FLAG_OPTIONS = {"--no-cache": "use_cache"}
PARAM_OPTIONS = ("-p", "--param")
# Environment variables that click would turn into options this parser does not handle.
DECLINED_ENV = ("KG_ENDPOINT",)


def _choices() -> dict[str, tuple[str, ...]]:
    from kg.formatting import ALL_FORMATS

    return {"fmt": ALL_FORMATS, "lang": LANGUAGES, "reasoning": REGIMES, "engine": ENGINES}


def parse_query_args(args: list[str]) -> tuple[str, list[str], dict[str, object]] | None:
    """(NAME, -p assignments, keyword options) for a plain `kg query` command line, or None to leave it to
    click. Options may come before or after NAME, as `--opt VALUE` or `--opt=VALUE`; the last one wins."""
    if any(os.environ.get(name) for name in DECLINED_ENV):
        return None
    names: list[str] = []
    params: list[str] = []
    options: dict[str, object] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            names += args[i:]
            break
        if not arg.startswith("-") or arg == "-":
            names.append(arg)
            continue
        option, eq, value = arg.partition("=")
        if arg.startswith("-p") and not arg.startswith("--"):
            option, eq, value = "-p", "" if arg == "-p" else "=", arg[2:]
        if option in FLAG_OPTIONS and not eq:
            options[FLAG_OPTIONS[option]] = False
            continue
        if option not in VALUE_OPTIONS and option not in PARAM_OPTIONS:
            return None
        if not eq:
            if i >= len(args):
                return None
            value = args[i]
            i += 1
        if option in PARAM_OPTIONS:
            params.append(value)
        else:
            options[VALUE_OPTIONS[option]] = value
    if len(names) != 1:
        return None
    choices = _choices()
    if any(key in choices and value not in choices[key] for key, value in options.items()):
        return None
    return names[0], params, options


def run_query(name: str, params: list[str], options: dict[str, object]) -> int:
    """Answer and print, as the click command does (same output, same one-line errors, same exit codes)."""
    from kg.answer import answer_named
    from kg.errors import KgError

    try:
        done = answer_named(name, params, **options)  # type: ignore[arg-type]
    except KgError as exc:
        sys.stdout.flush()
        sys.stderr.write(f"Error: {exc.message}\n")
        return exc.exit_code
    try:
        sys.stdout.write(done.text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`kg query … | head`): not an error. Python would complain at exit when it
        # flushes stdout again, so point stdout at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return done.exit_code


def main() -> None:
    import kg

    kg.BACKGROUND_CACHE = True  # a cold run answers first; a child process writes the cache
    args = sys.argv[1:]
    if args[:1] == ["query"]:
        parsed = parse_query_args(args[1:])
        if parsed is not None:
            code = run_query(*parsed)
            # Everything is written: skip the interpreter's teardown and the store's close (8 ms, a fifth of
            # a warm query). Nothing else is pending: a cache being written belongs to a forked child.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    from kg.cli.main import main as click_main

    click_main()


if __name__ == "__main__":
    main()
