"""The graph: parse Turtle, materialise a regime's closure, cache it on disk, answer SPARQL, rebuild proofs.

Owns: `loading` (Turtle into named graphs), `rules` and `compile` (the OWL 2 RL rule table and its SPARQL form),
`reasoners` (the engines), `cache` (closures on disk), `graph` (`open_graph`: the narrow
interface everything else goes through), `knowledge` (`KnowledgeGraph`, what `open_graph` returns), `explain`
(proof search over the recorded rounds).
May import: `kg.shared` only.
"""
