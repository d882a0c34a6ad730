"""The Python API: build or open the knowledge graph, query it, and hand it to rdflib, networkx and pandas.

In: a curated data directory (``build``, ``check``) or a build directory (``open``).
Out: a :class:`KnowledgeGraph` whose queries answer :class:`Rows` of typed Python
values (:mod:`coopgraph.sparql.values`); errors are :class:`~coopgraph.errors.CoopgraphError`.

The CLI's ``build`` and ``check`` call these same functions.  Heavy libraries
(owlready2, pyvis, networkx, pandas) load only when a method needs them.

>>> import coopgraph                                                         # doctest: +SKIP
>>> kg = coopgraph.open("build")                                              # doctest: +SKIP
>>> kg.query("partners-of-country", country="country:thailand")[0]["latest"]  # doctest: +SKIP
datetime.date(2025, 1, 17)
"""

from __future__ import annotations

import datetime as dt
import decimal
import html
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from coopgraph import __all__ as _PUBLIC  # the package's face lists the public names once
from coopgraph.curate.dates import PartialDate
from coopgraph.errors import CoopgraphError, display_path
from coopgraph.graph.iris import DEFAULT_BASE
from coopgraph.sparql.values import IRI, Duration, LangString, TypedLiteral  # noqa: F401  (public: _PUBLIC)

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    import pyoxigraph as ox
    from rdflib import Dataset

    from coopgraph.pipeline import Summary
    from coopgraph.sparql.query import Result, Term
    from coopgraph.sparql.queryfile import Param

__all__ = [name for name in _PUBLIC if name != "__version__"]

PathLike = str | os.PathLike[str]
Row = dict[str, Any]
#: Python values a query parameter may be given as (text is read as the CLI reads ``-p name=value``)
ParamValue = str | int | float | decimal.Decimal | bool | dt.date | PartialDate
_NAME = re.compile(r"[\w.-]+")
_SHOWN_ROWS = 10


# --------------------------------------------------------------------------- build, open, check


def build(
    data: PathLike | None = None,
    out: PathLike = "build",
    *,
    reasoner: str = "auto",
    base: str = DEFAULT_BASE,
    reasoner_timeout: float | None = None,
    store: str = "auto",
) -> KnowledgeGraph:
    """Check the curated data, reason, and write the graph into ``out``; the built graph.

    ``data`` defaults to ``./data``, or the data shipped with coopgraph when there is none.
    ``reasoner``: ``auto`` (HermiT for small graphs when Java is there, else the
    rules), ``hermit``, ``pellet``, ``rules`` (SPARQL, no Java) or ``none``; ``reasoner_timeout``
    bounds Java's run (``auto`` falls back to the rules past it).  ``store``: where the build
    works, ``memory`` (fastest), ``disk`` (bounded memory, for big worlds on small machines) or
    ``auto`` (on disk from 25,000 agreements).
    """
    from coopgraph.pipeline import REASONERS, STORES, disk_from
    from coopgraph.pipeline import build as run_build

    if reasoner not in REASONERS:
        raise CoopgraphError(f"reasoner {reasoner!r}: choose one of {', '.join(REASONERS)}")
    if store not in STORES:
        raise CoopgraphError(f"store {store!r}: choose one of {', '.join(STORES)}")
    target = Path(out)
    try:
        summary = run_build(
            _data_dir(data), target, base=base, reasoner=reasoner, reasoner_timeout=reasoner_timeout,
            disk_from=disk_from(store),
        )
    except OSError as error:  # the output directory cannot be written, the disk is full ...
        where = display_path(Path(error.filename)) if error.filename else display_path(target)
        raise CoopgraphError(f"{where}: cannot write the build ({error.strerror or error})") from None
    return KnowledgeGraph(target, base=base, summary=summary)


def open(out: PathLike = "build", *, base: str = DEFAULT_BASE) -> KnowledgeGraph:  # shadows the builtin here only
    """The graph a previous ``build`` wrote into ``out`` (opened read-only)."""
    graph = KnowledgeGraph(Path(out), base=base)
    graph.store  # noqa: B018 - open now: a missing build is an error here, not at the first query
    return graph


@dataclass(frozen=True)
class CheckReport:
    """What a successful check found: how many records of each kind, and the triples they make."""

    counts: Mapping[str, int]
    triples: int

    def __str__(self) -> str:
        counted = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return f"ok: {counted}, {self.triples} triples"


def check(data: PathLike | None = None) -> CheckReport:
    """Every check a curator needs; raise one :class:`CoopgraphError` listing all problems (``path:line: ...``)."""
    from coopgraph.pipeline import check as run_check

    checked = run_check(_data_dir(data))
    return CheckReport(dict(checked.tally), checked.size())


def _data_dir(data: PathLike | None) -> Path:
    from coopgraph.resources import default_data_dir

    return default_data_dir() if data is None else Path(data)


# --------------------------------------------------------------------------- the graph


class KnowledgeGraph:
    """A built coopgraph: saved and ad-hoc SPARQL, and views as rdflib, networkx and HTML.

    ``store`` is the pyoxigraph ``Store`` (read-only) for anything else; the
    default graph of queries is the union of the three named graphs
    (``ontology``, ``asserted``, ``inferred``).
    """

    def __init__(self, out: Path, *, base: str = DEFAULT_BASE, summary: Summary | None = None) -> None:
        self.out = out
        self.base = base
        self.summary = summary  # what build() made; None for open()
        self._store: ox.Store | None = None

    def __repr__(self) -> str:
        return f"KnowledgeGraph({str(self.out)!r})"

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store of the build, opened read-only on first use."""
        if self._store is None:
            from coopgraph.graph.store import open_store

            self._store = open_store(self.out)
        return self._store

    @property
    def prefixes(self) -> dict[str, str]:
        """The prefixes queries may use undeclared and IRIs are shortened with (``country:``, ``coop:`` ...)."""
        from coopgraph.sparql.query import query_prefixes

        return query_prefixes(self.base)

    def query(self, query: str | os.PathLike[str], /, **params: ParamValue) -> Rows:
        """Run a saved query (by name, e.g. ``"partners-of-country"``), a ``.rq`` file (a ``Path``) or SPARQL text.

        Parameters are bound as RDF terms, never pasted into the text (a saved query's go in as
        validated one-token constants: :mod:`coopgraph.sparql.constants`).  A saved
        query's parameters take the types its header declares; text is read as
        the CLI reads ``-p`` (``"country:thailand"`` is an IRI); numbers,
        booleans, dates and values from earlier rows keep their types.  A SELECT
        answers its rows (columns that only repeat a bound parameter are left
        out, as in the CLI), an ASK one row ``{"boolean": ...}``, a CONSTRUCT or
        DESCRIBE one row per triple (``subject``, ``predicate``, ``object``).
        """
        from coopgraph.sparql.query import run

        prefixes = self.prefixes
        text, declared, source = _resolve(query)
        saved = isinstance(query, str) and declared is not None  # a saved query by name: constants may go in
        bindings: Mapping[str, Term]
        if declared is None:
            bindings = _adhoc_bindings(params, prefixes, source)
        else:
            from coopgraph.sparql.queryfile import bind

            given = {name: _param_text(name, value, source) for name, value in params.items()}
            bindings = bind(declared, given, prefixes, where=source)
        result = run(self.store, text, bindings=bindings, prefixes=prefixes, source=source, inline=saved)
        return Rows.from_result(result, prefixes)

    def rdflib(self) -> Dataset:
        """An rdflib ``Dataset`` of the three named graphs (a read-only view of the store through oxrdflib).

        Its default graph is their union; ``.get_context(URIRef(...))`` gives one
        (``https://w3id.org/coopgraph/graph/asserted`` ...).  The view cannot be
        changed (``.graph(IRI)`` adds a graph, so it fails): copy into a new Dataset first.
        """
        from oxrdflib import OxigraphStore
        from rdflib import Dataset, Graph

        dataset = Dataset(store=OxigraphStore(store=self.store), default_union=True)
        names = Graph(bind_namespaces="none")  # our prefixes, not rdflib's 30; kept apart from the read-only store
        for prefix, namespace in self.prefixes.items():
            names.bind(prefix, namespace)
        dataset.namespace_manager = names.namespace_manager
        return dataset

    def networkx(
        self,
        view: str = "countries",
        *,
        focus: str | None = None,
        depth: int = 1,
        start: str | dt.date | PartialDate | None = None,
        end: str | dt.date | PartialDate | None = None,
        limit: int | None = None,
    ) -> nx.MultiDiGraph:
        """A network view as the explorer draws it: ``all``, ``countries``, ``ego`` (with ``focus``) or ``topics``.

        Node ids are IRIs (the ``IRI`` values of query rows), edges are keyed by
        relation; ``start``/``end`` keep agreements signed in that period;
        ``limit`` caps the number of nodes.  See :func:`coopgraph.views.project.project`.
        """
        from coopgraph.views.facts import Period
        from coopgraph.views.project import project

        period = Period.parse(_date_text(start), _date_text(end))
        return project(
            self.store, view=view, focus=self._focus(focus), depth=depth, period=period, limit=limit
        )

    def explorer(
        self,
        path: PathLike,
        *,
        view: str = "all",
        focus: str | None = None,
        depth: int = 1,
        start: str | dt.date | PartialDate | None = None,
        end: str | dt.date | PartialDate | None = None,
        lang: str = "en",
    ) -> Path:
        """Write the offline HTML explorer of a view to ``path`` (as ``coopgraph visualise`` does); the path."""
        from coopgraph.files import write_atomically
        from coopgraph.views.html import LANGUAGES, render

        if lang not in LANGUAGES:
            raise CoopgraphError(f"lang {lang!r}: choose one of {', '.join(LANGUAGES)}")
        graph = self.networkx(view, focus=focus, depth=depth, start=start, end=end)
        target = Path(path)
        try:
            write_atomically({target: render(graph, lang=lang)})
        except OSError as error:
            why = error.strerror or error
            raise CoopgraphError(f"{display_path(target)}: cannot write the explorer ({why})") from None
        return target

    def _focus(self, focus: str | None) -> str | None:
        """``country:thailand`` as its IRI; ids, slugs and labels go on to the view as they are."""
        if focus is None or "://" in focus:
            return focus
        prefix, colon, local = focus.partition(":")
        namespace = self.prefixes.get(prefix) if colon else None
        return namespace + local if namespace else focus


def _resolve(query: str | os.PathLike[str]) -> tuple[str, dict[str, Param] | None, str]:
    """The query text, its declared parameters (None for ad-hoc SPARQL) and how errors name it."""
    from coopgraph.sparql.queryfile import find_query, parse_query

    if isinstance(query, os.PathLike):
        path = Path(query)
        shown = display_path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CoopgraphError(f"{shown}: cannot read the query ({error})") from None
        if text.startswith("#+"):
            return text, dict(parse_query(text, path, shown=shown).params), shown
        return text, None, shown
    if not isinstance(query, str):
        raise CoopgraphError(f"query: give a saved query's name, SPARQL text or a Path, not {type(query).__name__}")
    if _NAME.fullmatch(query):  # one word: a saved query (the error lists those that exist)
        saved = find_query(query)
        return saved.text, dict(saved.params), saved.name
    return query, None, "query"


def _param_text(name: str, value: object, source: str) -> str:
    """A Python value as the text a saved query's declared type reads."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, IRI):
        return f"<{value.iri}>"
    if isinstance(value, dt.date | PartialDate | int | float | decimal.Decimal | str):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    raise CoopgraphError(f"{source}: parameter {name}={value!r}: give text, a number, a boolean or a date")


def _adhoc_bindings(params: Mapping[str, object], prefixes: Mapping[str, str], source: str) -> dict[str, Term]:
    """Terms for the parameters of SPARQL text: text as the CLI guesses it, other values by their Python type."""
    import pyoxigraph as ox

    from coopgraph.sparql.queryfile import bind, guess_params
    from coopgraph.sparql.values import XSD

    texts = {name: value for name, value in params.items() if type(value) is str}
    bindings: dict[str, Term] = dict(bind(guess_params(texts, prefixes), texts, prefixes, where=source))
    for name, value in params.items():
        if name in texts:
            continue
        if isinstance(value, IRI):
            term: Term = ox.NamedNode(value.iri)
        elif isinstance(value, LangString):
            term = ox.Literal(str(value), language=value.lang)
        elif isinstance(value, TypedLiteral):
            term = ox.Literal(str(value), datatype=ox.NamedNode(value.datatype))
        elif isinstance(value, str):
            term = ox.Literal(str(value))
        elif isinstance(value, bool | int | float):  # True is xsd:boolean, 3 xsd:integer, 2.5 xsd:double
            term = ox.Literal(value)
        elif isinstance(value, decimal.Decimal):
            term = ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
        elif isinstance(value, dt.datetime):
            term = ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
        elif isinstance(value, dt.date):
            term = ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
        elif isinstance(value, PartialDate):
            kind = {"day": "date", "month": "gYearMonth", "year": "gYear"}[value.precision]
            term = ox.Literal(value.text, datatype=ox.NamedNode(XSD + kind))
        else:
            raise CoopgraphError(f"{source}: parameter {name}={value!r}: give text, a number, a boolean or a date")
        bindings[name] = term
    return bindings


def _date_text(value: str | dt.date | PartialDate | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# --------------------------------------------------------------------------- rows


class Rows(Sequence[Row]):
    """A query's answer: a sequence of rows, each a ``dict`` of column -> typed value (``None`` when unbound).

    ``columns`` gives their order; ``to_pandas()`` a DataFrame, ``to_records()``
    plain dicts.  Values are typed as :mod:`coopgraph.sparql.values` says.
    """

    def __init__(self, columns: Sequence[str], rows: Sequence[Row], *, truncated: bool = False) -> None:
        self.columns: tuple[str, ...] = tuple(columns)
        self._rows: tuple[Row, ...] = tuple(rows)
        self.truncated = truncated

    @classmethod
    def from_result(cls, result: Result, prefixes: Mapping[str, str]) -> Rows:
        """Typed rows of a query result (bound parameter columns left out)."""
        from coopgraph.sparql.values import to_python

        shown = result.shown()
        if shown.kind == "ask":
            return cls(("boolean",), [{"boolean": shown.boolean}])
        if shown.kind == "graph":
            names = ("subject", "predicate", "object")
            triples = sorted(shown.triples, key=str)
            return cls(
                names,
                [{n: to_python(t, prefixes) for n, t in zip(names, (s.subject, s.predicate, s.object), strict=True)}
                 for s in triples],
                truncated=shown.truncated,
            )
        return cls(
            shown.columns,
            [{c: to_python(term, prefixes) for c, term in zip(shown.columns, row, strict=True)} for row in shown.rows],
            truncated=shown.truncated,
        )

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Rows: ...
    def __getitem__(self, index: int | slice) -> Row | Rows:
        if isinstance(index, slice):
            return Rows(self.columns, self._rows[index])
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self.columns == other.columns and self._rows == other._rows
        return isinstance(other, Sequence) and list(self._rows) == list(other)

    __hash__ = None  # type: ignore[assignment]  # rows hold dicts: not hashable

    def to_records(self) -> list[Row]:
        """The rows as new plain ``dict``s (column order kept), e.g. for ``json`` or a ``csv.DictWriter``."""
        return [dict(row) for row in self._rows]

    def to_pandas(self) -> pd.DataFrame:
        """A DataFrame, one column per query column, each with the dtype its values suggest.

        Whole numbers: ``int64`` (``Int64`` with gaps); decimals and doubles:
        ``float64``; booleans: ``bool`` (``boolean`` with gaps); columns of whole
        dates: ``datetime64``; text and IRIs: pandas' string type.  A column
        mixing kinds, or holding month- or year-only dates
        (:class:`PartialDate`), stays ``object`` so no precision is lost.
        """
        try:
            import pandas as pd
        except ImportError:
            raise CoopgraphError(
                "Rows.to_pandas needs pandas: pip install 'coopgraph[pandas]' (or pandas itself)"
            ) from None
        data = {c: _series(pd, [row[c] for row in self._rows]) for c in self.columns}
        return pd.DataFrame(data, columns=list(self.columns))

    def __repr__(self) -> str:
        count = f"{len(self)} row{'s' if len(self) != 1 else ''}{', truncated' if self.truncated else ''}"
        if not self.columns:
            return f"<Rows: {count}>"
        from coopgraph.sparql.results import _cut, _pad_row, width

        cells = [[_cut(" ".join(_shown(row[c]).split()), 48) for c in self.columns] for row in self[:_SHOWN_ROWS]]
        widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(self.columns)]
        lines = [_pad_row(self.columns, widths), "  ".join("-" * w for w in widths)]
        lines += [_pad_row(r, widths) for r in cells]
        if len(self) > _SHOWN_ROWS:
            lines.append(f"... {len(self) - _SHOWN_ROWS} more")
        return "\n".join(line.rstrip() for line in [f"<Rows: {count}>", *lines])

    def _repr_html_(self) -> str:
        """A table in Jupyter (the first rows; IRIs as prefixed names)."""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_shown(row[c]))}</td>" for c in self.columns) + "</tr>"
            for row in self[:_SHOWN_ROWS]
        )
        more = f"<p>… {len(self) - _SHOWN_ROWS} more rows</p>" if len(self) > _SHOWN_ROWS else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, IRI):
        return value.curie
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _series(pd: Any, values: list[Any]) -> Any:
    """One DataFrame column: a dtype that fits every value, else ``object``."""
    present = [v for v in values if v is not None]
    gaps = len(present) < len(values)
    kinds = {type(v) for v in present}
    if not present:
        return pd.Series(values, dtype=object)
    if kinds == {bool}:
        return pd.Series(values, dtype="boolean" if gaps else bool)
    if kinds == {int}:
        return pd.Series(values, dtype="Int64" if gaps else "int64")
    if kinds <= {int, float, decimal.Decimal} and kinds & {float, decimal.Decimal}:
        return pd.Series([float("nan") if v is None else float(v) for v in values], dtype="float64")
    if kinds == {dt.date} or kinds == {dt.datetime}:
        try:
            return pd.Series(pd.to_datetime(values))
        except (ValueError, TypeError, OverflowError):  # mixed time zones, years pandas cannot hold
            return pd.Series(values, dtype=object)
    if all(isinstance(v, str) for v in present):
        return pd.Series([None if v is None else str(v) for v in values])
    return pd.Series(values, dtype=object)
