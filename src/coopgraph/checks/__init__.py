"""Stage 3, checks: the SHACL shapes and violation queries, run on the populated store.

In: a store holding the asserted graph, and where each subject came from (``path:line``).
Out: a list of problems placed at the YAML line of the record they concern. The shapes of
``ontology/shapes.ttl`` are compiled to SPARQL (``shapes``); pySHACL is only the tests' reference.
"""
