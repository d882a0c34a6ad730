"""The lifecycle status codes curators write (``lifecycle: - {status: signed}``) and queries filter on.

The one list of them: the data model (:class:`coopgraph.curate.model.StatusChange`),
the JSON Schema made from it, the reasoning stage, which computes the status on
a date (:mod:`coopgraph.reason.status`), and the query parameters
(``status_filter``) all read it from here.  The ontology names one individual
per code (``skos:notation``); ``tests/test_ontology.py`` checks they agree.
"""

from __future__ import annotations

from typing import Literal

PENDING = ("planned", "announced", "approved", "cabinet-approved")
"""Before conclusion: ``approved`` is an approval no source narrows down (by a board, a ministry,
parliament); ``cabinet-approved`` a cabinet's, the more specific one, so it comes later."""
IN_EFFECT = ("signed", "adopted", "in-force", "renewed")
ENDED = ("expired", "terminated", "cancelled", "superseded")
STATUSES = PENDING + IN_EFFECT + ENDED
"""Every status, in lifecycle order (the YAML codes; ``skos:notation`` of the ontology's individuals)."""
Status = Literal[STATUSES]  # type: ignore[valid-type]
"""The type of a status field: one of :data:`STATUSES` (pydantic makes it a JSON Schema enum)."""
UNKNOWN = "unknown"
FILTERS = ("in-effect", "any", "pending", "ended", UNKNOWN, *STATUSES)
"""What a query's ``status_filter`` parameter accepts: a phase, ``any``, or one status."""
