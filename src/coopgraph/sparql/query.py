"""Run SPARQL on the built store (pyoxigraph, directly) or on a remote endpoint.

Parameters are RDF terms.  Embedded, they are handed to Oxigraph as
``substitutions`` (SEP-0007: the variable *is* the term); remotely, where the
protocol has no bindings, they travel as ``VALUES`` blocks of serialised
terms opening the groups they reach (the outermost ``WHERE`` group, and each
sub-SELECT that projects them, as substitution does).  Either way a value is
never pasted into the query text, so quotes or braces in it cannot change the
query.  Saved queries (``inline=True``) get theirs written in as constants
where substitution reaches, only as one validated N-Triples token with no
escape inside (:mod:`coopgraph.sparql.constants`): Oxigraph plans before it
sees a substitution, so a country written in is where the plan starts.  Oxigraph substitutes only variables a SELECT projects, so saved
queries project their parameters; the CLI drops bound columns from output.

>>> store = open_store(Path("build"))                                     # doctest: +SKIP
>>> result = run(store, "SELECT ?c WHERE { ?c a coop:Country }", prefixes=PREFIXES)   # doctest: +SKIP
>>> result.columns                                                      # doctest: +SKIP
('c',)
"""

from __future__ import annotations

import dataclasses
import functools
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from coopgraph.errors import CoopgraphError
from coopgraph.graph.iris import GRAPH_BASE

if TYPE_CHECKING:
    import pyoxigraph as ox

    Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

GRAPHS = ("all", "asserted", "inferred")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
Kind = Literal["select", "ask", "graph"]


@dataclass(frozen=True)
class Result:
    """A query's answer: a table (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    kind: Kind
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool = False
    triples: tuple[ox.Triple, ...] = ()
    bound: Mapping[str, Term] = field(default_factory=dict)
    truncated: bool = False

    def shown(self) -> Result:
        """The result without the columns that only repeat a bound parameter."""
        keep = [i for i, name in enumerate(self.columns) if name not in self.bound]
        if len(keep) == len(self.columns):
            return self
        return Result(
            self.kind,
            tuple(self.columns[i] for i in keep),
            tuple(tuple(row[i] for i in keep) for row in self.rows),
            self.boolean,
            self.triples,
            {},
            self.truncated,
        )


def query_prefixes(base: str | None = None) -> dict[str, str]:
    """The prefixes queries may use undeclared and results are shown with: the dataset's, and
    one per kind of individual (``post:``, ``meeting:``, ``source:`` ...).

    >>> query_prefixes()["post"]
    'https://w3id.org/coopgraph/id/post/'
    """
    from coopgraph.graph.iris import DEFAULT_BASE, KIND_SEGMENTS, prefix_iris

    base = base or DEFAULT_BASE
    found = prefix_iris(base)
    for kind, segment in KIND_SEGMENTS.items():
        found.setdefault(kind, f"{base}{segment}/")
    return dict(sorted(found.items()))


def check_names(
    store: ox.Store, bindings: Mapping[str, Term], names: Iterable[str], prefixes: Mapping[str, str], *, where: str = "query"
) -> None:
    """Fail when a given IRI parameter names nothing in the graph, with the closest IRIs as a did-you-mean.

    A typo (``country=country:thailandd``) would otherwise give 0 rows and look like an answer.
    Only the parameters in ``names`` are checked (those a user gave: a default may name
    something absent from another dataset on purpose).  Two bounded lookups per value: an ASK,
    then the IRIs of the same namespace (at most :data:`SUGGEST_SCAN`) compared by spelling.

    >>> check_names(store, {"country": NamedNode(".../thailandd")}, ["country"], {})   # doctest: +SKIP
    CoopgraphError: query: parameter country=country:thailandd names nothing in the graph (did you mean country:thailand?)
    """
    import difflib

    import pyoxigraph as ox

    for name in names:
        term = bindings.get(name)
        if not isinstance(term, ox.NamedNode):
            continue
        found = store.query(
            "ASK { { GRAPH ?g { ?iri ?p ?o } } UNION { GRAPH ?g { ?s ?p ?iri } } UNION { ?iri ?p ?o } UNION { ?s ?p ?iri } }",
            substitutions={ox.Variable("iri"): term},
        )
        if found:
            continue
        iri = term.value
        namespace = iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]
        rows = store.query(  # the namespace written as an escaped literal (substitution needs a projected variable)
            f"SELECT DISTINCT ?s WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} "
            f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(namespace)})) }} LIMIT {SUGGEST_SCAN}"
        )
        local = {row[0].value[len(namespace) :]: row[0].value for row in rows}  # type: ignore[union-attr]
        close = [local[n] for n in difflib.get_close_matches(iri[len(namespace) :], sorted(local), n=3, cutoff=0.75)]
        shown = ", ".join(_compact(c, prefixes) for c in close)
        hint = f" (did you mean {shown}?)" if close else ""
        given = _compact(iri, prefixes)
        given = given if len(given) <= 200 else f"{given[:200]}..."  # one readable line, however long
        raise CoopgraphError(f"{where}: parameter {name}={given} names nothing in the graph{hint}")


SUGGEST_SCAN = 10_000
"""At most this many IRIs of a namespace are compared for a did-you-mean (time bounded per request)."""


def _compact(iri: str, prefixes: Mapping[str, str]) -> str:
    best = max((p for p in prefixes.items() if iri.startswith(p[1])), key=lambda p: len(p[1]), default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else f"<{iri}>"


def run_saved(
    store: ox.Store,
    name: str,
    given: Mapping[str, str] | None = None,
    *,
    base: str | None = None,
    graph: str = "all",
    limit: int | None = None,
) -> Result:
    """Run a saved query by name with parameter values as text: the API a program calls.

    Bad values and IRIs that name nothing in the graph raise :class:`CoopgraphError`.

    >>> run_saved(store, "partners-of-country", {"country": "country:thailand", "as_of": "2025-06-01"})  # doctest: +SKIP
    """
    from coopgraph.sparql.queryfile import bind, find_query

    saved = find_query(name)
    prefixes = query_prefixes(base)
    given = dict(given or {})
    source = f"queries/{name}.rq"
    bindings = bind(saved.params, given, prefixes, where=source)
    check_names(store, bindings, [n for n in given if saved.params[n].type == "iri"], prefixes, where=source)
    return run(
        store, saved.text, bindings=bindings, graph=graph, prefixes=prefixes, source=source, limit=limit, inline=True
    )


def graph_options(graph: str) -> dict[str, Any]:
    """Keyword arguments of ``Store.query`` for ``--graph all|asserted|inferred``.

    ``asserted`` is the curated facts with the ontology (both asserted, and the
    saved queries walk the class hierarchy); ``inferred`` is only what the
    reasoner added.
    """
    import pyoxigraph as ox

    if graph == "all":
        return {"use_default_graph_as_union": True}
    if graph == "asserted":
        return {"default_graph": [ox.NamedNode(GRAPH_BASE + "ontology"), ox.NamedNode(GRAPH_BASE + "asserted")]}
    if graph == "inferred":
        return {"default_graph": [ox.NamedNode(GRAPH_BASE + "inferred")]}
    raise CoopgraphError(f"--graph {graph}: choose one of {', '.join(GRAPHS)}")


def execute(
    store: ox.Store,
    text: str,
    *,
    bindings: Mapping[str, Term] | None = None,
    graph: str = "all",
    prefixes: Mapping[str, str] | None = None,
    source: str = "query",
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] | None = None,
    base_iri: str | None = None,
    inline: bool = False,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Start a query on a store and return pyoxigraph's lazy answer; errors name line and column.

    The text is parsed first and refused (:class:`Refused`) when it is an update or calls
    another service, so nothing but a read-only query ever reaches Oxigraph.  The dataset, in
    order of precedence: the protocol's graphs (``default_graphs`` / ``named_graphs``: given
    either, the other is empty), then the query's own ``FROM`` / ``FROM NAMED``, then ``graph``
    (an explicit ``asserted`` or ``inferred`` overrides ``FROM``; ``all``, the union, does not).

    ``inline`` (saved queries only: their text is ours) writes the parameters into the text as
    constants where that is safe (:mod:`coopgraph.sparql.constants`), so Oxigraph plans with
    them; the rest are substituted.  The read-only check reads the saved text, which the
    rewrite cannot change the shape of.
    """
    import pyoxigraph as ox

    shape = check_read_only(text, source)
    options: dict[str, Any] = {}
    try:
        if default_graphs or named_graphs is not None:
            options = {
                "default_graph": [ox.NamedNode(iri) for iri in default_graphs],
                "named_graphs": [ox.NamedNode(iri) for iri in named_graphs or ()],
            }
        elif not shape.dataset or graph != "all":
            options = graph_options(graph)
    except ValueError as error:
        raise CoopgraphError(f"{source}: a graph name is not an IRI ({error})") from None
    sent, substituted = text, dict(bindings or {})
    if inline and substituted:
        from coopgraph.sparql.constants import inline as with_constants

        sent, substituted = with_constants(text, substituted)
    try:
        try:
            return store.query(
                sent,
                prefixes=dict(prefixes or {}),
                substitutions={ox.Variable(name): term for name, term in substituted.items()} or None,
                base_iri=base_iri or query_base(),
                **options,
            )
        except SyntaxError:
            if sent is text:
                raise
        # a rewrite Oxigraph cannot read (not so for any saved query: tested): substitute them all
        return store.query(
            text,
            prefixes=dict(prefixes or {}),
            substitutions={ox.Variable(name): term for name, term in (bindings or {}).items()} or None,
            base_iri=base_iri or query_base(),
            **options,
        )
    except SyntaxError as error:
        raise CoopgraphError(syntax_message(text, str(error), source)) from None
    except RuntimeError as error:  # substitution of a variable the query does not project
        raise CoopgraphError(_binding_message(str(error), source, bindings or {})) from None
    except OSError as error:
        raise CoopgraphError(f"{source}: the store could not be read ({error})") from None


def run(
    store: ox.Store,
    text: str,
    *,
    bindings: Mapping[str, Term] | None = None,
    graph: str = "all",
    prefixes: Mapping[str, str] | None = None,
    source: str = "query",
    limit: int | None = None,
    base_iri: str | None = None,
    inline: bool = False,
) -> Result:
    """Run a query on a store and collect its answer (at most ``limit`` rows when given);
    ``inline`` for saved queries (see :func:`execute`)."""
    answer = execute(
        store, text, bindings=bindings, graph=graph, prefixes=prefixes, source=source, base_iri=base_iri, inline=inline
    )
    return with_labels(collect(answer, bindings or {}, limit=limit, source=source), lambda iris: _store_labels(store, iris))


def with_labels(result: Result, lookup: Callable[[list[str]], Mapping[str, str]]) -> Result:
    """A label column never shows a raw IRI when the thing has a label in any language.

    Saved queries fall back from the asked language to English, then to
    ``STR(?thing)``: a document titled only in Chinese, a person named only in
    Thai would show its IRI.  Here such a cell of a label column (one whose
    name ends in ``label`` or ``title``: a plain literal whose text is an IRI)
    becomes the thing's label, as ``lookup`` gives it (English first, else the
    first language tag in order).  Other cells are left alone.  Embedded
    (:func:`run`) the store is read; remote (:func:`run_remote`) one more
    query asks the endpoint.
    """
    import pyoxigraph as ox

    if result.kind != "select":
        return result
    columns = [i for i, name in enumerate(result.columns) if name.lower().endswith(("label", "title"))]

    def iri_text(cell: Term | None) -> str | None:
        if not isinstance(cell, ox.Literal) or cell.language or cell.datatype.value != _XSD_STRING:
            return None
        text = cell.value
        if not text.startswith(("http://", "https://")) or any(c in text for c in ' <>"{}|\\^`'):
            return None
        return text

    wanted = sorted({t for row in result.rows for i in columns if (t := iri_text(row[i])) is not None})
    if not wanted:
        return result
    found = lookup(wanted)
    if not found:
        return result

    def relabel(cell: Term | None) -> Term | None:
        text = iri_text(cell)
        return ox.Literal(found[text]) if text in found else cell

    rows = tuple(tuple(relabel(cell) if i in columns else cell for i, cell in enumerate(row)) for row in result.rows)
    return dataclasses.replace(result, rows=rows)


def _best_labels(pairs: Iterable[tuple[str, ox.Literal]]) -> dict[str, str]:
    """IRI -> its label, English first, else the first language tag (then text) in order."""
    best: dict[str, tuple[tuple[bool, str, str], str]] = {}
    for iri, lit in pairs:
        key = (lit.language != "en", lit.language or "", lit.value)
        if iri not in best or key < best[iri][0]:
            best[iri] = (key, lit.value)
    return {iri: text for iri, (_, text) in best.items()}


def _store_labels(store: ox.Store, iris: list[str]) -> dict[str, str]:
    import pyoxigraph as ox

    label = ox.NamedNode(_RDFS_LABEL)
    return _best_labels(
        (iri, q.object)
        for iri in iris
        for q in store.quads_for_pattern(ox.NamedNode(iri), label, None)
        if isinstance(q.object, ox.Literal)
    )


def collect(
    answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    bindings: Mapping[str, Term],
    *,
    limit: int | None = None,
    source: str = "query",
) -> Result:
    """Materialise pyoxigraph's answer into a :class:`Result`."""
    import pyoxigraph as ox

    try:
        if isinstance(answer, ox.QueryBoolean):
            return Result("ask", boolean=bool(answer), bound=dict(bindings))
        if isinstance(answer, ox.QuerySolutions):
            columns = tuple(v.value for v in answer.variables)
            width = range(len(columns))
            rows: list[tuple[Term | None, ...]] = []
            for solution in answer:
                if limit is not None and len(rows) >= limit:
                    return Result("select", columns, tuple(rows), bound=dict(bindings), truncated=True)
                rows.append(tuple(solution[i] for i in width))
            return Result("select", columns, tuple(rows), bound=dict(bindings))
        triples: list[ox.Triple] = []
        for triple in answer:
            if limit is not None and len(triples) >= limit:
                return Result("graph", triples=tuple(triples), bound=dict(bindings), truncated=True)
            triples.append(triple)
        return Result("graph", triples=tuple(triples), bound=dict(bindings))
    except OSError as error:
        raise CoopgraphError(f"{source}: the query failed while running ({error})") from None


def kind_of(text: str, *, prefixes: Mapping[str, str] | None = None, source: str = "query") -> Kind:
    """SELECT, ASK or graph: parse the query (on an empty store) without running it on data.

    The text is checked first (:func:`check_read_only`): even an empty store
    would call a ``SERVICE``.
    """
    import pyoxigraph as ox

    check_read_only(text, source)
    try:
        answer = ox.Store().query(text, prefixes=dict(prefixes or {}), base_iri=query_base())
    except SyntaxError as error:
        raise CoopgraphError(syntax_message(text, str(error), source)) from None
    if isinstance(answer, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(answer, ox.QuerySolutions) else "graph"


# --- what a text is, read without running it -----------------------------------------------------


class Refused(CoopgraphError):
    """A text coopgraph will not run: an update (LOAD among them) or a query calling another
    service (``SERVICE``).  The endpoint answers 403, the CLI one line and exit 1."""


@dataclass(frozen=True)
class Shape:
    """What a SPARQL text is, found by parsing it (never by running it)."""

    update: bool = False
    """An update (INSERT, DELETE, LOAD, CLEAR ...): refused."""
    remote: bool = False
    """It names another service (``SERVICE``, ``LOAD``): refused, so no request leaves the machine."""
    dataset: bool = False
    """It has its own ``FROM`` / ``FROM NAMED``: then those are its dataset, not the union default."""


UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
REMOTE_WORDS = frozenset({"SERVICE", "LOAD"})
_SUSPECT = re.compile("service|load|from", re.I)
"""Without one of these anywhere in a text (strings and comments included), it can hold no SERVICE,
LOAD or FROM keyword, whatever a parser makes of it."""
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_WORDS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
    r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*|[?$]\w+|[\w.-]*:(?:[\w.:%-]|\\.)*|([A-Za-z]+)|\s+|.",
    re.S,
)


def unescape(text: str) -> str:
    r"""The text with SPARQL's codepoint escapes (``\u0053``) replaced, as a parser may read it first.

    >>> unescape(r"\u0053ERVICE")
    'SERVICE'
    """

    def char(found: re.Match[str]) -> str:
        code = int(found[1] or found[2], 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE.sub(char, text)


def keywords(text: str) -> list[str]:
    """The bare words of a SPARQL text, upper-cased: not inside strings, IRIs, comments, prefixed
    names, variables or language tags (there, every bare word is a keyword or ``a``).

    >>> keywords('SELECT ?service WHERE { ?s rdfs:label "SERVICE" } # SERVICE')
    ['SELECT', 'WHERE']
    """
    return [found[1].upper() for found in _WORDS.finditer(unescape(text)) if found[1]]


def inspect(text: str) -> Shape:
    """What a text is, by two readings that must both clear it: a scan of its keywords (which
    cannot be fooled by strings or comments) and rdflib's SPARQL parser (a real parse: its tree
    is searched for SERVICE, LOAD and dataset clauses).  Nothing is run.  A pure function of the
    text, so short texts (saved queries, asked again and again) are read once per process."""
    return _inspect_cached(text) if len(text) <= _CACHED_TEXT else _inspect(text)


_CACHED_TEXT = 64 * 1024  # longer texts are read each time: the cache holds at most 256 x 64 KB


@functools.lru_cache(maxsize=256)
def _inspect_cached(text: str) -> Shape:
    return _inspect(text)


def _inspect(text: str) -> Shape:
    words = keywords(text)
    first = next((w for w in words if w not in ("BASE", "PREFIX")), "")
    update = first in UPDATE_WORDS
    remote = bool(REMOTE_WORDS & set(words))
    dataset = "FROM" in words
    if update or remote:  # refused already: no need to parse (a huge update costs parse time)
        return Shape(update, remote, dataset)
    if not _SUSPECT.search(unescape(text)):  # not even a substring to confirm: spare loading rdflib's parser
        return Shape(update, remote, dataset)
    tree = _parse_tree(text)
    if tree is not None:
        found, is_update = tree
        update = update or is_update
        remote = remote or bool(found & {"ServiceGraphPattern", "Load"})
        dataset = dataset or "DatasetClause" in found
    return Shape(update, remote, dataset)


def _parse_tree(text: str) -> tuple[set[str], bool] | None:
    """The names of the nodes in rdflib's parse tree of the text, and whether it is an update;
    None when rdflib cannot read it (then Oxigraph's parser has the last word, and the scan)."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue

    for parse, is_update in ((parseQuery, False), (parseUpdate, True)):
        try:
            tree = parse(text)
        except Exception:  # pyparsing's errors, RecursionError on deep nesting, ...
            continue
        names: set[str] = set()
        stack: list[object] = [tree]
        while stack:  # no recursion: a deeply nested text must not overflow the stack
            node = stack.pop()
            if isinstance(node, CompValue):
                names.add(node.name)
                stack.extend(node.values())
            elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
                stack.extend(node)  # type: ignore[arg-type]
            elif isinstance(node, dict):
                stack.extend(node.values())
        return names, is_update
    return None


def check_read_only(text: str, source: str = "query") -> Shape:
    """The text's :class:`Shape`; :class:`Refused` (one line) for an update or a remote call."""
    shape = inspect(text)
    if shape.update:
        words = keywords(text)
        what = "LOAD fetches a URL" if "LOAD" in words else "this is a SPARQL update"
        raise Refused(
            f"{source}: {what}; coopgraph is read-only: updates are refused "
            "(use a query: SELECT, ASK, CONSTRUCT, DESCRIBE)"
        )
    if shape.remote:
        raise Refused(f"{source}: SERVICE is refused: coopgraph does not call other endpoints for a query")
    return shape


def is_update(text: str) -> bool:
    """Whether the text is a SPARQL update, found by parsing it (an update is never run)."""
    return inspect(text).update


def query_base() -> str:
    """The base IRI relative IRIs in a query resolve against: the dataset's individuals."""
    from coopgraph.graph.iris import DEFAULT_BASE

    return DEFAULT_BASE


def syntax_message(text: str, message: str, source: str) -> str:
    r"""``source:line:column: SPARQL syntax error near 'x': ...`` from Oxigraph's message.

    Oxigraph's parser often reports the end of the text, however early the
    mistake; then rdflib's parser (loaded only now) is asked where it stopped.

    >>> syntax_message("SELECT ?x WHERE {\n ?x ?p }}", "error at 2:9: expected ...", "q.rq")
    "q.rq:2:9: SPARQL syntax error near '}': expected ..."
    """
    try:
        check_read_only(text, source)
    except Refused as refused:
        return str(refused)
    found = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    if not found:
        return f"{source}: SPARQL syntax error: {_short(message)}"
    line, column, why = int(found[1]), int(found[2]), found[3]
    if "Prefix not found" not in why and _at_end(text, line, column):
        earlier = _rdflib_position(text)
        if earlier is not None:
            line, column, why = earlier
    lines = text.splitlines()
    line_text = lines[line - 1] if 0 < line <= len(lines) else ""
    token = line_text[max(column - 1, 0) :].strip().split(" ")[0][:20]
    near = f" near '{token}'" if token else " at the end"
    if "Prefix not found" in why:
        prefix = re.findall(r"(([A-Za-z][\w.-]*|):[\w-]*)$", line_text[: max(column - 1, 0)].rstrip())
        near = f" near '{prefix[-1][0]}'" if prefix else near
        shown = f"'{prefix[-1][1]}:' " if prefix else ""
        why = f"unknown prefix {shown}(declare it with PREFIX)"
    elif why.strip() == "expected [_]":  # the parser wanted more text
        why = "the query is unfinished, or a brace or bracket does not match"
    elif why.startswith("unexpected"):  # rdflib's words already name the token
        near = ""
    return f"{source}:{line}:{column}: SPARQL syntax error{near}: {_short(why)}"


def _at_end(text: str, line: int, column: int) -> bool:
    """Whether only blanks and comments follow a line:column position."""
    lines = text.splitlines()
    rest = "\n".join([lines[line - 1][column - 1 :], *lines[line:]]) if 0 < line <= len(lines) else ""
    return not re.sub(r"#[^\n]*", "", rest).strip()


def _rdflib_position(text: str) -> tuple[int, int, str] | None:
    """Where rdflib's SPARQL parser gives up on the text, when it does so before the end."""
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        parseQuery(text)
    except Exception as error:
        line, column = getattr(error, "lineno", None), getattr(error, "col", None)
        if isinstance(line, int) and isinstance(column, int) and not _at_end(text, line, column):
            found = re.search(r"found (.*?)\s+\(at char", str(error))
            what = "unexpected text" if found is None else f"unexpected {found[1]}"
            return line, column, what
    return None


def _short(why: str) -> str:
    why = " ".join(why.split())
    return why if len(why) <= 160 else why[:157] + "..."


def _binding_message(message: str, source: str, bindings: Mapping[str, Term]) -> str:
    missing = re.search(r"variable \?(\w+)", message)
    if missing:
        name = missing[1]
        return f"{source}: parameter {name} cannot be bound: the query's SELECT must project ?{name}"
    return f"{source}: {message} (parameters: {', '.join(bindings) or 'none'})"


# --- remote endpoints (SPARQL 1.1 Protocol) ----------------------------------------------------

RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"


def run_remote(
    endpoint: str,
    text: str,
    *,
    bindings: Mapping[str, Term] | None = None,
    prefixes: Mapping[str, str] | None = None,
    default_graphs: Sequence[str] = (),
    user: str | None = None,
    password: str | None = None,
    source: str = "query",
    timeout: float = 300.0,
    labels: bool = True,
) -> Result:
    """Run a query on a SPARQL 1.1 Protocol endpoint; parameters travel as a VALUES block.

    The query is parsed here first, so a syntax error names its line and
    column as it does embedded; prefixes the text does not declare are added.
    """
    import pyoxigraph as ox

    from coopgraph.sparql.remote import request

    bindings = dict(bindings or {})
    kind = kind_of(text, prefixes=prefixes, source=source)
    if bindings:  # checks the same projection rule as embedded
        execute(ox.Store(), text, bindings=bindings, prefixes=prefixes, source=source)
    sent = with_values(with_prefixes(text, prefixes or {}), bindings)
    form = [("query", sent)] + [("default-graph-uri", iri) for iri in default_graphs]
    accept = "application/n-triples, text/turtle;q=0.9" if kind == "graph" else f"{RESULTS_JSON}, {RESULTS_XML};q=0.5"
    answer = request(
        "POST",
        endpoint,
        data=urllib.parse.urlencode(form).encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        user=user,
        password=password,
        timeout=timeout,
    )
    try:
        if kind == "graph":
            fmt = ox.RdfFormat.from_media_type(answer.content_type) or ox.RdfFormat.TURTLE
            return Result("graph", triples=tuple(ox.parse(answer.body, fmt)), bound=bindings)
        if answer.content_type == RESULTS_XML:
            result = collect(ox.parse_query_results(answer.body, ox.QueryResultsFormat.XML), bindings, source=source)
        else:
            result = parse_json_results(answer.body, bindings)
    except (SyntaxError, ValueError, KeyError, TypeError) as error:
        raise CoopgraphError(f"{endpoint}: unreadable answer ({answer.content_type}): {_short(str(error))}") from None
    if not labels:
        return result

    def remote_labels(iris: list[str]) -> dict[str, str]:
        values = " ".join(f"<{iri}>" for iri in iris)
        found = run_remote(
            endpoint,
            f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{_RDFS_LABEL}> ?l }}",
            default_graphs=default_graphs,
            user=user,
            password=password,
            source=source,
            timeout=timeout,
            labels=False,
        )
        return _best_labels(
            (row[0].value, row[1]) for row in found.rows if row[0] is not None and isinstance(row[1], ox.Literal)
        )

    return with_labels(result, remote_labels)


def parse_json_results(body: bytes, bindings: Mapping[str, Term] | None = None) -> Result:
    """SPARQL JSON results, leniently: Virtuoso's ``typed-literal`` and ``nodeID://`` blank nodes too."""
    import json

    document = json.loads(body)
    if "boolean" in document:
        return Result("ask", boolean=bool(document["boolean"]), bound=dict(bindings or {}))
    columns = tuple(document["head"]["vars"])
    rows = tuple(
        tuple(_json_term(binding[c]) if c in binding else None for c in columns)
        for binding in document["results"]["bindings"]
    )
    return Result("select", columns, rows, bound=dict(bindings or {}))


def _json_term(cell: Mapping[str, str]) -> Term:
    import pyoxigraph as ox

    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", value))
    language = cell.get("xml:lang")
    if language:
        return ox.Literal(value, language=language)
    datatype = cell.get("datatype")
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


_DECLARED = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", re.I | re.M)


def with_prefixes(text: str, prefixes: Mapping[str, str]) -> str:
    """Declare the prefixes a text uses but does not declare, on its first line (line numbers hold)."""
    declared = set(_DECLARED.findall(text))
    missing = [p for p in sorted(prefixes) if p not in declared and re.search(rf"(?<![\w?$]){re.escape(p)}:", text)]
    if not missing:
        return text
    return "".join(f"PREFIX {p}: <{prefixes[p]}> " for p in missing) + text


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    r"""The text with a ``VALUES`` block of the parameters opening each WHERE group they reach.

    That is the outermost WHERE group, and the group of every sub-SELECT that
    projects one of them, as Oxigraph's substitution reaches them.  Terms are
    written by pyoxigraph in N-Triples syntax (escaped), so a value cannot end
    the string or group it sits in.

    >>> import pyoxigraph as ox
    >>> with_values('SELECT ?x WHERE { ?x ?p ?o }', {"x": ox.Literal('"}')})
    'SELECT ?x WHERE { VALUES (?x) { ("\\"}") } ?x ?p ?o }'
    """
    if not bindings:
        return text
    points = _binding_points(text)
    if not points:  # DESCRIBE <x> without WHERE
        raise CoopgraphError("a query with parameters needs a WHERE { ... } group to bind them remotely")
    for at, reach in sorted(points, reverse=True):
        names = sorted(n for n in bindings if reach is None or n in reach)
        if names:
            row = " ".join(str(bindings[n]) for n in names)
            block = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}"
            text = f"{text[: at + 1]} {block}{text[at + 1 :]}"
    return text


_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*|[?$]\w+|[A-Za-z_][\w.-]*:[\w.-]*|[A-Za-z]+|[{}()*]|\s+|.",
    re.S,
)


@dataclass
class _Projection:
    """The projection of a SELECT being read: its parenthesis level and the variables it names."""

    level: int
    names: set[str] = field(default_factory=set)
    star: bool = False
    after_as: bool = False


def _binding_points(text: str) -> list[tuple[int, frozenset[str] | None]]:
    """Offsets of the ``{`` opening each WHERE group parameters reach, with the variables each takes.

    ``None`` means any variable: the outermost group of an ASK, CONSTRUCT or
    DESCRIBE, or a ``SELECT *``.  A sub-SELECT takes only what it projects.
    """
    points: list[tuple[int, frozenset[str] | None]] = []
    depth = parens = 0
    form = None
    after_where = False
    projecting: _Projection | None = None
    for token in _TOKEN.finditer(text):
        word = token.group()
        upper = word.upper()
        if upper == "SELECT":
            projecting = _Projection(parens)
            form = form or "SELECT"
            continue
        if projecting is not None:
            if word == "*" and parens == projecting.level:
                projecting.star = True
            elif upper == "AS":
                projecting.after_as = True
            elif word[0] in "?$" and len(word) > 1 and (parens == projecting.level or projecting.after_as):
                projecting.names.add(word[1:])
                projecting.after_as = False
            elif word == "{" and parens == projecting.level:
                points.append((token.start(), None if projecting.star else frozenset(projecting.names)))
                projecting = None
                depth += 1
                continue
        if depth == 0 and parens == 0 and form is None and upper in ("ASK", "CONSTRUCT", "DESCRIBE"):
            form = upper
        elif depth == 0 and parens == 0 and upper == "WHERE":
            after_where = True
        if word == "(":
            parens += 1
        elif word == ")":
            parens -= 1
        elif word == "{":
            if depth == 0 and parens == 0 and form != "SELECT" and (after_where or form in ("ASK", "DESCRIBE")):
                points.append((token.start(), None))
            depth += 1
        elif word == "}":
            depth -= 1
    return points


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """``["country=thailand", "lang=th"]`` -> a dict; a usage error for anything else."""
    given = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CoopgraphError(f"-p {pair!r}: write a parameter as name=value")
        given[name.strip().lstrip("?$")] = value
    return given
