"""Stage 5c, export: the graph for linked-data portals.

In: a built store. Out: deterministic RDF in six formats (``formats``), the VoID/DCAT
description (``void``), the portal bundle (``bundle``) with ontology documentation
(``ontodoc``) and the changelog between two builds (``changelog``).
"""
