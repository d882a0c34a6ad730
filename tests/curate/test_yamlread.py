"""yamlread: every value's line, duplicate keys caught, dates kept as text."""

from __future__ import annotations

from coopgraph.curate.yamlread import read_yaml_text


def test_lines_of_nested_values() -> None:
    doc = read_yaml_text("id: x\nsignings:\n  - date: 2024-02\n    place: here\n", "x.yaml")
    assert doc.value == {"id": "x", "signings": [{"date": "2024-02", "place": "here"}]}
    assert doc.line_of(("signings", 0, "place")) == 4
    assert doc.line_of(("signings", 0, "missing", "deeper")) == 3  # nearest existing parent


def test_duplicate_key_names_both_lines() -> None:
    doc = read_yaml_text("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert [str(p) for p in doc.problems] == ["x.yaml:3: duplicate key 'a' (first written on line 1)"]


def test_dates_stay_text() -> None:
    assert read_yaml_text("d: 2024-02-02\n", "x.yaml").value == {"d": "2024-02-02"}


def test_malformed_yaml_is_a_problem_not_an_exception() -> None:
    doc = read_yaml_text("a: [1, 2\nb: 3\n", "x.yaml")
    assert doc.value is None
    assert doc.problems and doc.problems[0].message.startswith("malformed YAML")
