"""Dates that keep their precision, and Buddhist-era conversion.

Sources give a day (2024-02-02), a month (2024-11) or a year (2023); Thai
sources count years in the Buddhist era (2567 BE = 2024 CE).  A curator writes
``2567-02-02 BE``; we store the Common-Era value and its precision, and show
both ways.

>>> parse_date("2567-02-02 BE")
PartialDate(text='2024-02-02', precision='day')
>>> parse_date("2024-11").precision
'month'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "month", "year"]
BUDDHIST_ERA_OFFSET = 543
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
_DATE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?P<be>\s*BE)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """An ISO date text of the given precision, always in the Common Era."""

    text: str
    precision: Precision

    def __str__(self) -> str:
        """The ISO text, as precise as the source: ``2024-02``, ``2024``."""
        return self.text

    @property
    def year(self) -> int:
        return int(self.text[:4])

    def buddhist(self) -> str:
        """The same date with a Buddhist-era year: ``2567-02-02``."""
        return f"{self.year + BUDDHIST_ERA_OFFSET}{self.text[4:]}"

    def earliest(self) -> dt.date:
        """The first day the date can mean (for ordering and range queries)."""
        parts = [int(p) for p in self.text.split("-")] + [1, 1]
        return dt.date(parts[0], parts[1], parts[2])


def parse_date(text: str) -> PartialDate:
    """Parse a curated date; raise ``ValueError`` with a curator-facing message."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(f"bad date {text!r}: write YYYY-MM-DD, YYYY-MM or YYYY (or '2567-02-02 BE')")
    year = int(match["y"])
    if match["be"]:
        ce = year - BUDDHIST_ERA_OFFSET
        if not EARLIEST_YEAR <= ce <= LATEST_YEAR:
            raise ValueError(
                f"Buddhist-era year {year} is out of range "
                f"({EARLIEST_YEAR + BUDDHIST_ERA_OFFSET}-{LATEST_YEAR + BUDDHIST_ERA_OFFSET} BE)"
            )
        year = ce
    elif not EARLIEST_YEAR <= year <= LATEST_YEAR:
        hint = " (a Buddhist-era year? write it with ' BE')" if year > LATEST_YEAR else ""
        raise ValueError(f"year {year} is out of range ({EARLIEST_YEAR}-{LATEST_YEAR}){hint}")
    month, day = match["m"], match["d"]
    if month is None:
        return PartialDate(f"{year:04d}", "year")
    if not 1 <= int(month) <= 12:
        raise ValueError(f"bad date {text!r}: month {month} does not exist")
    if day is None:
        return PartialDate(f"{year:04d}-{month}", "month")
    try:
        dt.date(year, int(month), int(day))
    except ValueError:
        raise ValueError(f"bad date {text!r}: day {day} does not exist in {year:04d}-{month}") from None
    return PartialDate(f"{year:04d}-{month}-{day}", "day")


# ------------------------------------------------------------------ EDTF subset
# Sources also say "around 2022", "probably May 2022", "12 May (no year)",
# "between May and July 2022".  We read the subset of EDTF (ISO 8601-2, level 1)
# that covers these, ourselves: the `edtf` package takes ~5 ms a parse and has
# no unspecified year (XXXX-05-12); `undate` takes ~2 ms and drops the ~ ? %
# qualifiers.  Ours takes microseconds, adds the ' BE' suffix, and is checked
# against `edtf` in tests/curate/test_dates.py.

Qualifier = Literal["approximate", "uncertain", "range", "year-unknown", "disputed"]
_EDTF_ONE = re.compile(r"^(?P<y>\d{4}|XXXX)(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?P<q>[?~%])?$")
_QUALIFIERS: dict[str | None, tuple[Qualifier, ...]] = {
    None: (),
    "~": ("approximate",),
    "?": ("uncertain",),
    "%": ("approximate", "uncertain"),
}
EDTF_HELP = (
    "write YYYY-MM-DD, YYYY-MM or YYYY, optionally followed by ~ (approximate), ? (uncertain) "
    "or % (both); XXXX-MM-DD for a day with no year; A/B for 'between A and B' (.. for an open end); "
    "' BE' at the end for Buddhist-era years"
)


@dataclass(frozen=True)
class EventDate:
    """A date as a source gives it: its EDTF text, its bounds and what is uncertain about it.

    ``exact`` is the plain day/month/year the EDTF text qualifies (``2022`` of
    ``2022~``), the value an xsd date literal can hold; None for a range or a
    day with no year.  ``earliest``/``latest`` are the first and last day the
    date may mean (an approximate date widens by one unit of its precision);
    None where unbounded (no year, an open end).
    """

    edtf: str
    exact: PartialDate | None
    earliest: dt.date | None
    latest: dt.date | None
    qualifiers: tuple[Qualifier, ...] = ()

    @property
    def plain(self) -> bool:
        """A plain day, month or year: what :func:`parse_date` reads, with nothing to mark."""
        return self.exact is not None and not self.qualifiers


def latest_day(date: PartialDate) -> dt.date:
    """The last day a day, month or year can mean."""
    if date.precision == "day":
        return date.earliest()
    if date.precision == "year":
        return dt.date(date.year, 12, 31)
    month = int(date.text[5:7])
    following = dt.date(date.year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _widen(date: PartialDate) -> tuple[dt.date, dt.date]:
    """Bounds of an approximate date: one unit of its precision either side."""
    first, last = date.earliest(), latest_day(date)
    if date.precision == "year":
        return dt.date(first.year - 1, 1, 1), dt.date(last.year + 1, 12, 31)
    if date.precision == "month":
        return _shift_months(first, -1), _shift_months(first, 2) - dt.timedelta(days=1)
    return first - dt.timedelta(days=1), last + dt.timedelta(days=1)


def _one(text: str, buddhist: bool, whole: str) -> EventDate:
    match = _EDTF_ONE.match(text)
    if not match:
        raise ValueError(f"bad date {whole!r}: {EDTF_HELP}")
    qualifiers = _QUALIFIERS[match["q"]]
    core = text.rstrip("?~%")
    if match["y"] == "XXXX":
        if match["m"] is None:
            raise ValueError(f"bad date {whole!r}: a date with no year needs a month (XXXX-05 or XXXX-05-12)")
        month, day = int(match["m"]), int(match["d"] or 1)
        try:
            dt.date(2000, month, day)  # a leap year: 29 February is a day that can have no year
        except ValueError:
            raise ValueError(f"bad date {whole!r}: {core[5:]} is not a day of the year") from None
        return EventDate(text, None, None, None, (*qualifiers, "year-unknown"))
    exact = parse_date(f"{core} BE" if buddhist else core)
    ce = exact.text + (match["q"] or "")
    if "approximate" in qualifiers:
        first, last = _widen(exact)
    else:
        first, last = exact.earliest(), latest_day(exact)
    return EventDate(ce, exact, first, last, qualifiers)


def parse_edtf(text: str) -> EventDate:
    """Parse a curated date in the EDTF subset; raise ``ValueError`` with a curator-facing message.

    >>> parse_edtf("2022~").qualifiers
    ('approximate',)
    >>> parse_edtf("2565-05/2565-07 BE").edtf
    '2022-05/2022-07'
    """
    whole = text
    text = text.strip()
    buddhist = text.endswith("BE")
    if buddhist:
        text = text[:-2].rstrip()
    if "/" not in text:
        return _one(text, buddhist, whole)
    start_text, _, end_text = text.partition("/")
    if "/" in end_text:
        raise ValueError(f"bad date {whole!r}: a range has one '/' (2022-05/2022-07)")
    if start_text in {"", ".."} and end_text in {"", ".."}:
        raise ValueError(f"bad date {whole!r}: a range needs at least one end")
    start = None if start_text in {"", ".."} else _one(start_text, buddhist, whole)
    end = None if end_text in {"", ".."} else _one(end_text, buddhist, whole)
    if (start and "year-unknown" in start.qualifiers) or (end and "year-unknown" in end.qualifiers):
        raise ValueError(f"bad date {whole!r}: both ends of a range need a year")
    first = start.earliest if start else None
    last = end.latest if end else None
    if start and end and start.exact and end.exact and end.exact.earliest() < start.exact.earliest():
        raise ValueError(f"bad date {whole!r}: the range ends before it starts")
    qualifiers: list[Qualifier] = ["range"]
    for part in (start, end):
        qualifiers += [q for q in (part.qualifiers if part else ()) if q not in qualifiers]
    edtf = f"{start.edtf if start else '..'}/{end.edtf if end else '..'}"
    return EventDate(edtf, None, first, last, tuple(qualifiers))
