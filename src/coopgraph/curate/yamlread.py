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

A list file too big to hold (a million sources) is read one item at a time
by :class:`ListReading`, with the same values, lines and problems.

>>> doc = read_yaml_text("id: x\\nparties:\\n  - a\\n  - b\\n", "x.yaml")
>>> doc.value, doc.lines[("parties", 1)]
({'id': 'x', 'parties': ['a', 'b']}, 4)
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
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
        doc.problems.append(_malformed(error, shown_as))
        return doc
    except yaml.reader.ReaderError as error:  # a control character: no mark, a character offset
        doc.problems.append(_unreadable(error, shown_as, text))
        return doc
    finally:
        loader.dispose()
    if node is not None:
        doc.value, _ = _build(node, (), doc, loader, 0)
        doc.lines = _compact(doc.lines)
        doc._built.clear()
    return doc


def _malformed(error: yaml.MarkedYAMLError, shown_as: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    message = f"malformed YAML: {error.problem or error.context}"
    if error.problem and error.context and error.context_mark and error.context_mark.line + 1 != line:
        message += f" ({error.context} on line {error.context_mark.line + 1})"
    return Problem(Location(shown_as, line), message)


def _unreadable(error: yaml.reader.ReaderError, shown_as: str, text: str) -> Problem:
    where = max(error.position, 0)  # libyaml counts bytes of UTF-8, PyYAML's reader characters
    before = text.encode("utf-8")[:where].count(b"\n") if _Loader is not yaml.SafeLoader else text.count("\n", 0, where)
    line = before + 1
    return Problem(Location(shown_as, line), f"malformed YAML: character #x{error.character:04x}: {error.reason}")


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


# ------------------------------------------------------------------ a list file, one item at a time
class _ItemLoader(_Loader):  # type: ignore[misc,valid-type]  # libyaml's parser: events come from C
    """Composes one node at a time from the parser's events (libyaml composes only whole documents).

    The messages of its errors are libyaml's composer's, so a problem reads
    the same from :func:`read_yaml` and :class:`ListReading`.  Collections
    nested past :data:`MAX_DEPTH` are skipped, not composed: the builder never
    looks below that depth, and the composer recurses no deeper.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.anchored: dict[str, yaml.Node] = {}
        self.anchored_ids: set[int] = set()

    def node(self, depth: int) -> yaml.Node:
        event: Any = self.get_event()  # libyaml's marks are its own type: no narrowing by type
        kind = type(event)
        if kind is yaml.AliasEvent:
            found = self.anchored.get(event.anchor)
            if found is None:
                raise yaml.composer.ComposerError(None, None, "found undefined alias", event.start_mark)
            return found
        anchor = getattr(event, "anchor", None)
        if anchor is not None and anchor in self.anchored:
            raise yaml.composer.ComposerError(
                "found duplicate anchor; first occurrence", self.anchored[anchor].start_mark,
                "second occurrence", event.start_mark,
            )
        node: yaml.Node
        if kind is yaml.ScalarEvent:
            tag = event.tag
            if tag is None or tag == "!":
                tag = self.resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        elif depth > MAX_DEPTH:  # its parent is refused, unread: skip it without recursion
            self._skip()
            node = yaml.ScalarNode(_STR, "", event.start_mark, event.end_mark)
        elif kind is yaml.SequenceStartEvent:
            items: list[yaml.Node] = []
            node = yaml.SequenceNode(_tag(self, event, yaml.SequenceNode), items, event.start_mark, None)
            self._anchor(anchor, node)
            while not self.check_event(yaml.SequenceEndEvent):
                items.append(self.node(depth + 1))
            node.end_mark = self.get_event().end_mark
            return node
        else:
            pairs: list[tuple[yaml.Node, yaml.Node]] = []
            node = yaml.MappingNode(_tag(self, event, yaml.MappingNode), pairs, event.start_mark, None)
            self._anchor(anchor, node)
            while not self.check_event(yaml.MappingEndEvent):
                key = self.node(depth + 1)
                pairs.append((key, self.node(depth + 1)))
            node.end_mark = self.get_event().end_mark
            return node
        self._anchor(anchor, node)
        return node

    def _anchor(self, anchor: str | None, node: yaml.Node) -> None:
        if anchor is not None:
            self.anchored[anchor] = node
            self.anchored_ids.add(id(node))

    def _skip(self) -> None:
        depth = 1
        while depth:
            event = self.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1


def _tag(loader: _ItemLoader, event: Any, kind: type[yaml.Node]) -> str:
    tag: str | None = event.tag
    return loader.resolve(kind, None, event.implicit) if tag is None or tag == "!" else tag


@dataclass
class ListReading:
    """A YAML list file read one item at a time, for files too big to hold (a million sources: 237 MB).

    :meth:`items` yields each item as a document of its own: its value, and
    the lines of its values keyed by their path in the whole file (``(i,
    ...)``, and ``()`` for the list), so ``doc.location(path)`` names the line
    :func:`read_yaml` names.  Memory holds one item, and the anchored values
    that later aliases may name; aliases are counted for the whole file.

    After the items, :attr:`problems` are the problems :func:`read_yaml`
    finds in the file: every item's, or only the one that stopped the reading
    (not UTF-8, malformed YAML: what came before is dropped, as read_yaml never
    builds a file it cannot parse).  A file holding no list (a mapping, a
    scalar, a tagged list) is read whole by :func:`read_yaml`: :attr:`root`.
    """

    path: Path
    shown: str
    problems: list[Problem] = field(default_factory=list)
    root: YamlDocument | None = None

    def items(self) -> Iterator[tuple[PathKey, YamlDocument]]:
        """Each item of the list (its path ``(i,)`` and document), with its own problems (the file's are in
        :attr:`problems` at the end)."""
        state = YamlDocument(self.shown, None)  # what aliases share across items: built anchors, the budget
        try:
            with self.path.open(encoding="utf-8") as stream:
                loader = _ItemLoader(stream)
                try:
                    yield from self._items(loader, state)
                finally:
                    loader.dispose()
        except UnicodeDecodeError as error:
            self.problems[:] = [Problem(Location(self.shown, 1), f"not UTF-8 text ({error.reason})")]
        except yaml.MarkedYAMLError as error:
            self.problems[:] = [_malformed(error, self.shown)]
        except yaml.reader.ReaderError as error:
            self.problems[:] = [_unreadable(error, self.shown, self.path.read_text(encoding="utf-8"))]

    def _items(self, loader: _ItemLoader, state: YamlDocument) -> Iterator[tuple[PathKey, YamlDocument]]:
        loader.get_event()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            return  # an empty file: no value, as read_yaml
        loader.get_event()  # the document's start
        start: Any = loader.peek_event()
        plain_list = type(start) is yaml.SequenceStartEvent and start.tag is None and start.anchor is None
        if not plain_list:
            self.root = read_yaml(self.path, self.shown)  # not a plain list: a problem, read it the usual way
            self.problems[:] = self.root.problems
            return
        loader.get_event()
        list_line = start.start_mark.line + 1
        built = state._built
        index = 0
        while not loader.check_event(yaml.SequenceEndEvent):
            node = loader.node(1)
            doc = YamlDocument(self.shown, None, {(): list_line})
            doc._built, doc._aliased, before = built, state._aliased, len(built)
            doc.value, _ = _build(node, (index,), doc, loader, 1)
            state._aliased = doc._aliased
            for key in [k for k in itertools.islice(reversed(built), len(built) - before)]:
                if key not in loader.anchored_ids:  # only an anchored node can be met again
                    del built[key]
            doc.lines = _compact(doc.lines)
            doc._built = {}
            self.problems += doc.problems
            yield (index,), doc
            index += 1
        loader.get_event()  # the list's end
        loader.get_event()  # the document's end
        if not loader.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream", start.start_mark,
                "but found another document", loader.get_event().start_mark,
            )
