"""``coopgraph new``: a record to fill in, every field documented from the model itself.

The comments come from the JSON Schema of :mod:`coopgraph.curate.model` (field
descriptions, allowed values, required or not, nested records), so they stay
true when the model changes.  Required fields get a placeholder that
``coopgraph check`` rejects until a curator replaces it (``REPLACE``): a
scaffold never passes for a fact.  Optional fields are written commented out.

An agreement is a new file ``data/agreements/ID.yaml`` with the editor's schema
line; any other kind is an entry appended to its registry.  Unless the kind is
a source, a source stub dated today is appended to ``sources.yaml`` for the
page the facts will come from.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from coopgraph.curate import model as m
from coopgraph.curate.jsonschema import schema_for
from coopgraph.errors import CoopgraphError, Location, Problem, display_path

#: singular kind -> registry (file stem); ``agreement`` is a file of its own
REGISTRY_OF = {"source": "sources", "actor": "actors", "place": "places", "post": "posts", "person": "people",
               "topic": "topics", "meeting": "meetings"}  # fmt: skip
KINDS = ("agreement", *REGISTRY_OF)
PLACEHOLDER = "REPLACE"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _kind_of(word: str) -> str:
    word = word.lower()
    for kind, registry in REGISTRY_OF.items():
        if word in {kind, registry}:
            return kind
    if word in {"agreement", "agreements"}:
        return "agreement"
    raise CoopgraphError(f"unknown kind {word!r} (one of {', '.join(KINDS)})")


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of an optional field, with a $ref followed."""
    if "anyOf" in schema:  # optional: the non-null branch; 'a date or unknown': both
        branches = [b for b in schema["anyOf"] if b.get("type") != "null"]
        schema = {**schema, **branches[0]} if len(branches) == 1 else {**schema, "alternatives": branches}
    if "$ref" in schema:
        schema = {**defs[schema["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _describe(schema: dict[str, Any], defs: dict[str, Any], required: bool) -> str:
    parts = ["required" if required else "optional"]
    kind = _shape(schema, defs)
    if kind:
        parts.append(kind)
    text = schema.get("description")
    if text:
        parts.append(text.rstrip("."))
    return ". ".join(parts) + "."


def _shape(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    schema = _resolve(schema, defs)
    if "alternatives" in schema:
        shapes = [
            _shape(b, defs) or ("'" + str(b.get("const")) + "'" if "const" in b else "text")
            for b in schema["alternatives"]
        ]
        return " or ".join(shapes)
    if "enum" in schema:
        return "one of: " + " | ".join(map(str, schema["enum"]))
    if "const" in schema:
        return f"'{schema['const']}'"
    kind = schema.get("type")
    if kind == "array":
        items = _resolve(schema.get("items", {}), defs)
        inner = (
            "ids"
            if items.get("pattern", "").startswith("^[a-z0-9]")
            else (f"{items['title']} records" if "properties" in items else _shape(items, defs) or "values")
        )
        least = f", at least {schema['minItems']}" if schema.get("minItems") else ""
        return f"a list of {inner}{least}"
    if kind == "object" and "properties" in schema:
        return f"a {schema.get('title', 'record')} record"
    if kind == "object":
        values = schema.get("additionalProperties", {})
        return "a list of texts per language tag" if values.get("type") == "array" else "a text per language tag"
    if schema.get("pattern", "").startswith("^[a-z0-9]"):
        return "an id"
    if kind == "integer":
        return "a whole number" + (f" >= {schema['minimum']}" if "minimum" in schema else "")
    if kind == "boolean":
        return "true or false"
    return ""


def _placeholder(name: str, schema: dict[str, Any], defs: dict[str, Any], ident: str, source: str) -> str:
    """A YAML value that check rejects until replaced (the id and the stub source are real)."""
    schema = _resolve(schema, defs)
    if name == "id":
        return ident
    if name == "sources":
        return f"[{source}]"
    if schema.get("type") == "array":
        return f"[{PLACEHOLDER}]"
    if schema.get("type") == "object" and "properties" not in schema:
        return f"{{en: {PLACEHOLDER}}}"
    return PLACEHOLDER


def _example(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    schema = _resolve(schema, defs)
    examples = schema.get("examples")
    if examples:
        value = examples[0]
        if isinstance(value, dict):
            return "{en: ...}"
        return str(value)
    if "enum" in schema:
        return str(schema["enum"][0])
    kind = schema.get("type")
    if kind == "array":
        return "[]"
    if kind == "object" and "properties" not in schema:
        return "{en: ...}"
    if kind == "boolean":
        return "false"
    if kind == "integer":
        return "1"
    return "..."


def fields(
    schema: dict[str, Any], defs: dict[str, Any], ident: str, source: str, indent: int, depth: int = 0
) -> list[str]:
    """Lines for every field of a record schema: required ones filled in, optional ones commented out."""
    lines: list[str] = []
    required = set(schema.get("required", []))
    properties = list(schema.get("properties", {}).items())
    if depth:  # inside a list item, the required fields first, so the item's '-' stands on a real field
        properties.sort(key=lambda item: item[0] not in required)
    for name, prop in properties:
        resolved = _resolve(prop, defs)
        doc = _describe(prop, defs, name in required)
        items = _resolve(resolved.get("items", {}), defs) if resolved.get("type") == "array" else {}
        nested = resolved if "properties" in resolved else (items if "properties" in items else None)
        pad = " " * indent
        if nested is not None and depth < 2:
            marker = "- " if nested is items else ""
            inner = fields(nested, defs, ident, source, indent + 2 + len(marker), depth + 1)
            lead = f"{pad}{name}:"
            block = [f"{lead:<40} # {doc}"]
            first = True
            for line in inner:
                stripped = line[indent + 2 + len(marker) :]
                prefix = f"{pad}  {marker}" if first else f"{pad}  {' ' * len(marker)}"
                if stripped.startswith("# ") and not stripped.startswith("# " + " "):
                    block.append(f"{prefix}{stripped}")
                else:
                    block.append(f"{prefix}{stripped}")
                first = False
            if name not in required:
                block = [_comment_out(line, indent) for line in block]
            lines += block
            continue
        if name in required:
            lead = f"{pad}{name}: {_placeholder(name, prop, defs, ident, source)}"
        else:
            lead = f"{pad}# {name}: {_example(prop, defs)}"
        lines.append(f"{lead:<40} # {doc}")
    return lines


def _comment_out(line: str, indent: int) -> str:
    if line[indent:].startswith("# "):
        return line
    return line[:indent] + "# " + line[indent:]


def scaffold_text(kind: str, ident: str, source: str, today: dt.date) -> str:
    """The YAML of a new record of ``kind`` (a whole file for an agreement, a list entry otherwise)."""
    schema = schema_for("agreement" if kind == "agreement" else REGISTRY_OF[kind])
    defs = schema.get("$defs", {})
    record = schema if kind == "agreement" else _resolve(schema["items"], defs)
    doc = (record.get("description") or "").strip()
    head = [f"# {kind} {ident}: scaffolded by `coopgraph new` on {today.isoformat()}. {doc}".rstrip(),
            f"# Replace every {PLACEHOLDER}, uncomment the optional fields a source gives, then check."]  # fmt: skip
    if kind == "agreement":
        body = fields(record, defs, ident, source, 0)
        return "\n".join(["# yaml-language-server: $schema=../../schema/agreement.schema.json", *head, *body]) + "\n"
    body = fields(record, defs, ident, source, 2)
    body[0] = "- " + body[0][2:]
    return "\n".join(["", *head, *body]) + "\n"


def source_stub(ident: str, today: dt.date) -> str:
    """A source entry for the page the new record's facts come from, to fill in."""
    return scaffold_text("source", ident, ident, today).replace(
        "scaffolded by `coopgraph new`", "the source stub of a record scaffolded by `coopgraph new`", 1
    )


def defined_ids(data_dir: Path) -> dict[str, Location]:
    """Ids already written (a light scan, so a scaffold works even while other files are broken)."""
    found: dict[str, Location] = {}
    for registry in m.REGISTRIES:
        path = data_dir / registry
        if path.exists():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                match = re.match(r"^- id:\s*([a-z0-9-]+)\s*(?:#.*)?$", line)
                if match:
                    found.setdefault(match[1], Location(display_path(path), number))
    for path in sorted((data_dir / "agreements").glob("*.y*ml")):
        found.setdefault(path.stem, Location(display_path(path), 1))
    return found


def scaffold(kind_word: str, ident: str, data_dir: Path, *, today: dt.date | None = None) -> dict[Path, bytes]:
    """The files to write for ``coopgraph new KIND ID`` (refusing an id already defined)."""
    today = today or dt.date.today()
    kind = _kind_of(kind_word)
    if not _SLUG.match(ident):
        raise CoopgraphError(f"{ident!r} is not a kebab-case id (lower-case letters, digits and dashes)")
    if not data_dir.is_dir():
        raise CoopgraphError(f"{display_path(data_dir)}: no such data directory")
    known = defined_ids(data_dir)
    if ident in known:
        raise CoopgraphError([Problem(known[ident], f"id '{ident}' is already defined here")])
    source = ident if kind == "source" else f"{ident}-source"
    files: dict[Path, bytes] = {}
    appended: dict[Path, str] = {}
    if kind == "agreement":
        files[data_dir / "agreements" / f"{ident}.yaml"] = scaffold_text(kind, ident, source, today).encode("utf-8")
    else:
        appended[data_dir / f"{REGISTRY_OF[kind]}.yaml"] = scaffold_text(kind, ident, source, today)
    if kind != "source" and source not in known:
        path = data_dir / "sources.yaml"
        appended[path] = appended.get(path, "") + source_stub(source, today)
    for path, text in appended.items():
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        files[path] = (old.rstrip("\n") + "\n" + text).encode("utf-8")
    return files
