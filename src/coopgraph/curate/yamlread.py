"""Read YAML keeping the line of every value, and catching duplicate keys.

PyYAML silently keeps the last of two equal keys and forgets where values
were written; curators need both.  We compose the node tree (C-accelerated
when available) and build plain Python values plus a map from each value's
path to its line.  Timestamps stay text so a date keeps its precision.

>>> doc = read_yaml_text("id: x\\nparties:\\n  - a\\n  - b\\n", "x.yaml")
>>> doc.value, doc.lines[("parties", 1)]
({'id': 'x', 'parties': ['a', 'b']}, 4)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coopgraph.errors import Location, Problem

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

PathKey = tuple[int | str, ...]
_STR = "tag:yaml.org,2002:str"
_SHARED = 64  # texts this short (ids, dates, language tags) are interned


@dataclass
class YamlDocument:
    """A parsed file: its value, the line of each value by path, and problems found."""

    path: str
    value: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: PathKey) -> int:
        """The line of the deepest existing value on ``path`` (1-based)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1

    def location(self, path: PathKey) -> Location:
        return Location(self.path, self.line_of(path))


def read_yaml(path: Path, shown_as: str) -> YamlDocument:
    """Read one YAML file; problems (not exceptions) for malformed text."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return YamlDocument(shown_as, None, problems=[Problem(Location(shown_as, 1), f"not UTF-8 text ({error.reason})")])
    return read_yaml_text(text, shown_as)


def read_yaml_text(text: str, shown_as: str) -> YamlDocument:
    doc = YamlDocument(shown_as, None)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        message = f"malformed YAML: {error.problem or error.context}"
        if error.problem and error.context and error.context_mark and error.context_mark.line + 1 != line:
            message += f" ({error.context} on line {error.context_mark.line + 1})"
        doc.problems.append(Problem(Location(shown_as, line), message))
        return doc
    finally:
        loader.dispose()
    if node is not None:
        doc.value = _build(node, (), doc, loader)
        doc.lines = _compact(doc.lines)
    return doc


def _compact(lines: dict[PathKey, int]) -> dict[PathKey, int]:
    """Drop each path whose line is its nearest kept ancestor's: :meth:`YamlDocument.line_of` answers the same.

    Flow collections (``{person: x, post: y}``) and first keys share their
    parent's line; a world of 100k agreements keeps millions fewer entries.
    """
    kept: dict[PathKey, int] = {}
    for path, line in lines.items():  # parents come before their children
        end = len(path) - 1
        while end >= 0 and path[:end] not in kept:
            end -= 1
        if end < 0 or kept[path[:end]] != line:
            kept[path] = line
    return kept


def _build(node: yaml.Node, path: PathKey, doc: YamlDocument, loader: yaml.SafeLoader) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                doc.problems.append(Problem(doc.location(path), "YAML merge keys ('<<') are not supported"))
                continue
            key = _scalar(key_node, loader) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int) or isinstance(key, bool):
                doc.problems.append(
                    Problem(Location(doc.path, key_node.start_mark.line + 1), "a key must be plain text")
                )
                continue
            key = sys.intern(str(key))  # one string per field name, not one per occurrence
            if key in result:
                first = doc.lines[(*path, key)]
                doc.problems.append(
                    Problem(
                        Location(doc.path, key_node.start_mark.line + 1),
                        f"duplicate key '{key}' (first written on line {first})",
                    )
                )
                continue
            doc.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _build(value_node, (*path, key), doc, loader)
            doc.lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), doc, loader) for i, item in enumerate(node.value)]
    return _scalar(node, loader)


def _scalar(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    if node.tag == _STR:  # what the constructor would return, without its bookkeeping
        text: str = node.value
        return sys.intern(text) if len(text) <= _SHARED else text  # ids recur: keep one copy of each
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value  # keep the text: precision matters
    return loader.construct_object(node, deep=True)
