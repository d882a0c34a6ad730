"""The review file round trip: draft -> review (YAML with evidence) -> check --review -> merge -> check."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from coopgraph.cli import main
from coopgraph.curate.checker import curate
from tests.conftest import SHIPPED
from tests.curate.draft.test_seed import SEED

SEED_IDS = ("asean-china-communications-digital-technology-2024", "mdes-kominfo-ict-digitalization-2024")


@pytest.fixture
def data_without_seed(tmp_path: Path) -> Path:
    """The shipped data minus the two agreements the seed names (so they can be drafted back in)."""
    data = tmp_path / "data"
    shutil.copytree(SHIPPED, data)
    for ident in SEED_IDS:
        (data / "agreements" / f"{ident}.yaml").unlink()
    return data


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_draft_check_merge_round_trip(
    data_without_seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = tmp_path / "seed.review.yaml"
    code, _, err = _run(capsys, "draft", str(SEED), "-o", str(review), "--data", str(data_without_seed))
    assert code == 0 and "2 agreement(s), 0 new record(s)" in err
    text = review.read_text(encoding="utf-8")
    assert re.search(r"term: P5Y  # line \d+: 'ระยะเวลา 5 ปี'; confidence 0\.90", text)
    assert "meeting: adgmin-4-asean-china  # line" in text and "linked 100" in text
    assert "person: unknown  # confidence 1.00; the release names nobody signing for this side" in text
    assert yaml.safe_load(text)["agreements"][0]["parties"] == ["asean", "china"]  # comments are only comments

    code, _, err = _run(capsys, "check", "--review", str(review), "--data", str(data_without_seed))
    assert (code, err.strip()) == (0, "ok: 2 record(s) in the review can be merged")
    code, _, err = _run(capsys, "draft", "--merge", str(review), "--data", str(data_without_seed))
    assert code == 0 and err.count("wrote ") == 2
    world = curate(data_without_seed)
    merged = world.agreements["asean-china-communications-digital-technology-2024"]
    assert merged.signings[0].meeting == "adgmin-4-asean-china" and merged.term == "P5Y"
    first = (data_without_seed / "agreements" / "asean-china-communications-digital-technology-2024.yaml").read_text()
    assert first.startswith("# drafted by `coopgraph draft`")

    # merging twice is refused, naming the review's line and the existing record's
    code, _, err = _run(capsys, "draft", "--merge", str(review), "--data", str(data_without_seed))
    assert code == 1
    assert re.search(r"seed\.review\.yaml:\d+: duplicate id 'asean-china-communications-digital-technology-2024': "
                     r"already defined at .*communications-digital-technology-2024\.yaml:\d+", err)  # fmt: skip


def test_a_restated_agreement_under_another_id_is_refused(data_without_seed: Path, tmp_path: Path) -> None:
    review = tmp_path / "r.yaml"
    assert main(["draft", str(SEED), "-o", str(review), "--data", str(SHIPPED)]) == 0
    text = review.read_text(encoding="utf-8").replace(
        "id: asean-china-communications-digital-technology-2024", "id: some-other-id-2024"
    )
    review.write_text(text, encoding="utf-8")
    before = sorted(p.name for p in (SHIPPED / "agreements").iterdir())
    assert main(["check", "--review", str(review), "--data", str(SHIPPED)]) == 1
    assert main(["draft", "--merge", str(review), "--data", str(SHIPPED)]) == 1
    assert sorted(p.name for p in (SHIPPED / "agreements").iterdir()) == before  # nothing written


def test_edited_review_problems_point_at_its_lines(
    data_without_seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = tmp_path / "r.yaml"
    assert main(["draft", str(SEED), "-o", str(review), "--data", str(data_without_seed)]) == 0
    lines = review.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("place: singapore"))
    lines[number] = lines[number].replace("place: singapore", "place: singapur")
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    code, _, err = _run(capsys, "check", "--review", str(review), "--data", str(data_without_seed))
    assert code == 1
    assert f"r.yaml:{number + 1}: place 'singapur' is not defined (did you mean 'singapore'?)" in err
    assert "Traceback" not in err
    assert main(["draft", "--merge", str(review), "--data", str(data_without_seed)]) == 1
    assert not (data_without_seed / "agreements" / f"{SEED_IDS[0]}.yaml").exists()


def test_new_records_are_proposed_marked_and_merge_with_their_agreement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A release naming a ministry data/ lacks: it is proposed under new:, marked NEW; once reviewed it merges."""
    release = tmp_path / "r.txt"
    release.write_text(
        "Thailand and Ruritania sign digital MoU\n\n"
        "BANGKOK, 3 March 2025 - The Ministry of Digital Economy and Society and the Ministry of Digital Affairs of "
        "Ruritania signed a Memorandum of Understanding on cooperation in artificial intelligence and "
        "cybersecurity.\n\n"
        "Source: https://example.org/news/ruritania-1\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    shutil.copytree(SHIPPED, data)
    review = tmp_path / "r.review.yaml"
    assert main(["draft", str(release), "-o", str(review), "--data", str(data)]) == 0
    text = review.read_text(encoding="utf-8")
    assert "# NEW: proposed, matched no existing record" in text
    document = yaml.safe_load(text)
    agreement = document["agreements"][0]
    assert agreement["parties"][0] == "mdes" and agreement["signings"][0]["date"] == "2025-03-03"
    new_actor = document["new"]["actors"][0]
    assert new_actor["name"] == {"en": "Ministry of Digital Affairs of Ruritania"}
    assert document["new"]["sources"][0]["url"] == "https://example.org/news/ruritania-1"
    capsys.readouterr()
    code, _, err = _run(capsys, "check", "--review", str(review), "--data", str(data))
    assert code == 1 and "a ministry needs 'serves': the country it serves" in err  # the reviewer must finish it
    reviewed = text.replace("kind: ministry", "kind: government-agency\n      serves: thailand", 1)
    review.write_text(reviewed, encoding="utf-8")
    assert main(["check", "--review", str(review), "--data", str(data)]) == 0
    assert main(["draft", "--merge", str(review), "--data", str(data)]) == 0
    world = curate(data)
    assert new_actor["id"] in world.actors and agreement["id"] in world.agreements


def test_draft_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["draft"]) == 1
    assert "name a press release" in capsys.readouterr().err
    assert main(["draft", str(tmp_path / "missing.txt")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main(["draft", "--merge", str(tmp_path / "missing.yaml")]) == 1
    assert "no such review file" in capsys.readouterr().err
