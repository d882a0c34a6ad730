"""Short titles, agreement details for the explorer's panel, and ego views that follow ministries and blocs."""

from __future__ import annotations

from pathlib import Path

from coopgraph.graph.store import open_store
from coopgraph.graph.vocab import individual
from coopgraph.views.facts import agreements
from coopgraph.views.index import read_index
from coopgraph.views.project import project
from coopgraph.views.titles import agreement_details, duration_words, short_title, term_words

MOU = str(individual("agreement", "alpha-beta-digital-mou-2024"))
ASEAN_CHINA = str(individual("agreement", "asean-china-communications-digital-technology-2024"))
THAILAND = str(individual("country", "thailand"))


def test_durations_in_words() -> None:
    assert duration_words("P5Y") == ("5 years", "5 ปี")
    assert duration_words("P1Y6M") == ("1 year 6 months", "1 ปี 6 เดือน")
    assert duration_words("P30D") == ("30 days", "30 วัน")
    assert duration_words("until replaced") == ("until replaced", "until replaced")


def test_short_titles_from_parties_kind_subject_and_year(shipped_build: Path) -> None:
    index = read_index(open_store(shipped_build))
    infos = agreements(index)
    en, th = short_title(index, infos[ASEAN_CHINA])
    assert en == "ASEAN–China MOU on communications and digital technology (2024)"
    assert th.startswith("บันทึกความเข้าใจ อาเซียน–") and th.endswith("(2567)")
    for info in infos.values():  # every derived title is shorter than the full one, or the full one is short
        short_en, _ = short_title(index, info)
        assert len(short_en) <= max(80, len(info.label_en))


def test_details_of_an_agreement(tiny_build: Path) -> None:
    index = read_index(open_store(tiny_build))
    info = agreements(index)[MOU]
    assert term_words(index, MOU) == ("5 years, renews automatically for 3 years", "5 ปี ต่ออายุอัตโนมัติคราวละ 3 ปี")
    details = agreement_details(index, info)
    signing = details["signings"][0]
    ada, unknown = signing["signatories"]
    assert ada["person"][0] == "Ada Alpha" and ada["post"] is not None and ada["for"][0] != "unknown"
    assert unknown["person"][0] == "unknown" and unknown["for"][0] != "unknown"  # who is unknown, the side is not
    assert [w["person"][0] for w in signing["witnesses"]] == ["Bob Beta"]
    assert signing["witnesses"][0]["person"][2] is True  # no Thai name: the fallback is marked
    assert ada["certainty"] == "stated" and ada["claims"] == []
    assert details["areas"][0][:2] == [1, "Artificial Intelligence"]
    assert details["steps"] == [["cabinet-approved", "2024-01", "2024-01 (พ.ศ. 2567-01)", False]]
    assert details["sources"][0][0] == "https://example.org/news/1"


def test_a_country_ego_view_follows_its_ministries_and_blocs(shipped_build: Path) -> None:
    store = open_store(shipped_build)
    ego = project(store, view="ego", focus="country/thailand", depth=1)
    through = {a for a, info in agreements(read_index(store)).items() if THAILAND in info.countries}
    assert len(through) > 5
    assert through <= set(ego)  # every agreement Thailand takes part in, through a ministry or a bloc too
    deeper = project(store, view="ego", focus="country/thailand", depth=2)
    assert set(ego) < set(deeper)
