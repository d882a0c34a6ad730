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
