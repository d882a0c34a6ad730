"""HTML documentation of the ontology, one page per language, made by pyLODE.

pyLODE (``OntPub``) renders every class and property with its labels,
definitions, domains and ranges; it works offline (its background
vocabularies ship with it) and embeds its CSS.  We hand it one language at a
time: each label or definition in that language, or in English where the
ontology has no translation, so the Thai page reads in Thai wherever the
ontology's ``@th`` labels allow.  pyLODE's own words ("Classes", "Domain",
…) are English only; the Thai page gets them translated here.

Three pyLODE habits are corrected so the same ontology gives byte-identical
HTML: blank nodes must be stable (we pass the canonicalised ontology), its
subjects unsorted (we ask it to sort), and it lists the members of an
``owl:unionOf`` in ``set`` order (we sort them while it renders).

>>> html = ontology_html(read_ontology(), "th")   # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal
from rdflib.namespace import DCTERMS

from coopgraph.errors import CoopgraphError

LANGUAGES = ("en", "th")
FALLBACK = "en"

#: pyLODE's own words in Thai: section headings, contents links and row names
#: (the ontology's words come from its @th labels)
THAI_WORDS = {
    "Metadata": "ข้อมูลกำกับ",
    "Classes": "คลาส",
    "Object Properties": "คุณสมบัติเชิงวัตถุ",
    "Datatype Properties": "คุณสมบัติเชิงข้อมูล",
    "Annotation Properties": "คุณสมบัติหมายเหตุประกอบ",
    "Functional Properties": "คุณสมบัติเชิงฟังก์ชัน",
    "Namespaces": "เนมสเปซ",
    "Legend": "คำอธิบายสัญลักษณ์",
    "Table of Contents": "สารบัญ",
    "Title": "ชื่อเรื่อง",
    "Description": "คำอธิบาย",
    "License": "สัญญาอนุญาต",
    "Version Info": "รุ่น",
    "Domain": "โดเมน",
    "Range": "เรนจ์",
    "In Domain Of": "อยู่ในโดเมนของ",
    "In Range Of": "อยู่ในเรนจ์ของ",
    "Sub Class Of": "เป็นคลาสย่อยของ",
    "Super Class Of": "เป็นคลาสแม่ของ",
    "Sub Property Of": "เป็นคุณสมบัติย่อยของ",
    "Super Property Of": "เป็นคุณสมบัติแม่ของ",
    "Equivalentclass": "คลาสสมมูล",
    "Restriction": "ข้อจำกัด",
}


def in_language(graph: Graph, lang: str) -> Graph:
    """The graph with each property's text in one language (or English where it has none).

    Untagged literals stay as they are.
    """
    kept = Graph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        kept.bind(prefix, namespace)
    tagged: dict[tuple[Any, Any], list[Literal]] = {}
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language:
            tagged.setdefault((s, p), []).append(o)
        else:
            kept.add((s, p, o))
    for (s, p), texts in tagged.items():
        for wanted in (lang, FALLBACK):
            chosen = [text for text in texts if text.language == wanted]
            if chosen:
                break
        else:
            chosen = texts
        for text in chosen:
            kept.add((s, p, text))
    return kept


def _for_pylode(ontology: Graph) -> Graph:
    """What pyLODE should see: it shows every title of the ontology and of each concept scheme in one heading."""
    graph = Graph(bind_namespaces="none")
    graph += ontology
    for prefix, namespace in ontology.namespaces():
        graph.bind(prefix, namespace)
    for node in list(graph.subjects(RDF.type, OWL.Ontology)):
        if (node, DCTERMS.title, None) in graph:
            graph.remove((node, RDFS.label, None))
    graph.remove((None, RDF.type, SKOS.ConceptScheme))
    return graph


@contextlib.contextmanager
def _stable_pylode() -> Iterator[None]:
    """While pyLODE renders: list set members in a stable order, read its background
    vocabularies once for all pages, and keep its INFO logging quiet."""
    import pylode.profiles.ontpub
    import pylode.utils

    original, load = pylode.utils.intersperse, pylode.profiles.ontpub.load_background_onts
    loaded: list[Graph] = []

    def intersperse(items: Any, separator: Any) -> list[Any]:
        if isinstance(items, set):
            items = sorted(items, key=lambda item: item.render() if hasattr(item, "render") else str(item))
        return list(original(items, separator))

    def load_once() -> Graph:
        if not loaded:
            loaded.append(load())
        return loaded[0]

    pylode.utils.intersperse = intersperse
    pylode.profiles.ontpub.load_background_onts = load_once
    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        pylode.utils.intersperse = original
        pylode.profiles.ontpub.load_background_onts = load
        root.setLevel(level)


def ontology_pages(ontology: Graph, languages: tuple[str, ...] = LANGUAGES) -> dict[str, bytes]:
    """The pyLODE page of the ontology in each language, as UTF-8 bytes."""
    with _stable_pylode():
        return {lang: ontology_html(ontology, lang) for lang in languages}


def ontology_html(ontology: Graph, lang: str) -> bytes:
    """The pyLODE page of the ontology in one language, as UTF-8 bytes."""
    if lang not in LANGUAGES:
        raise CoopgraphError(f"no documentation language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    from pylode import OntPub
    from pylode.utils import PylodeError

    graph = _for_pylode(in_language(ontology, lang))
    try:
        with _stable_pylode():
            html = str(OntPub(graph, sort_subjects=True).make_html())
    except PylodeError as error:
        raise CoopgraphError(f"ontology documentation: {error}") from None
    html = html.replace("<html>", f'<html lang="{lang}">', 1)
    if lang == "th":
        for english, thai in THAI_WORDS.items():
            for before, after in (("<h2>", "</h2>"), ("<h3>", "</h3>"), (">", "</a>")):
                html = html.replace(f"{before}{english}{after}", f"{before}{thai}{after}")
    return html.encode("utf-8")
