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


# --- errors without cascades (issue 12, item 5) ---------------------------------------------------


def test_an_invalid_record_is_reported_once_and_its_references_say_so(tiny_copy: Path) -> None:
    people = tiny_copy / "people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace("- id: ada-alpha\n", "- id: ada-alpha\n  nickname: Ada\n", 1), encoding="utf-8")
    with pytest.raises(CoopgraphError) as raised:
        curate(tiny_copy)
    shown = [str(p) for p in raised.value.problems]
    about_ada = [s for s in shown if "ada-alpha" in s or "nickname" in s]
    at = f"{display_path(people)}:1"
    assert len([s for s in shown if "nickname" in s]) == 1  # the record's own problem, once
    references = [s for s in about_ada if "signatory 'ada-alpha'" in s]
    assert references and all(f"is defined at {at} but invalid" in s for s in references)
    assert not any("'ada-alpha' is not defined" in s for s in shown)


def test_an_unreadable_file_does_not_cascade_into_undefined_references(tiny_copy: Path) -> None:
    (tiny_copy / "people.yaml").write_text("- id: ada-alpha\n  name: {en: [unclosed\n", encoding="utf-8")
    with pytest.raises(CoopgraphError) as raised:
        curate(tiny_copy)
    shown = [str(p) for p in raised.value.problems]
    assert any("people.yaml" in s for s in shown)
    assert not any("is not defined" in s and ("signatory" in s or "witness" in s) for s in shown)


def test_schema_and_reference_problems_come_in_one_run(tiny_copy: Path) -> None:
    agreement = tiny_copy / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    text = agreement.read_text(encoding="utf-8").replace("term: P5Y", "term: five years").replace("[bloc]", "[blok]")
    agreement.write_text(text, encoding="utf-8")
    other = tiny_copy / "agreements" / "bloc-beta-mou-2025.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("[bloc, beta]", "[bloc, betta]"), encoding="utf-8")
    with pytest.raises(CoopgraphError) as raised:
        curate(tiny_copy)
    shown = " | ".join(str(p) for p in raised.value.problems)
    assert "term: 'five years' is not a duration" in shown  # a schema problem in one file
    assert "party 'betta' is not defined (did you mean 'beta'?)" in shown  # a reference problem in another


def test_disputed_and_inferred_dates_are_checked(tiny_copy: Path) -> None:
    agreement = tiny_copy / "agreements" / "bloc-beta-mou-2025.yaml"
    agreement.write_text(
        agreement.read_text(encoding="utf-8").replace(
            "  - date: 2025\n",
            "  - date:\n      values:\n        - {date: 2025-03/2025-04, sources: [bloc-charter]}\n"
            "        - {date: 2025-05~, sources: [nowhere-release]}\n"
            "    inferred-from: {en: the charter's date}\n",
        ),
        encoding="utf-8",
    )
    with pytest.raises(CoopgraphError) as raised:
        curate(tiny_copy)
    (problem,) = raised.value.problems
    assert "source 'nowhere-release' is not defined" in str(problem)
    assert problem.location.line == 10


def test_a_bad_uncertain_date_names_its_field(tiny_copy: Path) -> None:
    agreement = tiny_copy / "agreements" / "bloc-beta-mou-2025.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace("date: 2025", "date: 2025-07/2025-05"), encoding="utf-8")
    with pytest.raises(CoopgraphError) as raised:
        curate(tiny_copy)
    assert [str(p) for p in raised.value.problems] == [
        f"{display_path(agreement)}:7: signings[0].date: bad date '2025-07/2025-05': the range ends before it starts"
    ]


def test_approved_is_a_lifecycle_status_and_a_made_up_one_is_not(tiny_copy: Path) -> None:
    agreement = tiny_copy / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    text = agreement.read_text(encoding="utf-8")
    agreement.write_text(text.replace("{status: cabinet-approved, date: 2024-01}", "{status: approved, date: 2024-01}"), encoding="utf-8")
    world = curate(tiny_copy)
    record = world.agreements["alpha-beta-digital-mou-2024"]
    assert [step.status for step in record.lifecycle] == ["approved"]
    agreement.write_text(text.replace("{status: cabinet-approved, date: 2024-01}", "{status: aproved, date: 2024-01}"), encoding="utf-8")
    with pytest.raises(CoopgraphError) as raised:
        curate(tiny_copy)
    (problem,) = raised.value.problems
    assert "lifecycle[0].status" in str(problem) and "'approved'" in str(problem)
