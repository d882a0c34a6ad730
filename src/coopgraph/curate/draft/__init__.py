"""Drafting records from a press release: read it, find the facts, link names, write a review file.

Part of the curate stage: it reads a :class:`~coopgraph.curate.checker.World`
for reconciliation and writes the data format, never the graph.

- :mod:`.text`       the release as plain text (saved HTML too), Thai words (PyThaiNLP newmm, offline)
- :mod:`.dates`      Thai and English dates with their spans (Buddhist era, ก.พ. 67)
- :mod:`.reconcile`  names -> candidate records with RapidFuzz scores (OpenRefine-style)
- :mod:`.extract`    the facts: titles, parties, signatories, witnesses, place, meeting, areas
- :mod:`.review`     the review file (data format + comments with spans and confidences), check, merge
"""
