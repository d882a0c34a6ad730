"""dates: precision is kept, Buddhist-era years converted, bad dates explained."""

from __future__ import annotations

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
