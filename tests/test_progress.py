"""Long stages say where they are: a live line on a terminal, a line per stage with -v, nothing when piped."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from coopgraph.cli import main
from tests.conftest import TINY


def test_piped_says_only_the_summary_and_verbose_names_each_stage(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--data", str(TINY), "--out", str(tmp_path / "a"), "--reasoner", "rules"]) == 0
    quiet = capsys.readouterr().err
    assert "reading the data" not in quiet and quiet.startswith("built ")
    assert main(["build", "--data", str(TINY), "--out", str(tmp_path / "b"), "--reasoner", "rules", "-v"]) == 0
    verbose = capsys.readouterr().err
    for name in ("reading the data", "checking the shapes", "reasoning (rules)", "writing the outputs"):
        assert f"{name}" in verbose and " s\n" in verbose, name


def test_a_terminal_gets_a_live_status_line(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    run = subprocess.Popen(
        [sys.executable, "-m", "coopgraph", "build", "--data", str(TINY), "--out", str(tmp_path / "t"),
         "--reasoner", "rules"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal, env=env,
    )
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert run.wait(timeout=120) == 0
    text = seen.decode("utf-8", "replace")
    assert "reading the data" in text or "reasoning (rules)" in text, text[-500:]
    assert "built " in text
