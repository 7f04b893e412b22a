"""The `kg` command line: thin click commands over the library, one module per command, loaded when used;
`launcher` is the console script's fast path for plain `kg query` and `kg explain`.

May import: everything below it (kg.answers first). Nothing imports kg.cli.
"""
