"""``python -m coopgraph``: the same as the ``coopgraph`` command."""

from coopgraph.cli import entry

entry()
