"""The facts of a press release, as proposed records in the data format.

A release names one or more agreements by title (``บันทึกความเข้าใจ ... ว่าด้วย ...``,
``Memorandum of Understanding between ... on ...``).  Each title opens a *block*
of the text (its paragraph and the ones after it, up to the next title), and
the block gives that agreement's signing: who signed in which post and for
which side, who witnessed, where, at which meeting, on which day, and its
numbered areas.  Names are linked by :mod:`.reconcile`; what links to nothing
is proposed as a new record and marked.  Every value carries an
:class:`Evidence`: the span it was read from and a confidence.

Nothing is guessed where the text is silent: a party whose signatory is not
named gets ``person: unknown``; an agreement with no date gets ``date: unknown``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from coopgraph.curate.checker import World
from coopgraph.curate.draft.dates import FoundDate, find_dates
from coopgraph.curate.draft.reconcile import Index, Match, Mention
from coopgraph.curate.draft.text import THAI, URL, Release

Path_ = tuple[int | str, ...]

# ------------------------------------------------------------------ vocabulary of releases
KIND_WORDS: list[tuple[str, str]] = [
    (r"บันทึกความเข้าใจ|Memorandum of Understanding|\bMo[Uu]\b", "memorandum-of-understanding"),
    (r"บันทึกความร่วมมือ|Memorandum of Co-?operation|\bMoC\b|\bMOC\b", "memorandum-of-cooperation"),
    (r"แถลงการณ์ร่วม|Joint Statement", "joint-statement"),
    (r"ปฏิญญา|Declaration", "declaration"),
    (r"แผนงาน|Roadmap", "roadmap"),
    (r"กรอบความตกลง|Framework Agreement", "framework-agreement"),
    (r"ความตกลง|Agreement", "agreement"),
]
_TH_TITLE = re.compile(r"(บันทึกความเข้าใจ(?:ร่วม)?|บันทึกความร่วมมือ|แถลงการณ์ร่วม|ปฏิญญา|กรอบความตกลง|ความตกลง)")
_EN_TITLE = re.compile(
    r"(Memorandum of Understanding|Memorandum of Co-?operation|Joint Statement|Joint Declaration|"
    r"(?<![a-z] )Declaration|Framework Agreement|Roadmap)"
)
_EN_PAREN_TITLE = re.compile(
    r"\(\s*((?:Memorandum|MOU|MoU|MOC|MoC|Joint|Declaration|Framework|Agreement|Roadmap|Bangkok|Ministerial)[^()]{10,})\)"
)
_TH_STOP = re.compile(
    r"\s(?:ในช่วง|ณ\s|โดย|เมื่อ|ซึ่ง|เพื่อ|ภายใต้|ที่|ร่วมกับ|กับ\s|กับ(?:นาย|นาง|ศ\.|ดร\.))|\n|\s?\((?=[A-Za-z][^()]{15,}\))"
)
_EN_STOP = re.compile(
    r"\s\(|\)|,|\.\s|\.$|;|\n|\s(?:during|at the|at|witnessed|which|that|in the presence|on the sidelines|"
    r"on (?:\d|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|today|yesterday|this|last|with the aim|with)\b"
)
SIGN = re.compile(r"ลงนาม|signed|signing|sign\b|inked|exchanged|ink\b", re.I)
WITNESS_AFTER = re.compile(r"สักขีพยาน|เป็นพยาน|witness|presided", re.I)
TITLES = (
    r"(?:H\.E\.\s*|President\s+|Prime Minister\s+|Mr\.?\s+|Ms\.?\s+|Dr\.?\s+|Minister\s+|"
    r"นาย|นางสาว|นาง|ดร\.|นายกรัฐมนตรี)*"
)
WITNESS_BEFORE = re.compile(rf"(โดยมี|witnessed by|in the presence of|presence of)\s*{TITLES}\s*$", re.I)
ADOPT = re.compile(r"รับรอง|adopted|endorsed", re.I)
TERM_TH = re.compile(r"(?:ระยะเวลา|อายุ)\s*(\d+)\s*ปี")
TERM_EN = re.compile(
    r"(?:for|period of|valid for|term of|run for|last(?:s)? for|duration of)\s+(?:a period of\s+)?"
    r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s*(?:\(\d+\)\s*)?-?\s*years?",
    re.I,
)
TITLE_GAP = r"[\s,]*(?:H\.E\.|Mr\.?|Ms\.?|Mrs\.?|Dr\.?)?\s*"  # between a post and the name after it
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBERS = {
    w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"])
}
TH_HONORIFIC = (
    r"(?:นางสาว|นาย(?!กรัฐมนตรี|กฯ)|นาง(?!สาว)|ดร\.|ศาสตราจารย์พิเศษ|รองศาสตราจารย์|ผู้ช่วยศาสตราจารย์|ศาสตราจารย์|"
    r"พลตำรวจเอก|พลเอก|พล\.ต\.อ\.|พล\.อ\.|ม\.ร\.ว\.|H\.E\.)"
)
_TH_PERSON = re.compile(rf"({TH_HONORIFIC}\s?(?:ดร\.)?)([\u0E01-\u0E4E]+)(?:\s([\u0E01-\u0E4E]+))?")
_EN_PERSON = re.compile(
    r"(?:(?:H\.E\.|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Prof\.?|Minister|Secretary|Ambassador|Deputy Minister)\s+)"
    r"((?:[A-Z][\w'’\-]+\s){0,3}[A-Z][\w'’\-]+)"
)
_TH_POST = re.compile(
    r"(รัฐมนตรีว่าการกระทรวง|รัฐมนตรีช่วยว่าการกระทรวง|ปลัดกระทรวง|อธิบดีกรม|เลขาธิการ|ผู้อำนวยการ)[\u0E01-\u0E4E]+"
)
_EN_POST = re.compile(
    r"(?:Deputy |Vice |Permanent |Prime )?(?:Minister|Secretary|Director[- ]General|Secretary[- ]General|Chairman|CEO)"
    r"(?: (?:of|for) (?:the )?(?:[A-Z][\w'’\-]*|and|of|the|,)(?:,? (?:and )?[A-Z][\w'’\-]*| of| the| and)*)?"
)
PLACE_BEFORE = re.compile(r"(?:ณ|ที่|at|in|held in|held at)\s*(?:the\s+)?$", re.I)
MEETING_TH = re.compile(r"(?:ในช่วง(?:ระหว่าง)?|ในระหว่าง|ระหว่าง)(การประชุม[^\n(]*?)(?=\s(?:ณ|โดย|ซึ่ง|เมื่อ)\s|\s*\(|\n|$)")
MEETING_EN = re.compile(
    r"(?:during|on the sidelines of|at|on the margins of)\s+(the\s+(?:\d+\w*\s+|[A-Z]\w+\s+)?[A-Z][\w'’\- ]{0,150}?"
    r"(?:Meeting|Summit|Forum|Conference|Dialogue|Visit))",
)
AREA_LINE = re.compile(r"^\s*\(?(\d{1,2})[).]\s+(.+)$", re.M)
PAIR = re.compile(r"([\u0E00-\u0E7F][^()\n]*?)\s*\(([A-Za-z][^()]*)\)")
LIST_TH = re.compile(r"(?:ประกอบด้วย|ได้แก่|ครอบคลุม(?:ด้าน)?|ร่วมมือ(?:กัน)?ใน(?:ด้าน)?|ความร่วมมือใน(?:ด้าน)?)\s*")
LIST_EN = re.compile(
    r"(?:areas?|fields?|sectors?)\s+(?:such as|including|include|includes|of|covering|like)\s*:?\s*|"
    r"(?:covers?|covering|focus(?:es|ing)? on|spans?|spanning|include|includes|including|"
    r"(?:work|works|working|cooperate|cooperates|collaborate|collaborates) (?:together )?(?:on|in)|aims at)\s+"
    r"(?:areas such as\s+|cooperation in\s+)?",
    re.I,
)
STOP_TITLE_WORDS = {"co-operation", "cooperation", "in", "the", "of", "and", "on", "for", "field", "fields", "a", "to",
                    "between", "co", "operation", "collaboration", "regarding", "concerning", "memorandum",
                    "understanding"}  # fmt: skip


@dataclass(frozen=True)
class Evidence:
    """Where a proposed value was read and how sure we are (0-1); ``note`` says why."""

    start: int | None
    end: int | None
    confidence: float
    note: str = ""


@dataclass(frozen=True)
class Link:
    """One name that was reconciled: the text, the kind wanted, the id linked (None = proposed as new)."""

    kind: str
    text: str
    ident: str | None
    new_id: str | None = None


@dataclass
class Draft:
    """Proposed records in the data format (YAML keys), evidence by path, and the links made."""

    release: Release
    agreements: list[dict[str, Any]] = field(default_factory=list)
    new: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # registry file stem -> records
    evidence: dict[Path_, Evidence] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = "unknown-source"
    mentioned: list[Mention] = field(default_factory=list)  # linked names not used in a record

    def propose(self, registry: str, record: dict[str, Any]) -> str:
        """Add a new record (once per id) and return its id."""
        records = self.new.setdefault(registry, [])
        if not any(r["id"] == record["id"] for r in records):
            records.append(record)
        return str(record["id"])


@dataclass
class Title:
    start: int
    end: int
    kind: str
    th: str | None = None
    en: str | None = None
    en_printed: str | None = None
    th_span: tuple[int, int] | None = None
    en_span: tuple[int, int] | None = None


# ------------------------------------------------------------------ helpers
def slug(text: str) -> str:
    text = text.casefold().replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def new_id(text: str, fallback: str) -> str:
    """An id for a proposed record: its English words, or a numbered placeholder for Thai-only names."""
    if THAI.search(text) and not re.search(r"[A-Za-z]{3,}", text):
        return fallback
    return slug(re.sub(r"[\u0E00-\u0E7F]+", " ", text))[:60].strip("-") or fallback


def _clean_en_title(text: str) -> str:
    """The printed title with typographic accidents fixed: curly quotes, 'Co – operation'."""
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"(\w)\s*[–—-]\s+(\w)|(\w)\s+[–—-]\s*(\w)", lambda m: "-".join(g for g in m.groups() if g), text)
    return " ".join(text.split())


def _kind(text: str) -> str:
    for pattern, kind in KIND_WORDS:
        if re.search(pattern, text):
            return kind
    return "agreement"


def _paragraph_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _inside(start: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start < e for s, e in spans)


# ------------------------------------------------------------------ titles
def find_titles(text: str) -> list[Title]:
    """Agreements named by a full title, Thai (with its English title in brackets) or English."""
    titles: list[Title] = []
    for match in _TH_TITLE.finditer(text):
        if any(t.start <= match.start() < t.end for t in titles):
            continue
        stop = _TH_STOP.search(text, match.end())
        end = stop.start() if stop else len(text)
        raw = text[match.start() : end]
        th = re.sub(r"\s*\(\s*[A-Za-z]{2,6}\s*\)\s*", "", raw).strip()  # "(MOU)"
        if len(th) < 25 or not re.search(r"ว่าด้วย|ระหว่าง", th) or th.startswith(match.group(0) + "ดังกล่าว"):
            continue
        title = Title(match.start(), end, _kind(th), th=th, th_span=(match.start(), end))
        paren = _EN_PAREN_TITLE.match(text, end) or _EN_PAREN_TITLE.match(text, end + 1)
        if paren:
            title.en_printed = " ".join(paren.group(1).split())
            title.en = _clean_en_title(title.en_printed)
            title.en_span = paren.span(1)
            title.end = paren.end()
        titles.append(title)
    for match in _EN_TITLE.finditer(text):
        if any(t.start <= match.start() < t.end for t in titles):
            continue
        stop = _EN_STOP.search(text, match.end())
        end = stop.start() if stop else len(text)
        raw = " ".join(text[match.start() : end].split())
        raw = re.sub(r"\s*\((?:MoU|MOU|MoC|MOC)\)", "", raw)
        if (
            not re.search(
                r"\b(on|between|for|in the field|concerning|regarding|towards|to)\b", raw[len(match.group(0)) :]
            )
            or len(raw) < 30
        ):
            continue
        titles.append(
            Title(match.start(), end, _kind(raw), en=_clean_en_title(raw), en_printed=raw, en_span=(match.start(), end))
        )
    return sorted(titles, key=lambda t: t.start)


# ------------------------------------------------------------------ the draft
def draft(release: Release, world: World) -> Draft:
    """Propose records for every agreement the release names by title."""
    index = Index(world)
    result = Draft(release)
    text = release.text
    dates = find_dates(text)
    source_id = result.source = _source(result, world, text, dates)
    titles = find_titles(text)
    if not titles:
        result.notes.append("no agreement title found: write the agreement by hand (`coopgraph new agreement ID`)")
    for i, title in enumerate(titles):
        begin = _paragraph_start(text, title.start)
        if i and titles[i - 1].end > begin:  # two titles in one paragraph: split at the sentence
            begin = max(text.rfind(". ", 0, title.start) + 2, titles[i - 1].end)
        finish = _paragraph_start(text, titles[i + 1].start) if i + 1 < len(titles) else len(text)
        if i + 1 < len(titles) and finish <= title.end:
            finish = max(text.rfind(". ", 0, titles[i + 1].start) + 2, title.end)
        source_line = re.search(r"^(?:ที่มา|Source|แหล่งข่าว)\s*:", text[begin:finish], re.M)
        if source_line:
            finish = begin + source_line.start()
        _agreement(result, index, world, title, begin, finish, dates, source_id, len(result.agreements))
    linked = {(link.kind, link.ident) for link in result.links}
    for m in index.mentions(text, ["actor", "country", "person", "post", "place", "meeting"]):
        if (m.kind, m.ident) not in linked:  # named in the release, written in full: listed for the reviewer
            result.links.append(Link(m.kind, m.label, m.ident))
            result.mentioned.append(m)
            linked.add((m.kind, m.ident))
    return result


def _source(result: Draft, world: World, text: str, dates: list[FoundDate]) -> str:
    """The release's own address: an existing source, or a proposed one."""
    urls = list(URL.finditer(text))
    if not urls:
        result.notes.append("the release gives no address: add its source by hand")
        return "unknown-source"
    found = urls[-1]
    for match in urls:
        if re.search(r"(ที่มา|source|url)\s*:?\s*$", text[max(0, match.start() - 20) : match.start()], re.I):
            found = match
    url = found.group(0).rstrip(".,;")
    for ident, source in world.sources.items():
        if source.url.rstrip("/") == url.rstrip("/"):
            result.links.append(Link("source", url, ident))
            result.evidence[("sources",)] = Evidence(
                found.start(), found.end(), 1.0, f"linked by address to source {ident}"
            )
            return ident
    host = re.sub(r"^www\.", "", url.split("/")[2]).split(".")[0]
    tail = [p for p in re.split(r"[/?=&]", url.split("/", 3)[3] if url.count("/") >= 3 else "") if p]
    number = next((p for p in reversed(tail) if re.fullmatch(r"\d+", p)), None)
    ident = slug(f"{host}-{number or (tail[-1] if tail else 'page')}")[:60].strip("-")
    record: dict[str, Any] = {"id": ident, "url": url}
    first_line = text.split("\n", 1)[0]
    record["title"] = {("th" if THAI.search(first_line) else "en"): first_line[:300]}
    if dates:
        record["date"] = dates[0].iso
    record["language"] = "th" if result.release.lang == "th" else "en"
    result.propose("sources", record)
    result.links.append(Link("source", url, None, ident))
    result.evidence[("new", "sources", ident)] = Evidence(
        found.start(), found.end(), 0.9, "NEW source: no source has this address"
    )
    return ident


def _agreement(
    result: Draft, index: Index, world: World, title: Title, begin: int, finish: int,
    dates: list[FoundDate], source_id: str, number: int,
) -> None:  # fmt: skip
    text = result.release.text
    here: Path_ = ("agreements", number)
    ev = result.evidence
    title_spans = [s for s in (title.th_span, title.en_span) if s]
    record: dict[str, Any] = {"id": "", "kind": title.kind}
    ev[(*here, "kind")] = Evidence(title.start, title.start + 40, 0.9, "from the title's first words")
    record["title"] = {}
    if title.en:
        record["title"]["en"] = title.en
        ev[(*here, "title", "en")] = _at(title.en_span, 0.9)
    if title.th:
        record["title"]["th"] = title.th
        ev[(*here, "title", "th")] = _at(title.th_span, 0.9)
    if title.en_printed and title.en and title.en_printed != title.en:
        record["alt-titles"] = {"en": [title.en_printed]}
        ev[(*here, "alt-titles")] = _at(title.en_span, 1.0, "the English title exactly as printed")

    parties = _parties(result, index, title, here)
    if len(parties) < 2:
        parties = _parties_in_sentence(result, index, title, begin, finish, here, parties, title_spans)
    signing, signed_for = _signing(result, index, world, title, begin, finish, dates, here, parties, title_spans)
    if len(parties) < 2:  # the title did not say: the sides that signed
        for side in signed_for:
            if side not in parties:
                parties.append(side)
        if parties:
            ev[(*here, "parties")] = Evidence(None, None, 0.5, "not in the title: the sides the signatories signed for")
    record["parties"] = parties or ["unknown"]
    if not parties:
        ev[(*here, "parties")] = Evidence(None, None, 0.0, "the release names no parties: fill in")

    term = TERM_TH.search(text, begin, finish) or TERM_EN.search(text, begin, finish)
    if term:
        years = term.group(1)
        record["term"] = f"P{NUMBERS.get(years.lower(), years)}Y"
        ev[(*here, "term")] = Evidence(term.start(), term.end(), 0.9)
    areas = _areas(result, index, world, begin, finish, here, parties, title_spans)
    topics: list[str] = []
    if areas and isinstance(areas[0], str):  # a bare list of topics, no areas
        topics, areas = list(dict.fromkeys(areas)), []
    for area in areas:
        topics += [t for t in area["topics"] if t not in topics]
    if not areas:  # no list of areas: the topics the title names too
        named = [m.ident for m in _topic_mentions(index, world, text, title_spans)]
        topics = list(dict.fromkeys(named + topics))
        if named and (*here, "topics") not in ev:
            ev[(*here, "topics")] = Evidence(title.start, title.end, 0.6, "topics named in the title")
    if topics:
        record["topics"] = topics
    if areas:
        record["areas"] = areas
    signed = SIGN.search(text, begin, finish)
    date = signing["date"]
    if signed and date != "unknown":
        record["lifecycle"] = [{"status": "signed", "date": date}]
        ev[(*here, "lifecycle", 0)] = ev[(*here, "signings", 0, "date")]
    elif record["kind"] == "declaration" and ADOPT.search(text, begin, finish) and date != "unknown":
        record["lifecycle"] = [{"status": "adopted", "date": date}]
    record["signings"] = [signing]
    record["sources"] = [source_id]
    record["id"] = _agreement_id(record, title, date)
    ev[(*here, "id")] = Evidence(
        None, None, 0.5, "made from parties, title and year: rename freely (file name follows)"
    )
    result.agreements.append(record)


def _at(span: tuple[int, int] | None, confidence: float, note: str = "") -> Evidence:
    return Evidence(span[0] if span else None, span[1] if span else None, confidence, note)


def _agreement_id(record: dict[str, Any], title: Title, date: str) -> str:
    year = date[:4] if date != "unknown" else "undated"
    words: list[str] = []
    if title.en:
        rest = re.split(r"\b(?:on|in the field of|concerning|regarding|for)\b", title.en, maxsplit=1)
        tail = rest[1] if len(rest) > 1 else title.en
        words = [w for w in slug(tail).split("-") if w and w not in STOP_TITLE_WORDS][:5]
    if not words:
        words = [
            {"memorandum-of-understanding": "mou", "memorandum-of-cooperation": "moc"}.get(
                record["kind"], record["kind"]
            )
        ]
    parties = [p for p in record["parties"] if p != "unknown"][:3]
    return slug("-".join([*parties, *words, year]))


# ------------------------------------------------------------------ parties
def _split_names(segment: str) -> list[list[str]]:
    """Ways to read 'A and B' / 'A, B and C' / 'AและB' as names (an 'and' may belong to a name)."""
    seps = list(re.finditer(r"(?i:\s+and\s+)|\s*และ\s*|\s*กับ\s*|\s*,\s*(?i:and\s+)?", segment))
    splits: list[list[str]] = []
    for count in (1, 2):
        if count == 1:
            for sep in seps:
                splits.append([segment[: sep.start()], segment[sep.end() :]])
        else:
            for a in range(len(seps)):
                for b in range(a + 1, len(seps)):
                    first, second = seps[a], seps[b]
                    splits.append(
                        [segment[: first.start()], segment[first.end() : second.start()], segment[second.end() :]]
                    )
    return [[p.strip() for p in split] for split in splits if all(p.strip() for p in split)]


def _parties(result: Draft, index: Index, title: Title, here: Path_) -> list[str]:
    """The parties a title names ('between A and B'), from the language whose names link best."""
    text = result.release.text
    readings: list[tuple[int, float, list[Match], int, re.Match[str]]] = []
    for span, pattern in (
        (title.th_span, r"ระหว่าง\s*(.+?)\s*(?:ว่าด้วย|เกี่ยวกับ|ด้าน|$)"),
        (title.en_span, r"\bbetween\s+(.+?)\s+(?:on|for|in the field|concerning|regarding|in)\s+|\bbetween\s+(.+)$"),
    ):
        if not span:
            continue
        found = re.search(pattern, text[span[0] : span[1]], re.I)
        if not found:
            continue
        segment = next(g for g in found.groups() if g)
        matches = _best_split(index, segment)
        value = min((m.candidates[0].score if m.candidates else 0.0) for m in matches) if matches else 0.0
        if value >= 50:
            linked = sum(m.linked is not None for m in matches)
            readings.append((linked, value, matches, span[0], found))
    if not readings:
        return []
    _, _, matches, start, found = max(readings, key=lambda r: (r[0], r[1]))
    return _link_parties(result, matches, start + found.start(), start + found.end(), here)


def _best_split(index: Index, segment: str) -> list[Match]:
    """The reading of 'A and B' whose weakest name fits a record best."""
    best: tuple[float, list[Match]] = (0.0, [])
    for names in _split_names(segment):
        matches = [index.reconcile(n, ["actor", "country"]) for n in names]
        value = min((m.candidates[0].score if m.candidates else 0.0) for m in matches)
        if value > best[0] or (value == best[0] and len(matches) > len(best[1])):
            best = (value, matches)
    return best[1]


def _link_parties(result: Draft, matches: list[Match], offset: int, end: int, here: Path_) -> list[str]:
    """Linked parties, and a proposed actor (marked NEW) for each name that links to nothing."""
    found_len = end - offset
    parties: list[str] = []
    if matches:
        for j, match in enumerate(matches):
            link = match.linked
            if link is None:
                name = re.sub(r"^(?:the|The)\s+", "", match.name.strip())
                ident = new_id(name, f"new-party-{j + 1}")
                result.propose(
                    "actors", {"id": ident, "kind": "ministry", "name": {_lang(name): name}, "sources": [result.source]}
                )
                result.evidence[("new", "actors", ident)] = Evidence(
                    offset, offset + found_len, 0.3, match.comment() + "; check its kind and add 'serves'"
                )
                result.links.append(Link("actor", match.name, None, ident))
                parties.append(ident)
            else:
                result.links.append(Link("actor", match.name, link.ident))
                parties.append(link.ident)
            result.evidence[(*here, "parties", j)] = Evidence(
                offset, offset + found_len, link.score / 100 if link else 0.3, match.comment()
            )
        return parties
    return []


def _parties_in_sentence(
    result: Draft, index: Index, title: Title, begin: int, finish: int, here: Path_, parties: list[str],
    title_spans: list[tuple[int, int]],
) -> list[str]:  # fmt: skip
    """No parties in the title: the organisations the title's sentence names ("X and Y signed an MoU ...")."""
    text = result.release.text
    start, end = _sentence_span(text, title.start, begin, finish)
    mentions = [m for m in index.mentions(text, ["actor", "country"], start, end) if not _inside(m.start, title_spans)
                and not re.match(r"['’]s\b", text[m.end : m.end + 2])  # "Singapore's X": no party
                and not _name_goes_on(text, m.end)]  # fmt: skip
    found = list(parties)
    for kinds in (("actor",), ("actor", "country")):
        for m in mentions:
            if m.kind in kinds and m.ident not in found:
                found.append(m.ident)
        if len(found) >= 2:
            break
    if len(found) < 2:
        prefix = text[start : title.start]
        cut = max(prefix.rfind(" - "), prefix.rfind(" – "), prefix.rfind(" — "))  # after a dateline "BANGKOK, 3 May -"
        head = start + cut + 3 if cut >= 0 else start
        subject = re.match(
            r"\s*(?:The\s+|the\s+)?(.+?)\s+(?:(?:on|this|last)\s+\w+\s+)?(?:have\s+|has\s+)?"
            r"(?:signed|inked|exchanged)\b",
            text[head : title.start],
        )
        if subject:  # "The A and the B (on Friday) signed ...": read the names as a title's 'between' part
            matches = _best_split(index, subject.group(1))
            if (
                len(matches) >= 2
                and sum(m.linked is not None for m in matches) >= 1
                and all(m.candidates for m in matches)
            ):
                return _link_parties(result, matches, head + subject.start(1), head + subject.end(1), here)
        return parties
    for j, ident in enumerate(found):
        named = next((m for m in mentions if m.ident == ident), None)
        if named is not None:
            m = named
            result.links.append(Link(m.kind, m.label, m.ident))
            result.evidence[(*here, "parties", j)] = Evidence(
                m.start, m.end, 0.7, f"named in the signing sentence: linked 100 to {m.label!r}"
            )
    return found


def _name_goes_on(text: str, end: int) -> bool:
    """A known name that is only the start of a longer one ("Ministry of Digital" in "Ministry of Digital
    Affairs of Ruritania"): a capitalised word follows, directly or after "of", "and", "for", "on"."""
    return re.match(r"[ \t]+(?:(?:of|and|for|on)[ \t]+)?[A-Z]", text[end : end + 40]) is not None


SENTENCE_REACH = 800  # a sentence or paragraph is read at most this far either side (bounds the work per name)


def _sentence_span(text: str, offset: int, begin: int, finish: int) -> tuple[int, int]:
    begin, finish = max(begin, offset - SENTENCE_REACH), min(finish, offset + SENTENCE_REACH)
    start = max(text.rfind("\n", begin, offset) + 1, begin)
    end = text.find("\n", offset, finish)
    end = finish if end < 0 else end
    if not THAI.search(text[start:end]):
        start = max(text.rfind(". ", start, offset) + 2, start)
        stop = text.find(". ", offset, end)
        end = end if stop < 0 else stop
    return start, end


def _lang(text: str) -> str:
    return "th" if THAI.search(text) else "en"


# ------------------------------------------------------------------ signing
@dataclass
class _Person:
    ident: str | None
    start: int
    end: int
    name: str
    comment: str
    post: str | None = None
    post_comment: str = ""
    new: dict[str, Any] | None = None


def _people(
    result: Draft, index: Index, world: World, begin: int, finish: int, exclude: list[tuple[int, int]]
) -> list[_Person]:
    """Known people written in full, Thai given names after an honorific, and unknown honorific names."""
    text = result.release.text
    found: list[_Person] = []
    taken: list[tuple[int, int]] = list(exclude)
    for m in index.mentions(text, ["person"], begin, finish):
        if not _inside(m.start, taken):
            found.append(_Person(m.ident, m.start, m.end, m.label, f"linked 100 to {m.label!r} (written in full)"))
            taken.append((m.start, m.end))
    for match in _TH_PERSON.finditer(text, begin, finish):
        if _inside(match.start(2), taken) or _inside(match.start(), exclude):
            continue
        given, family = match.group(2), match.group(3)
        ident: str | None = None
        known = index.thai_first_name(given)
        if len(known) == 1:
            ident = known[0]
            end = match.end(2)
            comment = f"linked by the given name {given!r} after an honorific (one person has it)"
        elif family is None:  # a lone given name nobody in data/ has: not enough to propose anyone
            continue
        else:
            end = match.end()
            name = f"{given} {family}"
            rec = index.reconcile(name, ["person"])
            link = rec.linked
            ident = link.ident if link else None
            comment = rec.comment()
        person = _Person(ident, match.start(), end, text[match.end(1) : end], comment)
        if ident is None:
            if family is None or _TH_POST.match(family) or _TH_POST.match(given):
                continue
            honorific = match.group(1).strip()
            person.new = {
                "id": f"new-person-{len(found) + 1}",
                "name": {"th": f"{given} {family}"},
                "honorific": {"th": honorific},
            }
        found.append(person)
        taken.append((match.start(), end))
    for match in _EN_PERSON.finditer(text, begin, finish):
        if _inside(match.start(1), taken):
            continue
        name = match.group(1)
        if _EN_POST.fullmatch(name) or len(name.split()) < 2 or re.search(r"\b(of|for|Ministry|Minister)\b", name):
            continue
        rec = index.reconcile(name, ["person"])
        link = rec.linked
        person = _Person(link.ident if link else None, match.start(1), match.end(1), name, rec.comment())
        if link is None:
            person.new = {"id": slug(name), "name": {"en": name}}
        found.append(person)
        taken.append(match.span(1))
    return sorted(found, key=lambda p: p.start)


PostFound = tuple[int, int, str | None, str, str]


def _posts(result: Draft, index: Index, begin: int, finish: int, exclude: list[tuple[int, int]]) -> list[PostFound]:
    """(start, end, post id or None, text, comment) for every post named in the block."""
    text = result.release.text
    named = index.mentions(text, ["post"], begin, finish)
    posts: list[PostFound] = [(m.start, m.end, m.ident, m.label, f"linked 100 to {m.label!r}") for m in named
             if not _inside(m.start, exclude)]  # fmt: skip
    taken = [(p[0], p[1]) for p in posts] + exclude
    for pattern in (_TH_POST, _EN_POST):
        for match in pattern.finditer(text, begin, finish):
            if _inside(match.start(), taken) or len(match.group(0)) < 12:
                continue
            rec = index.reconcile(match.group(0), ["post"])
            link = rec.linked
            posts.append((match.start(), match.end(), link.ident if link else None, match.group(0), rec.comment()))
            taken.append(match.span())
    return sorted(posts)


def _signing(
    result: Draft, index: Index, world: World, title: Title, begin: int, finish: int,
    dates: list[FoundDate], here: Path_, parties: list[str], title_spans: list[tuple[int, int]],
) -> tuple[dict[str, Any], list[str]]:  # fmt: skip
    text = result.release.text
    ev = result.evidence
    at = (*here, "signings", 0)
    signing: dict[str, Any] = {}
    before = [d for d in dates if begin <= d.start < title.start]
    inside = [d for d in dates if begin <= d.start < finish]
    if before:
        date, conf, note = before[-1], 0.9, "the date written before the title"
    elif inside:
        date, conf, note = inside[0], 0.7, "the first date in the agreement's paragraph"
    elif dates and dates[0].start < begin:
        date, conf, note = (
            [d for d in dates if d.start < begin][-1],
            0.6,
            "the release's date (no date by the agreement)",
        )
    else:
        date = None
    weekday = re.compile(r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b").search(
        text, *_sentence_span(text, title.start, begin, finish)
    )
    if date is not None and weekday and len(date.iso) == 10:
        day = dt.date.fromisoformat(date.iso)
        wanted = WEEKDAYS.index(weekday.group(1))
        if day.weekday() != wanted:  # the dateline is the story's day; "on Monday" is the signing's
            back = (day.weekday() - wanted) % 7
            shifted = (day - dt.timedelta(days=back)).isoformat()
            date = FoundDate(shifted, weekday.start(), weekday.end(), f"{weekday.group(0)} before {date.text}")
            conf, note = 0.6, "the weekday the release names, counted back from its date"
    if date is None:
        signing["date"] = "unknown"
        ev[(*at, "date")] = Evidence(None, None, 0.0, "the release gives no date")
    else:
        signing["date"] = date.iso
        ev[(*at, "date")] = Evidence(date.start, date.end, conf, f"{note}: {date.text!r}")

    place = _place(result, index, begin, finish, title_spans, at)
    if place:
        signing["place"] = place
    meeting = _meeting(result, index, begin, finish, title_spans, at, place)
    if meeting:
        signing["meeting"] = meeting

    people = _people(result, index, world, begin, finish, title_spans)
    posts = _posts(result, index, begin, finish, title_spans + [(p.start, p.end) for p in people])
    used: set[int] = set()
    for person in people:  # a post written right after the name (Thai, "Name, Minister of X") or right before it
        options = [
            (abs(p[0] - person.end), k) for k, p in enumerate(posts) if 0 <= p[0] - person.end <= 4 and k not in used
        ]
        options += [(abs(person.start - p[1]), k) for k, p in enumerate(posts)
                    if 0 <= person.start - p[1] <= 12 and k not in used
                    and re.fullmatch(TITLE_GAP, text[p[1] : person.start])]  # fmt: skip
        if options:
            k = min(options)[1]
            used.add(k)
            start, end, ident, label, comment = posts[k]
            person.post = ident or _new_post(result, index, label, start, end, comment)
            person.post_comment = f"{comment} at line {result.release.line_of(start)}"
    for person in people:  # no post written by the name: the one tenure the registry gives with a party
        if person.post is None and person.ident in world.people:
            fitting = {t.post for t in world.people[person.ident].tenures
                       if t.post in world.posts and _side(world, result, t.post, parties) in parties}  # fmt: skip
            if len(fitting) == 1:
                person.post = fitting.pop()
                person.post_comment = "not written by the name: the person's one tenure in people.yaml with a party"
    signatories: list[dict[str, Any]] = []
    witnesses: list[dict[str, Any]] = []
    sides: list[str] = []
    previous_witness = False
    for n, person in enumerate(people):
        after = text[person.end : min(finish, person.end + 160)]
        first_witness, first_sign = WITNESS_AFTER.search(after), SIGN.search(after)
        witness = (
            first_witness and (not first_sign or first_witness.start() < first_sign.start())
        ) or WITNESS_BEFORE.search(text[max(begin, person.start - 40) : person.start])
        if (
            not witness
            and n
            and previous_witness
            and re.fullmatch(rf"[\s,]*(?:and|และ)?\s*(?:{TITLES})?\s*", text[people[n - 1].end : person.start])
        ):  # "witnessed by A and B": B too
            witness = True
        previous_witness = bool(witness)
        if not witness and not SIGN.search(_sentence(text, person.start, begin, finish)):
            continue
        ident = person.ident
        if ident is None and person.new is not None:
            ident = result.propose("people", {**person.new, "sources": [result.source]})
            result.evidence[("new", "people", ident)] = Evidence(person.start, person.end, 0.5, person.comment)
        if ident is None:
            continue
        result.links.append(Link("person", person.name, person.ident, None if person.ident else ident))
        if witness:
            group, entry = witnesses, {"person": ident}
        else:
            group, entry = signatories, {"person": ident}
            if person.post:
                entry["post"] = person.post
            side = _side(world, result, person.post, parties)
            if side:
                entry["for"] = side
                sides.append(side)
        if any(e["person"] == ident for e in group):
            continue
        key = "witnesses" if group is witnesses else "signatories"
        ev[(*at, key, len(group), "person")] = Evidence(person.start, person.end, 0.8, person.comment)
        if "post" in entry:
            ev[(*at, key, len(group), "post")] = Evidence(None, None, 0.8, person.post_comment)
        group.append(entry)
    if signatories or parties:
        kind_ok = title.kind not in {"declaration", "joint-statement", "roadmap"} and len(parties) <= 3
        for party in parties:
            if kind_ok and party not in sides and party != "unknown":
                ev[(*at, "signatories", len(signatories), "person")] = Evidence(
                    None, None, 1.0, "the release names nobody signing for this side"
                )
                signatories.append({"person": "unknown", "for": party})
    if signatories:
        signing["signatories"] = signatories
    if witnesses:
        signing["witnesses"] = witnesses
    return signing, sides


def _sentence(text: str, offset: int, begin: int, finish: int) -> str:
    """The paragraph (Thai writes no full stops) or the English sentence around an offset."""
    start, end = _sentence_span(text, offset, begin, finish)
    return text[start:end]


def _new_post(result: Draft, index: Index, label: str, start: int, end: int, comment: str) -> str:
    """Propose a post the registry lacks; its organisation is reconciled from the post's wording."""
    org_text = re.sub(r"^(?:รัฐมนตรีว่าการ|รัฐมนตรีช่วยว่าการ|ปลัด|อธิบดี)", "", label)
    org_text = re.sub(
        r"^(?:Deputy |Vice |Permanent )?(?:Minister|Secretary)\s+(?:of|for)\s+(?:the\s+)?", "Ministry of ", org_text
    )
    org = index.reconcile(org_text, ["actor"]).linked
    ident = new_id(label, "new-post")
    record: dict[str, Any] = {
        "id": ident,
        "name": {_lang(label): label},
        "organization": org.ident if org else "unknown",
        "sources": [result.source],
    }
    result.propose("posts", record)
    result.evidence[("new", "posts", ident)] = Evidence(
        start, end, 0.5, comment + ("" if org else "; organisation unknown: fill in")
    )
    result.links.append(Link("post", label, None, ident))
    return ident


def _side(world: World, result: Draft, post: str | None, parties: list[str]) -> str | None:
    """The party a signatory signs for: the post's organisation, its country, or a bloc the country belongs to."""
    if post is None:
        return None
    record = world.posts.get(post)
    org = (
        record.organization
        if record
        else next((p["organization"] for p in result.new.get("posts", []) if p["id"] == post), None)
    )
    if org is None or org == "unknown":
        return None
    if not parties or org in parties:  # no parties in the title: the signatory's organisation is one
        return org
    actor = world.actors.get(org)
    country = actor.serves if actor else None
    if country in parties:
        return country
    for party in parties:
        bloc = world.actors.get(party)
        if bloc and bloc.members and any(m.country in {country, org} for m in bloc.members):
            return party
    return None


def _place(
    result: Draft, index: Index, begin: int, finish: int, exclude: list[tuple[int, int]], at: Path_
) -> str | None:
    text = result.release.text
    for m in index.mentions(text, ["place", "country"], begin, finish):
        if _inside(m.start, exclude):
            continue
        if PLACE_BEFORE.search(text[max(begin, m.start - 12) : m.start]):
            result.links.append(Link("place", m.label, m.ident))
            result.evidence[(*at, "place")] = Evidence(
                m.start, m.end, 0.9, f"linked 100 to {m.label!r} after 'ณ/at/in'"
            )
            return m.ident
    return None


def _meeting(
    result: Draft, index: Index, begin: int, finish: int, exclude: list[tuple[int, int]], at: Path_, place: str | None
) -> str | None:
    text = result.release.text
    for m in index.mentions(text, ["meeting"], begin, finish):
        if not _inside(m.start, exclude):
            result.links.append(Link("meeting", m.label, m.ident))
            result.evidence[(*at, "meeting")] = Evidence(m.start, m.end, 0.95, f"linked 100 to {m.label!r}")
            return m.ident
    for pattern in (MEETING_TH, MEETING_EN):
        for match in pattern.finditer(text, begin, finish):
            name = match.group(1).strip()
            if _inside(match.start(1), exclude) or len(name) < 12:
                continue
            rec = index.reconcile(name, ["meeting"])
            link = rec.linked
            if link:
                result.links.append(Link("meeting", name, link.ident))
                result.evidence[(*at, "meeting")] = Evidence(
                    match.start(1), match.end(1), link.score / 100, rec.comment()
                )
                return link.ident
            ident = new_id(name, "new-meeting")
            record: dict[str, Any] = {"id": ident, "name": {_lang(name): name}}
            if place:
                record["place"] = place
            record["sources"] = [result.source]
            result.propose("meetings", record)
            result.evidence[("new", "meetings", ident)] = Evidence(match.start(1), match.end(1), 0.4, rec.comment())
            result.evidence[(*at, "meeting")] = Evidence(
                match.start(1), match.end(1), 0.4, "NEW meeting proposed below"
            )
            result.links.append(Link("meeting", name, None, ident))
            return ident
    return None


# ------------------------------------------------------------------ areas and topics
def _topic_mentions(index: Index, world: World, text: str, spans: list[tuple[int, int]]) -> list[Mention]:
    found: list[Mention] = []
    for start, end in spans:
        for m in index.mentions(text, ["topic"], start, end):
            if m.ident not in {f.ident for f in found}:
                found.append(m)
    return found


def _broader(world: World, topic: str) -> set[str]:
    seen: set[str] = set()
    todo = list(world.topics[topic].broader) if topic in world.topics else []
    while todo:
        up = todo.pop()
        if up not in seen:
            seen.add(up)
            todo += world.topics[up].broader if up in world.topics else []
    return seen


def _area_topics(index: Index, world: World, text: str, name_spans: list[tuple[int, int]], desc: tuple[int, int],
                 mask: list[tuple[int, int]]) -> tuple[list[str], str]:  # fmt: skip
    """Topics named in the area's name (kept), then in its description (unless broader than one found)."""
    named = [m.ident for m in _topic_mentions(index, world, text, name_spans)]
    described = [m.ident for m in index.mentions(text, ["topic"], *desc) if not _inside(m.start, mask)]
    topics = list(dict.fromkeys(named))
    for ident in described:
        if ident not in topics:
            topics.append(ident)
    everything = set(topics)
    kept = [t for t in topics if t in named or not (_broader_of_any(world, t, everything))]
    note = "topic labels written in the area" if kept else ""
    if not kept:
        for start, end in name_spans:
            rec = index.reconcile(text[start:end], ["topic"])
            if rec.linked:
                kept.append(rec.linked.ident)
                note = rec.comment()
                break
        else:
            note = "NEW topic? no topic label matched: choose from data/topics.yaml"
    return kept, note


def _broader_of_any(world: World, topic: str, others: set[str]) -> bool:
    return any(topic in _broader(world, other) for other in others if other != topic)


def _areas(
    result: Draft, index: Index, world: World, begin: int, finish: int, here: Path_, parties: list[str],
    title_spans: list[tuple[int, int]],
) -> list[dict[str, Any]]:  # fmt: skip
    text = result.release.text
    areas: list[dict[str, Any]] = []
    lines = list(AREA_LINE.finditer(text, begin, finish))
    items: list[tuple[int | None, tuple[int, int], list[tuple[str, tuple[int, int]]]]] = []
    for line in lines:
        body_start, body_end = line.span(2)
        names: list[tuple[str, tuple[int, int]]] = []
        pair = PAIR.match(text, body_start)
        if pair and pair.start() == body_start:
            names = [("th", pair.span(1)), ("en", pair.span(2))]
        else:
            cut = re.search(r"[:–—]|\s-\s|,|\.(?:\s|$)", text[body_start:body_end])
            end = body_start + cut.start() if cut else body_end
            names = [(_lang(text[body_start:end]), (body_start, end))]
        items.append((int(line.group(1)), (body_start, body_end), names))
    if not items:
        listed = LIST_TH.search(text, begin, finish) or LIST_EN.search(text, begin, finish)
        if listed:
            stop = re.search(r"\.(?:\s|$)|\n", text[listed.end() : finish])
            end = listed.end() + (stop.start() if stop else finish - listed.end())
            pairs = list(PAIR.finditer(text, listed.end(), end))
            if pairs:
                items = [(None, p.span(), [("th", p.span(1)), ("en", p.span(2))]) for p in pairs]
            elif THAI.search(text[listed.end() : end]):  # a Thai list without English: its topics, no areas
                listed_topics = [m.ident for m in index.mentions(text, ["topic"], listed.end(), end)]
                result.evidence[(*here, "topics")] = Evidence(listed.end(), end, 0.7, "topics named in the list")
                return listed_topics  # type: ignore[return-value]
            else:  # an English list: the topics its items name (a label inside, or the item reconciled)
                found: list[str] = []
                pos = listed.end()
                for part in re.split(
                    r",\s*(?:and\s+|as well as\s+)?|\s+and\s+|\s+as well as\s+", text[listed.end() : end]
                ):
                    start = text.index(part, pos) if part else pos
                    pos = start + len(part)
                    inside = [m.ident for m in index.mentions(text, ["topic"], start, pos)]
                    if not inside and part.strip():
                        rec = index.reconcile(re.sub(r"^(?:the|a|an)\s+", "", part.strip()), ["topic"])
                        inside = [rec.linked.ident] if rec.linked else []
                    found += inside
                result.evidence[(*here, "topics")] = Evidence(listed.end(), end, 0.7, "topics named in the list")
                return found  # type: ignore[return-value]
    actor_mask = index.mentions(text, ["actor", "country"], begin, finish)
    for k, (num, span, names) in enumerate(items):
        name = {lang: _strip_area_name(text[s:e]) for lang, (s, e) in names}
        area: dict[str, Any] = {}
        if num is not None:
            area["number"] = num
        area["name"] = dict(sorted(name.items()))
        full = " ".join(text[span[0] : span[1]].split())
        if num is not None and full not in name.values():
            area["description"] = {_lang(full): full}
        mask = [(m.start, m.end) for m in actor_mask]
        topics, note = _area_topics(index, world, text, [s for _, s in names], span, mask)
        area["topics"] = topics
        mentions = [m.ident for m in actor_mask if span[0] <= m.start < span[1] and m.ident not in parties]
        if mentions:
            area["mentions"] = list(dict.fromkeys(mentions))
            for m in actor_mask:
                if m.ident in mentions:
                    result.links.append(Link("actor", m.label, m.ident))
        result.evidence[(*here, "areas", k)] = Evidence(span[0], span[1], 0.8 if topics else 0.2, note)
        areas.append(area)
    return areas


def _strip_area_name(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:.")
    return re.sub(r"^(?:และ|and\s)\s*", "", text)
