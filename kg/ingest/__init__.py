"""Growing the graph from a new document: read a French text, propose candidate facts with their quotes
(`kg ingest`), and turn the ones a person accepted into sourced Turtle (`kg accept`)."""
