"""Did-you-mean by edit distance for command, query, view and entity names."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopgraph.cli import main
from coopgraph.suggest import close_matches, did_you_mean


def test_closest_names_by_edit_distance() -> None:
    names = ["partners-of-country", "agreements-of-country", "agreements-by-topic", "cooperation-network"]
    assert close_matches("partners-of-contry", names) == ["partners-of-country"]
    assert close_matches("agrements-of-country", names)[0] == "agreements-of-country"
    assert did_you_mean("zzzz", names) == ""


def test_a_misspelt_query_name_gets_a_suggestion(tiny_build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "partners-of-contry", "--out", str(tiny_build)]) == 1
    assert "did you mean 'partners-of-country'?" in capsys.readouterr().err


def test_a_misspelt_command_and_view_get_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["biuld"]) == 2
    assert "did you mean 'build'?" in capsys.readouterr().err
    assert main(["visualise", "--view", "countires"]) == 2
    assert "did you mean 'countries'?" in capsys.readouterr().err


def test_a_misspelt_focus_id_gets_a_suggestion(tiny_build: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["visualise", "--out", str(tiny_build), "--view", "ego", "--focus", "country/alpah",
                 "-o", str(tmp_path / "x.html")])
    assert code == 1
    assert "did you mean 'country/alpha'?" in capsys.readouterr().err
