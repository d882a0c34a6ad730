"""The seed release drafts into every fact the shipped data holds for its ASEAN-China MOU."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coopgraph.curate.checker import curate
from coopgraph.curate.draft.extract import draft
from coopgraph.curate.draft.text import read_release
from tests.conftest import ROOT, SHIPPED

SEED = ROOT.parent / "shared" / "seed" / "000_7bb6bb5d4cb05281.txt"
if not SEED.exists():  # the worktree layout: /work/wt/<branch>; the shared folder is /work/shared
    SEED = Path("/work/shared/seed/000_7bb6bb5d4cb05281.txt")
NOTES = {"note", "date-note"}


def facts(value: Any, path: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    """(path..., leaf) for every value but notes; texts compared with spaces folded."""
    if isinstance(value, dict):
        return {f for k, v in value.items() if k not in NOTES for f in facts(v, (*path, k))}
    if isinstance(value, list):
        return {f for i, v in enumerate(value) for f in facts(v, (*path, i))}
    return {(*path, " ".join(str(value).split()))}


@pytest.fixture(scope="module")
def seed_draft():
    world = curate(SHIPPED)
    return draft(read_release(SEED), world), world


def shipped(ident: str) -> dict[str, Any]:
    import yaml

    return yaml.safe_load((SHIPPED / "agreements" / f"{ident}.yaml").read_text(encoding="utf-8"))


def test_seed_asean_china_has_every_shipped_fact(seed_draft) -> None:
    drafted, _ = seed_draft
    record = next(a for a in drafted.agreements if a["parties"] == ["asean", "china"])
    expected = shipped("asean-china-communications-digital-technology-2024")
    missing = facts(expected) - facts(record)
    assert not missing, sorted(missing)
    assert record["id"] == expected["id"]


def test_seed_second_mou_signatory_witness_and_areas(seed_draft) -> None:
    drafted, _ = seed_draft
    record = next(a for a in drafted.agreements if a["parties"] == ["mdes", "kominfo"])
    signing = record["signings"][0]
    assert signing["signatories"] == [
        {
            "person": "wisit-wisitsora-at",
            "post": "th-permanent-secretary-of-digital-economy-and-society",
            "for": "mdes",
        },
        {"person": "unknown", "for": "kominfo"},
    ]
    assert signing["witnesses"] == [{"person": "prasert-jantararuangtong"}]
    assert "place" not in signing and "meeting" not in signing  # the release does not say where
    expected = shipped("mdes-kominfo-ict-digitalization-2024")
    assert record["topics"] == expected["topics"]
    assert [a["name"] for a in record["areas"]] == [a["name"] for a in expected["areas"]]


def test_seed_links_are_all_right(seed_draft) -> None:
    drafted, _ = seed_draft
    linked = {(link.kind, link.ident) for link in drafted.links if link.ident}
    assert linked >= {("actor", "asean"), ("actor", "china"), ("place", "singapore"),
                      ("meeting", "adgmin-4-asean-china"), ("person", "wisit-wisitsora-at")}  # fmt: skip
    assert not drafted.new  # everything the seed names is already in data/
