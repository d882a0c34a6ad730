"""What the views call things: node kinds, agreement kinds, statuses, relations and fact headings,
in English and Thai, and the literal/IRI terms read from the store."""

from __future__ import annotations

from typing import Any, NamedTuple

from rdflib import namespace as _rdflib_ns

from coopgraph.graph import vocab as _vocab

VIEWS = ("all", "countries", "ego", "topics")
#: an agreement's short title, should the data model get one (views/titles.py prefers it to a derived one)
SHORT_TITLE = str(_vocab.ONTOLOGY_IRI) + "#shortTitle"


class _Names:
    """A namespace whose terms are plain ``str`` IRIs, looked up once (rdflib's ``__getattr__`` is slow)."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        value = str(getattr(self._namespace, name))
        setattr(self, name, value)
        return value


COOP: Any = _Names(_vocab.COOP)
PROV: Any = _Names(_vocab.PROV)
RDF: Any = _Names(_rdflib_ns.RDF)
RDFS: Any = _Names(_rdflib_ns.RDFS)
OWL: Any = _Names(_rdflib_ns.OWL)
SKOS: Any = _Names(_rdflib_ns.SKOS)
DCTERMS: Any = _Names(_rdflib_ns.DCTERMS)

#: node kind -> (English, Thai) name; the order is the legend's.
KINDS: dict[str, tuple[str, str]] = {
    "country": ("Country", "ประเทศ"),
    "igo": ("Intergovernmental organisation", "องค์การระหว่างรัฐบาล"),
    "government": ("Government", "รัฐบาล"),
    "ministry": ("Ministry", "กระทรวง"),
    "agency": ("Government agency", "หน่วยงานของรัฐ"),
    "company": ("Company", "บริษัท"),
    "person": ("Person", "บุคคล"),
    "agreement": ("Agreement", "ความตกลง"),
    "topic": ("Topic", "หัวข้อ"),
    "meeting": ("Meeting", "การประชุม"),
    "place": ("Place", "สถานที่"),
    "post": ("Post", "ตำแหน่ง"),
}
_CLASS_KIND: dict[str, str] = {
    str(COOP.Country): "country",
    str(COOP.IntergovernmentalOrganization): "igo",
    str(COOP.Government): "government",
    str(COOP.Ministry): "ministry",
    str(COOP.GovernmentAgency): "agency",
    str(COOP.Company): "company",
    str(COOP.Person): "person",
    str(COOP.Topic): "topic",
    str(COOP.Meeting): "meeting",
    str(COOP.MeetingSeries): "meeting",
    str(COOP.Place): "place",
    str(COOP.Post): "post",
}
#: agreement class -> (key, English, Thai)
AGREEMENT_KINDS: dict[str, tuple[str, str, str]] = {
    str(COOP.MemorandumOfUnderstanding): (
        "memorandum-of-understanding", "Memorandum of understanding", "บันทึกความเข้าใจ"
    ),
    str(COOP.MemorandumOfCooperation): ("memorandum-of-cooperation", "Memorandum of cooperation", "บันทึกความร่วมมือ"),
    str(COOP.Declaration): ("declaration", "Declaration", "ปฏิญญา"),
    str(COOP.Roadmap): ("roadmap", "Roadmap", "แผนงาน"),
    str(COOP.JointStatement): ("joint-statement", "Joint statement", "แถลงการณ์ร่วม"),
    str(COOP.FrameworkAgreement): ("framework-agreement", "Framework agreement", "ความตกลงกรอบ"),
    str(COOP.Agreement): ("agreement", "Agreement", "ความตกลง"),
}
#: status individual -> (key, English, Thai); "unknown" when no source says.
STATUSES: dict[str, tuple[str, str, str]] = {
    str(COOP.Planned): ("planned", "Planned", "อยู่ระหว่างวางแผน"),
    str(COOP.Announced): ("announced", "Announced", "ประกาศแล้ว"),
    str(COOP.CabinetApproved): ("cabinet-approved", "Cabinet-approved", "คณะรัฐมนตรีอนุมัติแล้ว"),
    str(COOP.Signed): ("signed", "Signed", "ลงนามแล้ว"),
    str(COOP.Adopted): ("adopted", "Adopted", "รับรองแล้ว"),
    str(COOP.InForce): ("in-force", "In force", "มีผลใช้บังคับ"),
    str(COOP.Expired): ("expired", "Expired", "สิ้นสุดแล้ว"),
    str(COOP.Cancelled): ("cancelled", "Cancelled", "ยกเลิกแล้ว"),
}
UNKNOWN_STATUS = ("unknown", "Unknown", "ไม่ทราบ")
_STATUS_TH = {
    "planned": "อยู่ระหว่างวางแผน", "announced": "ประกาศแล้ว", "approved": "อนุมัติแล้ว",
    "cabinet-approved": "คณะรัฐมนตรีอนุมัติแล้ว", "signed": "ลงนามแล้ว", "adopted": "รับรองแล้ว",
    "in-force": "มีผลใช้บังคับ", "renewed": "ต่ออายุแล้ว", "expired": "หมดอายุแล้ว", "terminated": "ยุติแล้ว",
    "cancelled": "ยกเลิกแล้ว", "superseded": "ถูกแทนที่แล้ว",
}


def status_names() -> dict[str, tuple[str, str]]:
    """Every status the lifecycle module knows (read from its tuples, so a new one needs no change here),
    and ``unknown``: code -> (English, Thai)."""
    from coopgraph.curate.lifecycle import STATUSES as CODES

    names = {code: (code.replace("-", " ").capitalize(), _STATUS_TH.get(code, code)) for code in CODES}
    names[UNKNOWN_STATUS[0]] = UNKNOWN_STATUS[1:]
    return names


def status_filters() -> list[list[str]]:
    """The status filter's choices, ``[key, English, Thai]``: in effect (the default, as the saved queries'),
    any, pending, ended, then each status, and unknown."""
    from coopgraph.curate.lifecycle import ENDED, IN_EFFECT, PENDING

    names = status_names()

    def listed(codes: tuple[str, ...], lang: int) -> str:
        return ", ".join(names[c][lang].lower() if lang == 0 else names[c][lang] for c in codes)

    rows = [
        ["in-effect", f"In effect ({listed(IN_EFFECT, 0)}; not ended)", f"มีผลอยู่ ({listed(IN_EFFECT, 1)})"],
        ["any", "Any status", "ทุกสถานะ"],
        ["pending", f"Pending ({listed(PENDING, 0)})", f"ยังไม่มีผล ({listed(PENDING, 1)})"],
        ["ended", f"Ended ({listed(ENDED, 0)})", f"สิ้นสุดแล้ว ({listed(ENDED, 1)})"],
    ]
    rows += [[code, f"Only: {en}", f"เฉพาะ: {th}"] for code, (en, th) in names.items()]
    return rows
#: edge relation -> (English, Thai), as drawn on edges.
RELATIONS: dict[str, tuple[str, str]] = {
    "party": ("party", "ภาคี"),
    "topic": ("topic", "หัวข้อ"),
    "mentions": ("mentions", "กล่าวถึง"),
    "adopted-at": ("adopted at", "รับรองที่"),
    "signed-during": ("signed during", "ลงนามระหว่าง"),
    "signed-at": ("signed at", "ลงนามที่"),
    "signed": ("signed", "ลงนาม"),
    "witnessed": ("witnessed", "เป็นสักขีพยาน"),
    "attended": ("attended signing", "ร่วมพิธีลงนาม"),
    "serves": ("serves", "สังกัด"),
    "member-of": ("member of", "เป็นสมาชิกของ"),
    "held": ("held post", "ดำรงตำแหน่ง"),
    "post-in": ("post in", "ตำแหน่งใน"),
    "renamed-to": ("renamed to", "เปลี่ยนชื่อเป็น"),
    "broader": ("broader", "หัวข้อที่กว้างกว่า"),
    "in-series": ("in series", "ในชุดการประชุม"),
    "part-of": ("part of", "เป็นส่วนหนึ่งของ"),
    "held-at": ("held at", "จัดที่"),
    "host": ("host", "เจ้าภาพ"),
    "chair": ("chair", "ประธาน"),
    "vice-chair": ("vice-chair", "รองประธาน"),
    "participant": ("participant", "ผู้เข้าร่วม"),
    "observer": ("observer", "ผู้สังเกตการณ์"),
    "organizer": ("organiser", "ผู้จัด"),
    "chair-handed-to": ("chair handed to", "ส่งมอบตำแหน่งประธานให้"),
    "in-country": ("in", "ตั้งอยู่ใน"),
    "cooperates-with": ("cooperates with", "ร่วมมือกับ"),
    "cooperates-on": ("cooperates on", "ร่วมมือด้าน"),
}
#: fact key -> (English, Thai) heading in tooltips and the side panel.
FACTS: dict[str, tuple[str, str]] = {
    "type": ("Type", "ประเภท"),
    "signed": ("Signed", "ลงนาม"),
    "signed-at": ("Signed at", "ลงนามที่"),
    "recorded": ("First recorded", "บันทึกครั้งแรก"),
    "status": ("Status", "สถานะ"),
    "term": ("Term", "ระยะเวลา"),
    "renewal": ("Renewal", "การต่ออายุ"),
    "parties": ("Parties", "ภาคี"),
    "topics": ("Topics", "หัวข้อ"),
    "signatories": ("Signatories", "ผู้ลงนาม"),
    "serves": ("Serves", "สังกัด"),
    "members": ("Members", "สมาชิก"),
    "member-of": ("Member of", "เป็นสมาชิกของ"),
    "renamed": ("Renamed", "เปลี่ยนชื่อ"),
    "posts": ("Posts", "ตำแหน่ง"),
    "organization": ("Organisation", "องค์กร"),
    "dates": ("Dates", "วันที่"),
    "place": ("Place", "สถานที่"),
    "country": ("Country", "ประเทศ"),
    "broader": ("Broader", "หัวข้อที่กว้างกว่า"),
    "definition": ("Definition", "คำนิยาม"),
    "agreements": ("Agreements", "ความตกลง"),
    "wikidata": ("Wikidata", "วิกิสนเทศ"),
    "partners": ("Partners", "ประเทศคู่ร่วมมือ"),
}


class Lit(NamedTuple):
    """A literal as read from the store."""

    value: str
    lang: str
    datatype: str


Term = str | Lit  # an IRI is a plain str

