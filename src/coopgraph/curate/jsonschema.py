"""JSON Schemas of the data files, generated from :mod:`coopgraph.curate.model` (never hand-written).

``schema/*.schema.json`` in the repository is this output; a test keeps the
two equal, so an editor's check and ``coopgraph check`` agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from coopgraph.curate import KINDS
from coopgraph.curate import model as m
from coopgraph.files import write_atomically

SCHEMA_ID = "https://w3id.org/coopgraph/schema/"


def schema_for(kind: str) -> dict[str, Any]:
    """The schema of one file kind: ``agreement`` (one record) or a registry (a list)."""
    if kind == "agreement":
        schema = m.Agreement.model_json_schema(by_alias=True)
        title = "coopgraph agreement (data/agreements/<id>.yaml)"
    else:
        model = {**m.REGISTRIES, **m.OPTIONAL_REGISTRIES}[f"{kind}.yaml"]
        schema = TypeAdapter(list[model]).json_schema(by_alias=True)  # type: ignore[valid-type]
        title = f"coopgraph {kind} registry (data/{kind}.yaml)"
    return {**schema, "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{SCHEMA_ID}{kind}.schema.json", "title": title}


def write_schemas(directory: Path) -> list[Path]:
    files = {
        directory / f"{kind}.schema.json": (json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n").encode()
        for kind in KINDS
    }
    write_atomically(files)
    return list(files)
