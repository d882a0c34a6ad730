"""A clean, non-editable install builds the shipped data from any directory; the wheel carries the licences."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "--disable-pip-version-check",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True)
    return next(out.glob("coopgraph-*.whl"))


def test_the_wheel_carries_licences_types_and_the_shipped_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    assert {f"{info}/licenses/LICENSE", f"{info}/licenses/LICENSE-DATA.md"} <= names
    assert "coopgraph/py.typed" in names
    assert "coopgraph/_shipped/data/sources.yaml" in names and "coopgraph/_shipped/ontology/coopgraph.ttl" in names
    assert any(n.startswith("coopgraph/_shipped/queries/") for n in names)
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert "Project-URL: Homepage, https://w3id.org/coopgraph" in metadata
    runtime = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert not any("pyshacl" in line for line in runtime), "pySHACL is only the tests' reference"


def test_a_clean_install_builds_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run([str(venv / "bin" / "coopgraph"), "build", "--reasoner", "rules"], cwd=elsewhere,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "the shipped data: no ./data here" in run.stderr
    assert (elsewhere / "build" / "coopgraph.ttl").stat().st_size > 10_000
    assert str(ROOT) not in (venv / "bin" / "coopgraph").read_text()  # not an editable install of this checkout
