"""The `kg` command line: thin click commands over the library, one module per command, loaded when used.

Owns: `main` (the group), `commands` (the list of commands, loaded lazily), `launcher` (the console script's fast
path for plain `kg query` and `kg explain`), `common` (options, value checks and error handling every command
shares), `stdout` (a full or closed standard output as one line), `completion` (shell completion); one module per
command: `query` (queries, query, sparql), `describe`, `search`, `stats`, `export` (with `export_tools`: tables and
networks), `validate`, `report`, `diff`, `release`, `docs`, `explain`, `load`, `ingest` (ingest, accept, retract),
`graph` (init, info), `cache`, `serve`.
May import: everything below it (kg.answers first). Nothing imports kg.cli.
"""
