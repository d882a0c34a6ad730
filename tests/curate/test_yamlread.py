"""yamlread: every value's line, duplicate keys caught, dates kept as text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coopgraph.curate.yamlread import ALIAS_LIMIT, MAX_DEPTH, read_yaml_text


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


# --------------------------------------------------------------------------- hostile input: bounded, one line each

LOL = '["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
BOMB = f"a: &a {LOL}\n" + "".join(
    f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
"""A "billion laughs": anchors nested 9 deep, 9^9 values if every alias were rebuilt."""


def test_an_alias_bomb_stops_at_the_alias_budget() -> None:
    assert len(BOMB.encode()) < 400
    doc = read_yaml_text(BOMB, "bomb.yaml")
    assert [str(p) for p in doc.problems] == [
        f"bomb.yaml:5: YAML aliases here expand to more than {ALIAS_LIMIT} values (an alias bomb?)"
    ]


def test_aliases_are_reused_not_rebuilt() -> None:
    doc = read_yaml_text("a: &a {k: [1, 2]}\nb: *a\nc: [*a, *a]\n", "x.yaml")
    assert not doc.problems
    assert doc.value["b"] is doc.value["a"] and doc.value["c"][1] is doc.value["a"]
    assert doc.value["b"] == {"k": [1, 2]}


def test_an_alias_inside_itself() -> None:
    doc = read_yaml_text("id: x\nk: &a [1, *a]\n", "x.yaml")
    assert [str(p) for p in doc.problems] == ["x.yaml:2: a YAML alias inside the value it names"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("id: x\nrun: !!python/name:os.system x\n", 2, "YAML tag !!python/name:os.system is not allowed"),
        (
            "id: x\nrun: !!python/object/apply:os.system [ls]\n",
            2,
            "YAML tag !!python/object/apply:os.system is not allowed",
        ),
        ("id: x\nterm: !duration P5Y\n", 2, "YAML tag !duration is not allowed"),
        ("id: x\nlogo: !!binary aGVsbG8=\n", 2, "YAML tag !!binary is not allowed"),
        ("id: x\nset: !!set {a, b}\n", 2, "YAML tag !!set is not allowed"),
        ("id: x\n!custom key: 1\n", 2, "YAML tag !custom is not allowed"),
        ("!thing\nid: x\n", 1, "YAML tag !thing is not allowed"),
        ("id: x\nn: !!int abc\n", 2, "cannot read !!int value: invalid literal for int() with base 10: 'abc'"),
        ("id: x\nn: " + "9" * 5000 + "\n", 2, "cannot read !!int value: Exceeds the limit (4300 digits)"),
        ("id: x\nk: " + "[" * 200 + "]" * 200 + "\n", 2, f"nested deeper than {MAX_DEPTH} levels"),
        ("id: x\nk:\n" + "".join("  " * i + "-\n" for i in range(100)), 3 + MAX_DEPTH - 1, "nested deeper than"),
    ],
    ids=[
        "python-name",
        "python-apply",
        "custom-scalar",
        "binary",
        "set",
        "custom-key",
        "custom-root",
        "bad-int",
        "huge-int",
        "deep-flow",
        "deep-block",
    ],
)
def test_tags_and_depth_are_problems_with_a_line(text: str, line: int, message: str) -> None:
    doc = read_yaml_text(text, "x.yaml")
    assert doc.problems, doc.value
    assert str(doc.problems[0]).startswith(f"x.yaml:{line}: {message}"), [str(p) for p in doc.problems]


def test_the_composers_recursion_limit_is_a_problem_with_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyYAML without libyaml composes recursively: a RecursionError becomes the line where nesting passes the limit."""
    import yaml

    from coopgraph.curate import yamlread

    monkeypatch.setattr(yamlread, "_Loader", yaml.SafeLoader)
    text = "id: x\nk: " + "[" * 900 + "]" * 900 + "\n"
    with pytest.raises(RecursionError):
        yaml.compose(text, Loader=yaml.SafeLoader)  # what the reader used to let through
    doc = read_yaml_text(text, "x.yaml")
    assert [str(p) for p in doc.problems] == [f"x.yaml:2: nested deeper than {MAX_DEPTH} levels"]


def test_check_exits_1_without_a_traceback_on_a_bomb(tiny_copy: Path) -> None:
    (tiny_copy / "agreements" / "bomb.yaml").write_text(
        "id: bomb\nnote:\n" + "".join(f"  {line}\n" for line in BOMB.splitlines())
    )
    run = subprocess.run(
        [sys.executable, "-m", "coopgraph", "check", "--data", str(tiny_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    bomb = tiny_copy / "agreements" / "bomb.yaml"
    said = f"YAML aliases here expand to more than {ALIAS_LIMIT} values (an alias bomb?)"
    assert run.stderr.strip() == f"{bomb}:7: {said}"
