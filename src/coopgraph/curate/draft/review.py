"""The review file: proposed records in the data format, each value commented with its evidence.

A curator edits it like any data file, then ``coopgraph check --review FILE``
checks it against ``data/`` (the same model and reference checks as
``coopgraph check``, with lines in the review file), and
``coopgraph draft --merge FILE`` moves its records into ``data/``: one file per
agreement and entries appended to the registries, all written or none, and
only when the merged data checks clean.

Layout::

    agreements:            # the data format of data/agreements/*.yaml, one item per agreement
      - id: ...
    new:                   # records the agreements need that data/ lacks, by registry
      people: [...]        # (sources, actors, places, posts, people, meetings)
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from coopgraph.curate import checker
from coopgraph.curate import model as m
from coopgraph.curate.draft.extract import Draft, Evidence, Path_
from coopgraph.curate.yamlread import YamlDocument, read_yaml
from coopgraph.errors import CoopgraphError, Location, Problem, display_path
from coopgraph.files import write_atomically

REGISTRY_ORDER = [name.removesuffix(".yaml") for name in m.REGISTRIES]


# ------------------------------------------------------------------ writing YAML with comments
def scalar(value: Any) -> str:
    """One YAML scalar on one line (quoted where YAML would misread it)."""
    text = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_flow_style=True)
    return text.removesuffix("\n...\n").removesuffix("\n")


def emit(value: Any, comments: dict[Path_, str], path: Path_ = (), indent: int = 0) -> list[str]:
    """Block-style YAML lines for ``value``; ``comments[path]`` ends the line where that value starts."""
    pad = " " * indent
    lines: list[str] = []

    def note(p: Path_) -> str:
        return f"  # {comments[p]}" if p in comments else ""

    if isinstance(value, dict):
        for key, item in value.items():
            here = (*path, key)
            if _flat(item) and not any(
                (*here, j) in comments for j in range(len(item) if isinstance(item, list) else 0)
            ):
                lines.append(f"{pad}{key}: {scalar(item)}{note(here)}")
            else:
                lines.append(f"{pad}{key}:{note(here)}")
                lines += emit(item, comments, here, indent + 2)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            here = (*path, i)
            if _flat(item):
                lines.append(f"{pad}- {scalar(item)}{note(here)}")
                continue
            inner = emit(item, comments, here, indent + 2)
            first = inner[0][indent + 2 :]
            extra = note(here)
            if extra and "  # " in first:  # the item's note and its first field's note share a line
                extra = "  # " + comments[here] + ";" + first.split("  # ", 1)[1]
                first = first.split("  # ", 1)[0]
            lines.append(f"{pad}- {first}{extra}")
            lines += inner[1:]
    else:
        lines.append(f"{pad}{scalar(value)}{note(path)}")
    return lines


def _flat(value: Any) -> bool:
    """Written on its key's line: scalars, and lists of short scalars."""
    if isinstance(value, dict):
        return not value
    if isinstance(value, list):
        return not value or (all(not isinstance(v, dict | list) for v in value) and len(scalar(value)) < 80)
    return True


# ------------------------------------------------------------------ the review file
def _describe(evidence: Evidence, draft: Draft) -> str:
    text = draft.release.text
    parts = []
    if evidence.start is not None and evidence.end is not None:
        snippet = " ".join(text[evidence.start : evidence.end].split())
        snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
        parts.append(f"line {draft.release.line_of(evidence.start)}: {snippet!r}")
    parts.append(f"confidence {evidence.confidence:.2f}")
    if evidence.note:
        parts.append(evidence.note)
    return "; ".join(parts)


def review_text(draft: Draft, *, today: dt.date | None = None) -> str:
    """The review file for a draft (deterministic for the same release, data and day)."""
    today = today or dt.date.today()
    comments: dict[Path_, str] = {}
    for path, evidence in draft.evidence.items():
        comments[path] = _describe(evidence, draft)
    new_paths: dict[Path_, str] = {}
    for registry, records in draft.new.items():
        for i, record in enumerate(records):
            found = draft.evidence.get(("new", registry, record["id"]))
            mark = "NEW: proposed, matched no existing record"
            new_paths[("new", registry, i)] = mark + ("; " + _describe(found, draft) if found else "")
    comments.update(new_paths)
    document: dict[str, Any] = {"agreements": draft.agreements}
    if draft.new:
        document["new"] = {k: draft.new[k] for k in REGISTRY_ORDER if k in draft.new}
    head = [
        f"# coopgraph review file: drafted from {draft.release.path} ({draft.release.lang}) on {today.isoformat()}.",
        "# Every value says where the release gives it (line: 'text'), how sure the draft is (0-1) and how",
        "# names were linked (RapidFuzz scores; 'NEW' = matched no record, proposed under 'new').",
        "# 'unknown' = the release does not say. Edit freely, then:",
        f"#   coopgraph check --review {draft.release.path.rsplit('/', 1)[-1].rsplit('.', 1)[0]}.review.yaml",
        "#   coopgraph draft --merge REVIEW.yaml      (moves the records into data/)",
    ]
    head += [f"# NOTE: {note}" for note in draft.notes]
    body = emit(document, comments)
    return "\n".join(head + body) + "\n"


# ------------------------------------------------------------------ reading and checking a review
def read_review(path: Path) -> tuple[YamlDocument, list[tuple[str, dict[str, Any], tuple[int | str, ...]]]]:
    """The review's records as (registry or 'agreements', raw record, path in the document)."""
    shown = display_path(path)
    if not path.is_file():
        raise CoopgraphError(f"{shown}: no such review file")
    doc = read_yaml(path, shown)
    if doc.problems:
        raise CoopgraphError(doc.problems)
    value = doc.value
    if not isinstance(value, dict) or not set(value) <= {"agreements", "new"}:
        raise CoopgraphError([Problem(Location(shown, 1), "a review file is a mapping with 'agreements' and 'new'")])
    records: list[tuple[str, dict[str, Any], tuple[int | str, ...]]] = []
    problems: list[Problem] = []
    for i, item in enumerate(value.get("agreements") or []):
        records.append(("agreements", item, ("agreements", i)))
    new = value.get("new") or {}
    if not isinstance(new, dict):
        raise CoopgraphError([Problem(doc.location(("new",)), "'new' is a mapping of registry -> list of records")])
    for registry, items in new.items():
        if registry not in REGISTRY_ORDER:
            problems.append(
                Problem(
                    doc.location(("new", registry)),
                    f"unknown registry '{registry}' (one of {', '.join(REGISTRY_ORDER)})",
                )
            )
            continue
        for i, item in enumerate(items or []):
            records.append((registry, item, ("new", registry, i)))
    if problems:
        raise CoopgraphError(problems)
    return doc, records


def check_review(review: Path, data_dir: Path) -> checker.World:
    """Check the review as if merged into ``data_dir``; problems point into the review file."""
    doc, records = read_review(review)
    world = checker.curate(data_dir)
    problems: list[Problem] = []
    validated: list[tuple[m.Record, tuple[int | str, ...]]] = []
    tables = checker._TABLE_OF
    for registry, raw, rpath in records:
        model = m.Agreement if registry == "agreements" else m.REGISTRIES[f"{registry}.yaml"]
        if not isinstance(raw, dict):
            problems.append(Problem(doc.location(rpath), f"expected a {model.__name__} record (a mapping of fields)"))
            continue
        sub = YamlDocument(
            doc.path, raw, {k[len(rpath) :]: v for k, v in doc.lines.items() if k[: len(rpath)] == rpath}
        )
        for record, _ in checker._validate(sub, model, False, problems):
            ident = record.id  # type: ignore[attr-defined]
            where = doc.location((*rpath, "id"))
            if ident in world.origins:
                problems.append(Problem(where, f"duplicate id '{ident}': already defined at {world.origins[ident]}"))
                continue
            if registry == "agreements" and (data_dir / "agreements" / f"{ident}.yaml").exists():
                problems.append(Problem(where, f"data/agreements/{ident}.yaml already exists"))
                continue
            twin = _twin(world, record)
            if twin is not None:
                problems.append(
                    Problem(where, f"duplicate of '{twin}' (defined at {world.origins[twin]}): same name or title")
                )
                continue
            getattr(world, tables[type(record)])[ident] = record
            world.origins[ident] = where
            world.sites[ident] = (doc, rpath)
            validated.append((record, rpath))
    for record, rpath in validated:
        for ref_path, ident, kinds, what in checker._references(record):
            checker._check_reference(world, doc, (*rpath, *ref_path), ident, kinds, what, problems)
    if not problems:  # across records ('a ministry needs serves', signing for a non-party): the review's own
        problems += [p for p in checker._check_structure(world) if p.location.path == doc.path]
    if problems:
        raise CoopgraphError(problems)
    return world


def _twin(world: checker.World, record: m.Record) -> str | None:
    """An existing record this one restates: an agreement with the same title, a record with the same name."""
    from coopgraph.curate.draft.reconcile import score

    if isinstance(record, m.Agreement):
        texts, table = record.title, world.agreements
        for ident, other in table.items():
            if any(lang in other.title and score(text, other.title[lang]) >= 97 for lang, text in texts.items()):
                return ident
        return None
    name = getattr(record, "name", None)
    if not isinstance(name, dict) or isinstance(record, m.Topic):
        return None
    table = getattr(world, checker._TABLE_OF[type(record)])
    for ident, other in table.items():
        if any(other.name.get(lang) == text for lang, text in name.items()):
            return str(ident)
    return None


# ------------------------------------------------------------------ merging
def merged_files(review: Path, data_dir: Path) -> dict[Path, bytes]:
    """The files a merge writes: new agreement files and the registries with entries appended."""
    _, records = read_review(review)
    stamp = f"drafted by `coopgraph draft` from a release, reviewed in {review.name}"
    files: dict[Path, bytes] = {}
    appended: dict[str, list[str]] = {}
    for registry, raw, _ in records:
        if registry == "agreements":
            lines = [f"# {stamp}.", *emit(raw, {})]
            files[data_dir / "agreements" / f"{raw['id']}.yaml"] = ("\n".join(lines) + "\n").encode("utf-8")
        else:
            appended.setdefault(registry, []).extend(emit([raw], {}))
    for registry, lines in appended.items():
        path = data_dir / f"{registry}.yaml"
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        joined = old.rstrip("\n") + f"\n\n# --- {stamp}\n" + "\n".join(lines) + "\n"
        files[path] = joined.encode("utf-8")
    return files


def merge(review: Path, data_dir: Path) -> list[Path]:
    """Move the review's records into ``data_dir``: checked first, checked again merged, written atomically."""
    check_review(review, data_dir)
    files = merged_files(review, data_dir)
    with tempfile.TemporaryDirectory(prefix="coopgraph-merge-") as temp:
        trial = Path(temp) / "data"
        shutil.copytree(data_dir, trial)
        for path, content in files.items():
            target = trial / path.relative_to(data_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        try:
            checker.curate(trial)
        except CoopgraphError as error:  # should not happen after check_review: say where, in data/ terms
            raise CoopgraphError([Problem(p.location, f"after merging: {p.message}") for p in error.problems]) from None
    write_atomically(files)
    return sorted(files)


def iter_records(review: Path) -> Iterator[tuple[str, str]]:
    """(registry, id) of each record in a review, for messages."""
    _, records = read_review(review)
    for registry, raw, _ in records:
        yield registry, str(raw.get("id", "?")) if isinstance(raw, dict) else "?"
