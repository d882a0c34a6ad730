"""Run SPARQL on the built store (pyoxigraph, directly) or on a remote endpoint.

Parameters are RDF terms.  Embedded, they are handed to Oxigraph as
``substitutions`` (SEP-0007: the variable *is* the term); remotely, where the
protocol has no bindings, they travel as ``VALUES`` blocks of serialised
terms opening the groups they reach (the outermost ``WHERE`` group, and each
sub-SELECT that projects them, as substitution does).  Either way a value is
never pasted into the query text, so quotes or braces in it cannot change the
query.  Oxigraph substitutes only variables a SELECT projects, so saved
queries project their parameters; the CLI drops bound columns from output.

>>> store = open_store(Path("build"))                                     # doctest: +SKIP
>>> result = run(store, "SELECT ?c WHERE { ?c a coop:Country }", prefixes=PREFIXES)   # doctest: +SKIP
>>> result.columns                                                      # doctest: +SKIP
('c',)
"""

from __future__ import annotations

import dataclasses
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
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Start a query on a store and return pyoxigraph's lazy answer; errors name line and column."""
    import pyoxigraph as ox

    options: dict[str, Any] = graph_options(graph)
    try:
        if default_graphs:
            options = {"default_graph": [ox.NamedNode(iri) for iri in default_graphs]}
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    except ValueError as error:
        raise CoopgraphError(f"{source}: a graph name is not an IRI ({error})") from None
    substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
    try:
        return store.query(text, prefixes=dict(prefixes or {}), substitutions=substitutions or None, **options)
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
) -> Result:
    """Run a query on a store and collect its answer (at most ``limit`` rows when given)."""
    answer = execute(store, text, bindings=bindings, graph=graph, prefixes=prefixes, source=source)
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
    """SELECT, ASK or graph: parse the query (on an empty store) without running it on data."""
    import pyoxigraph as ox

    try:
        answer = ox.Store().query(text, prefixes=dict(prefixes or {}))
    except SyntaxError as error:
        raise CoopgraphError(syntax_message(text, str(error), source)) from None
    if isinstance(answer, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(answer, ox.QuerySolutions) else "graph"


def is_update(text: str) -> bool:
    """Whether the text is a SPARQL update (tried on a throw-away empty store)."""
    import pyoxigraph as ox

    try:
        ox.Store().update(text)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        return False
    return True


def syntax_message(text: str, message: str, source: str) -> str:
    r"""``source:line:column: SPARQL syntax error near 'x': ...`` from Oxigraph's message.

    Oxigraph's parser often reports the end of the text, however early the
    mistake; then rdflib's parser (loaded only now) is asked where it stopped.

    >>> syntax_message("SELECT ?x WHERE {\n ?x ?p }}", "error at 2:9: expected ...", "q.rq")
    "q.rq:2:9: SPARQL syntax error near '}': expected ..."
    """
    if is_update(text):
        return (
            f"{source}: this is a SPARQL update; coopgraph only reads (use a query: SELECT, ASK, CONSTRUCT, DESCRIBE)"
        )
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
