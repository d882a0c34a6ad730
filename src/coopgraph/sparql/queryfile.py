"""Saved queries: one competency question per ``queries/*.rq`` file, with a header the tool reads.

The header is YAML written in ``#+`` comment lines at the top of the file, so
the file stays valid SPARQL and line numbers in errors are the file's own::

    #+ title: {en: Agreements of a country, th: ความตกลงของประเทศ}
    #+ description: Every agreement the country is party to, directly or not.
    #+ params:
    #+   country: {type: iri, default: "country:thailand"}
    #+   lang: {type: lang, default: en}
    #+ tags: [agreements, countries]
    PREFIX coop: <https://w3id.org/coopgraph/ontology#>
    SELECT ?country ?agreement ?label ?lang WHERE { ... } ORDER BY ?label

A SELECT query projects every parameter it declares (Oxigraph substitutes
only projected variables); the CLI leaves bound parameters out of its output.

>>> saved = read_query(queries_dir() / "agreements-of-country.rq")     # doctest: +SKIP
>>> saved.params["country"].default                                     # doctest: +SKIP
'country:thailand'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coopgraph.errors import CoopgraphError, Location, Problem, display_path

if TYPE_CHECKING:
    import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
#: parameter type -> what a value looks like (for help and errors)
PARAM_TYPES: dict[str, str] = {
    "iri": "an IRI: <https://...>, https://..., a prefixed name such as country:thailand, or a bare slug",
    "string": "any text",
    "lang": "a language tag such as en or th",
    "date": "a date YYYY-MM-DD, or 'today'",
    "integer": "a whole number",
    "boolean": "true or false",
    "status": "a status filter: in-effect, any, pending, ended, unknown, or one status (planned, signed, cancelled, ...)",
}
_LANG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Param:
    """One declared parameter: its SPARQL variable name, type and default (text, as written)."""

    name: str
    type: str
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class SavedQuery:
    """A query file: name (file stem), header fields and the full text (header included)."""

    name: str
    path: Path
    text: str
    title: Mapping[str, str]
    description: str
    params: Mapping[str, Param]
    tags: tuple[str, ...]

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.name


def read_query(path: Path) -> SavedQuery:
    """Read one saved query and its header; a located error when the header is wrong."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CoopgraphError(f"{shown}: cannot read the query ({error})") from None
    return parse_query(text, path, shown=shown)


def parse_query(text: str, path: Path, *, shown: str | None = None) -> SavedQuery:
    """Parse the ``#+`` header of a query text (see the module docs for the format)."""
    import yaml

    shown = shown or str(path)
    lines = text.splitlines()
    header = []
    for line in lines:
        if not line.startswith("#+"):
            break
        header.append(line[3:] if line.startswith("#+ ") else line[2:])
    if not header:
        raise CoopgraphError([Problem(Location(shown, 1), "no '#+' header (title, description, params, tags)")])
    try:
        meta = yaml.safe_load("\n".join(header))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = mark.line + 1 if mark is not None else 1
        column = f" at column {mark.column + 4}" if mark is not None else ""  # the "#+ " prefix counts
        why = getattr(error, "problem", None) or "unreadable"
        raise CoopgraphError([Problem(Location(shown, at), f"header is not valid YAML{column}: {why}")]) from None
    problems: list[Problem] = []

    def where(key: str) -> Location:
        for number, line in enumerate(header, start=1):
            if line.startswith(f"{key}:"):
                return Location(shown, number)
        return Location(shown, 1)

    if not isinstance(meta, dict):
        raise CoopgraphError([Problem(Location(shown, 1), "the header must be a YAML mapping")])
    for key in sorted(set(meta) - {"title", "description", "params", "tags"}):
        problems.append(Problem(where(key), f"unknown header field '{key}' (title, description, params, tags)"))
    title = meta.get("title")
    if not (isinstance(title, dict) and isinstance(title.get("en"), str) and isinstance(title.get("th"), str)):
        problems.append(Problem(where("title"), "title must give English and Thai: {en: ..., th: ...}"))
        title = {}
    description = meta.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.append(Problem(where("description"), "description is missing"))
        description = ""
    tags = meta.get("tags") or []
    if not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        problems.append(Problem(where("tags"), "tags must be a list of words"))
        tags = []
    params = _params(meta.get("params") or {}, where("params"), problems)
    if problems:
        raise CoopgraphError(problems)
    return SavedQuery(
        name=path.stem,
        path=path,
        text=text,
        title={str(k): str(v) for k, v in title.items()},
        description=" ".join(description.split()),
        params=params,
        tags=tuple(tags),
    )


def _params(raw: Any, where: Location, problems: list[Problem]) -> dict[str, Param]:
    if not isinstance(raw, dict):
        problems.append(Problem(where, "params must map each name to {type: ..., default: ...}"))
        return {}
    params = {}
    for name, spec in raw.items():
        if not isinstance(name, str) or not _NAME.match(name):  # YAML reads `on:` as true
            problems.append(Problem(where, f"parameter name {name!r} must be a word such as country or as_of"))
            continue
        if not isinstance(spec, dict) or spec.get("type") not in PARAM_TYPES:
            problems.append(Problem(where, f"parameter '{name}' needs a type, one of {', '.join(PARAM_TYPES)}"))
            continue
        default = spec.get("default")
        if isinstance(default, bool):  # YAML reads `default: true` as a boolean
            default = str(default).lower()
        text = None if default is None else str(default)
        params[str(name)] = Param(str(name), spec["type"], text, str(spec.get("description", "")))
    return params


def saved_queries(directory: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query by name (``queries/*.rq``; the ``checks/`` are not questions)."""
    folder = directory or _queries_dir()
    return {path.stem: read_query(path) for path in sorted(folder.glob("*.rq"))}


def saved_names(directory: Path | None = None) -> list[str]:
    """The names of the saved queries, without reading them."""
    return sorted(path.stem for path in (directory or _queries_dir()).glob("*.rq"))


def find_query(name: str, directory: Path | None = None) -> SavedQuery:
    """A saved query by name (only its file is read); the error lists the names that exist."""
    folder = directory or _queries_dir()
    path = folder / f"{name}.rq"
    if re.fullmatch(r"[\w.-]+", name) and path.is_file():
        return read_query(path)
    from coopgraph.suggest import close_matches

    names = saved_names(folder)
    close = close_matches(name, names) or [n for n in names if name in n or n in name][:3]
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    raise CoopgraphError(f"no saved query '{name}'{hint}; saved queries: {', '.join(names)}")


def _queries_dir() -> Path:
    from coopgraph.resources import queries_dir

    return queries_dir()


def bind(
    params: Mapping[str, Param], given: Mapping[str, str], prefixes: Mapping[str, str], *, where: str = "query"
) -> dict[str, ox.Literal | ox.NamedNode]:
    """RDF terms for the declared parameters: given values, else defaults; unknown names are errors.

    >>> bind({"n": Param("n", "integer", "6")}, {}, {})
    {'n': <Literal value=6 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>}
    """
    unknown = sorted(set(given) - set(params))
    if unknown:
        known = ", ".join(f"{p.name} ({p.type})" for p in params.values()) or "none"
        raise CoopgraphError(f"{where}: unknown parameter {', '.join(unknown)}; its parameters: {known}")
    terms = {}
    for param in params.values():
        value = given.get(param.name, param.default)
        if value is not None:
            terms[param.name] = to_term(param, value, prefixes, where=where)
    return terms


def to_term(
    param: Param, value: str, prefixes: Mapping[str, str], *, where: str = "query"
) -> ox.Literal | ox.NamedNode:
    """One parameter value as an RDF term of the parameter's type (never as query text)."""
    import pyoxigraph as ox

    def bad(why: str = "") -> CoopgraphError:
        shown = value if len(value) <= 200 else f"{value[:200]}..."  # one readable line, however long the value
        why = "".join(c if c.isprintable() else repr(c)[1:-1] for c in why)  # pyoxigraph quotes a newline as is
        return CoopgraphError(
            f"{where}: parameter {param.name}={shown!r} is not {PARAM_TYPES[param.type]}{f' ({why})' if why else ''}"
        )

    text = value.strip()
    if param.type == "iri":
        return ox.NamedNode(_expand(text, param, prefixes, bad))
    if param.type == "string":
        return ox.Literal(value)
    if param.type == "lang":
        if not _LANG.match(text):
            raise bad()
        return ox.Literal(text.lower())
    if param.type == "date":
        try:
            day = dt.date.today() if text == "today" else dt.date.fromisoformat(text)
        except ValueError:
            raise bad() from None
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if param.type == "status":
        return ox.Literal(_status_filter(text, bad))
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise bad()
        return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
    if text.lower() not in ("true", "false"):
        raise bad()
    return ox.Literal(text.lower(), datatype=ox.NamedNode(XSD + "boolean"))


def _status_filter(text: str, bad: Any) -> str:
    """A known status filter, or an error with the closest ones."""
    import difflib

    from coopgraph.curate.lifecycle import FILTERS

    if text in FILTERS:
        return text
    close = difflib.get_close_matches(text, FILTERS, n=2)
    raise bad(f"did you mean {' or '.join(close)}?" if close else f"one of {', '.join(FILTERS)}")


def _expand(text: str, param: Param, prefixes: Mapping[str, str], bad: Any) -> str:
    """``<iri>``, an absolute IRI, ``prefix:local``, or a bare slug in the default's namespace."""
    import pyoxigraph as ox

    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif re.match(r"^[a-z][a-z0-9+.-]*://", text):
        iri = text
    elif ":" in text:
        prefix, _, local = text.partition(":")
        if prefix not in prefixes:
            raise bad(f"unknown prefix '{prefix}:'; known: {', '.join(sorted(prefixes))}")
        iri = prefixes[prefix] + local
    else:
        default = param.default or ""
        namespace = default.partition(":")[0] if ":" in default and "://" not in default else None
        if namespace is None or namespace not in prefixes:
            raise bad("a bare slug needs a prefixed default to take its namespace from")
        iri = prefixes[namespace] + text
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        raise bad(str(error)) from None
    return iri


def guess_params(given: Mapping[str, str], prefixes: Mapping[str, str]) -> dict[str, Param]:
    """Types for the parameters of a query without a header, read off each value.

    ``<...>``, ``https://...`` and ``country:thailand`` (a known prefix) are IRIs;
    whole numbers, ISO dates and true/false are typed; anything else is a string.

    >>> sorted((p.name, p.type) for p in guess_params({"c": "country:x", "n": "3"}, {"country": "x:"}).values())
    [('c', 'iri'), ('n', 'integer')]
    """
    params = {}
    for name, value in given.items():
        text = value.strip()
        if (
            (text.startswith("<") and text.endswith(">"))
            or re.match(r"^[a-z][a-z0-9+.-]*://\S+$", text)
            or (re.fullmatch(r"[A-Za-z][\w.-]*:[\w./-]*", text) and text.partition(":")[0] in prefixes)
        ):
            kind = "iri"
        elif re.fullmatch(r"[+-]?\d+", text):
            kind = "integer"
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            kind = "date"
        elif text.lower() in ("true", "false"):
            kind = "boolean"
        else:
            kind = "string"
        params[name] = Param(name, kind)
    return params
