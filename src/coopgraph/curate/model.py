"""The curated-data model: what a curator may write under ``data/``.

The same pydantic models drive the checker (`coopgraph check`) and the JSON
Schema an editor uses while a person types (`coopgraph schema`).  Field names
are the YAML keys; every model forbids unknown keys so a typo is an error.

Dates are strings here and parsed by :mod:`coopgraph.curate.dates`, which keeps their
precision (``2024-02-02``, ``2024-02``, ``2024``) and converts Buddhist-era
years (``2567-02-02 BE``).  ``unknown`` is allowed where a source is silent.
The date of an event (a signing, a status change, a renaming) may say more,
in EDTF (ISO 8601-2): approximate ``2022~``, uncertain ``2022-05?``, a day
with no year ``XXXX-05-12``, a range ``2022-05/2022-07``, a value the sources
disagree on (``{values: [{date: ..., sources: [...]}, ...]}``), and
``inferred-from`` when it was worked out rather than stated.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from coopgraph.curate.dates import EventDate, Qualifier, parse_date, parse_edtf
from coopgraph.curate.lifecycle import STATUSES, Status

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
    Field(description="A kebab-case id defined in one of the data files."),
]
DateText = Annotated[
    str,
    BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v),
    AfterValidator(lambda text: parse_date(text).text),
    Field(
        description=(
            "A date keeping its precision: YYYY-MM-DD, YYYY-MM or YYYY; a Buddhist-era "
            "date is written with ' BE' (2567-02-02 BE) and converted (-543)."
        ),
        examples=["2024-02-02", "2024-02", "2567-02-02 BE"],
    ),
]
EventDateText = Annotated[
    str,
    BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v),
    AfterValidator(lambda text: parse_edtf(text).edtf),
    Field(
        description=(
            "A date as the source gives it (EDTF, ISO 8601-2): YYYY-MM-DD, YYYY-MM or YYYY, "
            "followed by ~ when approximate ('around 2022'), ? when uncertain, % when both; "
            "XXXX-MM-DD for a day and month with no year; A/B for 'between A and B' "
            "(2022-05/2022-07; .. for an open end); ' BE' at the end for Buddhist-era years."
        ),
        examples=["2024-02-02", "2022~", "2022-05?", "XXXX-05-12", "2022-05/2022-07", "2565-07-11 BE"],
    ),
]


def _nonempty_duration(text: str) -> str:
    if text in {"P", "PT"} or text.endswith("T"):
        raise ValueError(f"{text!r} is not a duration like P5Y")
    return text


Duration = Annotated[
    str,
    StringConstraints(pattern=r"^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$"),
    AfterValidator(_nonempty_duration),
    Field(description="An ISO 8601 / xsd:duration, e.g. P5Y.", examples=["P5Y", "P3Y"]),
]
LANG_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
LangText = Annotated[
    dict[str, str],
    Field(
        description="Text per BCP 47 language tag, e.g. {en: Thailand, th: ประเทศไทย}.",
        examples=[{"en": "Thailand", "th": "ราชอาณาจักรไทย"}],
    ),
]
LangTexts = Annotated[
    dict[str, list[str]],
    Field(description="Variant names per language tag (transliterations, abbreviations)."),
]


def _check_langs(value: dict[str, object] | None) -> dict[str, object] | None:
    if value is None:
        return value
    for tag, text in value.items():
        if not LANG_TAG.match(tag):
            raise ValueError(f"bad language tag {tag!r} (use a BCP 47 tag such as 'en' or 'th')")
        texts = text if isinstance(text, list) else [text]
        if any(not str(t).strip() for t in texts):
            raise ValueError(f"empty text for language {tag!r}")
    return value


class Record(BaseModel):
    """Base of every curated record: unknown keys are errors, YAML keys use dashes."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, alias_generator=lambda n: n.replace("_", "-")
    )


# ---------------------------------------------------------------- uncertain and disputed dates
class DateClaim(Record):
    """One source's value for a date the sources disagree on."""

    date: EventDateText
    sources: list[Slug] = Field(min_length=1)
    note: LangText | None = None

    _v_note = field_validator("note")(classmethod(lambda cls, v: _check_langs(v)))


class DisputedDate(Record):
    """A date on which sources disagree: each value with the sources that give it."""

    values: list[DateClaim] = Field(min_length=2, description="Each source's value (at least two).")


EventDateValue = EventDateText | DisputedDate
InferredFrom = Annotated[
    LangText,
    Field(
        description=(
            "Set when no source states the date and it was worked out (from a dateline, 'yesterday', "
            "the context): how, in words, per language."
        ),
        examples=[{"en": "the news item's dateline (2022-07-11) and 'today' in its text"}],
    ),
]


def event_date(value: str | DisputedDate | None) -> EventDate | None:
    """The one reading of an event date field: bounds over every claim, ``disputed`` when sources differ.

    ``None`` and ``unknown`` give None.  Later stages call this instead of
    parsing a date field themselves, so a disputed date is never half read.
    """
    if value is None or value == "unknown":
        return None
    if isinstance(value, str):
        return parse_edtf(value)
    claims = [parse_edtf(claim.date) for claim in value.values]
    firsts = [c.earliest for c in claims]
    lasts = [c.latest for c in claims]
    qualifiers: list[Qualifier] = ["disputed"]
    for claim in claims:
        qualifiers += [q for q in claim.qualifiers if q not in qualifiers]
    return EventDate(
        " | ".join(c.edtf for c in claims),
        None,
        None if None in firsts else min(f for f in firsts if f),
        None if None in lasts else max(f for f in lasts if f),
        tuple(qualifiers),
    )


class Named(Record):
    id: Slug
    name: LangText
    alt_names: LangTexts | None = None
    abbreviation: LangText | None = None
    curator_labels: list[str] = Field(
        default_factory=list,
        description=(
            "Language tags of names the curators wrote themselves (a translation no source gives), "
            "e.g. [th]: each such name is marked as ours, not cited to the record's sources."
        ),
        examples=[["th"]],
    )
    note: LangText | None = None
    sources: list[Slug] = Field(default_factory=list)

    _v_name = field_validator("name", "alt_names", "abbreviation", "note")(classmethod(lambda cls, v: _check_langs(v)))

    @model_validator(mode="after")
    def _own_labels_are_names(self) -> Named:
        if not self.name:
            raise ValueError("name: give a name in at least one language, e.g. {th: ...} or {en: ...}")
        for tag in self.curator_labels:
            if tag not in self.name:
                raise ValueError(f"curator-labels: {tag!r} has no name in that language (names: {', '.join(self.name)})")
        return self


# ---------------------------------------------------------------- sources
class Source(Record):
    """A document a fact comes from (press release, news item, web page)."""

    id: Slug
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    title: LangText | None = None
    publisher: LangText | None = None
    date: DateText | None = None
    language: str | None = Field(default=None, description="BCP 47 tag of the document's language.")

    _v_title = field_validator("title", "publisher")(classmethod(lambda cls, v: _check_langs(v)))

    @field_validator("language")
    @classmethod
    def _lang(cls, v: str | None) -> str | None:
        if v is not None and not LANG_TAG.match(v):
            raise ValueError(f"bad language tag {v!r}")
        return v


# ---------------------------------------------------------------- actors
class Membership(Record):
    """A state's membership of a bloc, with its time span."""

    country: Slug
    start: DateText | None = Field(default=None, alias="from")
    end: DateText | None = Field(default=None, alias="to")
    note: LangText | None = None
    sources: list[Slug] = Field(min_length=1)


class Renaming(Record):
    """This organisation is the renamed continuation of an earlier one."""

    organization: Slug
    date: EventDateValue | None = None
    inferred_from: InferredFrom | None = None
    note: LangText | None = None
    sources: list[Slug] = Field(min_length=1)

    _v_texts = field_validator("inferred_from", "note")(classmethod(lambda cls, v: _check_langs(v)))


ActorKind = Literal[
    "country",
    "intergovernmental-organization",
    "government",
    "ministry",
    "government-agency",
    "company",
]


class Actor(Named):
    """A country, bloc, government body or company that can be party to an agreement."""

    kind: ActorKind
    serves: Slug | None = Field(default=None, description="The country a government body serves.")
    wikidata: Annotated[str, StringConstraints(pattern=r"^Q[1-9][0-9]*$")] | None = None
    members: list[Membership] | None = Field(default=None, description="For blocs: member states.")
    renamed_from: Renaming | None = None
    sources: list[Slug] = Field(min_length=1)


class Place(Named):
    """A city or venue (countries are places too and need no entry here)."""

    country: Slug | None = None
    wikidata: Annotated[str, StringConstraints(pattern=r"^Q[1-9][0-9]*$")] | None = None
    sources: list[Slug] = Field(min_length=1)


# ---------------------------------------------------------------- people and posts
class Post(Named):
    """A post in an organisation (Minister of ..., Permanent Secretary of ...)."""

    organization: Slug


class Tenure(Record):
    """A person holding a post; start and end only where a source gives them."""

    post: Slug
    start: DateText | None = Field(default=None, alias="from")
    end: DateText | None = Field(default=None, alias="to")
    attested: list[DateText] = Field(
        default_factory=list, description="Dates on which a source shows the person in the post."
    )
    note: LangText | None = None
    sources: list[Slug] = Field(min_length=1)


class Person(Named):
    honorific: LangText | None = None
    tenures: list[Tenure] = Field(default_factory=list)
    sources: list[Slug] = Field(min_length=1)


# ---------------------------------------------------------------- topics
class Topic(Named):
    """A concept of the one cooperation-topic scheme; ``broader`` nests it."""

    broader: list[Slug] = Field(default_factory=list)
    definition: LangText | None = None


# ---------------------------------------------------------------- meetings
class Meeting(Named):
    kind: Literal["meeting", "meeting-series"] = "meeting"
    series: Slug | None = None
    ordinal: int | None = Field(default=None, ge=1)
    part_of: Slug | None = None
    start: DateText | None = None
    end: DateText | None = None
    place: Slug | None = None
    host: Slug | None = None
    organizers: list[Slug] = Field(default_factory=list)
    chair: Slug | list[Slug] | None = Field(
        default=None, description="Who chaired: a person, a country or an organisation; a list for co-chairs."
    )
    vice_chair: Slug | list[Slug] | None = None
    participants: list[Slug] = Field(
        default_factory=list, description="Countries, organisations and people that took part."
    )
    observers: list[Slug] = Field(default_factory=list)
    chair_handed_to: Slug | None = None
    theme: LangText | None = None
    sources: list[Slug] = Field(min_length=1)


# ---------------------------------------------------------------- agreements
Level = Literal["heads-of-state-or-government", "foreign-ministers", "sector-ministers", "agencies", "companies"]
LEVEL_HELP = (
    "The level at which it was agreed or signed: heads of state or government (a leaders' joint "
    "statement), foreign ministers, sector ministers (a digital ministries' MOU), agencies or companies."
)

Role = Literal["signatory", "witness", "attendee"]


class RoleClaim(Record):
    """One source's version of what someone did at a signing."""

    role: Role
    sources: list[Slug] = Field(min_length=1)
    note: LangText | None = None


RoleClaims = Annotated[
    list[RoleClaim],
    Field(
        min_length=2,
        description=(
            "When sources disagree on this person's role (signed, or only witnessed): each source's "
            "version. The person is listed where the record's main source puts them."
        ),
    ),
]


class Signatory(Record):
    """One signature: who signed, in which post(s), for which party; ``unknown`` where no source says."""

    person: Slug | Literal["unknown"]
    post: Slug | list[Slug] | None = Field(
        default=None, description="The post the signatory signed in; a list when they held several at once."
    )
    on_behalf_of: Slug | None = Field(default=None, alias="for")
    disputed: RoleClaims | None = None


class Participant(Record):
    """A witness or attendee; the post they held then is a tenure of theirs (people.yaml)."""

    person: Slug
    disputed: RoleClaims | None = None


class Signing(Record):
    """A signing ceremony: when, where, at which meeting, who signed and who witnessed."""

    date: EventDateText | Literal["unknown"] | DisputedDate
    level: Level | None = Field(default=None, description=LEVEL_HELP + " Defaults to the agreement's.")
    date_note: LangText | None = None
    inferred_from: InferredFrom | None = None
    place: Slug | None = None
    meeting: Slug | None = None
    signatories: list[Signatory] = Field(default_factory=list)
    witnesses: list[Participant] = Field(default_factory=list)
    attendees: list[Participant] = Field(default_factory=list)
    note: LangText | None = None
    sources: list[Slug] = Field(default_factory=list, description="Defaults to the agreement's sources.")

    _v_texts = field_validator("date_note", "inferred_from", "note")(classmethod(lambda cls, v: _check_langs(v)))


class Area(Record):
    """One of the agreement's own numbered areas, mapped onto the topic scheme."""

    number: int | None = Field(default=None, ge=1)
    name: LangText
    description: LangText | None = None
    topics: list[Slug] = Field(min_length=1)
    mentions: list[Slug] = Field(default_factory=list)


class StatusChange(Record):
    """A dated step of the lifecycle; the status on any date follows from them (coopgraph.reason.status)."""

    status: Status = Field(description="A lifecycle step: " + ", ".join(STATUSES) + ".")
    date: EventDateValue
    inferred_from: InferredFrom | None = None
    note: LangText | None = None
    sources: list[Slug] = Field(default_factory=list, description="Defaults to the agreement's sources.")

    _v_texts = field_validator("inferred_from", "note")(classmethod(lambda cls, v: _check_langs(v)))


class Renewal(Record):
    automatic: bool
    term: Duration | None = None


AgreementKind = Literal[
    "memorandum-of-understanding",
    "memorandum-of-cooperation",
    "declaration",
    "roadmap",
    "joint-statement",
    "framework-agreement",
    "agreement",
]


class Agreement(Record):
    """One agreement, one file under ``data/agreements/``."""

    id: Slug
    kind: AgreementKind
    title: LangText
    alt_titles: LangTexts | None = None
    level: Level | None = Field(default=None, description=LEVEL_HELP)
    parties: list[Slug | Literal["unknown"]] = Field(
        min_length=1,
        description="Parties by id; 'unknown' for each party no source names (a country alone is its id).",
    )
    party_count: int | None = Field(
        default=None, ge=1, description="How many parties there are, when a source says and not all are named."
    )
    term: Duration | None = None
    renewal: Renewal | None = None
    topics: list[Slug] = Field(default_factory=list)
    areas: list[Area] = Field(default_factory=list)
    lifecycle: list[StatusChange] = Field(default_factory=list)
    signings: list[Signing] = Field(default_factory=list)
    adopted_at: Slug | None = None
    mentions: list[Slug] = Field(default_factory=list)
    note: LangText | None = None
    sources: list[Slug] = Field(min_length=1)

    _v_title = field_validator("title", "alt_titles", "note")(classmethod(lambda cls, v: _check_langs(v)))

    @field_validator("title")
    @classmethod
    def _some_title(cls, v: dict[str, str]) -> dict[str, str]:
        if not v:
            raise ValueError("give a title in at least one language, e.g. {en: ...}")
        return v


# ---------------------------------------------------------------- packages
class Package(Named):
    """Agreements signed together (at one visit or ceremony): each counts on its own, the package as one."""

    members: list[Slug] = Field(min_length=1, description="The agreements of the package that are curated.")
    size: int | None = Field(
        default=None, ge=1, description="How many documents were signed together, as a source counts them."
    )
    date: EventDateValue | None = None
    inferred_from: InferredFrom | None = None
    place: Slug | None = None
    meeting: Slug | None = None
    level: Level | None = None
    sources: list[Slug] = Field(min_length=1)

    @model_validator(mode="after")
    def _size_holds_members(self) -> Package:
        if self.size is not None and self.size < len(self.members):
            raise ValueError(f"size: {self.size} is fewer than the {len(self.members)} members listed")
        return self


REGISTRIES: dict[str, type[Record]] = {
    "sources.yaml": Source,
    "actors.yaml": Actor,
    "places.yaml": Place,
    "posts.yaml": Post,
    "people.yaml": Person,
    "topics.yaml": Topic,
    "meetings.yaml": Meeting,
}
"""Registry file name -> record model; each file is a YAML list of records."""

OPTIONAL_REGISTRIES: dict[str, type[Record]] = {"packages.yaml": Package}
"""Registry files a data directory may leave out."""
