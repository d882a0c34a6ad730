"""The streamed curation (big worlds, on disk) finds exactly the problems curate() finds, at the same places."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coopgraph.curate.checker import Curation, curate, stream_curation
from coopgraph.errors import CoopgraphError
from tests.conftest import BAD, SHIPPED, TINY

CASES = sorted(BAD.glob("*.yaml"))


def _streamed(data: Path) -> tuple[Curation, list[str]]:
    """Stream the whole world; the ids of the agreements handed out, in order."""
    curation = stream_curation(data)
    ids = [agreement.id for agreement, _doc, _path in curation.agreements()]
    curation.finish()
    return curation, ids


def _problems_both_ways(data: Path) -> list[str]:
    """The problems as the user sees them (one line each, in order), the same from both readers."""
    with pytest.raises(CoopgraphError) as whole:
        curate(data)
    with pytest.raises(CoopgraphError) as streamed:
        _streamed(data)
    assert str(streamed.value) == str(whole.value)
    assert streamed.value.problems == whole.value.problems
    return str(whole.value).splitlines()


@pytest.mark.parametrize("data", [TINY, SHIPPED], ids=["tiny", "shipped"])
def test_a_clean_world_streams_every_agreement_in_order(data: Path) -> None:
    world = curate(data)
    curation, ids = _streamed(data)
    assert ids == list(world.agreements)
    assert curation.count == len(world.agreements)
    registries = [*curation.registries.streamed_sources, *curation.registries.origins]  # sources: only ids kept
    assert registries == [i for i in world.origins if i not in world.agreements]
    assert not curation.registries.sources and len(curation.registries.streamed_sources) == len(world.sources)
    assert {i: curation.origins[i] for i in world.origins} == world.origins


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_each_bad_case_gives_the_same_problems(case: Path, tiny_copy: Path) -> None:
    registry, _, name = case.stem.partition("--")
    target = tiny_copy / "agreements" / f"{name}.yaml" if registry == "agreements" else tiny_copy / f"{registry}.yaml"
    shutil.copy(case, target)
    assert _problems_both_ways(tiny_copy)


def _agreement(data: Path, name: str, text: str) -> None:
    (data / "agreements" / f"{name}.yaml").write_text(text, encoding="utf-8")


MOU = "kind: memorandum-of-understanding\ntitle: {en: An MOU}\nsources: [bloc-charter]\n"


def test_references_to_agreements_read_later_or_never(tiny_copy: Path) -> None:
    """Judged once every id is known: an agreement named as a party (read after it), a signatory for one,
    a package of one read later and of one never written."""
    _agreement(tiny_copy, "aaa-first", "id: aaa-first\n" + MOU + "parties: [alpha, zzz-later]\n"
               "signings:\n  - date: 2025\n    signatories:\n      - {person: unknown, for: bloc-beta-mou-2025}\n")
    _agreement(tiny_copy, "zzz-later", "id: zzz-later\n" + MOU + "parties: [alpha, beta]\n")
    (tiny_copy / "packages.yaml").write_text(
        "- id: visit\n  name: {en: A visit}\n  members: [zzz-later, zzz-latter, aaa-first]\n"
        "  sources: [bloc-charter]\n",
        encoding="utf-8",
    )
    shown = _problems_both_ways(tiny_copy)
    assert any("aaa-first.yaml:5: party 'zzz-later' is a agreement, expected an actor or country (defined at" in p
               for p in shown)
    assert any("aaa-first.yaml:9: party signed for 'bloc-beta-mou-2025' is a agreement" in p for p in shown)
    assert any("aaa-first.yaml:9: signatory signs for 'bloc-beta-mou-2025', which is not a party" in p
               for p in shown)
    assert any("packages.yaml:3: package member 'zzz-latter' is not defined (did you mean 'zzz-later'?)" in p
               for p in shown)
    assert len(shown) == 4


def test_duplicate_ids_misnamed_files_and_unreadable_yaml(tiny_copy: Path) -> None:
    _agreement(tiny_copy, "aaa-copy", "id: bloc-beta-mou-2025\n" + MOU + "parties: [alpha, beta]\n")  # read first
    _agreement(tiny_copy, "alpha", "id: alpha\n" + MOU + "parties: [alpha, beta]\n")  # an actor's id
    _agreement(tiny_copy, "broken", "id: broken\nparties: [alpha\n")
    _agreement(tiny_copy, "invalid", "id: invalid\n" + MOU + "parties: [alpha, beta]\nlevel: 7\n")
    _agreement(tiny_copy, "names-invalid", "id: names-invalid\n" + MOU + "parties: [alpha, invalid]\n")
    shown = _problems_both_ways(tiny_copy)
    assert any("aaa-copy.yaml:1: agreement id 'bloc-beta-mou-2025' should match its file name 'aaa-copy'" in p
               for p in shown)
    assert any("bloc-beta-mou-2025.yaml:1: duplicate id 'bloc-beta-mou-2025' (first defined at" in p for p in shown)
    assert any("alpha.yaml:1: duplicate id 'alpha' (first defined at" in p for p in shown)
    assert any("broken.yaml:3: malformed YAML" in p for p in shown)
    assert any("names-invalid.yaml:5: party 'invalid' is not defined" in p for p in shown)  # an agreement's id


def test_a_problem_stops_the_stream_but_not_the_reading(tiny_copy: Path) -> None:
    """Once a problem is found nothing more is handed out (it would be thrown away), but every file is read."""
    _agreement(tiny_copy, "aaa-bad", "id: aaa-bad\n" + MOU + "parties: [alpha, nobody]\n")
    _agreement(tiny_copy, "zzz-bad", "id: zzz-bad\n" + MOU + "parties: [alpha]\n")
    curation = stream_curation(tiny_copy)
    handed = [a.id for a, _doc, _path in curation.agreements()]
    # aaa-bad's reference is judged at the end; zzz-bad has one party: from it on, nothing is handed out
    assert handed == ["aaa-bad", "alpha-beta-digital-mou-2024", "bloc-beta-mou-2025"]
    assert curation.count == 4
    with pytest.raises(CoopgraphError) as raised:
        curation.finish()
    assert {p.location.path.rsplit("/", 1)[-1] for p in raised.value.problems} == {"aaa-bad.yaml", "zzz-bad.yaml"}


# --- the registries read one record at a time: the sources handed out, only their ids kept ----------------------

SOURCE = "- id: {id}\n  url: https://example.org/{id}\n"


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


REGISTRY_CASES = {
    "bad-field-and-duplicate-source": ("sources.yaml", SOURCE.format(id="bloc-charter") + "- id: odd\n  url: ftp://x\n"
                                       "  language: 12\n- id: alpha\n  url: https://example.org/a\n"),
    "tag-after-good-sources": ("sources.yaml", SOURCE.format(id="fine") + "- id: tagged\n  url: !!binary aGVsbG8=\n"),
    "malformed-after-good-sources": ("sources.yaml", SOURCE.format(id="fine") + "- id: broken\n  url: [x\n"),
    "alias-bomb-in-sources": ("sources.yaml", "- &a {id: lol, url: 'https://x', title: {en: x}}\n" + "".join(
        f"- &{c} [{', '.join(['*' + p] * 12)}]\n" for p, c in zip("abcd", "bcde", strict=True))),
    "malformed-actors": ("actors.yaml", "- id: broken\n  name: {en: [x}\n"),
    "duplicate-key-in-people": ("people.yaml", "- id: somebody\n  id: again\n  name: {en: S}\n"),
}


@pytest.mark.parametrize("case", sorted(REGISTRY_CASES))
def test_bad_registry_records_give_the_same_problems(tiny_copy: Path, case: str) -> None:
    name, text = REGISTRY_CASES[case]
    _append(tiny_copy / name, text)
    assert _problems_both_ways(tiny_copy)


def test_references_to_sources_streamed_and_not_kept(tiny_copy: Path) -> None:
    """A source defined, one misspelt (did-you-mean among the streamed ids), one invalid, one duplicating an actor:
    judged against the ids kept of the sources handed out, with their lines."""
    _append(tiny_copy / "sources.yaml", SOURCE.format(id="gamma") + "- id: bad-url\n  url: nowhere\n")
    _agreement(tiny_copy, "aaa", "id: aaa\nkind: memorandum-of-understanding\ntitle: {en: An MOU}\n"
               "sources: [bloc-chartr, bad-url, press-release-1]\nparties: [alpha, press-release-1]\n")
    sources = tiny_copy / "sources.yaml"
    shown = _problems_both_ways(tiny_copy)
    assert [p.split(": ", 1)[0].rsplit("/", 1)[-1] for p in shown] == [
        "actors.yaml:10", "actors.yaml:20", "aaa.yaml:4", "aaa.yaml:4", "aaa.yaml:5", "sources.yaml:14"
    ]
    assert shown == [
        f"{tiny_copy / 'actors.yaml'}:10: duplicate id 'gamma' (first defined at {sources}:11)",
        f"{tiny_copy / 'actors.yaml'}:20: member 'gamma' is a source, expected a country (defined at {sources}:11)",
        f"{tiny_copy / 'agreements' / 'aaa.yaml'}:4: source 'bad-url' is defined at {sources}:13 but invalid"
        " (its problems are listed there)",
        f"{tiny_copy / 'agreements' / 'aaa.yaml'}:4: source 'bloc-chartr' is not defined"
        " (did you mean 'bloc-charter'?)",
        f"{tiny_copy / 'agreements' / 'aaa.yaml'}:5: party 'press-release-1' is a source, expected an actor or country"
        f" (defined at {sources}:2)",
        f"{sources}:14: url: 'nowhere' is not a URL (a source needs an http(s) address)",
    ]


def test_a_source_file_bad_part_way_hands_out_sources_then_unregisters_them(tiny_copy: Path) -> None:
    """The sources before the bad line were handed out (and minted: the build fails); then they count as unread,
    so references to sources are not judged, as when the file cannot be read whole."""
    _append(tiny_copy / "sources.yaml", SOURCE.format(id="fine") + "- id: broken\n  url: [x\n")
    curation = stream_curation(tiny_copy)
    handed = [source.id for source, _doc, _path in curation.sources()]
    assert handed[-1] == "fine" and not curation.registries.streamed_sources
    assert curation.registries.unreadable == {"source": curation.problems[0].location.path}
    assert list(curation.agreements()) == []
    with pytest.raises(CoopgraphError) as raised:
        curation.finish()
    assert [p.message.split(":")[0] for p in raised.value.problems] == ["malformed YAML"]


@pytest.mark.parametrize(("name", "text"), [
    ("sources.yaml", "id: one\nurl: https://example.org/one\n"),  # a mapping, not a list
    ("sources.yaml", "# nothing yet\n"),
    ("topics.yaml", "just text\n"),
    ("places.yaml", b"- id: caf\xe9\n"),
    ("posts.yaml", "- id: a\n  name: {en: x\x07}\n"),
])
def test_registry_files_that_are_no_list_give_the_same_problems(tiny_copy: Path, name: str, text: str | bytes) -> None:
    (tiny_copy / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    assert _problems_both_ways(tiny_copy)


def test_agreement_files_are_shown_as_curate_shows_them(
    tiny_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The agreements folder is resolved once, not each file: the paths in problems are still those of
    display_path, relative to the working directory inside it, whole outside it, and a linked file resolved."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "target.yaml").write_text("id: linked\n" + MOU + "parties: [alpha, nobody]\n", encoding="utf-8")
    (tiny_copy / "agreements" / "linked.yaml").symlink_to(elsewhere / "target.yaml")
    _agreement(tiny_copy, "plain", "id: plain\n" + MOU + "parties: [alpha, nobody]\n")
    outside = _problems_both_ways(tiny_copy)  # absolute paths (the working directory is elsewhere)
    assert any(line.startswith(f"{tiny_copy}/agreements/plain.yaml:5:") for line in outside)
    monkeypatch.chdir(tiny_copy.parent)
    inside = _problems_both_ways(Path(tiny_copy.name))
    assert any(line.startswith(f"{tiny_copy.name}/agreements/plain.yaml:5:") for line in inside)
    assert any(line.startswith((f"{elsewhere}/target.yaml", "elsewhere/target.yaml")) for line in inside)
