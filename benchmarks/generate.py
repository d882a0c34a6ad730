"""A synthetic world of N agreements in the real ``data/`` format, for benchmarks.

The shape follows the curated data: about 200 countries (each with a
government, ministries and agencies that serve it), blocs with time-bounded
memberships, companies, posts held by people through dated tenures, places,
meeting series, and agreements whose signings have signatories (the holder of
the party's post on the day), witnesses, a meeting now and then, and partial
dates (day, month or year) over twenty years.  Topics come from the real
scheme (``data/topics.yaml``, else the tiny test world's).  Labels are in
English and, for most things, Thai.  The same seed gives byte-identical files.

    python benchmarks/generate.py 1000 benchmarks/out/world-1000 --seed 7

>>> stats = generate(50, Path("/tmp/w50"))            # doctest: +SKIP
>>> stats["agreements"]
50
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import random
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:
    _Dumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Dumper = yaml.SafeDumper

ROOT = Path(__file__).resolve().parent.parent
TOPIC_SCHEMES = (ROOT / "data" / "topics.yaml", ROOT / "tests" / "data" / "tiny" / "topics.yaml")
MARKER = ".generated-world"
FIRST_YEAR, LAST_YEAR = 2005, 2024
EN_SYLLABLES = [
    "ka",
    "lo",
    "ve",
    "ra",
    "mi",
    "to",
    "sa",
    "nu",
    "de",
    "li",
    "pa",
    "ro",
    "ge",
    "an",
    "bel",
    "dor",
    "fen",
    "gal",
    "hin",
    "jor",
    "kel",
    "lum",
    "mar",
    "nor",
    "por",
    "ser",
    "tal",
    "ul",
    "var",
    "zan",
]
TH_SYLLABLES = [
    "กา",
    "โล",
    "เว",
    "รา",
    "มิ",
    "โต",
    "สา",
    "นู",
    "เด",
    "ลี",
    "ปา",
    "โร",
    "เก",
    "อัน",
    "เบล",
    "ดอร์",
    "เฟน",
    "กัล",
    "ฮิน",
    "จอร์",
    "เคล",
    "ลุม",
    "มาร์",
    "นอร์",
    "พอร์",
    "เซอร์",
    "ทัล",
    "อุล",
    "วาร์",
    "ซาน",
]
KINDS = [
    ("memorandum-of-understanding", 50, "Memorandum of Understanding", "บันทึกความเข้าใจ"),
    ("memorandum-of-cooperation", 15, "Memorandum of Cooperation", "บันทึกความร่วมมือ"),
    ("agreement", 10, "Agreement", "ความตกลง"),
    ("framework-agreement", 5, "Framework Agreement", "ความตกลงกรอบ"),
    ("joint-statement", 8, "Joint Statement", "แถลงการณ์ร่วม"),
    ("roadmap", 4, "Roadmap", "แผนที่นำทาง"),
    ("declaration", 8, "Declaration", "ปฏิญญา"),
]
BODY_KINDS = [
    ("ministry", "ministry-of-digital-affairs", "Ministry of Digital Affairs", "กระทรวงดิจิทัล", "minister"),
    ("ministry", "ministry-of-foreign-affairs", "Ministry of Foreign Affairs", "กระทรวงการต่างประเทศ", "minister"),
    ("ministry", "ministry-of-communications", "Ministry of Communications", "กระทรวงคมนาคม", "minister"),
    (
        "government-agency",
        "telecom-regulator",
        "Telecommunications Regulatory Authority",
        "สำนักงานกำกับกิจการโทรคมนาคม",
        "director",
    ),
    (
        "government-agency",
        "cyber-security-agency",
        "National Cyber Security Agency",
        "สำนักงานความมั่นคงปลอดภัยไซเบอร์",
        "director",
    ),
]
POST_TITLES = {
    "government": [("prime-minister", "Prime Minister", "นายกรัฐมนตรี")],
    "minister": [("minister", "Minister", "รัฐมนตรี"), ("permanent-secretary", "Permanent Secretary", "ปลัดกระทรวง")],
    "director": [("director-general", "Director-General", "อธิบดี")],
    "bloc": [("secretary-general", "Secretary-General", "เลขาธิการ")],
    "company": [("chief-executive", "Chief Executive Officer", "ประธานเจ้าหน้าที่บริหาร")],
}


@dataclass
class Post:
    """A post and who held it when: ``spans`` are (start, end, person, written start) with ISO day texts."""

    id: str
    org: str
    country: str | None
    spans: list[tuple[str, str, str, str]] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)

    def holder(self, day: str, written: str) -> str | None:
        """Who held the post on ``day``, if their tenure as written covers the date as written.

        A signing dated only "2014" is not covered by a tenure written as
        starting "2014-05-02" (the `signed-outside-tenure` check says so), so
        nobody is named then.
        """
        i = bisect.bisect_right(self.starts, day) - 1
        if i >= 0 and self.spans[i][1] >= day and self.spans[i][3] <= written:
            return self.spans[i][2]
        return None


class _World:
    """The registries being generated, and the random source that drives them."""

    def __init__(self, n: int, seed: int, countries: int | None) -> None:
        self.rng = random.Random(seed)
        self.n = n
        self.n_countries = countries if countries is not None else max(8, min(200, n // 5))
        self.ids: set[str] = set()
        self.sources: list[dict[str, Any]] = []
        self.actors: list[dict[str, Any]] = []
        self.places: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.people: dict[str, dict[str, Any]] = {}
        self.meetings: list[dict[str, Any]] = []
        self.topics: list[dict[str, Any]] = []
        self.countries: list[str] = []
        self.country_names: dict[str, tuple[str, str]] = {}
        self.bodies: dict[str, list[str]] = {}  # country -> its government bodies
        self.blocs: list[str] = []
        self.companies: list[str] = []
        self.post_of: dict[str, list[Post]] = {}  # organisation -> its posts
        self.country_of: dict[str, str | None] = {}  # actor -> the country it is or serves
        self.cities: dict[str, list[str]] = {}
        self.people_of: dict[str, list[str]] = {}  # country -> people who held its posts
        self.meeting_days: list[tuple[str, str, str]] = []  # (day, meeting id, place)

    # -- names ----------------------------------------------------------------
    def word(self, syllables: int = 3) -> tuple[str, str]:
        """A pseudo-word, in Latin and in Thai script (the same syllables)."""
        idx = [self.rng.randrange(len(EN_SYLLABLES)) for _ in range(syllables)]
        return "".join(EN_SYLLABLES[i] for i in idx).capitalize(), "".join(TH_SYLLABLES[i] for i in idx)

    def claim(self, ident: str) -> str:
        """``ident``, or ``ident-2``, ``ident-3``... if taken: ids are unique across registries."""
        candidate, k = ident, 1
        while candidate in self.ids:
            k += 1
            candidate = f"{ident}-{k}"
        self.ids.add(candidate)
        return candidate

    def day(self, year_from: int = FIRST_YEAR, year_to: int = LAST_YEAR) -> str:
        year = self.rng.randint(year_from, year_to)
        return f"{year:04d}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def partial(self, day: str, *, day_share: float = 0.75, month_share: float = 0.15) -> str:
        """The day as a source might give it: to the day, the month or only the year."""
        roll = self.rng.random()
        if roll < day_share:
            return day
        return day[:7] if roll < day_share + month_share else day[:4]

    def source(self, ident: str, title_en: str, day: str, *, title_th: str | None = None) -> str:
        ident = self.claim(ident)
        record: dict[str, Any] = {"id": ident, "url": f"https://news.example.org/{ident}", "title": {"en": title_en}}
        if title_th and self.rng.random() < 0.5:
            record["title"]["th"] = title_th
        record["publisher"] = {"en": "Example News"}
        record["date"] = day
        record["language"] = "th" if "th" in record["title"] else "en"
        self.sources.append(record)
        return ident

    # -- registries -----------------------------------------------------------
    def build_registries(self) -> None:
        self.source("registry-founding-documents", "Founding documents of the synthetic world", "2004-01-01")
        self.topics = _scheme_topics()
        self.ids.update(t["id"] for t in self.topics)
        for i in range(self.n_countries):
            self.country(i)
        for i in range(max(2, min(15, self.n // 50))):
            self.bloc(i)
        for i in range(max(2, min(100, self.n // 20))):
            self.company(i)
        self.staff_posts()
        for i in range(max(1, min(20, self.n // 100))):
            self.meeting_series(i)
        self.meeting_days.sort()

    def country(self, i: int) -> None:
        en, th = self.word()
        ident = self.claim(en.lower())
        self.countries.append(ident)
        self.country_names[ident] = (en, th)
        self.country_of[ident] = ident
        record: dict[str, Any] = {"id": ident, "kind": "country", "name": {"en": en, "th": f"ประเทศ{th}"}}
        if self.rng.random() < 0.3:
            record["alt-names"] = {"en": [f"Republic of {en}"]}
        record["wikidata"] = f"Q{100000 + i}"
        record["sources"] = ["registry-founding-documents"]
        self.actors.append(record)
        for _ in range(2):
            city_en, city_th = self.word(2)
            city = self.claim(f"{ident}-{city_en.lower()}")
            self.places.append(
                {
                    "id": city,
                    "name": {"en": f"{city_en} City", "th": f"นคร{city_th}"},
                    "country": ident,
                    "sources": ["registry-founding-documents"],
                }
            )
            self.cities.setdefault(ident, []).append(city)
        bodies = [("government", "government", "Government", "รัฐบาล", "government")]
        bodies += self.rng.sample(BODY_KINDS, self.rng.randint(1, 4))
        for kind, slug, name_en, name_th, posts in bodies:
            body = self.claim(f"{ident}-{slug}")
            body_record: dict[str, Any] = {"id": body, "kind": kind, "name": {"en": f"{name_en} of {en}"}}
            if self.rng.random() < 0.6:
                body_record["name"]["th"] = f"{name_th}{th}"
            body_record["serves"] = ident
            body_record["sources"] = ["registry-founding-documents"]
            self.actors.append(body_record)
            self.bodies.setdefault(ident, []).append(body)
            self.country_of[body] = ident
            self.add_posts(body, ident, posts, f"{name_en} of {en}")

    def bloc(self, i: int) -> None:
        en, th = self.word(2)
        ident = self.claim(f"{en.lower()}-bloc")
        members = []
        for country in sorted(self.rng.sample(self.countries, min(len(self.countries), self.rng.randint(4, 30)))):
            member: dict[str, Any] = {"country": country, "from": self.partial(self.day(1967, 2020), day_share=0.6)}
            if self.rng.random() < 0.1:
                member["to"] = self.partial(self.day(2021, 2024))
            member["sources"] = ["registry-founding-documents"]
            members.append(member)
        self.actors.append(
            {
                "id": ident,
                "kind": "intergovernmental-organization",
                "name": {"en": f"{en} Community", "th": f"ประชาคม{th}"},
                "abbreviation": {"en": f"{en[:3].upper()}C"},
                "members": members,
                "sources": ["registry-founding-documents"],
            }
        )
        self.blocs.append(ident)
        self.country_of[ident] = None
        self.add_posts(ident, None, "bloc", f"{en} Community")
        del i

    def company(self, i: int) -> None:
        en, _ = self.word(2)
        ident = self.claim(f"{en.lower()}-technologies")
        self.actors.append(
            {
                "id": ident,
                "kind": "company",
                "name": {"en": f"{en} Technologies"},
                "sources": ["registry-founding-documents"],
            }
        )
        self.companies.append(ident)
        self.country_of[ident] = None
        self.add_posts(ident, None, "company", f"{en} Technologies")
        del i

    def add_posts(self, org: str, country: str | None, kind: str, org_name: str) -> None:
        for slug, title_en, title_th in POST_TITLES[kind]:
            ident = self.claim(f"{org}-{slug}")
            self.posts.append(
                {"id": ident, "name": {"en": f"{title_en}, {org_name}", "th": title_th}, "organization": org}
            )
            self.post_of.setdefault(org, []).append(Post(ident, org, country))

    def staff_posts(self) -> None:
        """Holders of every post over the twenty years: back-to-back tenures, some people moving on."""
        last = dt.date(LAST_YEAR, 12, 31)
        for org in sorted(self.post_of):
            for post in self.post_of[org]:
                start = dt.date(FIRST_YEAR - 2, self.rng.randint(1, 12), self.rng.randint(1, 28))
                while start <= last:
                    end = start + dt.timedelta(days=self.rng.randint(2 * 365, 6 * 365))
                    day, until = start.isoformat(), end.isoformat()
                    person = self.pick_holder(post)
                    tenure: dict[str, Any] = {"post": post.id, "from": self.partial(day, day_share=0.7)}
                    post.spans.append((day, until, person, tenure["from"]))
                    post.starts.append(day)
                    if end <= dt.date(LAST_YEAR + 1, 6, 30):
                        tenure["to"] = self.partial(until, day_share=0.7)
                    if self.rng.random() < 0.3:
                        seen = sorted({self.day(start.year, min(end.year, LAST_YEAR)) for _ in range(2)})
                        seen = [d for d in seen if day <= d <= until]
                        if seen:
                            tenure["attested"] = seen
                    tenure["sources"] = ["registry-founding-documents"]
                    self.people[person]["tenures"].append(tenure)
                    start = end + dt.timedelta(days=1)

    def pick_holder(self, post: Post) -> str:
        """A new person, or (one time in five) someone who already served the same country."""
        pool = self.people_of.get(post.country or post.org, [])
        if pool and self.rng.random() < 0.2:
            return self.rng.choice(pool)
        given, given_th = self.word(2)
        family, family_th = self.word(3)
        ident = self.claim(f"{given.lower()}-{family.lower()}")
        record: dict[str, Any] = {"id": ident, "name": {"en": f"{given} {family}"}}
        if self.rng.random() < 0.5:
            record["name"]["th"] = f"{given_th} {family_th}"
            if self.rng.random() < 0.3:
                record["honorific"] = {"th": "นาย"}
        if self.rng.random() < 0.1:
            record["alt-names"] = {"en": [f"{given} {family[:-1]}"]}
        record["tenures"] = []
        record["sources"] = ["registry-founding-documents"]
        self.people[ident] = record
        self.people_of.setdefault(post.country or post.org, []).append(ident)
        return ident

    def meeting_series(self, i: int) -> None:
        en, th = self.word(2)
        series = self.claim(f"{en.lower()}-digital-ministers-meeting")
        hosts = self.blocs[i % len(self.blocs)]
        members = [m["country"] for a in self.actors if a["id"] == hosts for m in a["members"]]
        self.meetings.append(
            {
                "id": series,
                "kind": "meeting-series",
                "name": {"en": f"{en} Digital Ministers' Meeting", "th": f"การประชุมรัฐมนตรีดิจิทัล{th}"},
                "sources": ["registry-founding-documents"],
            }
        )
        for ordinal, year in enumerate(range(FIRST_YEAR, LAST_YEAR + 1), start=1):
            host = members[ordinal % len(members)]
            start = self.day(year, year)
            end = start[:8] + f"{min(28, int(start[8:]) + 1):02d}"
            meeting = self.claim(f"{series}-{ordinal}")
            place = self.cities[host][0]
            record: dict[str, Any] = {
                "id": meeting,
                "series": series,
                "ordinal": ordinal,
                "name": {"en": f"{ordinal}. {en} Digital Ministers' Meeting"},
                "start": start,
                "end": end,
                "place": place,
                "host": host,
            }
            chair, _ = self.post_held(host, start)
            if chair:
                record["chair"] = chair
            record["participants"] = members[:10]
            record["sources"] = [self.source(f"{meeting}-report", f"Report of the {meeting}", end)]
            self.meetings.append(record)
            self.meeting_days.append((start, meeting, place))

    def post_held(self, party: str, day: str, written: str | None = None) -> tuple[str | None, str | None]:
        """Who signs for a party on a day, and in which post: a country signs through its government."""
        org = self.bodies[party][0] if party in self.bodies else party
        for post in self.post_of.get(org, []):
            person = post.holder(day, written or day)
            if person:
                return person, post.id
        return None, None

    # -- agreements -------------------------------------------------------------
    def parties(self) -> list[str]:
        roll = self.rng.random()
        a, b = self.rng.sample(self.countries, 2)
        if roll < 0.35:
            return [a, b]
        if roll < 0.75:
            return [
                self.rng.choice(self.bodies[a][1:] or self.bodies[a]),
                self.rng.choice(self.bodies[b][1:] or self.bodies[b]),
            ]
        if roll < 0.85:
            return [self.rng.choice(self.blocs), a]
        if roll < 0.93:
            return [self.rng.choice(self.bodies[a]), self.rng.choice(self.companies)]
        return [a, b, *self.rng.sample([c for c in self.countries if c not in (a, b)], self.rng.randint(1, 3))]

    def agreement(self, index: int) -> dict[str, Any]:
        rng = self.rng
        kind, _, kind_en, kind_th = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
        parties = self.parties()
        if kind == "declaration" and rng.random() < 0.3:
            parties = [rng.choice(self.blocs)]
        day = self.day()
        topics = rng.sample(self.topic_ids, min(len(self.topic_ids), rng.randint(1, 4)))
        ident = self.claim(f"{kind.split('-')[0]}-{day[:4]}-{index:06d}")
        names = [self._name(p) for p in parties]
        between = "between" if len(names) > 1 else "of"
        title = {"en": f"{kind_en} {between} {_listed([n[0] for n in names], ' and ')} on {self.topic_en[topics[0]]}"}
        if rng.random() < 0.6:
            title["th"] = f"{kind_th}ระหว่าง{_listed([n[1] for n in names], 'และ')}ว่าด้วย{self.topic_th[topics[0]]}"
        record: dict[str, Any] = {"id": ident, "kind": kind, "title": title}
        if rng.random() < 0.1:
            record["alt-titles"] = {"en": [f"{names[0][0]}-{names[-1][0]} {kind_en}"]}
        record["parties"] = parties
        if rng.random() < 0.6:
            record["term"] = rng.choice(["P3Y", "P5Y", "P2Y", "P10Y"])
            if rng.random() < 0.5:
                record["renewal"] = {"automatic": rng.random() < 0.7, "term": rng.choice(["P1Y", "P3Y", "P5Y"])}
        record["topics"] = topics
        if rng.random() < 0.3:
            record["areas"] = [
                {
                    "number": n,
                    "name": {"en": f"Area {n}: {self.topic_en[t]}", "th": self.topic_th[t]},
                    "topics": [t],
                }
                for n, t in enumerate(rng.sample(self.topic_ids, min(len(self.topic_ids), rng.randint(1, 3))), start=1)
            ]
        signing, day = self.signing(day, parties)
        source = self.source(f"{ident}-news", f"{kind_en} signed", day, title_th=f"ลงนาม{kind_th}")
        if rng.random() < 0.5:
            approved = f"{int(day[:4]) - 1:04d}-12" if day[5:7] == "01" else f"{day[:5]}{int(day[5:7]) - 1:02d}"
            lifecycle: list[dict[str, Any]] = [{"status": "cabinet-approved", "date": approved}]
            if rng.random() < 0.2:
                lifecycle.append({"status": rng.choice(["expired", "cancelled"]), "date": f"{int(day[:4]) + 1:04d}"})
            record["lifecycle"] = lifecycle
        record["signings"] = [signing]
        if rng.random() < 0.05:
            record["mentions"] = [rng.choice(self.countries)]
        record["sources"] = [source]
        return record

    def signing(self, day: str, parties: list[str]) -> tuple[dict[str, Any], str]:
        """A signing on ``day`` (or at a meeting), and the day it really took place."""
        rng = self.rng
        signing: dict[str, Any] = {}
        meeting = None
        if self.meeting_days and rng.random() < 0.2:
            meeting = self.meeting_days[rng.randrange(len(self.meeting_days))]
            day = meeting[0]
        signing["date"] = self.partial(day) if meeting is None else day
        if signing["date"] != day and rng.random() < 0.5:
            signing["date-note"] = {"en": "The source gives no exact day."}
        if meeting:
            signing["place"] = meeting[2]
            signing["meeting"] = meeting[1]
        elif rng.random() < 0.7:
            host = next((self.country_of[p] for p in parties if self.country_of.get(p)), None)
            if host:
                signing["place"] = rng.choice(self.cities[host])
        signatories = []
        for party in parties:
            person, post = self.post_held(party, day, signing["date"])
            if person is None or post is None or rng.random() < 0.1:
                signatories.append({"person": "unknown", "for": party})
            else:
                signatories.append({"person": person, "post": post, "for": party})
        signing["signatories"] = signatories
        witnesses = []
        for party in parties[: rng.randint(0, 2)]:
            country = self.country_of.get(party)
            pool = self.people_of.get(country or party, [])
            if pool:
                witnesses.append({"person": rng.choice(pool)})
        if witnesses:
            signing["witnesses"] = list({w["person"]: w for w in witnesses}.values())
        return signing, day

    def _name(self, party: str) -> tuple[str, str]:
        if party in self.country_names:
            en, th = self.country_names[party]
            return en, f"ประเทศ{th}"
        record = self.actor_index[party]
        return record["name"]["en"], record["name"].get("th", record["name"]["en"])

    def prepare_agreements(self) -> None:
        self.actor_index = {a["id"]: a for a in self.actors}
        self.topic_ids = [t["id"] for t in self.topics]
        self.topic_en = {t["id"]: t["name"]["en"] for t in self.topics}
        self.topic_th = {t["id"]: t["name"].get("th", t["name"]["en"]) for t in self.topics}


def _listed(names: list[str], conjunction: str) -> str:
    """``A, B and C`` (or with the Thai conjunction)."""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])}{conjunction}{names[-1]}"


def _scheme_topics() -> list[dict[str, Any]]:
    """The real topic scheme's concepts, without their sources (which live in the real sources.yaml)."""
    scheme = next(path for path in TOPIC_SCHEMES if path.exists())
    topics = yaml.load(scheme.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    cleaned = []
    for topic in topics:
        topic = {k: v for k, v in topic.items() if k != "sources"}
        cleaned.append(topic)
    return cleaned


_STR, _INT, _BOOL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool"
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _node(value: Any) -> yaml.Node:
    """The YAML node of a plain value: PyYAML's representer, minus its per-value bookkeeping.

    Short collections of scalars go in flow style (``name: {en: X, th: Y}``,
    ``sources: [a, b]``) as curators write them; the emitter still quotes any
    text that would otherwise read back as something else (a date, a number).
    """
    if isinstance(value, str):
        return yaml.ScalarNode(_STR, value)
    if isinstance(value, bool):
        return yaml.ScalarNode(_BOOL, "true" if value else "false")
    if isinstance(value, int):
        return yaml.ScalarNode(_INT, str(value))
    if isinstance(value, dict):
        pairs = [(yaml.ScalarNode(_STR, key), _node(item)) for key, item in value.items()]
        return yaml.MappingNode(_MAP, pairs, flow_style=_flow(value.values()))
    items = [_node(item) for item in value]
    return yaml.SequenceNode(_SEQ, items, flow_style=_flow(value))


def _flow(items: Iterable[Any]) -> bool:
    values = list(items)
    return len(values) <= 4 and all(isinstance(v, str | int) and len(str(v)) < 60 for v in values)


def _dump(value: Any) -> str:
    text: str = yaml.serialize(_node(value), Dumper=_Dumper, allow_unicode=True, width=110)
    return text


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def generate(n: int, out_dir: Path, *, seed: int = 0, countries: int | None = None) -> dict[str, int]:
    """Write a world of ``n`` agreements into ``out_dir`` (replacing an earlier generated world).

    Refuses to write into a directory with files it did not generate, so real
    data is never overwritten.
    """
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise SystemExit(f"{out_dir}: not empty and not a generated world; refusing to overwrite")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "agreements").mkdir(parents=True)
    (out_dir / MARKER).write_text(f"n={n} seed={seed}\n", encoding="utf-8")
    world = _World(n, seed, countries)
    world.build_registries()
    world.prepare_agreements()
    agreements_dir = out_dir / "agreements"
    for index in range(n):
        record = world.agreement(index)
        _write(agreements_dir / f"{record['id']}.yaml", _dump(record))
    registries: dict[str, Iterable[dict[str, Any]]] = {
        "sources.yaml": world.sources,
        "actors.yaml": world.actors,
        "places.yaml": world.places,
        "posts.yaml": world.posts,
        "people.yaml": world.people.values(),
        "topics.yaml": world.topics,
        "meetings.yaml": world.meetings,
    }
    for name, records in registries.items():
        _write(
            out_dir / name, f"# Synthetic {name[:-5]} (benchmarks/generate.py, seed {seed}).\n" + _dump(list(records))
        )
    return {
        "agreements": n,
        "countries": len(world.countries),
        "actors": len(world.actors),
        "people": len(world.people),
        "posts": len(world.posts),
        "sources": len(world.sources),
        "meetings": len(world.meetings),
        "topics": len(world.topics),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of agreements")
    parser.add_argument("out", type=Path, help="output directory (a data/ layout)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--countries", type=int, default=None, help="default: N/5, between 8 and 200")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stats = generate(args.n, args.out, seed=args.seed, countries=args.countries)
    shown = ", ".join(f"{v} {k}" for k, v in stats.items())
    print(f"generated {shown} in {time.perf_counter() - started:.1f} s -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())


def world_for(n: int, seed: int = 7) -> tuple[Path, float | None]:
    """The cached synthetic world of ``n`` agreements (generated when missing or stale), and generation time."""
    stamp = hashlib.sha256((ROOT / "benchmarks" / "generate.py").read_bytes()).hexdigest()[:12]
    target = ROOT / "benchmarks" / "out" / f"world-{n}"
    marker = target / MARKER
    want = f"n={n} seed={seed} generator={stamp}\n"
    if marker.exists() and marker.read_text(encoding="utf-8") == want:
        return target, None
    started = time.perf_counter()
    generate(n, target, seed=seed)
    marker.write_text(want, encoding="utf-8")
    return target, time.perf_counter() - started
