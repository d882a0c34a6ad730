"""benchmarks/generate: a synthetic world in the real data format, checked clean, the same for the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from benchmarks.generate import MARKER, generate

from coopgraph.curate.checker import curate


def _files(world: Path) -> dict[str, bytes]:
    return {str(p.relative_to(world)): p.read_bytes() for p in sorted(world.rglob("*.yaml"))}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("generated") / "world"
    generate(50, target, seed=3)
    return target


def test_a_generated_world_passes_curate(world: Path) -> None:
    curated = curate(world)
    assert len(curated.agreements) == 50
    assert len([a for a in curated.actors.values() if a.kind == "country"]) >= 8
    assert any(a.members for a in curated.actors.values())  # blocs with memberships
    assert {a.kind for a in curated.actors.values()} >= {"country", "ministry", "government", "company"}


def test_the_world_has_the_real_shape(world: Path) -> None:
    curated = curate(world)
    signings = [s for a in curated.agreements.values() for s in a.signings]
    lengths = {len(s.date) for s in signings}
    assert lengths >= {4, 10}  # year and day precision (month too, in bigger worlds)
    assert any(s.witnesses for s in signings)
    assert any(sig.person != "unknown" and sig.post for s in signings for sig in s.signatories)
    assert any("th" in a.title for a in curated.agreements.values())  # Thai labels
    memberships = [m for a in curated.actors.values() for m in a.members or []]
    assert memberships and all(m.start for m in memberships)  # time-bounded: from (and sometimes to)
    assert any(t.start or t.end for p in curated.people.values() for t in p.tenures)
    scheme = {t["id"] for t in yaml.safe_load((world / "topics.yaml").read_text(encoding="utf-8"))}
    assert {t for a in curated.agreements.values() for t in a.topics} <= scheme


def test_same_seed_same_bytes_other_seed_other_world(world: Path, tmp_path: Path) -> None:
    generate(50, tmp_path / "again", seed=3)
    generate(50, tmp_path / "other", seed=4)
    assert _files(tmp_path / "again") == _files(world)
    assert _files(tmp_path / "other") != _files(world)


def test_refuses_to_overwrite_real_data(tmp_path: Path) -> None:
    (tmp_path / "actors.yaml").write_text("[]\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="not a generated world"):
        generate(5, tmp_path)
    assert not (tmp_path / MARKER).exists()
