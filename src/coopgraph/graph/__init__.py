"""Stage 2, graph: records → RDF.

In: a curated :class:`~coopgraph.curate.checker.World`.
Out: the asserted graph as N-Triples streamed into an Oxigraph store (``populate``, the only
place IRIs are minted, with ``iris`` and ``vocab``), the three named graphs of the dataset
(``dataset``), and the on-disk store the read commands open (``store``).
"""
