"""Reconciliation: names link to records by their labels, with scores; doubtful names are not linked."""

from __future__ import annotations

import pytest

from coopgraph.curate.checker import curate
from coopgraph.curate.draft.reconcile import THRESHOLD, Index
from tests.conftest import SHIPPED


@pytest.fixture(scope="module")
def index() -> Index:
    return Index(curate(SHIPPED))


@pytest.mark.parametrize(
    ("name", "ident"),
    [
        ("the Ministry of Digital Economy and Society of the Kingdom of Thailand", "mdes"),
        ("กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคมแห่งราชอาณาจักรไทย", "mdes"),
        ("People’s Republic of China", "china"),
        ("สาธารณรัฐประชาชนจีน", "china"),
        ("The Ministry of Communications and Informatics of Indonesia", "kominfo"),
    ],
)
def test_names_link_to_their_record(index: Index, name: str, ident: str) -> None:
    match = index.reconcile(name, ["actor", "country"])
    assert match.linked is not None and match.linked.ident == ident
    assert match.linked.score >= THRESHOLD
    assert "linked" in match.comment()


def test_a_label_two_records_share_is_not_linked(index: Index) -> None:
    match = index.reconcile("Ministry of Communications and Information", ["actor"])
    assert match.linked is None
    assert {c.ident for c in match.candidates[:2]} == {"singapore-mci", "vietnam-mic"}
    assert match.comment().startswith("NEW")


def test_a_stranger_is_proposed_new_with_its_candidates(index: Index) -> None:
    match = index.reconcile(
        "Ministry of Digital Development, Communications and Mass Media of the Russian Federation", ["actor"]
    )
    assert match.linked is None and match.comment().startswith("NEW: matched no record")


def test_mentions_prefer_the_longest_label(index: Index) -> None:
    text = "นายประเสริฐ จันทรรวงทอง รัฐมนตรีว่าการกระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม ณ สาธารณรัฐสิงคโปร์"
    found = [(m.ident, m.kind) for m in index.mentions(text, ["person", "post", "actor", "country"])]
    assert found == [("prasert-jantararuangtong", "person"), ("th-minister-of-digital-economy-and-society", "post"),
                     ("singapore", "country")]  # fmt: skip  # not 'mdes' inside the post's name
