"""Stage 1, curate: the hand-edited YAML in ``data/`` → checked, frozen records.

In: a data directory (``sources.yaml``, ``actors.yaml``, ..., ``agreements/*.yaml``).
Out: a :class:`~coopgraph.curate.checker.World` of pydantic records that remember their
``path:line``, or one :class:`~coopgraph.errors.CoopgraphError` listing every problem.
Also the JSON Schemas editors use (``jsonschema``) and the date parsing (``dates``).
Imports nothing from later stages.
"""

# The data file kinds a JSON Schema is written for (kept here, light, so the CLI can list them).
KINDS = ("agreement", "sources", "actors", "places", "posts", "people", "topics", "meetings", "packages")
