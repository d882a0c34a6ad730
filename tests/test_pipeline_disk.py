"""The build in an on-disk store (big worlds): same bytes as in memory, no copy, no scratch graphs, atomic."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from benchmarks.generate import generate

from coopgraph import pipeline
from coopgraph.curate.checker import curate
from coopgraph.errors import CoopgraphError
from coopgraph.graph.populate import ntriples
from coopgraph.graph.store import STORE_LINK
from tests.conftest import BAD, SHIPPED, TINY

NAMES = ("coopgraph.ttl", "coopgraph.trig", "coopgraph.html")


@pytest.mark.parametrize("reasoner", ["rules", "none"])
def test_on_disk_and_in_memory_give_the_same_bytes(tmp_path: Path, reasoner: str) -> None:
    for data in (TINY, SHIPPED):
        disk, memory = tmp_path / f"{data.name}-disk", tmp_path / f"{data.name}-memory"
        pipeline.build(data, disk, reasoner=reasoner, disk_from=0)
        pipeline.build(data, memory, reasoner=reasoner, disk_from=10**9)
        for name in NAMES:
            assert (disk / name).read_bytes() == (memory / name).read_bytes(), (data, name)
        stored = [ox.Store.read_only(str((out / STORE_LINK).resolve())) for out in (disk, memory)]
        assert _quads(stored[0]) == _quads(stored[1])


def _quads(store: ox.Store) -> set[str]:
    """Every quad without a blank node (the ontology's blank nodes get new labels when a store is copied)."""
    return {str(q) for q in store if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}


def test_the_store_is_on_disk_in_the_new_version_before_reasoning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Populated straight into the version's store directory: reasoning works on it, nothing is copied at the end."""
    seen: list[tuple[bool, Path]] = []
    infer = pipeline.infer

    def spy(checked: pipeline.Checked, *, reasoner: str) -> None:
        store_dir = next(p for p in (tmp_path / "out").glob(".v-*") if p.is_dir()) / STORE_LINK
        seen.append((checked.on_disk, store_dir))
        assert store_dir.is_dir() and any(store_dir.iterdir())  # RocksDB's files, before any inference
        infer(checked, reasoner=reasoner)

    monkeypatch.setattr(pipeline, "infer", spy)
    monkeypatch.setattr("coopgraph.graph.store.copy_store", _no_copy)
    pipeline.build(TINY, tmp_path / "out", reasoner="rules", disk_from=0)
    assert [on_disk for on_disk, _ in seen] == [True]
    assert (tmp_path / "out" / STORE_LINK).resolve() == seen[0][1].resolve()


def _no_copy(*_args: object) -> None:
    raise AssertionError("the on-disk build copied its store")


def test_the_rules_leave_no_scratch_graphs_in_the_store(tmp_path: Path) -> None:
    pipeline.build(TINY, tmp_path, reasoner="rules", disk_from=0)
    stored = ox.Store.read_only(str((tmp_path / STORE_LINK).resolve()))
    names = {g.value.rsplit("/", 1)[-1] for g in stored.named_graphs()}
    assert names == {"ontology", "asserted", "inferred"}
    assert not list(stored.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_a_failed_on_disk_build_leaves_the_previous_version(tmp_path: Path, tiny_copy: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(tiny_copy, out, reasoner="rules", disk_from=0)
    before = {name: (out / name).read_bytes() for name in NAMES}
    current = (out / "current").resolve()
    listing = sorted(p.name for p in out.iterdir())
    shutil.copy(BAD / "agreements--unknown-party.yaml", tiny_copy / "agreements" / "unknown-party.yaml")
    with pytest.raises(CoopgraphError, match="is not defined"):
        pipeline.build(tiny_copy, out, reasoner="rules", disk_from=0)
    assert (out / "current").resolve() == current
    assert {name: (out / name).read_bytes() for name in NAMES} == before
    assert sorted(p.name for p in out.iterdir()) == listing  # the half-made version and its lock are gone


def test_a_contradiction_found_on_disk_leaves_the_previous_version(tmp_path: Path, tiny_copy: Path) -> None:
    """The reasoner fails after the store is populated in the new version: that version goes, the old stays."""
    out = tmp_path / "out"
    pipeline.build(tiny_copy, out, reasoner="rules", disk_from=0)
    current = (out / "current").resolve()
    listing = sorted(p.name for p in out.iterdir())
    posts = tiny_copy / "posts.yaml"  # a post "in" a country: only the reasoner sees the clash
    posts.write_text(posts.read_text().replace("organization: alpha-digital-ministry", "organization: alpha"))
    with pytest.raises(CoopgraphError, match="contradiction"):
        pipeline.build(tiny_copy, out, reasoner="rules", disk_from=0)
    assert (out / "current").resolve() == current
    assert sorted(p.name for p in out.iterdir()) == listing


def test_the_on_disk_load_in_small_batches_gives_the_same_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of whole lines: chunks of 5 lines joined in batches of 1,000 bytes split the world into
    hundreds of loads (the loader thread a few behind the reading), none broken."""
    pipeline.build(TINY, tmp_path / "whole", reasoner="none", disk_from=0)
    monkeypatch.setattr(pipeline, "DISK_LOAD_BATCH", 1000)
    monkeypatch.setattr(pipeline, "STREAM_LINES", 5)
    pipeline.build(TINY, tmp_path / "batched", reasoner="none", disk_from=0)
    stores = [ox.Store.read_only(str((tmp_path / name / STORE_LINK).resolve())) for name in ("whole", "batched")]
    assert _quads(stores[0]) == _quads(stores[1])
    trig = [(tmp_path / name / "coopgraph.trig").read_bytes() for name in ("whole", "batched")]
    assert trig[0] == trig[1]


def test_the_command_line_chooses_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`coopgraph build --store disk` works on disk even for a tiny world, `--store memory` never does."""
    from coopgraph.cli import main

    seen: list[bool] = []
    infer = pipeline.infer

    def spy(checked: pipeline.Checked, *, reasoner: str) -> None:
        seen.append(checked.on_disk)
        infer(checked, reasoner=reasoner)

    monkeypatch.setattr(pipeline, "infer", spy)
    for store in ("disk", "memory", "auto"):
        assert main(["-q", "build", "--data", str(TINY), "--out", str(tmp_path / store), "--reasoner", "rules",
                     "--store", store]) == 0
    assert seen == [True, False, False]  # auto: the tiny world is far below DISK_FROM
    assert (tmp_path / "disk" / "coopgraph.ttl").read_bytes() == (tmp_path / "memory" / "coopgraph.ttl").read_bytes()


def test_an_unknown_store_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from coopgraph import api
    from coopgraph.cli import main

    with pytest.raises(CoopgraphError, match="store 'tape': choose one of auto, memory, disk"):
        api.build(TINY, tmp_path / "out", store="tape")
    assert main(["build", "--data", str(TINY), "--out", str(tmp_path / "out"), "--store", "tape"]) == 2
    assert "invalid choice: 'tape'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- the streamed curation (issue 17): no agreement held on the on-disk path ---------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("generated") / "world"
    generate(60, target, seed=7)
    return target


@pytest.mark.parametrize("which", ["tiny", "shipped", "generated"])
def test_streaming_stages_the_same_file_and_origins(tmp_path: Path, which: str, generated: Path) -> None:
    """Read one agreement at a time, the staged N-Triples are byte for byte those of the whole world,
    and every node is traced to the same file and line."""
    data = {"tiny": TINY, "shipped": SHIPPED, "generated": generated}[which]
    world = curate(data)
    whole = pipeline.stage_ntriples(world, tmp_path / "whole.nt")
    counted, streamed = pipeline.stream_ntriples(data, tmp_path / "streamed.nt")
    assert (tmp_path / "streamed.nt").read_bytes() == (tmp_path / "whole.nt").read_bytes()
    assert counted == pipeline.tally(world)
    _text, traced = ntriples(world)  # text -> Location, as a plain dict
    assert len(streamed) == len(whole) == len(traced) > 0
    assert {node: streamed[node] for node in traced} == traced
    assert "https://w3id.org/coopgraph/id/agreement/nowhere" not in streamed


def test_loading_while_reading_gives_the_store_of_the_staged_file(
    tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store the loader thread fills as agreements are read holds every quad that staging the whole
    N-Triples file and loading it gave (the path it replaced), and the same tally and origins."""
    counted, staged_origins = pipeline.stream_ntriples(generated, tmp_path / "staged.nt")
    staged = pipeline.load_on_disk(tmp_path / "staged", tmp_path / "staged.nt")
    monkeypatch.setattr(pipeline, "DISK_LOAD_BATCH", 20_000)  # dozens of batches
    monkeypatch.setattr(pipeline, "STREAM_LINES", 50)
    streamed, counted_too, origins = pipeline.stream_into_store(generated, tmp_path / "streamed")
    assert counted_too == counted
    nodes = {q.subject.value for q in staged if isinstance(q.subject, ox.NamedNode)}
    assert len(origins) == len(staged_origins) > 0
    assert {n: origins.get(n) for n in nodes} == {n: staged_origins.get(n) for n in nodes}
    assert len(streamed) == len(staged) > 10_000
    assert sorted(_quads(streamed)) == sorted(_quads(staged))
    blank = [sorted(str(q.predicate) for q in s if isinstance(q.subject, ox.BlankNode)) for s in (streamed, staged)]
    assert blank[0] == blank[1]  # the ontology's blank nodes: the same statements, new labels


def test_a_failed_load_stops_the_loader_and_is_raised(tmp_path: Path) -> None:
    """A batch the store refuses (here: not N-Triples; in a build: a full disk) fails the build in the
    reading thread, at the next batch or at the end; nothing after it is loaded."""
    store = ox.Store(str(tmp_path / "store"))
    into = ox.NamedNode("https://example.org/g")
    good = b"<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n"
    with pytest.raises(SyntaxError), pipeline._loading(store, into) as load:
        load(b"<https://example.org/a> <broken\n")
        for _ in range(1000):  # raised here once the loader has failed, else at the end
            load(good)
    assert len(store) == 0


def test_a_failed_reading_stops_the_loader(tmp_path: Path) -> None:
    store = ox.Store(str(tmp_path / "store"))
    into = ox.NamedNode("https://example.org/g")
    with pytest.raises(KeyError), pipeline._loading(store, into) as load:
        load(b"<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n")
        raise KeyError("stop")
    assert not [t for t in threading.enumerate() if t.name == "coopgraph-loader"]  # the loader thread is gone


def test_a_generated_world_on_disk_and_in_memory_gives_the_same_bytes(tmp_path: Path, generated: Path) -> None:
    disk, memory = tmp_path / "disk", tmp_path / "memory"
    pipeline.build(generated, disk, reasoner="rules", disk_from=0)
    pipeline.build(generated, memory, reasoner="rules", disk_from=10**9)
    for name in NAMES:
        assert (disk / name).read_bytes() == (memory / name).read_bytes(), name


def test_bad_data_gives_the_same_lines_on_disk_and_in_memory(tmp_path: Path, tiny_copy: Path) -> None:
    """A bad field, a reference to an agreement read later and to none, a duplicate id, a misnamed file,
    unreadable YAML: the same lines, with file and line, whichever way the build reads."""
    for case in ("agreements--wrong-type.yaml", "agreements--name-mismatch.yaml", "agreements--malformed.yaml"):
        shutil.copy(BAD / case, tiny_copy / "agreements" / case.partition("--")[2])
    mou = "kind: memorandum-of-understanding\ntitle: {en: An MOU}\nsources: [bloc-charter]\n"
    agreements = tiny_copy / "agreements"
    (agreements / "aaa.yaml").write_text("id: aaa\n" + mou + "parties: [alpha, zzz, nobody]\n", encoding="utf-8")
    duplicate = "id: bloc-beta-mou-2025\n" + mou + "parties: [alpha, beta]\n"
    (agreements / "zzz.yaml").write_text(duplicate, encoding="utf-8")
    shown = "\n".join(_same_failure_both_ways(tiny_copy, tmp_path))
    for expected in ("wrong-type.yaml:", "name-mismatch.yaml:", "malformed.yaml:", "aaa.yaml:5: party 'nobody' is not",
                     "aaa.yaml:5: party 'zzz' is not defined", "zzz.yaml:1: duplicate id 'bloc-beta-mou-2025'"):
        assert expected in shown
    assert not list((tmp_path / "out-0").glob(".v-*"))  # the half-made version (and its staged file) is gone


REGISTRY_DAMAGE = {  # file -> text appended; each set read both ways
    "records": {
        "sources.yaml": "- id: bloc-charter\n  url: https://example.org/again\n- id: odd\n  url: ftp://x\n",
        "agreements/aaa.yaml": "id: aaa\nkind: declaration\ntitle: {en: A}\nsources: [bloc-chartr]\nparties: [alpha]\n",
    },
    "yaml": {
        "sources.yaml": "- id: fine\n  url: https://example.org/fine\n- id: broken\n  url: [x\n",
        "people.yaml": "- id: tagged\n  name: !thing {en: T}\n",
    },
}


@pytest.mark.parametrize("damage", sorted(REGISTRY_DAMAGE))
def test_bad_registry_records_give_the_same_lines_on_disk_and_in_memory(
    tmp_path: Path, tiny_copy: Path, damage: str
) -> None:
    """A bad field in sources.yaml, a duplicate source id, a reference to no source; YAML errors in registries
    (one part way through the sources, after some were minted): the same lines whichever way the build reads."""
    for name, text in REGISTRY_DAMAGE[damage].items():
        target = tiny_copy / name
        target.write_text((target.read_text(encoding="utf-8") if target.exists() else "") + text, encoding="utf-8")
    shown = [line.replace(str(tiny_copy) + "/", "") for line in _same_failure_both_ways(tiny_copy, tmp_path)]
    expected = {
        "records": [
            "agreements/aaa.yaml:4: source 'bloc-chartr' is not defined (did you mean 'bloc-charter'?)",
            "sources.yaml:11: duplicate id 'bloc-charter' (first defined at sources.yaml:8)",
            "sources.yaml:14: url: 'ftp://x' is not a URL (a source needs an http(s) address)",
        ],
        "yaml": [
            "people.yaml:14: YAML tag !thing is not allowed: only plain values, lists and mappings",
            "sources.yaml:15: malformed YAML: did not find expected ',' or ']'"
            " (while parsing a flow sequence on line 14)",
        ],
    }[damage]
    assert shown == expected
    assert not list((tmp_path / "out-0").glob(".v-*"))


def _same_failure_both_ways(data: Path, tmp_path: Path) -> list[str]:
    """The lines of the error a build of ``data`` fails with, on disk and in memory alike (asserted the same)."""
    failures = []
    for disk_from in (0, 10**9):
        with pytest.raises(CoopgraphError) as raised:
            pipeline.build(data, tmp_path / f"out-{disk_from}", reasoner="none", disk_from=disk_from)
        failures.append(str(raised.value).splitlines())
    assert failures[0] == failures[1]
    return failures[0]
