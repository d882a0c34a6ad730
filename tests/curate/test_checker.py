"""curate: every bad-input case file produces exactly the messages it carries."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from coopgraph.curate.checker import curate
from coopgraph.errors import CoopgraphError, display_path
from tests.conftest import BAD, TINY

CASES = sorted(BAD.glob("*.yaml"))


def test_tiny_world_is_clean() -> None:
    world = curate(TINY)
    assert set(world.agreements) == {"alpha-beta-digital-mou-2024", "bloc-beta-mou-2025"}
    assert world.sources["press-release-1"].date == "2024-02-02"  # 2567 BE converted
    assert world.agreements["bloc-beta-mou-2025"].signings[0].date == "2025"


def _install(case: Path, data: Path) -> Path:
    registry, _, name = case.stem.partition("--")
    target = data / "agreements" / f"{name}.yaml" if registry == "agreements" else data / f"{registry}.yaml"
    shutil.copy(case, target)
    return target


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_case_reports_its_messages(case: Path, tiny_copy: Path) -> None:
    target = _install(case, tiny_copy)
    expected = re.findall(r"^# expect: (\d+): (.*)$", case.read_text(encoding="utf-8"), flags=re.M)
    assert expected, f"{case.name} carries no '# expect:' line"
    with pytest.raises(CoopgraphError) as raised:
        curate(tiny_copy)
    shown = {str(p) for p in raised.value.problems}
    for line, message in expected:
        message = message.replace("{dir}", display_path(tiny_copy))
        assert f"{display_path(target)}:{line}: {message}" in shown


def test_all_problems_reported_at_once(tiny_copy: Path) -> None:
    for case in ("agreements--unknown-party.yaml", "agreements--bad-date.yaml", "agreements--wrong-type.yaml"):
        _install(BAD / case, tiny_copy)
    with pytest.raises(CoopgraphError) as raised:
        curate(tiny_copy)
    files = {p.location.path.rsplit("/", 1)[-1] for p in raised.value.problems}
    assert files == {"unknown-party.yaml", "bad-date.yaml", "wrong-type.yaml"}
    assert len(raised.value.problems) >= 7


def test_missing_directory_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CoopgraphError, match="no such data directory"):
        curate(tmp_path / "nowhere")
