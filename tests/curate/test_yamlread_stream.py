"""A list file read one item at a time (ListReading) gives what read_yaml gives: values, lines, problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopgraph.curate.yamlread import ALIAS_LIMIT, MAX_DEPTH, ListReading, YamlDocument, read_yaml
from tests.curate.test_yamlread import BOMB

HOSTILE = {  # a mapping's text: the cases of test_yamlread, each also made an item of a list below
    "python-name": "id: x\nrun: !!python/name:os.system x\n",
    "python-apply": "id: x\nrun: !!python/object/apply:os.system [ls]\n",
    "custom-scalar": "id: x\nterm: !duration P5Y\n",
    "binary": "id: x\nlogo: !!binary aGVsbG8=\n",
    "set": "id: x\nset: !!set {a, b}\n",
    "custom-key": "id: x\n!custom key: 1\n",
    "bad-int": "id: x\nn: !!int abc\n",
    "huge-int": "id: x\nn: " + "9" * 5000 + "\n",
    "deep-flow": "id: x\nk: " + "[" * 200 + "]" * 200 + "\n",
    "deep-block": "id: x\nk:\n" + "".join("  " * i + "-\n" for i in range(100)),
    "very-deep-flow": "id: x\nk: " + "[" * 900 + "]" * 900 + "\n",
    "bomb": BOMB,
    "alias-in-itself": "id: x\nk: &a [1, *a]\n",
    "aliases-reused": "a: &a {k: [1, 2]}\nb: *a\nc: [*a, *a]\n",
    "duplicate-key": "a: 1\nb: 2\na: 3\n",
    "merge-key": "a: &a {k: 1}\nb:\n  <<: *a\n",
    "not-text-key": "[1, 2]: x\nnull: y\n",
    "malformed": "a: [1, 2\nb: 3\n",
    "undefined-alias": "a: 1\nb: *nowhere\n",
    "duplicate-anchor": "a: &x 1\nb: &x 2\n",
    "control-character": "a: ok\nb: x\x07y\n",
}


def _item(text: str) -> str:
    """A mapping's text as the first item of a list, on the same lines."""
    return "".join(("- " if i == 0 else "  ") + line for i, line in enumerate(text.splitlines(keepends=True)))


LISTS = {f"item-{name}": f"- id: before\n  k: [1]\n{_item(text)}- id: after\n" for name, text in HOSTILE.items()}
LISTS.update({f"only-{name}": _item(text) for name, text in HOSTILE.items()})
LISTS.update({f"root-{name}": text for name, text in HOSTILE.items()})  # not a list: read whole, the same way
LISTS.update({
    "empty": "",
    "comments-only": "# nothing yet\n",
    "a-scalar": "just text\n",
    "null-document": "---\n",
    "tagged-list": "!!set\n- a\n",
    "anchored-list": "&l\n- a\n- *l\n",
    "flow-list": "[{id: a, n: 1}, {id: b,\n  n: 2}]\n",
    "two-documents": "- a\n---\n- b\n",
    "good-then-malformed": "- id: a\n  run: !!python/name:os.system x\n- id: b\n  k: [1\n- id: c\n",
    "bomb-across-items": "- &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"- &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcd", "bcde", strict=True)),
    "anchor-in-one-item-alias-in-another": "- id: a\n  k: &k {x: [1, 2]}\n- id: b\n  k: *k\n  j: [*k]\n",
    "duplicate-keys-in-items": "- id: a\n  id: b\n- {id: c, n: 1, n: 2}\n",
    "nulls-and-scalars": "- \n- 3\n- id: x\n  when: 2024-02-02\n  ok: yes\n  f: 1.5\n",
    "crlf": "- id: a\r\n  n: 1\r\n- id: b\r\n",
    "bom": "\ufeff- id: a\n",
})


def _both(tmp_path: Path, text: str | bytes) -> tuple[YamlDocument, ListReading, list[YamlDocument]]:
    path = tmp_path / "list.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    reading = ListReading(path, "list.yaml")
    return read_yaml(path, "list.yaml"), reading, [doc for _path, doc in reading.items()]


def _same(tmp_path: Path, text: str | bytes) -> tuple[YamlDocument, ListReading, list[YamlDocument]]:
    whole, reading, items = _both(tmp_path, text)
    assert [str(p) for p in reading.problems] == [str(p) for p in whole.problems]
    if whole.problems:
        return whole, reading, items
    if reading.root is not None or not isinstance(whole.value, list):
        assert not items and (whole.value is None or reading.root is not None)
        assert reading.root is None or reading.root.value == whole.value
        return whole, reading, items
    assert [doc.value for doc in items] == whole.value
    paths = set(whole.lines) | {path for doc in items for path in doc.lines}
    for path in paths:
        if path:
            assert items[int(path[0])].line_of(path) == whole.line_of(path), path
            assert items[int(path[0])].line_of((*path, "missing")) == whole.line_of((*path, "missing")), path
    return whole, reading, items


@pytest.mark.parametrize("name", sorted(LISTS))
def test_the_same_values_lines_and_problems_both_ways(tmp_path: Path, name: str) -> None:
    _whole, reading, _items = _same(tmp_path, LISTS[name])
    expect_problems = not name.endswith("-aliases-reused") and name not in {
        "empty", "comments-only", "flow-list", "anchor-in-one-item-alias-in-another", "nulls-and-scalars", "crlf",
        "bom", "a-scalar", "null-document",
    }
    assert bool(reading.problems) == expect_problems, [str(p) for p in reading.problems]


def test_not_utf8_is_one_problem(tmp_path: Path) -> None:
    _whole, reading, _items = _same(tmp_path, b"- id: a\n- id: caf\xe9\n")
    assert [str(p) for p in reading.problems] == ["list.yaml:1: not UTF-8 text (invalid continuation byte)"]


def test_a_bomb_spread_over_items_stops_at_the_same_alias(tmp_path: Path) -> None:
    _whole, reading, _items = _same(tmp_path, LISTS["bomb-across-items"])
    assert [str(p) for p in reading.problems] == [
        f"list.yaml:4: YAML aliases here expand to more than {ALIAS_LIMIT} values (an alias bomb?)"
    ]


def test_malformed_text_drops_what_came_before(tmp_path: Path) -> None:
    """read_yaml builds nothing of a file it cannot parse: the tag problem of item 1 is not reported either."""
    _whole, reading, items = _same(tmp_path, LISTS["good-then-malformed"])
    assert [str(p) for p in reading.problems] == [
        "list.yaml:5: malformed YAML: did not find expected ',' or ']' (while parsing a flow sequence on line 4)"
    ]
    assert len(items) == 1 and items[0].problems  # handed out before the error was found


def test_nesting_past_the_limit_is_one_problem_per_item_without_recursion(tmp_path: Path) -> None:
    _whole, reading, items = _same(tmp_path, LISTS["item-very-deep-flow"])
    assert [str(p) for p in reading.problems] == [f"list.yaml:4: nested deeper than {MAX_DEPTH} levels"]
    assert [doc.value for doc in items][::2] == [{"id": "before", "k": [1]}, {"id": "after"}]


def test_an_item_holds_only_its_own_lines(tmp_path: Path) -> None:
    text = "".join(f"- id: s{i}\n  url: https://x/{i}\n  title: {{en: T}}\n" for i in range(1000))
    _whole, _reading, items = _same(tmp_path, text)
    assert max(len(doc.lines) for doc in items) == 4  # the list's line, the item's (its id's), the url's, the title's
    assert items[999].location((999, "url")).line == 2999
