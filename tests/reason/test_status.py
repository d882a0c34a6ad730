"""Status on a date: the one function every query and view reads, for each shape of lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest

from coopgraph.reason.status import FILTERS, add_duration, matches, status_intervals, status_on

D = dt.date.fromisoformat


def shape(intervals: list) -> list[tuple[str, str, str | None]]:
    return [(i.status, i.start.isoformat(), i.until and i.until.isoformat()) for i in intervals]


@pytest.mark.parametrize(
    ("steps", "term", "renewal", "expected"),
    [
        # signed, no term: in effect ever after
        ([("signed", "2024-02-02")], None, None, [("signed", "2024-02-02", None)]),
        # a term with no renewal expires
        ([("signed", "2024-02-02")], "P5Y", None, [("signed", "2024-02-02", "2029-02-02"), ("expired", "2029-02-02", None)]),
        # automatic renewal: in effect, renewed, open-ended (the Thai-Lao MOU: 5 years + automatic 3)
        (
            [("cabinet-approved", "2022-10-25"), ("signed", "2022-11-07")],
            "P5Y",
            (True, "P3Y"),
            [("cabinet-approved", "2022-10-25", "2022-11-07"), ("signed", "2022-11-07", "2027-11-07"), ("renewed", "2027-11-07", None)],
        ),
        # an explicit renewal (not automatic) starts a new term of the renewal's length
        (
            [("signed", "2020-01-01"), ("renewed", "2022-06-01")],
            "P3Y",
            (False, "P2Y"),
            [("signed", "2020-01-01", "2022-06-01"), ("renewed", "2022-06-01", "2024-06-01"), ("expired", "2024-06-01", None)],
        ),
        # the term runs from entry into force when recorded
        (
            [("signed", "2020-01-01"), ("in-force", "2020-07-01")],
            "P1Y",
            None,
            [("signed", "2020-01-01", "2020-07-01"), ("in-force", "2020-07-01", "2021-07-01"), ("expired", "2021-07-01", None)],
        ),
        # cancelled after signing (the MDES - Prime Opportunity Fund MOU)
        ([("signed", "2024-03-27"), ("cancelled", "2025-11-24")], None, None, [("signed", "2024-03-27", "2025-11-24"), ("cancelled", "2025-11-24", None)]),
        # cancelled before signing; a term never starts
        ([("planned", "2024-01-01"), ("cancelled", "2024-05-01")], "P5Y", None, [("planned", "2024-01-01", "2024-05-01"), ("cancelled", "2024-05-01", None)]),
        # planned only (the Thailand - Singapore digital economy MOU)
        ([("planned", "2024-11-28")], None, None, [("planned", "2024-11-28", None)]),
        # pending steps never go backwards (approved, then "signing planned" for a date)
        ([("cabinet-approved", "2022-07-05"), ("planned", "2022-07-11")], None, None, [("cabinet-approved", "2022-07-05", None)]),
        # announced, approved, signed, adopted
        (
            [("announced", "2021-01"), ("cabinet-approved", "2021-03-02"), ("adopted", "2021-04-01")],
            None,
            None,
            [("announced", "2021-01-01", "2021-03-02"), ("cabinet-approved", "2021-03-02", "2021-04-01"), ("adopted", "2021-04-01", None)],
        ),
        # a plain approval (no cabinet named) is pending, after announced and before signing
        (
            [("announced", "2024-05"), ("approved", "2024-06-10"), ("signed", "2024-07-01")],
            None,
            None,
            [("announced", "2024-05-01", "2024-06-10"), ("approved", "2024-06-10", "2024-07-01"), ("signed", "2024-07-01", None)],
        ),
        # a cabinet's approval after a plain one is the later, more specific step; a plain one after it adds nothing
        ([("approved", "2024-06-10"), ("cabinet-approved", "2024-06-20")], None, None, [("approved", "2024-06-10", "2024-06-20"), ("cabinet-approved", "2024-06-20", None)]),
        ([("cabinet-approved", "2024-06-10"), ("approved", "2024-06-20")], None, None, [("cabinet-approved", "2024-06-10", None)]),
        # terminated before the term ran out: the first end wins over the term's expiry
        ([("signed", "2020-01-01"), ("terminated", "2021-01-01")], "P5Y", None, [("signed", "2020-01-01", "2021-01-01"), ("terminated", "2021-01-01", None)]),
        # superseded; an end step is not overridden by a later expiry
        ([("signed", "2019-05"), ("superseded", "2023"), ("expired", "2024-05-01")], "P5Y", None, [("signed", "2019-05-01", "2023-01-01"), ("superseded", "2023-01-01", None)]),
        # an expired agreement renewed later is in effect again
        ([("signed", "2015-01-01"), ("renewed", "2021-03-01")], "P5Y", (False, None), [("signed", "2015-01-01", "2020-01-01"), ("expired", "2020-01-01", "2021-03-01"), ("renewed", "2021-03-01", "2026-03-01"), ("expired", "2026-03-01", None)]),
        # no steps: no status
        ([], "P5Y", None, []),
    ],
)
def test_status_intervals_for_each_lifecycle_shape(steps, term, renewal, expected) -> None:  # type: ignore[no-untyped-def]
    assert shape(status_intervals(steps, term, renewal)) == expected


def test_status_on_a_date_and_filters() -> None:
    intervals = status_intervals([("signed", "2024-03-27"), ("cancelled", "2025-11-24")])
    assert status_on(intervals, D("2024-03-26")) == "unknown"
    assert status_on(intervals, D("2024-03-27")) == "signed"
    assert status_on(intervals, D("2025-11-23")) == "signed"
    assert status_on(intervals, D("2025-11-24")) == "cancelled"  # until is exclusive
    assert matches("signed", "in-effect") and matches("cancelled", "ended") and matches("planned", "any")
    assert not matches("planned", "in-effect") and matches("planned", "planned")
    assert {"in-effect", "any", "pending", "ended", "planned", "cancelled", "superseded"} <= set(FILTERS)


def test_durations_keep_to_the_calendar() -> None:
    assert add_duration(D("2024-02-29"), "P1Y") == D("2025-02-28")
    assert add_duration(D("2024-01-31"), "P1M") == D("2024-02-29")
    assert add_duration(D("2024-01-01"), "P1Y6M2W3D") == D("2025-07-18")


def test_approved_is_pending_and_a_filter() -> None:
    intervals = status_intervals([("approved", "2024-06-10")])
    assert status_on(intervals, D("2024-06-10")) == "approved"
    assert intervals[0].phase == "pending"
    assert "approved" in FILTERS and matches("approved", "pending") and not matches("approved", "in-effect")
