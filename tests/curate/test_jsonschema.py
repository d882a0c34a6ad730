"""jsonschema: the shipped schema/ files are exactly what the model generates, and they judge like the checker."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # an independent validator, as editors use
import pytest
import yaml

from coopgraph.curate import KINDS
from coopgraph.curate.jsonschema import schema_for
from tests.conftest import ROOT, TINY


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_schema_is_current(kind: str) -> None:
    shipped = json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert shipped == schema_for(kind), "run: coopgraph schema --out-dir schema"


def test_schema_accepts_good_and_rejects_bad_agreements() -> None:
    validator = jsonschema.Draft202012Validator(schema_for("agreement"))
    good = yaml.safe_load((TINY / "agreements" / "alpha-beta-digital-mou-2024.yaml").read_text(encoding="utf-8"))
    good = json.loads(json.dumps(good, default=str))  # YAML dates -> text, as an editor sees them
    assert not list(validator.iter_errors(good))
    bad = dict(good, titel={"en": "typo"})
    assert any("titel" in e.message for e in validator.iter_errors(bad))


def test_registry_schema_is_a_list() -> None:
    assert schema_for("people")["type"] == "array"
    assert Path(ROOT / "schema" / "people.schema.json").exists()
