"""Dates in press releases: Thai (2 กุมภาพันธ์ 2567, 2 ก.พ. 67, พ.ศ.) and English, with their spans.

Thai years are Buddhist-era (CE + 543); a two-digit year is the BE year's end
(67 = 2567).  Each date found keeps its offsets so a review shows where it was read.

>>> [d.iso for d in find_dates("วันที่ 2 ก.พ. 67 และ 3 March 2024")]
['2024-02-02', '2024-03-03']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coopgraph.curate.dates import BUDDHIST_ERA_OFFSET, parse_date

THAI_MONTHS = {
    "มกราคม": 1, "กุมภาพันธ์": 2, "มีนาคม": 3, "เมษายน": 4, "พฤษภาคม": 5, "มิถุนายน": 6,
    "กรกฎาคม": 7, "สิงหาคม": 8, "กันยายน": 9, "ตุลาคม": 10, "พฤศจิกายน": 11, "ธันวาคม": 12,
    "ม.ค.": 1, "ก.พ.": 2, "มี.ค.": 3, "เม.ย.": 4, "พ.ค.": 5, "มิ.ย.": 6,
    "ก.ค.": 7, "ส.ค.": 8, "ก.ย.": 9, "ต.ค.": 10, "พ.ย.": 11, "ธ.ค.": 12,
}  # fmt: skip
EN_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_TH_MONTH = "|".join(sorted(map(re.escape, THAI_MONTHS), key=len, reverse=True))
_EN_MONTH = "|".join(sorted(EN_MONTHS, key=len, reverse=True))
_THAI_DATE = re.compile(
    rf"(?P<d>\d{{1,2}})\s*(?P<m>{_TH_MONTH})\s*(?:พ\.ศ\.\s*|ค\.ศ\.\s*(?P<ce>))?(?P<y>\d{{4}}|\d{{2}})?(?!\d)"
)
_EN_DMY = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_EN_MONTH})\.?,?\s+(?P<y>\d{{4}})\b", re.I)
_EN_MDY = re.compile(rf"\b(?P<m>{_EN_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I)
_EN_MY = re.compile(rf"\b(?P<m>{_EN_MONTH})\s+(?P<y>\d{{4}})\b", re.I)
_THAI_MY = re.compile(rf"(?<!\d\s)(?<!\d)(?P<m>{_TH_MONTH})\s*(?:พ\.ศ\.\s*)?(?P<y>\d{{4}})(?!\d)")
_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")


@dataclass(frozen=True)
class FoundDate:
    iso: str  # Common Era, precision kept
    start: int
    end: int
    text: str


def _thai_year(text: str | None, ce: bool) -> int | None:
    if text is None:
        return None
    year = int(text)
    if len(text) == 2:
        year += 2500  # 67 -> 2567 BE: the usual abbreviation in Thai news
    if ce or year < 2400:
        return year
    return year - BUDDHIST_ERA_OFFSET


def _make(year: int | None, month: int, day: int | None) -> str | None:
    if year is None:
        return None
    text = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    try:
        return parse_date(text).text
    except ValueError:
        return None


def find_dates(text: str) -> list[FoundDate]:
    """Every date in ``text``, in order; a day without a year is left out (the year is unknown)."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def add(iso: str | None, match: re.Match[str]) -> None:
        if iso and not any(s < match.end() and match.start() < e for s, e in taken):
            found.append(FoundDate(iso, match.start(), match.end(), match.group(0)))
            taken.append((match.start(), match.end()))

    for match in _THAI_DATE.finditer(text):
        add(_make(_thai_year(match["y"], match["ce"] is not None), THAI_MONTHS[match["m"]], int(match["d"])), match)
    for pattern in (_EN_DMY, _EN_MDY, _ISO):
        for match in pattern.finditer(text):
            month = match["m"]
            number = int(month) if month.isdigit() else EN_MONTHS[month.lower()]
            year = int(match["y"])
            if year > 2400:
                year -= BUDDHIST_ERA_OFFSET
            add(_make(year, number, int(match["d"])), match)
    for match in _THAI_MY.finditer(text):
        add(_make(_thai_year(match["y"], False), THAI_MONTHS[match["m"]], None), match)
    for match in _EN_MY.finditer(text):
        add(_make(int(match["y"]), EN_MONTHS[match["m"].lower()], None), match)
    return sorted(found, key=lambda d: d.start)
