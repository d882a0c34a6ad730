"""Stage 5a, sparql: asking the built graph.

In: a built store (or a remote endpoint) and a query: saved (``queries/*.rq``, read by
``queryfile``) or inline. Out: results (``query``, rendered by ``results``), the read-only
SPARQL 1.1 Protocol endpoint (``endpoint``, with its HTML ``pages``), and the Graph Store
Protocol upload to an external store (``publish``, over ``remote``).
"""
