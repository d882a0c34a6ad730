"""Every coopgraph IRI, written once.

`COOP` is a closed namespace: a misspelt term (``COOP.Agrement``) raises
``AttributeError`` instead of silently minting a new IRI.  A test checks that
every term here is declared in ``ontology/coopgraph.ttl`` and vice versa.

Individuals live under ``https://w3id.org/coopgraph/id/<kind>/<slug>``; the base
is configurable so a portal can publish under its own domain (see
:func:`individual`).
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

# the text of every IRI lives in coopgraph.graph.iris (no rdflib there, so `coopgraph query` starts fast)
from coopgraph.graph.iris import DEFAULT_BASE, GRAPH_BASE, KIND_SEGMENTS, ONTOLOGY_IRI, STANDARD

__all__ = ["COOP", "DCAT", "DEFAULT_BASE", "GRAPH_BASE", "KIND_SEGMENTS", "ONTOLOGY_IRI", "ORG", "PROV", "SCHEMA"]
__all__ += ["VOID", "WD", "graph_iri", "individual"]

ORG = Namespace(STANDARD["org"])
PROV = Namespace(STANDARD["prov"])
SCHEMA = Namespace(STANDARD["schema"])
WD = Namespace(STANDARD["wd"])
VOID = Namespace(STANDARD["void"])
DCAT = Namespace(STANDARD["dcat"])


class COOP(DefinedNamespace):
    """The coopgraph ontology terms (``coop:``)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True
    _extras = ["from", "until"]  # derived xsd:date bounds of a StatusInterval / Cooperation (Python keywords)

    # --- classes: actors -------------------------------------------------
    Actor: URIRef  # anything that can be party to an agreement
    Country: URIRef
    Organization: URIRef
    IntergovernmentalOrganization: URIRef
    GovernmentBody: URIRef  # an organisation serving one country
    Government: URIRef
    Ministry: URIRef
    GovernmentAgency: URIRef
    Company: URIRef
    Person: URIRef
    Place: URIRef
    # --- classes: posts, tenures, memberships, change --------------------
    Post: URIRef
    Tenure: URIRef
    BlocMembership: URIRef
    OrganizationChange: URIRef
    # --- classes: agreements and their lifecycle -------------------------
    Agreement: URIRef
    MemorandumOfUnderstanding: URIRef
    MemorandumOfCooperation: URIRef
    Declaration: URIRef
    Roadmap: URIRef
    JointStatement: URIRef
    FrameworkAgreement: URIRef
    CooperationArea: URIRef
    AgreementStatus: URIRef
    StatusChange: URIRef
    StatusInterval: URIRef  # derived: one status over [from, until)
    Cooperation: URIRef  # derived: country x agreement, its partners and period
    CountryGroup: URIRef  # derived: countries taking part together (a bloc's members on a date, or one country)
    CountryGrouping: URIRef  # derived: the disjoint groups of an agreement's countries
    # --- classes: events --------------------------------------------------
    Signing: URIRef
    Signature: URIRef
    Meeting: URIRef
    MeetingSeries: URIRef
    # --- classes: topics, sources, certainty, precision ------------------
    Topic: URIRef
    SourceDocument: URIRef
    Certainty: URIRef
    DatePrecision: URIRef

    # --- individuals of the enumerations ---------------------------------
    topics: URIRef  # the skos:ConceptScheme of cooperation topics
    Stated: URIRef
    Partial: URIRef
    Unknown: URIRef
    DayPrecision: URIRef
    MonthPrecision: URIRef
    YearPrecision: URIRef
    Planned: URIRef
    Announced: URIRef
    Approved: URIRef
    CabinetApproved: URIRef
    Signed: URIRef
    Adopted: URIRef
    InForce: URIRef
    Renewed: URIRef
    Expired: URIRef
    Terminated: URIRef
    Cancelled: URIRef
    Superseded: URIRef

    # --- object properties -------------------------------------------------
    serves: URIRef  # government body -> country
    memberOfBloc: URIRef  # country -> bloc (derived from BlocMembership)
    hasMember: URIRef  # bloc -> country
    member: URIRef  # BlocMembership -> country
    bloc: URIRef  # BlocMembership -> bloc
    hasMembership: URIRef  # country -> BlocMembership
    postIn: URIRef  # Post -> organisation
    holder: URIRef  # Tenure -> person
    tenureOf: URIRef  # Tenure -> post
    holds: URIRef  # person -> post (derived from tenures)
    hasTenure: URIRef  # person -> Tenure
    originalOrganization: URIRef  # change -> old organisation
    resultingOrganization: URIRef  # change -> new organisation
    renamedTo: URIRef  # old organisation -> new organisation
    renamedFrom: URIRef  # inverse of renamedTo
    hasParty: URIRef
    partyTo: URIRef
    hasTopic: URIRef
    topicOf: URIRef
    hasArea: URIRef
    areaTopic: URIRef
    mentions: URIRef
    hasStatusChange: URIRef
    status: URIRef
    hasSigning: URIRef
    signingOf: URIRef
    hasSignature: URIRef
    signatory: URIRef  # Signature -> person
    signed: URIRef  # person -> agreement (chain hasSignature^-1 ...)
    inCapacityOf: URIRef  # Signature/witness -> post held
    onBehalfOf: URIRef  # Signature -> party
    witness: URIRef  # Signing -> person
    attendee: URIRef  # Signing -> person present
    place: URIRef  # Signing/Meeting -> place
    inCountry: URIRef  # Place -> country
    duringMeeting: URIRef  # Signing -> meeting
    adoptedAt: URIRef  # Agreement -> meeting
    inSeries: URIRef  # Meeting -> series
    partOfMeeting: URIRef
    host: URIRef
    chair: URIRef
    viceChair: URIRef
    participant: URIRef
    observer: URIRef
    organizer: URIRef
    chairHandedTo: URIRef  # Meeting -> country taking the chair next
    certainty: URIRef
    datePrecision: URIRef
    cooperatesWith: URIRef  # derived, symmetric, country <-> country
    cooperatesThrough: URIRef  # country -> agreement that justifies cooperation (derived)
    hasStatusInterval: URIRef  # agreement -> StatusInterval (derived)
    hasCooperation: URIRef  # country -> Cooperation (derived)
    partner: URIRef  # Cooperation -> country
    through: URIRef  # Cooperation -> agreement
    hasCountryGrouping: URIRef  # agreement -> CountryGrouping (derived)
    hasCountryGroup: URIRef  # CountryGrouping -> CountryGroup (derived; disjoint groups)
    groupMember: URIRef  # CountryGroup -> country (derived)

    # --- datatype properties ----------------------------------------------
    date: URIRef  # xsd:date | xsd:gYearMonth | xsd:gYear
    startDate: URIRef
    endDate: URIRef
    attestedOn: URIRef  # tenure seen in a source on this date
    dateNote: URIRef  # what a source says of an imprecise date
    term: URIRef  # xsd:duration
    renewalTerm: URIRef  # xsd:duration
    automaticRenewal: URIRef  # xsd:boolean
    areaNumber: URIRef
    ordinal: URIRef
    theme: URIRef
    abbreviation: URIRef
    url: URIRef
    publisherName: URIRef
    wikidata: URIRef  # the bare Wikidata id, e.g. "Q869"
    phase: URIRef  # StatusInterval: pending | in-effect | ended (derived)

    # --- uncertain and disputed dates (EDTF) ---------------------------------
    DateQualifier: URIRef  # what is uncertain about a date
    DateClaim: URIRef  # one source's value of a date the sources disagree on
    Approximate: URIRef
    Uncertain: URIRef
    Inferred: URIRef
    WithinRange: URIRef
    YearUnknown: URIRef
    SourcesDisagree: URIRef
    dateQualifier: URIRef  # node -> DateQualifier
    dateClaim: URIRef  # node -> DateClaim
    edtf: URIRef  # the date as EDTF text (ISO 8601-2)
    earliest: URIRef  # xsd:date: first day the date may mean
    latest: URIRef  # xsd:date: last day the date may mean
    inferredFrom: URIRef  # how an inferred date was worked out (language-tagged)
    curatorLabel: URIRef  # a label the curators wrote themselves (no source gives it)

    # --- record shapes of real sources (issue 12) ------------------------------
    AgreementPackage: URIRef  # agreements signed together
    packageMember: URIRef  # package -> agreement
    inPackage: URIRef  # agreement -> package
    packageSize: URIRef  # how many documents a source says were signed together
    AgreementLevel: URIRef
    HeadsOfStateOrGovernment: URIRef
    ForeignMinisters: URIRef
    SectorMinisters: URIRef
    Agencies: URIRef
    Companies: URIRef
    level: URIRef  # agreement/signing/package -> AgreementLevel
    partyCount: URIRef  # how many parties, when a source says and not all are named
    unnamedParties: URIRef  # how many parties no source names
    Disputed: URIRef  # certainty: sources disagree
    roleCertainty: URIRef  # signature -> Stated/Disputed
    Role: URIRef
    SignatoryRole: URIRef
    WitnessRole: URIRef
    AttendeeRole: URIRef
    RoleClaim: URIRef  # one source's version of someone's role at a signing
    roleClaim: URIRef  # signing -> RoleClaim
    aboutPerson: URIRef  # RoleClaim -> person
    claimedRole: URIRef  # RoleClaim -> Role




def individual(kind: str, slug: str, *, base: str = DEFAULT_BASE) -> URIRef:
    """The IRI of an individual: ``individual("country", "thailand")``.

    >>> individual("country", "thailand")
    rdflib.term.URIRef('https://w3id.org/coopgraph/id/country/thailand')
    """
    return URIRef(f"{base}{KIND_SEGMENTS[kind]}/{slug}")


def graph_iri(name: str) -> URIRef:
    """The IRI of one of the dataset's named graphs (ontology, asserted, inferred)."""
    return URIRef(GRAPH_BASE + name)
