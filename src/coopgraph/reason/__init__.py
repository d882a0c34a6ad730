"""Stage 4, reason: what follows from the asserted graph.

In: the asserted graph (a store, or N-Triples) and the ontology.
Out: the inferred graph (a separate named graph), from HermiT/Pellet via owlready2
(``reasoner``) or from the ontology's axioms compiled to SPARQL rules (``axioms``, ``rules``);
the date-aware cooperation rule both run (``cooperation``); contradictions named at their
YAML record (``contradictions``).
"""
