"""Read YAML keeping the line of every value, and catching duplicate keys.

PyYAML silently keeps the last of two equal keys and forgets where values
were written; curators need both.  We compose the node tree (C-accelerated
when available) and build plain Python values plus a map from each value's
path to its line.  Timestamps stay text so a date keeps its precision.

Input is bounded: an aliased node is built once and reused (as PyYAML does),
and the values aliases stand for are counted, so a 351-byte "billion laughs"
stops at :data:`ALIAS_LIMIT` with the line of the alias; nesting deeper than
:data:`MAX_DEPTH` and every tag but the plain ones (``!!python/name:``, custom
``!tags``, ``!!binary``, ``!!set`` ...) are problems with a line, never an
exception.

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
_YAML = "tag:yaml.org,2002:"
_STR = _YAML + "str"
_PLAIN = {_YAML + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
"""The tags a curated file may carry (written or implied): plain values, lists and mappings."""
MAX_DEPTH = 64
"""Nesting deeper than this is refused (curated records nest about 6 deep; the composer recurses)."""
ALIAS_LIMIT = 10_000
"""Values that aliases may stand for in one file, counting what they repeat (a YAML alias bomb stops here)."""
_SHARED = 64  # texts this short (ids, dates, language tags) are interned


@dataclass
class YamlDocument:
    """A parsed file: its value, the line of each value by path, and problems found."""

    path: str
    value: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _built: dict[int, tuple[Any, int]] = field(default_factory=dict, repr=False)
    """id(node) -> (its value, how many values it expands to): an alias reuses both."""
    _aliased: int = field(default=0, repr=False)
    _open: set[int] = field(default_factory=set, repr=False)
    """Collections being built: meeting one again is an alias inside itself."""

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
        return YamlDocument(
            shown_as, None, problems=[Problem(Location(shown_as, 1), f"not UTF-8 text ({error.reason})")]
        )
    return read_yaml_text(text, shown_as)


def read_yaml_text(text: str, shown_as: str) -> YamlDocument:
    doc = YamlDocument(shown_as, None)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except RecursionError:  # the composer recurses per level: find the line without it
        doc.problems.append(Problem(Location(shown_as, _too_deep(text)), f"nested deeper than {MAX_DEPTH} levels"))
        return doc
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
        doc.value, _ = _build(node, (), doc, loader, 0)
        doc.lines = _compact(doc.lines)
        doc._built.clear()
    return doc


def _too_deep(text: str) -> int:
    """The line where nesting first passes :data:`MAX_DEPTH`, from the parser's events (no recursion)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1 if event.start_mark else 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return 1


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


def _build(node: yaml.Node, path: PathKey, doc: YamlDocument, loader: yaml.SafeLoader, depth: int) -> tuple[Any, int]:
    """The value of a node and how many values it expands to (for the alias budget)."""
    seen = doc._built.get(id(node))
    if seen is not None:  # an alias: the same value again, counted against the budget
        doc._aliased += seen[1]
        if doc._aliased > ALIAS_LIMIT:
            where = doc.lines.get(path) or doc.line_of(path[:-1])  # the alias's key, or its list (not the anchor)
            doc.problems.append(
                Problem(
                    Location(doc.path, where),
                    f"YAML aliases here expand to more than {ALIAS_LIMIT} values (an alias bomb?)",
                )
            )
            doc._aliased = -(10**18)  # one problem is enough
            return None, 1
        return seen
    line = node.start_mark.line + 1
    doc.lines[path] = line
    if node.tag not in _PLAIN:
        doc.problems.append(Problem(Location(doc.path, line), _tag_problem(node.tag)))
        return None, 1
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, loader, doc), 1
    if id(node) in doc._open:
        doc.problems.append(
            Problem(Location(doc.path, doc.line_of(path[:-1])), "a YAML alias inside the value it names")
        )
        return None, 1
    if depth >= MAX_DEPTH:
        doc.problems.append(Problem(Location(doc.path, line), f"nested deeper than {MAX_DEPTH} levels"))
        return None, 1
    doc._open.add(id(node))
    try:
        return _build_collection(node, path, doc, loader, depth)
    finally:
        doc._open.discard(id(node))


def _build_collection(
    node: yaml.Node, path: PathKey, doc: YamlDocument, loader: yaml.SafeLoader, depth: int
) -> tuple[Any, int]:
    size = 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                doc.problems.append(Problem(doc.location(path), "YAML merge keys ('<<') are not supported"))
                continue
            if key_node.tag not in _PLAIN:
                doc.problems.append(
                    Problem(Location(doc.path, key_node.start_mark.line + 1), _tag_problem(key_node.tag))
                )
                continue
            key = _scalar(key_node, loader, doc) if isinstance(key_node, yaml.ScalarNode) else None
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
            result[key], count = _build(value_node, (*path, key), doc, loader, depth + 1)
            size += count
            doc.lines[(*path, key)] = key_node.start_mark.line + 1
        doc._built[id(node)] = (result, size)
        return result, size
    items: list[Any] = []
    for i, item in enumerate(node.value):
        value, count = _build(item, (*path, i), doc, loader, depth + 1)
        items.append(value)
        size += count
    doc._built[id(node)] = (items, size)
    return items, size


def _tag_problem(tag: str) -> str:
    return f"YAML tag {_shown_tag(tag)} is not allowed: only plain values, lists and mappings"


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag if tag.startswith("!") else f"!<{tag}>"


def _scalar(node: yaml.Node, loader: yaml.SafeLoader, doc: YamlDocument) -> Any:
    if node.tag == _STR:  # what the constructor would return, without its bookkeeping
        text: str = node.value
        return sys.intern(text) if len(text) <= _SHARED else text  # ids recur: keep one copy of each
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value  # keep the text: precision matters
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, KeyError, TypeError, OverflowError) as error:  # `!!int x`, a 5,000-digit number
        reason = getattr(error, "problem", None) or str(error).splitlines()[0].split(";")[0]
        doc.problems.append(
            Problem(Location(doc.path, node.start_mark.line + 1), f"cannot read {_shown_tag(node.tag)} value: {reason}")
        )
        return None
