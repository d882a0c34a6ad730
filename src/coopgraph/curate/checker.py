"""Stage 1: read ``data/``, check it, and return frozen records that know where they came from.

Every problem is collected before failing once, so a curator sees all of
them in one run: malformed YAML, duplicate keys and ids, unknown or missing
fields, wrong types, bad dates and language tags, and references to ids that
do not exist (with a did-you-mean).

>>> from coopgraph.resources import shipped_data_dir
>>> world = curate(shipped_data_dir())
>>> world.agreements["asean-china-communications-digital-technology-2024"].parties
['asean', 'china']
"""

from __future__ import annotations

import difflib
import os
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from coopgraph.curate import model as m
from coopgraph.curate.yamlread import ListReading, PathKey, YamlDocument, read_yaml
from coopgraph.errors import CoopgraphError, Location, Problem, display_path
from coopgraph.perf import without_gc

R = TypeVar("R", bound=m.Record)

ACTOR_KINDS = {"actor"}
#: What a reference may point at: the registry kinds each reference field accepts.
PLACE_KINDS = {"place", "country"}


@dataclass
class Listed(Mapping[str, Location]):
    """Ids read from one list file whose records were not kept, each with the line of its id.

    A streamed build mints each source as it is read and lets it go: what a
    reference, a duplicate id or a did-you-mean still needs of it is its id
    and where that was written (an int a line, not a ``Location`` each: a
    million sources are 1M ids).
    """

    path: str = ""
    lines: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, ident: str) -> Location:
        return Location(self.path, self.lines[ident])

    def __contains__(self, ident: object) -> bool:
        return ident in self.lines

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class World:
    """Everything curated, by id, with the place each record was written."""

    sources: dict[str, m.Source] = field(default_factory=dict)
    actors: dict[str, m.Actor] = field(default_factory=dict)
    places: dict[str, m.Place] = field(default_factory=dict)
    posts: dict[str, m.Post] = field(default_factory=dict)
    people: dict[str, m.Person] = field(default_factory=dict)
    topics: dict[str, m.Topic] = field(default_factory=dict)
    meetings: dict[str, m.Meeting] = field(default_factory=dict)
    agreements: dict[str, m.Agreement] = field(default_factory=dict)
    packages: dict[str, m.Package] = field(default_factory=dict)
    origins: dict[str, Location] = field(default_factory=dict)
    #: ids of records written but failing validation: where, and the kind they would have
    invalid: dict[str, tuple[Location, str]] = field(default_factory=dict, repr=False)
    #: kinds whose registry file could not be read at all (YAML errors): references to them are not judged
    unreadable: dict[str, str] = field(default_factory=dict, repr=False)
    sites: dict[str, tuple[YamlDocument, PathKey]] = field(default_factory=dict, repr=False)
    #: sources a streamed curation handed out as it read them and did not keep (:meth:`Curation.sources`)
    streamed_sources: Listed = field(default_factory=Listed, repr=False)

    def location(self, ident: str, *path: int | str) -> Location:
        """Where a field of a record was written: ``world.location("x", "signings", 0)``."""
        doc, rpath = self.sites[ident]
        return doc.location((*rpath, *path))

    def kind_of(self, ident: str) -> str | None:
        """The registry an id lives in: 'country', 'actor', 'place', 'person', ..."""
        if ident in self.actors:
            return "country" if self.actors[ident].kind == "country" else "actor"
        if ident in self.streamed_sources:
            return "source"
        for kind, table in (
            ("source", self.sources),
            ("place", self.places),
            ("post", self.posts),
            ("person", self.people),
            ("topic", self.topics),
            ("meeting", self.meetings),
            ("agreement", self.agreements),
            ("package", self.packages),
        ):
            if ident in table:
                return kind
        return None


_KIND_OF: dict[type[m.Record], str] = {
    m.Source: "source",
    m.Actor: "actor",
    m.Place: "place",
    m.Post: "post",
    m.Person: "person",
    m.Topic: "topic",
    m.Meeting: "meeting",
    m.Agreement: "agreement",
    m.Package: "package",
}

_TABLE_OF: dict[type[m.Record], str] = {
    m.Source: "sources",
    m.Actor: "actors",
    m.Place: "places",
    m.Post: "posts",
    m.Person: "people",
    m.Topic: "topics",
    m.Meeting: "meetings",
    m.Agreement: "agreements",
    m.Package: "packages",
}


Docs = dict[str, tuple[YamlDocument, list[tuple[m.Record, PathKey]]]]
"""Each file read: its document (for lines) and the records that passed validation, by shown path."""


@without_gc  # millions of objects, no garbage: the collector's passes cost a third of the time
def curate(data_dir: Path) -> World:
    """Read and check every file under ``data_dir``; raise one error listing all problems."""
    problems: list[Problem] = []
    world = World()
    docs: Docs = {}
    files = _registry_files(data_dir, problems)
    files += [(path, m.Agreement, False) for path in sorted((data_dir / "agreements").glob("*.y*ml"))]
    for path, model, is_list in files:
        doc, records = _read(path, model, is_list, world, problems)
        if doc is None:
            continue
        docs[doc.path] = (doc, records)
        table: dict[str, Any] = getattr(world, _TABLE_OF[model])
        for record, rpath in records:
            ident: str = record.id  # type: ignore[attr-defined]  # every kind of record has one
            here = doc.location((*rpath, "id"))
            if _id_problems(ident, here, world.origins.get(ident), None if is_list else doc.path, problems):
                world.origins[ident] = here
                world.sites[ident] = (doc, rpath)
                table[ident] = record

    for doc, records in docs.values():
        for record, rpath in records:
            for ref_path, ident, kinds, what in _references(record):
                _check_reference(world, doc, (*rpath, *ref_path), ident, kinds, what, problems)
    problems += _check_structure(world)
    if problems:
        raise CoopgraphError(problems)
    return world


def stream_curation(data_dir: Path) -> Curation:
    """The checks of ``data_dir`` one record at a time: the registries when :meth:`Curation.sources` is read
    (the sources handed out, the rest kept), then each agreement (:meth:`Curation.agreements`)."""
    problems: list[Problem] = []
    files = _registry_files(data_dir, problems)
    return Curation(World(), data_dir / "agreements", problems, files)


def agreement_files(data_dir: Path) -> int:
    """How many agreement files ``data_dir`` has (what a build sizes its store by, before reading them)."""
    return sum(1 for _ in (data_dir / "agreements").glob("*.y*ml"))


@dataclass
class Curation:
    """A world checked one record at a time, for worlds too big to hold (20 KB of records an agreement,
    one source an agreement: 237 MB of sources.yaml at a million).

    :meth:`sources` reads the registry files one record at a time
    (:class:`~coopgraph.curate.yamlread.ListReading`): each source is checked
    and handed out, and only its id and line are kept (:class:`Listed`); the
    other registries (a few MB whatever the world's size) are kept as records.
    :meth:`agreements` then reads, checks and yields each agreement and lets it
    go, keeping its id and the line of its id, and the few checks that need ids
    not read yet (a reference that is no registry's id, a signatory for someone
    outside the parties).  :meth:`finish` judges those and raises every
    problem: the same problems :func:`curate` finds in the same files.
    """

    registries: World
    folder: Path
    problems: list[Problem]
    files: list[tuple[Path, type[m.Record], bool]] = field(repr=False)
    count: int = 0
    #: the registry records kept (all but the sources), each with its own document (its lines) and path
    _records: list[tuple[m.Record, YamlDocument, PathKey]] = field(default_factory=list, repr=False)
    _registries_read: bool = field(default=False, repr=False)
    #: agreement id -> the line of its id in ``<id>.yaml``, or where it is when its file is named otherwise
    _ids: dict[str, int | Location] = field(default_factory=dict, repr=False)
    _refs: list[tuple[Location, str, set[str], str]] = field(default_factory=list, repr=False)
    _outsiders: list[tuple[Location, str]] = field(default_factory=list, repr=False)

    def sources(self) -> Iterator[tuple[m.Source, YamlDocument, PathKey]]:
        """Read the registries: each valid source as it is read, with its document and path (mint it now: it is
        not kept), then the other registries, kept.  Once only; :meth:`agreements` reads them if no one has.

        A source file whose YAML turns out bad part way (a tag, a malformed
        line) has handed out sources already: they are unregistered again, and
        its problems are only its YAML's, as when it is read whole (the build
        fails on them).
        """
        if self._registries_read:
            return
        self._registries_read = True
        for path, model, _is_list in self.files:
            if model is m.Source:
                yield from self._stream_sources(path)
            else:
                self._keep_registry(path, model)

    def _stream_sources(self, path: Path) -> Iterator[tuple[m.Source, YamlDocument, PathKey]]:
        reading = self._reading(path, m.Source)
        if reading is None:
            return
        found: list[Problem] = []  # the records' problems: dropped if the file's YAML is bad
        listed, invalid = self.registries.streamed_sources, self.registries.invalid
        listed.path, invalid_before = reading.shown, len(invalid)
        for record, doc, rpath in _list_records(reading, m.Source, found, invalid):
            here = doc.location((*rpath, "id"))
            if _id_problems(record.id, here, self._first(record.id), None, found):
                listed.lines[record.id] = here.line
                yield record, doc, rpath
        if self._unreadable(reading, m.Source):
            listed.lines.clear()
            for ident in list(invalid)[invalid_before:]:
                del invalid[ident]
        else:
            self.problems += found

    def _keep_registry(self, path: Path, model: type[m.Record]) -> None:
        reading = self._reading(path, model)
        if reading is None:
            return
        found: list[Problem] = []
        records = list(_list_records(reading, model, found, self.registries.invalid))
        if self._unreadable(reading, model):
            return
        self.problems += found
        table: dict[str, Any] = getattr(self.registries, _TABLE_OF[model])
        for record, doc, rpath in records:
            ident: str = record.id  # type: ignore[attr-defined]  # every kind of record has one
            here = doc.location((*rpath, "id"))
            if _id_problems(ident, here, self._first(ident), None, self.problems):
                self.registries.origins[ident], self.registries.sites[ident], table[ident] = here, (doc, rpath), record
                self._records.append((record, doc, rpath))

    def _reading(self, path: Path, model: type[m.Record]) -> ListReading | None:
        if not path.exists():
            self.problems.append(Problem(Location(display_path(path)), _missing(model)))
            return None
        return ListReading(path, display_path(path))

    def _unreadable(self, reading: ListReading, model: type[m.Record]) -> bool:
        """Whether the file's YAML had problems (reported; the kinds it defines are then not judged)."""
        if not reading.problems:
            return False
        self.problems += reading.problems
        for kind in ({"actor", "country"} if model is m.Actor else {_KIND_OF[model]}):
            self.registries.unreadable.setdefault(kind, reading.shown)
        return True

    def _first(self, ident: str) -> Location | None:
        """Where an id was defined before, if it was: a registry's, a streamed source's, an agreement's."""
        known = self.registries.origins.get(ident) or self.registries.streamed_sources.get(ident)
        return known or (self._where(ident) if ident in self._ids else None)

    def agreements(self) -> Iterator[tuple[m.Agreement, YamlDocument, PathKey]]:
        """Each agreement that passed its own checks, with its document and path, while no problem is found."""
        for _source in self.sources():  # the registries, unless they were read already
            pass
        names = sorted((p.name for p in self.folder.glob("*.y*ml")), reverse=True)  # the order curate() reads
        shown = _shown_in(self.folder)
        while names:
            path = self.folder / names.pop()
            doc, records = _read(path, m.Agreement, False, self.registries, self.problems, shown(path))
            for record, rpath in records:
                assert doc is not None and isinstance(record, m.Agreement)
                if self._check(record, doc, rpath) and not self.problems:
                    yield record, doc, rpath

    def _check(self, agreement: m.Agreement, doc: YamlDocument, rpath: PathKey) -> bool:
        """Register one agreement and check it as far as the ids known so far allow; whether it is registered."""
        ident, here = agreement.id, doc.location((*rpath, "id"))
        for path, ref, kinds, what in _references(agreement):
            if self.registries.kind_of(ref) not in kinds:  # judged at the end, when every id is known
                self._refs.append((doc.location((*rpath, *path)), ref, kinds, what))
        if not _id_problems(ident, here, self._first(ident), doc.path, self.problems):
            return False
        # the usual file, <id>.yaml, is found again from the id: only the line is kept
        self._ids[ident] = here.line if os.path.basename(here.path) == f"{ident}.yaml" else here
        self.count += 1
        for where, party in _agreement_structure(agreement, doc, rpath, here, self.problems):
            if party in self.registries.origins or party in self.registries.streamed_sources:
                self.problems.append(_signs_for_outsider(where, party))
            else:
                self._outsiders.append((where, party))
        return True

    def finish(self) -> None:
        """Judge what needed every id; raise one error listing every problem found."""
        for record, doc, rpath in self._records:
            for path, ident, kinds, what in _references(record):
                _check_reference(self, doc, (*rpath, *path), ident, kinds, what, self.problems)
        for where, ident, kinds, what in self._refs:
            _check_reference(self, _Pinned(where), (), ident, kinds, what, self.problems)
        self.problems += (_signs_for_outsider(where, party) for where, party in self._outsiders if party in self._ids)
        self.problems += _check_structure(self.registries)
        if self.problems:
            raise CoopgraphError(self.problems)

    # -- what _check_reference asks (a World's questions, the agreements' ids added) --
    @property
    def invalid(self) -> dict[str, tuple[Location, str]]:
        return self.registries.invalid

    @property
    def unreadable(self) -> dict[str, str]:
        return self.registries.unreadable

    @property
    def origins(self) -> Mapping[str, Location]:
        return ChainMap(self.registries.origins, self.registries.streamed_sources, _AgreementOrigins(self))  # type: ignore[arg-type]

    def kind_of(self, ident: str) -> str | None:
        return self.registries.kind_of(ident) or ("agreement" if ident in self._ids else None)

    def _where(self, ident: str) -> Location:
        at = self._ids[ident]
        return at if isinstance(at, Location) else Location(display_path(self.folder / f"{ident}.yaml"), at)


@dataclass(frozen=True)
class _AgreementOrigins(Mapping[str, Location]):
    """Where each streamed agreement's id was written, from the compact table of a :class:`Curation`."""

    curation: Curation

    def __getitem__(self, ident: str) -> Location:
        return self.curation._where(ident)

    def __iter__(self) -> Iterator[str]:
        return iter(self.curation._ids)

    def __len__(self) -> int:
        return len(self.curation._ids)


@dataclass(frozen=True)
class _Pinned:
    """A reference's place, kept when its document is gone."""

    where: Location

    def location(self, _path: PathKey) -> Location:
        return self.where


def _registry_files(data_dir: Path, problems: list[Problem]) -> list[tuple[Path, type[m.Record], bool]]:
    """The registry files to read (lists of records), after a problem for each unexpected file beside them."""
    if not data_dir.is_dir():
        raise CoopgraphError(f"{display_path(data_dir)}: no such data directory")
    files: list[tuple[Path, type[m.Record], bool]] = [
        (data_dir / name, model, True) for name, model in m.REGISTRIES.items()
    ]
    files += [(data_dir / name, model, True) for name, model in m.OPTIONAL_REGISTRIES.items() if (data_dir / name).exists()]
    known = {p.name for p in data_dir.glob("*.y*ml")}
    expected = [*m.REGISTRIES, *m.OPTIONAL_REGISTRIES]
    for extra in sorted(known - set(expected)):
        problems.append(
            Problem(Location(display_path(data_dir / extra), 1), f"unknown data file (expected one of {', '.join(expected)})")
        )
    return files


def _shown_in(folder: Path) -> Callable[[Path], str]:
    """:func:`display_path` for the files of ``folder``, resolving the folder and the working directory once.

    Resolving each of 10k agreement paths (a system call per part) was a
    fourteenth of reading them; a file that is itself a link is still resolved.
    """
    place, here = folder.resolve(), Path.cwd().resolve()

    def shown(path: Path) -> str:
        if path.is_symlink():
            return display_path(path)
        try:
            return str((place / path.name).relative_to(here))
        except ValueError:
            return str(path)

    return shown


def _read(
    path: Path, model: type[m.Record], is_list: bool, world: World, problems: list[Problem], shown: str | None = None
) -> tuple[YamlDocument | None, list[tuple[m.Record, PathKey]]]:
    """One file's document and valid records; no document when it is missing or unreadable (reported)."""
    shown = display_path(path) if shown is None else shown
    if not path.exists():
        problems.append(Problem(Location(shown), _missing(model)))
        return None, []
    doc = read_yaml(path, shown)
    problems += doc.problems
    if doc.problems:
        for kind in ({"actor", "country"} if model is m.Actor else {_KIND_OF[model]}):
            world.unreadable.setdefault(kind, shown)
        return None, []
    records: list[tuple[m.Record, PathKey]] = list(_validate(doc, model, is_list, problems, world.invalid))
    doc.value = None  # the records hold the values now; the document stays only for its lines
    return doc, records


def _missing(model: type[m.Record]) -> str:
    return f"missing data file (a YAML list of {model.__name__} records)"


def _list_records(
    reading: ListReading, model: type[R], problems: list[Problem], invalid: dict[str, tuple[Location, str]]
) -> Iterator[tuple[R, YamlDocument, PathKey]]:
    """The records of a list file that pass validation, read one at a time, until its YAML shows a problem
    (then the file is unreadable: read on only for the YAML's problems, as :func:`read_yaml` reports them all)."""
    for rpath, doc in reading.items():
        if not reading.problems:
            for record, path in _validate_items(doc, model, [(doc.value, rpath)], problems, invalid):
                yield record, doc, path
    if reading.root is not None and not reading.problems:  # not a plain list: read whole
        for record, path in _validate(reading.root, model, True, problems, invalid):
            yield record, reading.root, path


def _id_problems(ident: str, here: Location, first: Location | None, file: str | None, problems: list[Problem]) -> bool:
    """Whether a record's id may be registered: not a duplicate (``first``: where it was defined before).

    ``file``: the agreement file it was read from, whose name the id should match.
    """
    if first is not None:
        problems.append(Problem(here, f"duplicate id '{ident}' (first defined at {first})"))
        return False
    if file is not None and Path(file).stem != ident:
        problems.append(Problem(here, f"agreement id '{ident}' should match its file name '{Path(file).stem}'"))
    return True


def _validate(
    doc: YamlDocument,
    model: type[R],
    is_list: bool,
    problems: list[Problem],
    invalid: dict[str, tuple[Location, str]] | None = None,
) -> Iterator[tuple[R, PathKey]]:
    """The records that pass validation; a failing one is reported here once and remembered in ``invalid``."""
    if is_list:
        if doc.value is None:
            return
        if not isinstance(doc.value, list):
            problems.append(Problem(doc.location(()), f"expected a YAML list of {model.__name__} records"))
            return
        items: list[tuple[Any, PathKey]] = [(item, (i,)) for i, item in enumerate(doc.value)]
    else:
        items = [(doc.value, ())]
    yield from _validate_items(doc, model, items, problems, invalid)


def _validate_items(
    doc: YamlDocument,
    model: type[R],
    items: list[tuple[Any, PathKey]],
    problems: list[Problem],
    invalid: dict[str, tuple[Location, str]] | None = None,
) -> Iterator[tuple[R, PathKey]]:
    for raw, rpath in items:
        if not isinstance(raw, dict):
            problems.append(Problem(doc.location(rpath), f"expected a {model.__name__} record (a mapping of fields)"))
            continue
        try:
            yield model.model_validate(raw), rpath
        except ValidationError as error:
            problems += _explain(error, doc, rpath, model)
            ident = raw.get("id")
            if invalid is not None and isinstance(ident, str) and ident not in invalid:
                kind = _KIND_OF[model]
                if model is m.Actor:
                    kind = "country" if raw.get("kind") == "country" else "actor"
                invalid[ident] = (doc.location((*rpath, "id")) if "id" in raw else doc.location(rpath), kind)


def _explain(error: ValidationError, doc: YamlDocument, rpath: PathKey, model: type[BaseModel]) -> list[Problem]:
    found: dict[tuple[int, str], Problem] = {}
    for detail in error.errors():
        loc = tuple(p for p in detail["loc"] if isinstance(p, int) or p.replace("-", "").replace("_", "").isalnum())
        loc = tuple(p for p in loc if not (isinstance(p, str) and (p.startswith("literal") or p in {"str", "int", "bool"})))
        loc = tuple(p for p in loc if not (isinstance(p, str) and p[:1].isupper()))  # a union's model branch (DisputedDate)
        field_name = _field_name(loc)
        kind = detail["type"]
        if kind == "missing":
            message = f"missing required field '{field_name}'"
            where = doc.location((*rpath, *loc[:-1]))
        elif kind == "extra_forbidden":
            message = f"unknown field '{field_name}'{_suggest_field(model, loc)}"
            where = doc.location((*rpath, *loc))
        else:
            message = f"{field_name}: {_describe(detail)}"
            where = doc.location((*rpath, *loc))
        found.setdefault((where.line, field_name), Problem(where, message))
    return list(found.values())


def _field_name(loc: tuple[int | str, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "record"


def _describe(detail: Any) -> str:
    kind, given = detail["type"], detail.get("input")
    shown = repr(given) if not isinstance(given, dict | list) else type(given).__name__
    if kind == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        pattern = str(detail.get("ctx", {}).get("pattern", ""))
        if pattern.startswith("^[a-z0-9]"):
            return f"{shown} is not a kebab-case id (lower-case letters, digits and dashes)"
        if pattern.startswith("^https?"):
            return f"{shown} is not a URL (a source needs an http(s) address)"
        if pattern.startswith("^P"):
            return f"{shown} is not a duration like P5Y"
        if pattern.startswith("^Q"):
            return f"{shown} is not a Wikidata id like Q869"
        return f"{shown} does not match {pattern}"
    expected = {
        "string_type": "text",
        "list_type": "a list",
        "dict_type": "a mapping",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "literal_error": str(detail.get("ctx", {}).get("expected", "")).replace("'", "'"),
        "model_type": "a mapping of fields",
    }.get(kind)
    if kind == "too_short":
        return f"needs at least {detail['ctx']['min_length']} item(s)"
    if kind == "greater_than_equal":
        return f"must be at least {detail['ctx']['ge']}"
    if expected:
        return f"should be {expected}, got {shown}"
    return str(detail["msg"])


def _suggest_field(model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    target: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = _field_by_alias(target, str(part))
        if info is None:
            return ""
        target = _inner_model(info.annotation)
        if target is None:
            return ""
    names = [f.alias or n for n, f in target.model_fields.items()]
    close = difflib.get_close_matches(str(loc[-1]), names, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (known fields: {', '.join(names)})"


def _field_by_alias(model: type[BaseModel], alias: str) -> Any:
    for name, info in model.model_fields.items():
        if (info.alias or name) == alias:
            return info
    return None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# ------------------------------------------------------------------ references
Ref = tuple[PathKey, str, set[str], str]


def _refs(path: PathKey, ids: list[str] | str | None, kinds: set[str], what: str) -> Iterator[Ref]:
    if ids is None:
        return
    if isinstance(ids, str):
        if ids != "unknown":
            yield path, ids, kinds, what
        return
    for i, ident in enumerate(ids):
        if ident != "unknown":
            yield (*path, i), ident, kinds, what


def _claim_refs(path: PathKey, date: object) -> Iterator[Ref]:
    """The sources of each value of a date the sources disagree on."""
    if isinstance(date, m.DisputedDate):
        for k, claim in enumerate(date.values):
            yield from _refs((*path, "values", k, "sources"), claim.sources, {"source"}, "source")


def _references(record: m.Record) -> Iterator[Ref]:
    """Every id a record refers to, with the kinds it may be and the field's name."""
    actor = {"actor", "country"}
    yield from _refs(("sources",), getattr(record, "sources", None), {"source"}, "source")
    if isinstance(record, m.Actor):
        yield from _refs(("serves",), record.serves, {"country"}, "country served")
        for i, member in enumerate(record.members or []):
            yield from _refs(("members", i, "country"), member.country, {"country"}, "member")
            yield from _refs(("members", i, "sources"), member.sources, {"source"}, "source")
        if record.renamed_from:
            yield from _refs(("renamed-from", "organization"), record.renamed_from.organization, {"actor"}, "renamed organisation")
            yield from _refs(("renamed-from", "sources"), record.renamed_from.sources, {"source"}, "source")
            yield from _claim_refs(("renamed-from", "date"), record.renamed_from.date)
    elif isinstance(record, m.Place):
        yield from _refs(("country",), record.country, {"country"}, "country")
    elif isinstance(record, m.Post):
        yield from _refs(("organization",), record.organization, actor, "organisation")
    elif isinstance(record, m.Person):
        for i, tenure in enumerate(record.tenures):
            yield from _refs(("tenures", i, "post"), tenure.post, {"post"}, "post")
            yield from _refs(("tenures", i, "sources"), tenure.sources, {"source"}, "source")
    elif isinstance(record, m.Topic):
        yield from _refs(("broader",), record.broader, {"topic"}, "broader topic")
    elif isinstance(record, m.Meeting):
        yield from _refs(("series",), record.series, {"meeting"}, "meeting series")
        yield from _refs(("part-of",), record.part_of, {"meeting"}, "meeting")
        yield from _refs(("place",), record.place, PLACE_KINDS, "place")
        yield from _refs(("host",), record.host, actor, "host")
        yield from _refs(("organizers",), record.organizers, actor, "organiser")
        yield from _refs(("chair",), record.chair, actor | {"person"}, "chair")
        yield from _refs(("vice-chair",), record.vice_chair, actor | {"person"}, "vice-chair")
        yield from _refs(("participants",), record.participants, actor | {"person"}, "participant")
        yield from _refs(("observers",), record.observers, actor, "observer")
        yield from _refs(("chair-handed-to",), record.chair_handed_to, actor, "next chair")
    elif isinstance(record, m.Agreement):
        yield from _refs(("parties",), record.parties, actor, "party")
        yield from _refs(("topics",), record.topics, {"topic"}, "topic")
        yield from _refs(("adopted-at",), record.adopted_at, {"meeting"}, "meeting")
        yield from _refs(("mentions",), record.mentions, actor | {"person"}, "mentioned actor")
        for i, area in enumerate(record.areas):
            yield from _refs(("areas", i, "topics"), area.topics, {"topic"}, "topic")
            yield from _refs(("areas", i, "mentions"), area.mentions, actor | {"person"}, "mentioned actor")
        for i, change in enumerate(record.lifecycle):
            yield from _refs(("lifecycle", i, "sources"), change.sources, {"source"}, "source")
            yield from _claim_refs(("lifecycle", i, "date"), change.date)
        for i, signing in enumerate(record.signings):
            here: PathKey = ("signings", i)
            yield from _refs((*here, "place"), signing.place, PLACE_KINDS, "place")
            yield from _refs((*here, "meeting"), signing.meeting, {"meeting"}, "meeting")
            yield from _refs((*here, "sources"), signing.sources, {"source"}, "source")
            yield from _claim_refs((*here, "date"), signing.date)
            for j, signatory in enumerate(signing.signatories):
                yield from _refs((*here, "signatories", j, "person"), signatory.person, {"person"}, "signatory")
                yield from _refs((*here, "signatories", j, "post"), signatory.post, {"post"}, "post")
                yield from _refs((*here, "signatories", j, "for"), signatory.on_behalf_of, actor, "party signed for")
                for k, claim in enumerate(signatory.disputed or []):
                    yield from _refs((*here, "signatories", j, "disputed", k, "sources"), claim.sources, {"source"}, "source")
            for group in ("witnesses", "attendees"):
                for j, person in enumerate(getattr(signing, group)):
                    role = "witness" if group == "witnesses" else "attendee"
                    yield from _refs((*here, group, j, "person"), person.person, {"person"}, role)
                    for k, claim in enumerate(person.disputed or []):
                        yield from _refs((*here, group, j, "disputed", k, "sources"), claim.sources, {"source"}, "source")
    elif isinstance(record, m.Package):
        yield from _refs(("members",), record.members, {"agreement"}, "package member")
        yield from _refs(("place",), record.place, PLACE_KINDS, "place")
        yield from _refs(("meeting",), record.meeting, {"meeting"}, "meeting")
        yield from _claim_refs(("date",), record.date)


class _Known(Protocol):
    """What a reference is judged against: a :class:`World`, or the registries and the streamed agreements' ids."""

    @property
    def invalid(self) -> dict[str, tuple[Location, str]]: ...

    @property
    def unreadable(self) -> dict[str, str]: ...

    @property
    def origins(self) -> Mapping[str, Location]: ...

    def kind_of(self, ident: str) -> str | None: ...


class _Lines(Protocol):
    def location(self, path: PathKey) -> Location: ...


def _check_reference(
    world: _Known, doc: _Lines, path: PathKey, ident: str, kinds: set[str], what: str, problems: list[Problem]
) -> None:
    kind = world.kind_of(ident)
    if kind in kinds:
        return
    where = doc.location(path)
    if kind is None and ident in world.invalid:
        at, would_be = world.invalid[ident]
        if would_be in kinds:
            problems.append(Problem(where, f"{what} '{ident}' is defined at {at} but invalid (its problems are listed there)"))
            return
    if kind is None and any(k in world.unreadable for k in kinds):
        return  # the file that would define it could not be read; its YAML error is reported already
    if kind is None:
        candidates = [i for i in world.origins if world.kind_of(i) in kinds]
        close = difflib.get_close_matches(ident, candidates, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        problems.append(Problem(where, f"{what} '{ident}' is not defined{hint}"))
    else:
        wanted = " or ".join(sorted(kinds))
        article = "an" if wanted[0] in "aeiou" else "a"
        problems.append(
            Problem(where, f"{what} '{ident}' is a {kind}, expected {article} {wanted} (defined at {world.origins[ident]})")
        )


def _check_structure(world: World) -> list[Problem]:
    """Checks across records that a per-field model cannot see."""
    problems: list[Problem] = []
    for ident, actor in world.actors.items():
        needs_country = actor.kind in {"government", "ministry", "government-agency"}
        if needs_country and actor.serves is None:
            problems.append(Problem(world.origins[ident], f"a {actor.kind} needs 'serves': the country it serves"))
        if not needs_country and actor.serves is not None:
            problems.append(Problem(world.origins[ident], f"a {actor.kind} serves no country; remove 'serves'"))
        if actor.members and actor.kind != "intergovernmental-organization":
            problems.append(Problem(world.origins[ident], "only an intergovernmental organisation has 'members'"))
    for ident, topic in world.topics.items():
        seen: set[str] = set()
        todo = list(topic.broader)
        while todo:
            parent = todo.pop()
            if parent == ident:
                problems.append(Problem(world.origins[ident], f"topic '{ident}' is broader than itself (a cycle)"))
                break
            if parent not in seen and parent in world.topics:
                seen.add(parent)
                todo += world.topics[parent].broader
    for ident, agreement in world.agreements.items():
        doc, rpath = world.sites[ident]
        for where, party in _agreement_structure(agreement, doc, rpath, world.origins[ident], problems):
            if party in world.origins:
                problems.append(_signs_for_outsider(where, party))
    return problems


def _agreement_structure(
    agreement: m.Agreement, doc: YamlDocument, rpath: PathKey, origin: Location, problems: list[Problem]
) -> list[tuple[Location, str]]:
    """Problems of one agreement's own fields; and who a signatory signs for outside its parties (a problem
    when that id is defined: :func:`_signs_for_outsider`; the caller knows the ids)."""
    if agreement.kind != "declaration" and len(agreement.parties) < 2 and (agreement.party_count or 0) < 2:
        problems.append(Problem(origin, f"a {agreement.kind} needs at least two parties"))
    if agreement.party_count is not None and agreement.party_count < len(agreement.parties):
        where = doc.location((*rpath, "party-count"))
        problems.append(Problem(where, f"party-count {agreement.party_count} is fewer than the {len(agreement.parties)} parties listed"))
    outsiders: list[tuple[Location, str]] = []
    for i, signing in enumerate(agreement.signings):
        for j, signatory in enumerate(signing.signatories):
            party = signatory.on_behalf_of
            if signatory.disputed and signatory.person == "unknown":
                where = doc.location((*rpath, "signings", i, "signatories", j, "disputed"))
                problems.append(Problem(where, "a disputed role needs a named person (not 'unknown')"))
            if party and party not in agreement.parties:
                outsiders.append((doc.location((*rpath, "signings", i, "signatories", j, "for")), party))
    return outsiders


def _signs_for_outsider(where: Location, party: str) -> Problem:
    return Problem(where, f"signatory signs for '{party}', which is not a party of this agreement")
