"""Reconciliation in the manner of OpenRefine: a name -> candidate records with scores.

Every record's labels (names, alternative names, abbreviations, in every
language) are the index.  :func:`Index.mentions` finds labels written verbatim
in a text (score 100); :func:`Index.reconcile` scores a free name against all
labels of the wanted kinds with RapidFuzz and links the best candidate when it
reaches :data:`THRESHOLD` and stands clear of the runner-up.  Thai is compared
on PyThaiNLP words, since Thai writes no spaces between them.

The threshold (90) was chosen on the releases under ``tests/data/releases``
(``benchmarks/bench_draft.py``): linked-entity precision is 0.98 at 70 (a wrong
link appears), 1.0 at 80, 90 and 95; recall is 0.91 from 70 to 90 and drops at 95.
90 keeps a margin above the first wrong link, since most names in releases are
written in full and link at 100 anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from coopgraph.curate.checker import World
from coopgraph.curate.draft.text import THAI, thai_words

THRESHOLD = 90.0
MARGIN = 3.0  # the best must beat a different record's best by this much to be linked
KINDS = ("actor", "country", "person", "post", "place", "meeting", "topic")


@dataclass(frozen=True)
class Label:
    ident: str
    kind: str  # country, actor, person, post, place, meeting, topic
    text: str
    lang: str


@dataclass(frozen=True)
class Mention:
    """A label found verbatim in the text: the record it names and where."""

    ident: str
    kind: str
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Candidate:
    ident: str
    kind: str
    label: str
    score: float


@dataclass
class Match:
    """The reconciliation of one name: its candidates, best first, and the linked id if any."""

    name: str
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def linked(self) -> Candidate | None:
        if not self.candidates or self.candidates[0].score < THRESHOLD:
            return None
        best = self.candidates[0]
        rival = next((c for c in self.candidates[1:] if c.ident != best.ident), None)
        if rival is not None and rival.score > best.score - MARGIN and rival.score >= THRESHOLD:
            return None  # two records fit equally well: a person must choose
        return best

    def comment(self) -> str:
        """``linked 97.5 (also: x 81.0, y 70.2)`` or ``NEW: matched nothing (best: x 62.0)``."""
        shown = [f"{c.ident} {c.score:.0f}" for c in self.candidates[:4]]
        link = self.linked
        if link is not None:
            rest = [s for c, s in zip(self.candidates, shown, strict=False) if c.ident != link.ident]
            return f"linked {link.score:.0f} to {link.label!r}" + (f" (also: {', '.join(rest[:3])})" if rest else "")
        return "NEW: matched no record" + (f" (best: {', '.join(shown)})" if shown else "")


def _fold(text: str) -> str:
    """Case, quotes, dashes and spacing folded away; 'the' dropped (for English names)."""
    text = text.casefold().replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"[^\w'\- ]+", " ", text)
    text = re.sub(r"\bthe\b", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    if THAI.search(text):
        return " ".join(thai_words(text.replace(" ", "")))
    return _fold(text)


def score(name: str, label: str) -> float:
    """0-100: how well a name fits a label (word order and spacing do not count)."""
    a, b = _key(name), _key(label)
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


class Index:
    """Labels of the world's records, for finding and reconciling names."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.labels: list[Label] = []
        tables: list[tuple[str, dict[str, Any]]] = [
            ("actor", world.actors), ("person", world.people), ("post", world.posts),
            ("place", world.places), ("meeting", world.meetings), ("topic", world.topics),
        ]  # fmt: skip
        for kind, table in tables:
            for ident, record in table.items():
                kind_here = "country" if kind == "actor" and record.kind == "country" else kind
                for texts in (record.name, record.abbreviation or {}):
                    for lang, text in texts.items():
                        self.labels.append(Label(ident, kind_here, text, lang))
                for lang, texts in (record.alt_names or {}).items():
                    for text in texts:
                        self.labels.append(Label(ident, kind_here, text, lang))
        for label in list(self.labels):  # "ข้อมูลขนาดใหญ่ (บิ๊กดาต้า)": either part names it too
            inner = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", label.text)
            if inner and label.kind == "topic":
                for part in inner.groups():
                    self.labels.append(Label(label.ident, label.kind, part.strip(), label.lang))
        self._patterns: dict[Label, re.Pattern[str]] = {}

    def of(self, kinds: Iterable[str]) -> list[Label]:
        wanted = set(kinds)
        return [label for label in self.labels if label.kind in wanted]

    def _pattern(self, label: Label) -> re.Pattern[str]:
        found = self._patterns.get(label)
        if found is None:
            body = re.escape(label.text).replace("'", "['’]").replace(r"\ ", r"\s+").replace(r"\-", r"\s*[-–]\s*")
            if THAI.search(label.text):
                found = re.compile(body)
            else:  # whole words; a short all-capitals abbreviation must keep its case (ASEAN, not 'asean')
                flags = 0 if label.text.isupper() and len(label.text) <= 6 else re.IGNORECASE
                found = re.compile(rf"(?<![\w]){body}(?![\w])", flags)
            self._patterns[label] = found
        return found

    def mentions(self, text: str, kinds: Iterable[str], start: int = 0, end: int | None = None) -> list[Mention]:
        """Labels of the given kinds written in ``text[start:end]``; the longest wins where two overlap."""
        end = len(text) if end is None else end
        hits: list[Mention] = []
        for label in self.of(kinds):
            if len(label.text) < 2:
                continue
            for match in self._pattern(label).finditer(text, start, end):
                hits.append(Mention(label.ident, label.kind, match.start(), match.end(), label.text))
        hits.sort(key=lambda m: (-(m.end - m.start), m.start, m.ident))
        by_span: dict[tuple[int, int], set[str]] = {}
        for hit in hits:
            by_span.setdefault((hit.start, hit.end), set()).add(hit.ident)
        chosen: list[Mention] = []
        for hit in hits:
            rivals = by_span[(hit.start, hit.end)]
            if len(rivals) > 1 and self._country_near(text, hit, rivals) != hit.ident:
                continue  # one label, several records: only the country written beside it decides
            if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
                chosen.append(hit)
        return sorted(chosen, key=lambda m: m.start)

    def _country_near(self, text: str, hit: Mention, rivals: set[str]) -> str | None:
        """The one rival whose country is named within 40 characters of the hit, else None."""
        window = text[max(0, hit.start - 40) : hit.end + 40]
        named = {m.ident for m in self.mentions(window, ["country"])} if rivals else set()
        fitting = [r for r in rivals if self._country_of(r) in named]
        return fitting[0] if len(fitting) == 1 else None

    def _country_of(self, ident: str) -> str | None:
        world = self.world
        if ident in world.posts:
            ident = world.posts[ident].organization
        actor = world.actors.get(ident)
        return actor.serves if actor else None

    def reconcile(self, name: str, kinds: Iterable[str]) -> Match:
        """Score ``name`` against every label of the kinds; best candidate per record, best first."""
        variants = {name.strip()}
        for variant in list(variants):  # "Ministry X of the Kingdom of Thailand" -> "Ministry X"
            variants.add(re.sub(r"\s+of\s+(the\s+)?(Kingdom|Republic|State)?\s*(of\s+)?[A-Z][\w ]*$", "", variant))
            variants.add(re.sub(r"แห่ง(ราช|สาธารณรัฐ)?[\u0E00-\u0E7F]*$", "", variant))
            variants.add(re.sub(r"^(the|The)\s+", "", variant))
        best: dict[str, Candidate] = {}
        for label in self.of(kinds):
            value = max(score(v, label.text) for v in variants if v)
            if value >= 50 and (label.ident not in best or value > best[label.ident].score):
                best[label.ident] = Candidate(label.ident, label.kind, label.text, round(value, 1))
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.ident))
        return Match(name, ranked[:5])

    def thai_first_name(self, first: str) -> list[str]:
        """People whose Thai name starts with this given name (releases repeat only the given name)."""
        return sorted(
            {lab.ident for lab in self.of(["person"]) if lab.lang == "th" and lab.text.split(" ")[0] == first}
        )
