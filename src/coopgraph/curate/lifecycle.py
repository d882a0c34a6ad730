"""The lifecycle status codes curators write (``lifecycle: - {status: signed}``) and queries filter on.

Shared by the reasoning stage, which computes the status on a date
(:mod:`coopgraph.reason.status`), and the query parameters (``status_filter``).
"""

from __future__ import annotations

PENDING = ("planned", "announced", "cabinet-approved")
IN_EFFECT = ("signed", "adopted", "in-force", "renewed")
ENDED = ("expired", "terminated", "cancelled", "superseded")
STATUSES = PENDING + IN_EFFECT + ENDED
"""Every status, in lifecycle order (the YAML codes; ``skos:notation`` of the ontology's individuals)."""
UNKNOWN = "unknown"
FILTERS = ("in-effect", "any", "pending", "ended", UNKNOWN, *STATUSES)
"""What a query's ``status_filter`` parameter accepts: a phase, ``any``, or one status."""
