"""Which data a command reads, said on stderr; --shipped; a directory that is not coopgraph data; -q and -v."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopgraph.cli import main
from tests.conftest import TINY


def test_a_local_data_directory_is_used_and_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(TINY)
    assert main(["check"]) == 0
    err = capsys.readouterr().err
    assert "data: data (./data exists here; --shipped for the shipped data)" in err


def test_shipped_data_is_used_outside_a_checkout_and_on_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    assert "(the shipped data: no ./data here)" in capsys.readouterr().err
    (tmp_path / "data").mkdir()  # an unrelated data/ folder must not take over when --shipped is asked
    assert main(["check", "--shipped"]) == 0
    assert "the shipped data, as --shipped asks" in capsys.readouterr().err


def test_a_directory_that_is_not_coopgraph_data_gets_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "measurements.csv").write_text("a,b\n", encoding="utf-8")
    for command in (["check"], ["build", "--out", str(tmp_path / "out")]):
        assert main(command) == 1
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and "data/: not coopgraph data" in lines[0] and "--shipped" in lines[0]
    assert not (tmp_path / "out").exists()
    assert main(["check", "--data", str(tmp_path / "nowhere")]) == 1
    assert "no such data directory" in capsys.readouterr().err


def test_quiet_says_nothing_and_verbose_says_which_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--data", str(TINY), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["-q", "check", "--data", str(TINY)]) == 0
    assert capsys.readouterr().err == ""
    assert main(["check", "--data", str(TINY), "-v"]) == 0
    err = capsys.readouterr().err
    assert "data: " in err and "ok: " in err
    assert main(["check", "-q", "-v", "--data", str(TINY)]) == 2  # one or the other
