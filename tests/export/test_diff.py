"""`coopgraph diff`: a deliberate data change, read back as records, triples, links, statuses and gaps."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from coopgraph.cli import main
from tests.conftest import TINY

BLOC_MOU = "agreements/bloc-beta-mou-2025.yaml"


def _diff(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def before_after(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny world, and a copy where the bloc MOU gets a signed status and a precise date, and a person is added."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(TINY, old)
    shutil.copytree(TINY, new)
    path = new / BLOC_MOU
    text = path.read_text(encoding="utf-8").replace("  - date: 2025\n", "  - date: 2025-03-04\n")
    text = text.replace("signings:", 'lifecycle:\n  - {status: signed, date: "2025-03-04"}\nsignings:')
    path.write_text(text, encoding="utf-8")
    with (new / "people.yaml").open("a", encoding="utf-8") as people:
        people.write("- id: cy-gamma\n  name: {en: Cy Gamma}\n  sources: [bloc-charter]\n")
    return old, new


def test_diff_json_reports_every_section(before_after: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = before_after
    code, out, _ = _diff(capsys, "--since", str(old), "--data", str(new), "--format", "json")
    assert code == 0
    report = json.loads(out)
    records = report["records"]
    assert [e["label"] for e in records["people"]["added"]] == ["Cy Gamma"]
    changed = records["agreements"]["changed"]
    assert [e["iri"].rsplit("/", 1)[-1] for e in changed] == ["bloc-beta-mou-2025"]
    dates = [f for f in changed[0]["fields"] if f["property"] == "coop:date" and "signing" in f.get("part", "")]
    assert dates and dates[0]["removed"] == ["2025"] and dates[0]["added"] == ["2025-03-04"]
    assert report["triples"]["asserted"]["added"] and report["triples"]["ontology"] == {"added": [], "removed": []}
    assert [(s["before"], s["after"]) for s in report["statuses"]] == [([], ["Signed 2025-03-04"])]
    assert ("signing dated to the year", "MOU between the Bloc and Beta", "2025") in map(
        tuple, report["curation-gaps"]["closed"]
    )
    assert any(
        gap[0] == "person without a Thai name" and gap[1] == "Cy Gamma" for gap in report["curation-gaps"]["new"]
    )


def test_diff_sees_cooperation_lost_and_gained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Alpha and Beta cooperate through both tiny agreements: removing both loses the link, restoring gains it."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(TINY, old)
    shutil.copytree(TINY, new)
    for path in (new / "agreements").glob("*.yaml"):
        path.unlink()
    code, out, _ = _diff(capsys, "--since", str(old), "--data", str(new), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["cooperation"] == {"gained": [], "lost": [["Alpha", "Beta"]]}
    assert any("cooperatesThrough" in line for line in report["triples"]["inferred"]["removed"])
    code, out, _ = _diff(capsys, "--since", str(new), "--data", str(old), "--format", "json")
    assert json.loads(out)["cooperation"] == {"gained": [["Alpha", "Beta"]], "lost": []}


def test_diff_text_and_no_change(before_after: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = before_after
    code, out, _ = _diff(capsys, "--since", str(old), "--data", str(new))
    assert code == 0
    assert "added    people: Cy Gamma" in out
    assert "coop:date: 2025 => 2025-03-04" in out
    assert "Status changes\n  MOU between the Bloc and Beta: none => Signed 2025-03-04" in out
    code, out, _ = _diff(capsys, "--since", str(old), "--data", str(old))
    assert code == 0 and "No change to the graph." in out


def test_diff_since_a_git_revision(
    before_after: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = before_after
    repo = tmp_path / "repo"
    shutil.copytree(old, repo / "data")

    def git(*words: str) -> None:
        subprocess.run(["git", "-C", str(repo), *words], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@example.org", "-c", "user.name=t", "add", "data")
    git("-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "tiny")
    shutil.rmtree(repo / "data")
    shutil.copytree(new, repo / "data")
    code, out, _ = _diff(capsys, "--since", "HEAD", "--data", str(repo / "data"), "--format", "json")
    assert code == 0
    assert [e["label"] for e in json.loads(out)["records"]["people"]["added"]] == ["Cy Gamma"]
    code, _, err = _diff(capsys, "--since", "no-such-rev", "--data", str(repo / "data"))
    assert code == 1 and err.startswith("--since:") and "Traceback" not in err


def test_diff_names_a_broken_old_side(before_after: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = before_after
    (old / "people.yaml").write_text("- id: Bad Id\n", encoding="utf-8")
    code, _, err = _diff(capsys, "--since", str(old), "--data", str(new))
    assert code == 1 and f"the data of {old}" in err and "people.yaml:1" in err
