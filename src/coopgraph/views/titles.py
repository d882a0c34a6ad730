"""What the explorer says about an agreement beyond its node: a short title for the canvas, and the
details of its side panel (signatories with post and side, witnesses, term in words, numbered areas,
notes, status history, sources), each text in English and Thai with the fallbacks marked.

A full title ("Memorandum of Understanding between the Association of Southeast Asian Nations and
the People's Republic of China on Co-operation in Communications and Digital Technology") does not
fit on a canvas; the short one is made from the parties, the kind, the subject and the year:
"ASEAN–China MOU on communications and digital technology (2024)". A ``coop:shortTitle`` in the
data, once the model has one, wins over the derived one.
"""

from __future__ import annotations

import re
from typing import Any

from coopgraph.views.facts import AgreementInfo, _host, _sources, event_when
from coopgraph.views.index import STATUS_CODES, Index
from coopgraph.views.labels import COOP, SHORT_TITLE, SKOS, UNKNOWN_STATUS

#: agreement kind key -> (English, Thai) short name used in short titles
KIND_SHORT: dict[str, tuple[str, str]] = {
    "memorandum-of-understanding": ("MOU", "บันทึกความเข้าใจ"),
    "memorandum-of-cooperation": ("MOC", "บันทึกความร่วมมือ"),
    "declaration": ("declaration", "ปฏิญญา"),
    "roadmap": ("roadmap", "แผนงาน"),
    "joint-statement": ("joint statement", "แถลงการณ์ร่วม"),
    "framework-agreement": ("framework agreement", "ความตกลงกรอบ"),
    "agreement": ("agreement", "ความตกลง"),
}
DASH = "\u2013"
RDF_TITLE = "http://purl.org/dc/terms/title"
SHORT_ENOUGH = 48
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LEAD = re.compile(
    r"^(?:(?:the\s+)?(?:co\s*[-\u2010-\u2015]?\s*operation|collaboration|partnership|strategic collaboration)"
    r"\s+(?:in|on|for|of|regarding)\s+)?(?:the\s+(?:field|fields|area|areas)\s+of\s+)?",
    re.IGNORECASE,
)


_TRAIL = re.compile(r"\s+(?:co\s*[-\u2010-\u2015]?\s*operation|collaboration|partnership)$", re.IGNORECASE)
_PROMOTING = re.compile(r"^(?:promoting|enhancing|strengthening)\s+", re.IGNORECASE)


def _short_name(index: Index, node: str, lang: str) -> str:
    """A party's name for a short title: a body serving a country stands as that country; otherwise its
    abbreviation, else its shortest variant name when its label is long, else its label."""
    served = index.iris(node, COOP.serves)
    if served and str(COOP.Country) not in index.iris(node, RDF_TYPE):
        return _short_name(index, served[0], lang)
    abbreviations = index.literals(node, COOP.abbreviation)
    for wanted in (lang, "en", None):
        for lit in abbreviations:
            if wanted is None or lit.lang == wanted:
                return lit.value
    label = index.label(node, lang)
    variants = [lit.value for lit in index.literals(node, SKOS.altLabel)
                if lit.lang == lang and len(lit.value) < len(label)]
    return min(variants, key=lambda v: (len(v), v)) if variants and len(label) > 16 else label


#: who comes first in a short title: blocs, then countries and their bodies, then companies
_PARTY_ORDER = {"igo": 0, "country": 1, "government": 1, "ministry": 1, "agency": 1, "company": 2}


def _subject_en(title: str) -> str:
    """What a title is about, from its last " on ": "on Co-operation in Digital Technology" -> "digital technology"."""
    _, sep, tail = title.rpartition(" on ")
    if not sep:
        return ""
    tail = _LEAD.sub("", tail.strip()).strip(" .")
    tail = _PROMOTING.sub("", tail)
    if len(_TRAIL.sub("", tail).split()) >= 2:
        tail = _TRAIL.sub("", tail)
    words = tail.split()
    if not words or len(words) > 6:
        return ""
    return " ".join(w if (w.isupper() or any(c.isupper() for c in w[1:])) else w.lower() for w in words)


def _subject_th(title: str) -> str:
    """What a Thai title is about: the text after its last ด้าน or ว่าด้วย, if short."""
    for marker in ("ด้าน", "ว่าด้วย"):
        if marker in title:
            tail = title.rsplit(marker, 1)[1].strip()
            return marker + tail if 0 < len(tail) <= 40 else ""
    return ""


def short_title(index: Index, info: AgreementInfo) -> tuple[str, str]:
    """``(English, Thai)`` short title of an agreement; a recorded short title wins over the derived one."""
    given = {lit.lang: lit.value for lit in index.literals(info.iri, SHORT_TITLE)}
    parties_en = _party_names(index, info, "en")
    parties_th = _party_names(index, info, "th")
    kind_en, kind_th = KIND_SHORT.get(info.kind, KIND_SHORT["agreement"])
    subject_en = _subject_en(index.text(info.iri, RDF_TITLE, "en") or info.label_en)
    subject_th = _subject_th(index.text(info.iri, RDF_TITLE, "th"))
    year_en = f" ({info.date.earliest().year})" if info.date else ""
    year_th = f" ({info.date.earliest().year + 543})" if info.date else ""
    en = f"{parties_en} {kind_en}".strip() + (f" on {subject_en}" if subject_en else "") + year_en
    th = f"{kind_th} {parties_th}".strip() + (f" {subject_th}" if subject_th else "") + year_th
    if len(info.label_en) <= SHORT_ENOUGH or len(en) >= len(info.label_en):  # short already, or no shorter made
        en = info.label_en + (year_en if year_en.strip(" ()") not in info.label_en else "")
        if len(en) > max(80, len(info.label_en)):
            en = info.label_en
    if info.label_th and info.label_th != info.label_en and len(info.label_th) <= SHORT_ENOUGH:
        th = info.label_th + (year_th if year_th.strip(" ()") not in info.label_th else "")
    return given.get("en", en), given.get("th", th)




def _party_names(index: Index, info: AgreementInfo, lang: str) -> str:
    from coopgraph.views.facts import kind_of

    names: list[str] = []
    ordered = sorted(info.parties, key=lambda p: (_PARTY_ORDER.get(kind_of(index, p) or "", 3),
                                                  _short_name(index, p, "en").casefold(), p))
    for party in ordered:
        name = _short_name(index, party, lang)
        if name not in names:
            names.append(name)
    if len(names) > 3:
        return DASH.join(names[:2]) + f" +{len(names) - 2}"
    return DASH.join(names)


# --------------------------------------------------------------------------- terms in words

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_UNITS = (("year", "years", "ปี"), ("month", "months", "เดือน"), ("week", "weeks", "สัปดาห์"), ("day", "days", "วัน"))


def duration_words(text: str) -> tuple[str, str]:
    """``P5Y`` -> ("5 years", "5 ปี"); ``P1Y6M`` -> ("1 year 6 months", "1 ปี 6 เดือน"); other text as it is."""
    found = _DURATION.match(text.strip())
    if not found or not any(found.groups()):
        return text, text
    en, th = [], []
    for value, (one, many, thai) in zip(found.groups(), _UNITS, strict=True):
        if value:
            number = int(value)
            en.append(f"{number} {one if number == 1 else many}")
            th.append(f"{number} {thai}")
    return " ".join(en), " ".join(th)


def term_words(index: Index, agreement: str) -> tuple[str, str] | None:
    """The term and renewal in words: ("5 years, renews automatically for 3 years", "5 ปี ต่ออายุอัตโนมัติคราวละ 3 ปี")."""
    term = index.literals(agreement, COOP.term)
    renewal = index.literals(agreement, COOP.renewalTerm)
    automatic = [lit.value for lit in index.literals(agreement, COOP.automaticRenewal)]
    if not term and not renewal and not automatic:
        return None
    en, th = duration_words(term[0].value) if term else ("term unknown", "ไม่ทราบระยะเวลา")
    auto = bool(automatic) and automatic[0] in ("true", "1")
    if renewal:
        r_en, r_th = duration_words(renewal[0].value)
        if auto:
            en, th = f"{en}, renews automatically for {r_en}", f"{th} ต่ออายุอัตโนมัติคราวละ {r_th}"
        else:
            en, th = f"{en}, may be renewed for {r_en}", f"{th} ต่ออายุได้คราวละ {r_th}"
    elif auto:
        en, th = f"{en}, renews automatically", f"{th} ต่ออายุอัตโนมัติ"
    return en, th


# --------------------------------------------------------------------------- the side panel's details


def _named(index: Index, node: str | None) -> list[Any]:
    """``[en, th, th_is_fallback]`` of a node's name; None -> "unknown"."""
    if node is None:
        return ["unknown", "ไม่ทราบ", False]
    th = _own_text(index, node, "th")
    en = index.label(node, "en")
    return [en, th or en, not th]


def _own_text(index: Index, node: str, lang: str) -> str:
    for prop in (SKOS.prefLabel, "http://www.w3.org/2000/01/rdf-schema#label"):
        text = index.text(node, prop, lang)
        if text:
            return text
    return ""


def _texts(index: Index, node: str, prop: str) -> list[Any]:
    """``[en, th, th_is_fallback]`` of a language-tagged text, or [] when there is none."""
    en, th = index.text(node, prop, "en"), index.text(node, prop, "th")
    if not en and not th:
        found = index.literals(node, prop)
        if not found:
            return []
        en = found[0].value
    return [en or th, th or en, not th]


ROLE_NAMES = {COOP.SignatoryRole: ("signed", "ลงนาม"), COOP.WitnessRole: ("witnessed", "เป็นสักขีพยาน"),
              COOP.AttendeeRole: ("attended", "เข้าร่วม")}


def _role_claims(index: Index, signing: str) -> dict[str, list[list[str]]]:
    """person -> each source's version of their role at a signing: ``[role en, role th, source hosts]``."""
    found: dict[str, list[list[str]]] = {}
    for claim in index.iris(signing, COOP.roleClaim):
        person = index.iri(claim, COOP.aboutPerson)
        role = ROLE_NAMES.get(index.iri(claim, COOP.claimedRole) or "", ("?", "?"))
        hosts = ", ".join(sorted({_host(s[0]) for s in _sources(index, [claim])}))
        if person:
            found.setdefault(person, []).append([*role, hosts])
    return found


def _certainty(index: Index, signature: str | None, person: str | None, claims: dict[str, list[list[str]]]
               ) -> dict[str, Any]:
    """A role's certainty where the data holds it: ``stated``, or ``disputed`` with each source's version."""
    disputed = (signature is not None and index.iri(signature, COOP.roleCertainty) == COOP.Disputed) or (
        person is not None and person in claims)
    if disputed:
        return {"certainty": "disputed", "claims": claims.get(person or "", [])}
    if signature is not None and index.iri(signature, COOP.certainty) == COOP.Stated:
        return {"certainty": "stated", "claims": []}
    return {"certainty": "", "claims": []}


def agreement_details(index: Index, info: AgreementInfo) -> dict[str, Any]:
    """Everything the side panel lists of an agreement, in both languages; ``True`` marks a fallback."""
    node = info.iri
    title_th = index.text(node, RDF_TITLE, "th") or _own_text(index, node, "th")
    signings = []
    for signing in index.iris(node, COOP.hasSigning):
        when = event_when(index, signing)
        claims = _role_claims(index, signing)
        people = []
        for signature in index.iris(signing, COOP.hasSignature):
            person = index.iri(signature, COOP.signatory)
            post = index.iri(signature, COOP.inCapacityOf)
            side = index.iri(signature, COOP.onBehalfOf)
            people.append({"person": _named(index, person), "post": _named(index, post) if post else None,
                           "for": _named(index, side), **_certainty(index, signature, person, claims)})
        signings.append({
            "date": [when.en, when.th] if when else None,
            "place": [_named(index, p) for p in index.iris(signing, COOP.place)],
            "signatories": people,
            "witnesses": [{"person": _named(index, p), **_certainty(index, None, p, claims)}
                          for p in index.iris(signing, COOP.witness)],
            "note": _texts(index, signing, SKOS.note),
        })
    areas = []
    for area in index.iris(node, COOP.hasArea):
        number = next((lit.value for lit in index.literals(area, COOP.areaNumber)), "")
        areas.append([int(number) if number.isdigit() else 0, *_named(index, area)])
    areas.sort(key=lambda a: (a[0], a[1]))
    steps = []  # the lifecycle as recorded, each date in words (an uncertain one is no status interval)
    for change in index.iris(node, COOP.hasStatusChange):
        status = STATUS_CODES.get(index.iri(change, COOP.status) or "", UNKNOWN_STATUS[0])
        when = event_when(index, change)
        first = when.earliest.isoformat() if when and when.earliest else ""
        steps.append((first, status, when.en if when else "", when.th if when else "", bool(when and when.uncertain)))
    steps.sort()
    term = term_words(index, node)
    return {
        "title": [info.label_en, title_th or info.label_en, not title_th],
        "signings": signings,
        "term": list(term) if term else None,
        "areas": areas,
        "notes": _texts(index, node, SKOS.note),
        "steps": [[status, en, th, uncertain] for _, status, en, th, uncertain in steps],
        "sources": _sources(index, [node, *index.iris(node, COOP.hasSigning), *index.iris(node, COOP.hasStatusChange)]),
    }


__all__ = ["agreement_details", "duration_words", "short_title", "term_words"]
