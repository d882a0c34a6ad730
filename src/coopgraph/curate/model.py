"""The curated-data model: what a curator may write under ``data/``.

The same pydantic models drive the checker (`coopgraph check`) and the JSON
Schema an editor uses while a person types (`coopgraph schema`).  Field names
are the YAML keys; every model forbids unknown keys so a typo is an error.

Dates are strings here and parsed by :mod:`coopgraph.curate.dates`, which keeps their
precision (``2024-02-02``, ``2024-02``, ``2024``) and converts Buddhist-era
years (``2567-02-02 BE``).  ``unknown`` is allowed where a source is silent.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from coopgraph.curate.dates import parse_date

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


class Named(Record):
    id: Slug
    name: LangText
    alt_names: LangTexts | None = None
    abbreviation: LangText | None = None
    note: LangText | None = None
    sources: list[Slug] = Field(default_factory=list)

    _v_name = field_validator("name", "alt_names", "abbreviation", "note")(classmethod(lambda cls, v: _check_langs(v)))


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
    date: DateText | None = None
    note: LangText | None = None
    sources: list[Slug] = Field(min_length=1)


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
    chair: Slug | None = None
    vice_chair: Slug | None = None
    participants: list[Slug] = Field(default_factory=list)
    observers: list[Slug] = Field(default_factory=list)
    chair_handed_to: Slug | None = None
    theme: LangText | None = None
    sources: list[Slug] = Field(min_length=1)


# ---------------------------------------------------------------- agreements
class Signatory(Record):
    """One signature: who signed, in which post, for which party; ``unknown`` where no source says."""

    person: Slug | Literal["unknown"]
    post: Slug | None = None
    on_behalf_of: Slug | None = Field(default=None, alias="for")


class Participant(Record):
    """A witness or attendee; the post they held then is a tenure of theirs (people.yaml)."""

    person: Slug


class Signing(Record):
    """A signing ceremony: when, where, at which meeting, who signed and who witnessed."""

    date: DateText | Literal["unknown"]
    date_note: LangText | None = None
    place: Slug | None = None
    meeting: Slug | None = None
    signatories: list[Signatory] = Field(default_factory=list)
    witnesses: list[Participant] = Field(default_factory=list)
    attendees: list[Participant] = Field(default_factory=list)
    note: LangText | None = None
    sources: list[Slug] = Field(default_factory=list, description="Defaults to the agreement's sources.")


class Area(Record):
    """One of the agreement's own numbered areas, mapped onto the topic scheme."""

    number: int | None = Field(default=None, ge=1)
    name: LangText
    description: LangText | None = None
    topics: list[Slug] = Field(min_length=1)
    mentions: list[Slug] = Field(default_factory=list)


class StatusChange(Record):
    """A dated step of the lifecycle; the status on any date follows from them (coopgraph.reason.status)."""

    status: Literal[
        "planned",
        "announced",
        "cabinet-approved",
        "signed",
        "adopted",
        "in-force",
        "renewed",
        "expired",
        "terminated",
        "cancelled",
        "superseded",
    ]
    date: DateText
    note: LangText | None = None
    sources: list[Slug] = Field(default_factory=list, description="Defaults to the agreement's sources.")


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
    parties: list[Slug] = Field(min_length=1)
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
