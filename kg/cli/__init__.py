"""The `kg` command line: thin click commands over the kg library."""
