"""dates: precision is kept, Buddhist-era years converted, bad dates explained."""

from __future__ import annotations

import re

import pytest

from coopgraph.curate.dates import parse_date


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("2024-02-02", "2024-02-02", "day"),
        ("2567-02-02 BE", "2024-02-02", "day"),
        ("2567-02 BE", "2024-02", "month"),
        ("2567 BE", "2024", "year"),
        ("2024-11", "2024-11", "month"),
        ("2023", "2023", "year"),
    ],
)
def test_parse_keeps_precision(text: str, iso: str, precision: str) -> None:
    date = parse_date(text)
    assert (date.text, date.precision) == (iso, precision)


def test_shown_both_ways() -> None:
    assert parse_date("2024-02-02").buddhist() == "2567-02-02"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-13", "month 13 does not exist"),
        ("2023-02-29", "day 29 does not exist in 2023-02"),
        ("2 Feb 2024", "write YYYY-MM-DD"),
        ("2567-02-02", "a Buddhist-era year?"),
        ("1800 BE", "Buddhist-era year 1800 is out of range"),
    ],
)
def test_bad_dates_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("?", r"\?")):
        parse_date(text)


# --- EDTF subset: approximate, uncertain, no year, ranges ---------------------------------------
import datetime as dt  # noqa: E402

import edtf  # noqa: E402

from coopgraph.curate.dates import parse_edtf  # noqa: E402


@pytest.mark.parametrize(
    ("text", "edtf", "exact", "earliest", "latest", "qualifiers"),
    [
        ("2024-02-02", "2024-02-02", "2024-02-02", "2024-02-02", "2024-02-02", ()),
        ("2022~", "2022~", "2022", "2021-01-01", "2023-12-31", ("approximate",)),  # widened one year each side
        ("2022-12~", "2022-12~", "2022-12", "2022-11-01", "2023-01-31", ("approximate",)),
        ("2022-05?", "2022-05?", "2022-05", "2022-05-01", "2022-05-31", ("uncertain",)),
        ("2022-05-12%", "2022-05-12%", "2022-05-12", "2022-05-11", "2022-05-13", ("approximate", "uncertain")),
        ("XXXX-05-12", "XXXX-05-12", None, None, None, ("year-unknown",)),
        ("XXXX-02-29", "XXXX-02-29", None, None, None, ("year-unknown",)),
        ("2022-05/2022-07", "2022-05/2022-07", None, "2022-05-01", "2022-07-31", ("range",)),
        ("2565-05/2565-07 BE", "2022-05/2022-07", None, "2022-05-01", "2022-07-31", ("range",)),
        ("../2022-03", "../2022-03", None, None, "2022-03-31", ("range",)),
        ("2024-11-21/2024-11-22", "2024-11-21/2024-11-22", None, "2024-11-21", "2024-11-22", ("range",)),
        ("2565-07-11? BE", "2022-07-11?", "2022-07-11", "2022-07-11", "2022-07-11", ("uncertain",)),
    ],
)
def test_edtf_bounds_and_qualifiers(
    text: str, edtf: str, exact: str | None, earliest: str | None, latest: str | None, qualifiers: tuple[str, ...]
) -> None:
    date = parse_edtf(text)
    assert date.edtf == edtf
    assert (date.exact.text if date.exact else None) == exact
    assert (date.earliest.isoformat() if date.earliest else None) == earliest
    assert (date.latest.isoformat() if date.latest else None) == latest
    assert date.qualifiers == qualifiers


@pytest.mark.parametrize(
    "text", ["2024-02-02", "2024-02", "2024", "2022-05?", "2022-05/2022-07", "2021-12-30/2022-02", "2024-02?"]
)
def test_strict_bounds_agree_with_the_edtf_package(text: str) -> None:
    """An independent EDTF parser gives the same first and last day for what we read unwidened."""
    theirs = edtf.parse_edtf(text)
    ours = parse_edtf(text)
    assert ours.earliest == edtf.struct_time_to_date(theirs.lower_strict())
    assert ours.latest == edtf.struct_time_to_date(theirs.upper_strict())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("around 2022", "write YYYY-MM-DD"),
        ("2022-13~", "month 13 does not exist"),
        ("XXXX", "a date with no year needs a month"),
        ("XXXX-02-30", "02-30 is not a day of the year"),
        ("2022-07/2022-05", "the range ends before it starts"),
        ("../..", "a range needs at least one end"),
        ("XXXX-05/2022-07", "both ends of a range need a year"),
        ("2022/2023/2024", "a range has one '/'"),
        ("2022-05-12?~", "write YYYY-MM-DD"),
    ],
)
def test_bad_edtf_says_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_edtf(text)


def test_plain_dates_read_the_same_both_ways() -> None:
    for text in ("2024-02-02", "2567-02 BE", "2023"):
        assert parse_edtf(text).exact == parse_date(text) and parse_edtf(text).plain
    assert parse_edtf("2024-02-29").latest == dt.date(2024, 2, 29)
