"""validate: SHACL shapes and violation queries catch what per-file checks cannot, placed at the YAML record."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopgraph.errors import CoopgraphError
from coopgraph.pipeline import check


def _problems(data: Path) -> list[str]:
    with pytest.raises(CoopgraphError) as raised:
        check(data)
    return [str(p) for p in raised.value.problems]


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_shacl_problem_names_the_record(tiny_copy: Path) -> None:
    _append(tiny_copy / "topics.yaml", "- id: thai-only\n  name: {th: ไทยเท่านั้น}\n")
    problems = _problems(tiny_copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"{tiny_copy}/topics.yaml:8: ") or "topics.yaml:8: " in problems[0]
    assert "English" in problems[0] and "thai-only" in problems[0]


def test_tenure_ending_before_it_starts(tiny_copy: Path) -> None:
    _append(
        tiny_copy / "people.yaml",
        "- id: carol\n  name: {en: Carol}\n  sources: [press-release-1]\n  tenures:\n"
        "    - {post: alpha-digital-minister, from: 2024-05, to: 2023-01-01, sources: [press-release-1]}\n",
    )
    problems = _problems(tiny_copy)
    assert any("people.yaml:17: ends (2023-01-01) before it starts (2024-05)" in p for p in problems)


def test_signing_outside_its_meeting_and_outside_tenure(tiny_copy: Path) -> None:
    agreement = tiny_copy / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    agreement.write_text(
        agreement.read_text(encoding="utf-8").replace("date: 2024-02-02", "date: 2024-03-02"), encoding="utf-8"
    )
    people = tiny_copy / "people.yaml"
    people.write_text(
        people.read_text(encoding="utf-8").replace("attested: [2024-02-02]", "from: 2024-02-01\n      to: 2024-02-28"),
        encoding="utf-8",
    )
    problems = _problems(tiny_copy)
    assert any("signed on 2024-03-02 but its meeting ran 2024-02-01 to 2024-02-02" in p for p in problems)
    assert any("that no tenure of the signatory covers on 2024-03-02" in p for p in problems)
    assert any("alpha-beta-digital-mou-2024.yaml:18:" in p for p in problems)  # the signing
    assert any("alpha-beta-digital-mou-2024.yaml:22:" in p for p in problems)  # the signature


def test_unused_source(tiny_copy: Path) -> None:
    _append(tiny_copy / "sources.yaml", "- id: orphan\n  url: https://example.org/orphan\n")
    assert any("sources.yaml:11: is a source that no record cites" in p for p in _problems(tiny_copy))


def test_store_problems_run_the_violation_queries_beside_the_shapes(
    tiny_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both kinds of problem, in the order run one after the other; the violation queries on a second thread."""
    import threading

    from coopgraph.checks import validate
    from coopgraph.curate.checker import curate
    from coopgraph.pipeline import populate_store

    _append(tiny_copy / "topics.yaml", "- id: thai-only\n  name: {th: ไทยเท่านั้น}\n")  # a shape
    _append(  # a violation query
        tiny_copy / "people.yaml",
        "- id: carol\n  name: {en: Carol}\n  sources: [press-release-1]\n  tenures:\n"
        "    - {post: alpha-digital-minister, from: 2024-05, to: 2023-01-01, sources: [press-release-1]}\n",
    )
    store, origins = populate_store(curate(tiny_copy))
    shapes = validate.shape_problems(store, origins)
    violations = validate.query_problems(store, origins)
    assert shapes and violations
    ran_on: list[str] = []
    run_queries = validate.query_problems

    def recorded(*args: object) -> list[object]:
        ran_on.append(threading.current_thread().name)
        return run_queries(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "query_problems", recorded)
    assert [str(p) for p in validate.store_problems(store, origins)] == [str(p) for p in shapes + violations]
    assert ran_on and ran_on[0] != threading.current_thread().name


def test_store_problems_raise_what_a_violation_query_raises(tiny_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coopgraph.checks import validate
    from coopgraph.curate.checker import curate
    from coopgraph.pipeline import populate_store

    store, origins = populate_store(curate(tiny_copy))

    def broken(*_args: object) -> list[object]:
        raise OSError("the store went away")

    monkeypatch.setattr(validate, "query_problems", broken)
    with pytest.raises(OSError, match="the store went away"):
        validate.store_problems(store, origins)
