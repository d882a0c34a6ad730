"""A saved query's parameters written into its text as constants, so Oxigraph plans with them.

Oxigraph plans a query before it sees ``substitutions``: ``agreements-of-country`` at 100k
agreements ran its union for every country and joined the one asked at the end (30 s), where
the same text with the country's IRI in it starts from that country.  Here each occurrence of a
bound parameter the substitution reaches (the outermost query, and every sub-SELECT that
projects it, as :func:`coopgraph.sparql.query.with_values` reads them) becomes the term itself:
``(<iri> AS ?country)`` in the outermost projection (left out of a sub-SELECT's: the outer query
may not project a variable its group already binds), ``(<iri>)`` as a ``GROUP BY`` / ``ORDER BY``
key, the bare term anywhere else.

Why a value cannot change the query: only the *saved* text is tokenised (strings, IRIs and
comments are single tokens there, so a ``?country`` inside them is left alone), and a value is
written only as the N-Triples form pyoxigraph gives a term it validated (``NamedNode`` refuses
``>``, ``"``, ``{``, spaces, ``\\``), and only when that form matches :data:`INERT`: an IRI, or
a literal with no quote, backslash or control character inside (so no escape sequence at all),
at most :data:`MAX_INLINE` characters.  Anything else (``"``, a newline, NUL, a long text)
stays a substitution, an inert constant as before.  Texts whose shape is unusual for this
(``MINUS``, a ``VALUES`` or ``BIND ... AS`` of a parameter, ``LIMIT`` in a sub-SELECT it
reaches, ``BOUND(?param)``) keep every parameter substituted.

>>> import pyoxigraph as ox
>>> inline('SELECT ?c ?x WHERE { ?x <p> ?c } ORDER BY ?c', {"c": ox.NamedNode("http://e/a")})[0]
'SELECT (<http://e/a> AS ?c) ?x WHERE { ?x <p> <http://e/a> } ORDER BY (<http://e/a>)'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox

    Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

MAX_INLINE = 2048
"""Longer terms stay substitutions (a long text gains nothing from being planned with)."""

_IRI = r'<[^\x00-\x20<>"{}|^`\\\x7f]*>'
INERT = re.compile(rf'{_IRI}|"[^"\\\x00-\x1f\x7f]*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^{_IRI})?')
"""The written forms of a term that are one token wherever a term may stand, with no escape inside."""

_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*|[?$]\w+|[A-Za-z_][\w.-]*:(?:[\w.:%-]|\\.)*|:(?:[\w.:%-]|\\.)*"
    r"|[A-Za-z_]\w*|\s+|.",
    re.S,
)
"""SPARQL's tokens as far as this needs them: strings, IRIs, comments, variables, prefixed names
and bare words are whole tokens (so none is read inside another), anything else one character."""

Slot = tuple[str, str]
"""(parameter, form): ``term``, ``project`` (``(T AS ?p)``), ``key`` (``(T)``), ``drop`` (left out)
or ``star`` (``*``)."""


def inline(text: str, bindings: Mapping[str, Term]) -> tuple[str, dict[str, Term]]:
    """The text with the parameters it can take as constants written in, and those left to substitute.

    The text is trusted (a saved query); the bindings are validated terms from
    :func:`coopgraph.sparql.queryfile.bind`.  Nothing changes when the text has
    a shape this does not rewrite (see the module docs).
    """
    written = {name: str(term) for name, term in bindings.items()}
    names = frozenset(n for n, form in written.items() if len(form) <= MAX_INLINE and INERT.fullmatch(form))
    pieces = _plan(text, names) if names else None
    if pieces is None:
        return text, dict(bindings)
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        name, form = piece
        term = written[name]
        if form == "term":
            out.append(term)
        elif form == "project":
            out.append(f"({term} AS ?{name})")
        elif form == "key":
            out.append(f"({term})")
        elif form == "star":
            out.append("*")
    return "".join(out), {n: t for n, t in bindings.items() if n not in names}


@dataclass
class _Scope:
    """One query level: the outermost query or a sub-SELECT, and where the reading is in it."""

    reach: frozenset[str]
    depth: int
    """Braces open around its SELECT (its WHERE group opens one more)."""
    parens: int
    select: bool = True
    star: bool = False
    """A sub-SELECT of parameters only over an empty group (``{ SELECT ?as_of WHERE { } }``): it
    becomes ``SELECT * WHERE { }``, one empty row as before."""
    head: bool = True
    """Still before its WHERE group (the projection, or a CONSTRUCT template's keyword)."""
    keys: bool = False
    """In a GROUP BY / ORDER BY clause."""


@functools.lru_cache(maxsize=512)
def _plan(text: str, names: frozenset[str]) -> tuple[str | Slot, ...] | None:
    """The text cut at each occurrence of ``names`` to write, or None when it is not to be rewritten."""
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(text)]
    significant = [i for i, (_, word) in enumerate(tokens) if not word.isspace() and not word.startswith("#")]
    pieces: list[str | Slot] = []
    depth = parens = 0
    scopes: list[_Scope] = []
    last = ""  # the previous significant token, upper-cased
    before = ""  # the one before it
    in_values = False
    cut = 0  # text before this offset is in pieces
    for position, index in enumerate(significant):
        at, word = tokens[index]
        upper = word.upper()
        if upper in ("MINUS",):
            return None
        if upper == "SELECT":
            projected = _projection(tokens, significant[position + 1 :])
            if not scopes:
                if projected is not None and not names <= projected:
                    return None  # Oxigraph's own error (a parameter the SELECT does not project) stands
                scopes.append(_Scope(names, 0, parens))
            else:  # a sub-SELECT takes what it projects of what reaches its parent
                outer = scopes[-1].reach
                empty = projected is not None and projected <= outer
                if empty and not _empty_group(tokens, significant[position + 1 :]):
                    return None  # it would project nothing once its constants are left out
                scopes.append(_Scope(outer if projected is None else outer & projected, depth, parens, star=empty))
        elif not scopes and upper in ("ASK", "CONSTRUCT", "DESCRIBE"):
            scopes.append(_Scope(names, 0, parens, select=False))
        scope = scopes[-1] if scopes else None
        if upper == "VALUES":
            in_values = True
            if scope is not None and not scope.head and depth == scope.depth:
                return None  # a VALUES clause after the WHERE group
        elif word == "(":
            parens += 1
        elif word == ")":
            parens -= 1
        elif word == "{":
            if scope is not None and scope.head and parens == scope.parens:
                scope.head = False
            in_values = False
            depth += 1
        elif word == "}":
            depth -= 1
            while len(scopes) > 1 and depth < scopes[-1].depth:
                scopes.pop()
            if scopes and depth == scopes[-1].depth:
                scopes[-1].keys = False
        elif scope is not None and depth == scope.depth and not scope.head and parens == scope.parens:
            if upper == "BY" and last in ("GROUP", "ORDER"):
                scope.keys = True
            elif upper in ("HAVING", "LIMIT", "OFFSET"):
                scope.keys = False
                if upper != "HAVING" and len(scopes) > 1 and scope.reach:
                    return None  # a sub-SELECT cut to some rows: joined after, not filtered first
        if word[0] in "?$" and len(word) > 1 and scope is not None and word[1:] in scope.reach:
            name = word[1:]
            if last == "AS" or in_values or (last == "(" and before == "BOUND"):
                return None
            if scope.head and parens == scope.parens and scope.select:
                form = "project" if scope is scopes[0] else "star" if scope.star else "drop"
                scope.star = False
            elif scope.keys and parens == scope.parens and depth == scope.depth:
                form = "key"
            else:
                form = "term"
            pieces.append(text[cut:at])
            pieces.append((name, form))
            cut = at + len(word)
        if upper == "WHERE" and scope is not None and depth == scope.depth:
            scope.head = False
        before, last = last, upper
    pieces.append(text[cut:])
    return tuple(pieces)


def _empty_group(tokens: list[tuple[int, str]], following: list[int]) -> bool:
    """Whether a sub-SELECT's WHERE group (the first ``{`` after it) is ``{ }``."""
    words = [tokens[i][1] for i in following]
    at = words.index("{") if "{" in words else -1
    return at >= 0 and words[at + 1 : at + 2] == ["}"]


def _projection(tokens: list[tuple[int, str]], following: list[int]) -> frozenset[str] | None:
    """The variables a SELECT projects (read up to its WHERE group); None for ``SELECT *``."""
    names: set[str] = set()
    parens = 0
    after_as = False
    for index in following:
        word = tokens[index][1]
        upper = word.upper()
        if word == "(":
            parens += 1
        elif word == ")":
            parens -= 1
        elif word == "{" or (parens == 0 and upper in ("WHERE", "FROM")):
            break
        elif word == "*" and parens == 0:
            return None
        elif upper == "AS":
            after_as = True
        elif word[0] in "?$" and len(word) > 1 and (parens == 0 or after_as):
            names.add(word[1:])
            after_as = False
    return frozenset(names)
