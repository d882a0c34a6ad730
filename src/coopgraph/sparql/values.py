"""RDF terms as Python values, for people working in Python (:mod:`coopgraph.api`).

A query answer holds RDF terms; a notebook wants numbers, dates and text it
can compare with ``==``.  Each term becomes the closest Python value that
loses nothing:

========================================  ==================================================
RDF term                                  Python value
========================================  ==================================================
IRI                                       :class:`IRI`, a ``str`` of the full IRI, with ``.curie``
``"text"@th``                             :class:`LangString`, a ``str`` with ``.lang``
``xsd:string`` (plain text)               ``str``
``xsd:date``                              ``datetime.date``
``xsd:dateTime``                          ``datetime.datetime``
``xsd:gYearMonth``, ``xsd:gYear``         :class:`~coopgraph.curate.dates.PartialDate` (``2024-02``:
                                          precision ``month``, never the 1st of the month)
``xsd:integer`` (and its sub-types)       ``int``
``xsd:decimal``                           ``decimal.Decimal`` (exact)
``xsd:double``, ``xsd:float``             ``float``
``xsd:boolean``                           ``bool``
``xsd:duration``                          :class:`Duration`, a ``str`` (``P5Y``) with ``.datatype``
any other datatype, or a bad lexical form :class:`TypedLiteral`, a ``str`` with ``.datatype``
blank node                                :class:`BlankNode`, a ``str`` (``_:b1``)
========================================  ==================================================

The ``str`` subclasses compare and hash as their text, so
``row["partnerLabel"] == "Indonesia"`` holds, an IRI is a ``networkx`` node
id of :func:`coopgraph.views.project.project` as it is, and a value can be
passed back as a query parameter.

>>> import pyoxigraph as ox
>>> to_python(ox.Literal("2024-02", datatype=ox.NamedNode(XSD + "gYearMonth")), {})
PartialDate(text='2024-02', precision='month')
>>> to_python(ox.NamedNode("https://w3id.org/coopgraph/id/country/laos"),
...           {"country": "https://w3id.org/coopgraph/id/country/"}).curie
'country:laos'
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self

from coopgraph.curate.dates import PartialDate

if TYPE_CHECKING:
    from coopgraph.sparql.query import Term

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_INTEGERS = frozenset(
    XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
        "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
)


class IRI(str):
    """An IRI: the ``str`` is the full IRI; ``.curie`` is its prefixed name (``country:thailand``)."""

    __slots__ = ("curie",)
    curie: str

    def __new__(cls, iri: str, curie: str | None = None) -> Self:
        value = super().__new__(cls, iri)
        value.curie = curie or f"<{iri}>"
        return value

    @property
    def iri(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"IRI({self.curie!r})" if not self.curie.startswith("<") else f"IRI({self.iri!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # pickling (multiprocessing, caching) keeps the curie
        return (IRI, (self.iri, self.curie))


class LangString(str):
    """Text in a language: compares as its text; ``.lang`` is the tag (``en``, ``th``)."""

    __slots__ = ("lang",)
    lang: str

    def __new__(cls, text: str, lang: str) -> Self:
        value = super().__new__(cls, text)
        value.lang = lang
        return value

    def __repr__(self) -> str:
        return f"{str.__repr__(self)}@{self.lang}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (LangString, (str(self), self.lang))


class TypedLiteral(str):
    """A literal of a datatype with no Python counterpart: its text, and ``.datatype`` (an IRI)."""

    __slots__ = ("datatype",)
    datatype: str

    def __new__(cls, text: str, datatype: str) -> Self:
        value = super().__new__(cls, text)
        value.datatype = datatype
        return value

    def __repr__(self) -> str:
        short = self.datatype.removeprefix(XSD)
        return f"{type(self).__name__}({str.__repr__(self)}, {'xsd:' + short if short != self.datatype else short})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (TypedLiteral, (str(self), self.datatype))


class Duration(TypedLiteral):
    """An ``xsd:duration`` such as ``P5Y``, kept as written (months and years have no fixed length)."""

    __slots__ = ()

    def __new__(cls, text: str, datatype: str = XSD + "duration") -> Self:
        return super().__new__(cls, text, datatype)

    def __repr__(self) -> str:
        return f"Duration({str.__repr__(self)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Duration, (str(self),))


class BlankNode(str):
    """A blank node, as ``_:label`` (labels are local to one answer)."""

    __slots__ = ()


def to_python(term: Term | None, prefixes: Mapping[str, str]) -> Any:
    """One RDF term as a Python value (see the module docs); ``None`` for an unbound variable."""
    import pyoxigraph as ox

    from coopgraph.sparql.results import compact

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value, compact(term, prefixes))
    if isinstance(term, ox.BlankNode):
        return BlankNode(f"_:{term.value}")
    if isinstance(term, ox.Literal):
        if term.language:
            return LangString(term.value, term.language)
        return literal_value(term.value, term.datatype.value)
    return TypedLiteral(str(term), "")  # an RDF-star triple term: its N-Triples text


def literal_value(text: str, datatype: str) -> Any:
    """A typed literal's Python value; a lexical form that does not parse stays text with its datatype."""
    try:
        return _CONVERT[datatype](text)
    except KeyError:
        if datatype in _INTEGERS:
            return _integer(text, datatype)
        return TypedLiteral(text, datatype)
    except (ValueError, ArithmeticError):
        return TypedLiteral(text, datatype)


def _integer(text: str, datatype: str) -> Any:
    try:
        return int(text.strip())
    except ValueError:
        return TypedLiteral(text, datatype)


def _boolean(text: str) -> bool:
    word = text.strip()
    if word in ("true", "1"):
        return True
    if word in ("false", "0"):
        return False
    raise ValueError(word)


def _partial(text: str, precision: str) -> PartialDate:
    """``2024-02`` or ``2024`` as a :class:`PartialDate`; any year (the curated range is not checked here)."""
    digits = text.strip()
    expected = 7 if precision == "month" else 4
    if len(digits) != expected or not digits.replace("-", "").isdigit():
        raise ValueError(text)
    if precision == "month" and not 1 <= int(digits[5:]) <= 12:
        raise ValueError(text)
    return PartialDate(digits, "month" if precision == "month" else "year")


def _double(text: str) -> float:
    word = text.strip()
    return float({"INF": "inf", "-INF": "-inf", "+INF": "inf", "NaN": "nan"}.get(word, word))


_CONVERT: dict[str, Any] = {
    XSD + "string": str,
    XSD + "date": lambda text: dt.date.fromisoformat(text.strip()),
    XSD + "dateTime": lambda text: dt.datetime.fromisoformat(text.strip()),
    XSD + "gYearMonth": lambda text: _partial(text, "month"),
    XSD + "gYear": lambda text: _partial(text, "year"),
    XSD + "integer": lambda text: int(text.strip()),
    XSD + "decimal": lambda text: decimal.Decimal(text.strip()),
    XSD + "double": _double,
    XSD + "float": _double,
    XSD + "boolean": _boolean,
    XSD + "duration": lambda text: Duration(text),
}
