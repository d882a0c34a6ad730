"""pipeline and CLI: build writes deterministic, re-readable outputs atomically; bad data exits 1 cleanly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from coopgraph.cli import main
from tests.conftest import BAD, TINY

OUTPUTS = ("coopgraph.ttl", "coopgraph.trig")


def _build(data: Path, out: Path) -> int:
    return main(["build", "--data", str(data), "--out", str(out), "--reasoner", "none"])


def test_build_is_byte_identical_twice(tmp_path: Path) -> None:
    assert _build(TINY, tmp_path / "a") == 0
    assert _build(TINY, tmp_path / "b") == 0
    for name in OUTPUTS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_turtle_reread_by_independent_parsers(tmp_path: Path) -> None:
    assert _build(TINY, tmp_path) == 0
    ttl = tmp_path / "coopgraph.ttl"
    ours = len(Graph().parse(ttl, format="turtle"))
    rapper = subprocess.run(["rapper", "-i", "turtle", "-c", str(ttl)], capture_output=True, text=True, check=True)
    assert f"returned {ours} triples" in rapper.stderr
    assert len(list(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE))) == ours


def test_trig_has_the_three_named_graphs(tmp_path: Path) -> None:
    assert _build(TINY, tmp_path) == 0
    dataset = Dataset()
    dataset.parse(tmp_path / "coopgraph.trig", format="trig")
    names = {str(g.identifier).rsplit("/", 1)[-1] for g in dataset.graphs() if len(g)}
    assert {"ontology", "asserted"} <= names
    union = Graph().parse(tmp_path / "coopgraph.ttl", format="turtle")
    assert sum(len(g) for g in dataset.graphs()) >= len(union)


def test_the_store_holds_the_same_named_graphs_as_the_trig(tmp_path: Path) -> None:
    """The on-disk store is a copy of the build's graphs, graph by graph (not flattened into one)."""
    assert main(["build", "--data", str(TINY), "--out", str(tmp_path), "--reasoner", "rules"]) == 0
    written = ox.Store()
    written.bulk_load(path=str(tmp_path / "coopgraph.trig"), format=ox.RdfFormat.TRIG)
    stored = ox.Store.read_only(str((tmp_path / "store").resolve()))

    def per_graph(store: ox.Store) -> dict[str, int]:
        return {str(g): sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in store.named_graphs()}

    assert per_graph(stored) == per_graph(written)
    assert set(per_graph(stored)) == {f"<https://w3id.org/coopgraph/graph/{n}>" for n in ("ontology", "asserted", "inferred")}
    assert not list(stored.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_failed_build_leaves_previous_outputs(tmp_path: Path, tiny_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build"
    assert _build(tiny_copy, out) == 0
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    store_before = (out / "store").resolve()
    shutil.copy(BAD / "agreements--unknown-party.yaml", tiny_copy / "agreements" / "unknown-party.yaml")
    assert _build(tiny_copy, out) == 1
    err = capsys.readouterr().err
    assert "unknown-party.yaml:7: party 'alpha-digital-ministy' is not defined" in err
    assert "Traceback" not in err
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before
    assert (out / "store").resolve() == store_before
    assert _hidden(out) == _hidden_of_one_release(out)  # the failed build left nothing behind


def test_check_clean_and_broken(tiny_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--data", str(tiny_copy)]) == 0
    assert capsys.readouterr().err.startswith("ok:")
    shutil.copy(BAD / "agreements--bad-date.yaml", tiny_copy / "agreements" / "bad-date.yaml")
    assert main(["check", "--data", str(tiny_copy)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3 and all(":" in line and "bad-date.yaml:" in line for line in lines)


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--reasoner", "magic"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_real_process_prints_no_traceback(tiny_copy: Path) -> None:
    shutil.copy(BAD / "agreements--wrong-type.yaml", tiny_copy / "agreements" / "wrong-type.yaml")
    run = subprocess.run(
        [sys.executable, "-m", "coopgraph", "check", "--data", str(tiny_copy)], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "wrong-type.yaml:6: parties: should be a list, got 'alpha'" in run.stderr


@pytest.mark.java  # `--reasoner hermit` asks for Java before anything runs
def test_the_owl_reasoners_inferences_are_what_gets_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Outputs are prepared from the rules while the OWL reasoner runs; when the two disagree, the reasoner wins."""
    from rdflib import URIRef

    from coopgraph.graph.vocab import COOP
    from coopgraph.reason import reasoner as reasoning

    extra = (URIRef("https://w3id.org/coopgraph/id/country/alpha"), COOP.cooperatesWith,
             URIRef("https://w3id.org/coopgraph/id/country/alpha"))
    rules_only = reasoning.reason

    def owl_with_one_more(ontology: Graph, asserted: Graph, **options: object) -> Graph:
        found = rules_only(ontology, asserted, reasoner="rules", origins=options.get("origins"))  # type: ignore[arg-type]
        found.add(extra)
        return found

    monkeypatch.setattr(reasoning, "reason", owl_with_one_more)
    assert main(["build", "--data", str(TINY), "--out", str(tmp_path), "--reasoner", "hermit"]) == 0
    said = caplog.text  # on stderr outside pytest (logging's last-resort handler)
    assert "hermit and the rules disagree (1 inferred triples only hermit gives, 0 only the rules)" in said
    written = Graph().parse(tmp_path / "coopgraph.ttl", format="turtle")
    assert extra in written
    stored = ox.Store.read_only(str((tmp_path / "store").resolve()))
    assert ox.Quad(*(ox.NamedNode(str(t)) for t in extra), ox.NamedNode("https://w3id.org/coopgraph/graph/inferred")) in stored


# --------------------------------------------------------------------------- atomic releases


def _hidden(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if p.name.startswith(".")}


def _hidden_of_one_release(out: Path) -> set[str]:
    """What a finished build keeps beside its links: the build lock, the current version and its reader lock."""
    version = (out / "current").resolve().name
    return {".lock", version, f"{version}.lock"}


def _triples(store: ox.Store) -> set[str]:
    """Every triple without a blank node (their labels differ between files and stores), once."""
    return {
        str(q.triple) for q in store if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))
    }


def _quads(store: ox.Store) -> set[str]:
    return {str(q) for q in store if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}


def _visible(out: Path) -> tuple[int, int] | None:
    """What a reader of ``out`` sees: None (no build yet), or (asserted agreements, triples) of one whole build.

    Fails when the Turtle, the TriG and the store are not from the same build.
    """
    names = [out / name for name in (*OUTPUTS, "coopgraph.html", "store")]
    if not (out / "current").exists():
        assert not any(p.exists() for p in names), "outputs visible without a current version"
        return None
    assert all(p.exists() for p in names), [p for p in names if not p.exists()]
    version = (out / "current").resolve()
    assert {p.resolve().parent for p in names} == {version}
    turtle = ox.Store()
    turtle.bulk_load(path=str(out / "coopgraph.ttl"), format=ox.RdfFormat.TURTLE)
    trig = ox.Store()
    trig.bulk_load(path=str(out / "coopgraph.trig"), format=ox.RdfFormat.TRIG)
    stored = ox.Store.read_only(str((out / "store").resolve()))
    assert _triples(turtle) == _triples(stored) == _triples(trig)
    assert _quads(stored) == _quads(trig)
    agreements = {
        str(q.subject) for q in stored.quads_for_pattern(None, RDF_TYPE, None, ASSERTED)
        if str(q.subject).startswith("<https://w3id.org/coopgraph/id/agreement/")
    }
    return len(agreements), len(_triples(stored))


RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ASSERTED = ox.NamedNode("https://w3id.org/coopgraph/graph/asserted")


def _build_command(data: Path, out: Path, reasoner: str = "rules") -> list[str]:
    return [sys.executable, "-m", "coopgraph", "build", "--data", str(data), "--out", str(out), "--reasoner", reasoner]


def test_builds_killed_at_random_moments_leave_one_whole_build(tmp_path: Path, tiny_copy: Path) -> None:
    """SIGKILL a build anywhere: readers see the previous build or the new one, whole; the next build cleans up."""
    import random
    import signal
    import time

    smaller = tmp_path / "smaller"
    shutil.copytree(tiny_copy, smaller)
    (smaller / "agreements" / "bloc-beta-mou-2025.yaml").unlink()
    out = tmp_path / "build"
    started = time.monotonic()
    subprocess.run(_build_command(tiny_copy, out), check=True, capture_output=True, timeout=120)
    whole = time.monotonic() - started
    big = _visible(out)
    subprocess.run(_build_command(smaller, out), check=True, capture_output=True, timeout=120)
    small = _visible(out)
    assert big and small and big[0] == small[0] + 1
    chance = random.Random(13)
    seen = set()
    for attempt in range(10):
        data = smaller if attempt % 2 else tiny_copy
        versions = {p.name for p in out.iterdir()}
        build = subprocess.Popen(_build_command(data, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt < 4:  # anywhere: most of a build is imports and checks
            time.sleep(chance.uniform(0.3, 1.0) * whole)
        else:  # in the writing: a moment after its version directory appears
            deadline = time.monotonic() + 3 * whole
            while build.poll() is None and time.monotonic() < deadline:
                if any(p.name not in versions and p.name.startswith(".v-") for p in out.iterdir()):
                    time.sleep(chance.uniform(0, 0.15))
                    break
                time.sleep(0.002)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=60)
        seen.add(_visible(out))
        assert _visible(out) in (big, small), attempt
    assert seen <= {big, small}
    subprocess.run(_build_command(tiny_copy, out), check=True, capture_output=True, timeout=120)
    assert _visible(out) == big
    leftovers = _hidden(out) - _hidden_of_one_release(out)
    assert all(name.startswith(".v-") for name in leftovers), leftovers  # the one before, kept for its readers
    assert len(leftovers) <= 2  # ... and its lock
    assert not list(out.rglob(".copy-*")) and not list(out.rglob("*.tmp"))


def test_a_full_disk_at_any_point_leaves_the_previous_build(tmp_path: Path) -> None:
    """A file-size limit (what a full disk looks like to a writer) that cuts the build at several points."""
    import resource

    out = tmp_path / "build"
    assert main(["build", "--data", str(TINY), "--out", str(out), "--reasoner", "none"]) == 0
    before = _visible(out)
    ttl = (out / "coopgraph.ttl").read_bytes()
    for limit in (100, 90_000, 800_000):  # no file; the files, not the HTML; all but (maybe) the store

        def cap(limit: int = limit) -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # writes past it fail with EFBIG

        run = subprocess.run(
            _build_command(TINY, out, "rules"), capture_output=True, text=True, preexec_fn=cap, timeout=120
        )
        assert "Traceback" not in run.stderr
        if run.returncode:
            assert run.returncode == 1
            [line] = run.stderr.strip().splitlines()
            assert line.startswith(str(out)) and line.endswith("cannot write the build (File too large)"), line
            assert _visible(out) == before and (out / "coopgraph.ttl").read_bytes() == ttl
            assert _hidden(out) == _hidden_of_one_release(out)
        else:
            assert _visible(out) != before  # the rules add the inferred graph


def test_outputs_change_only_after_the_store_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failure while the store is being written (after the files are ready) changes no output."""
    import errno
    import tempfile

    out = tmp_path / "build"
    assert _build(TINY, out) == 0
    before = {name: (out / name).read_bytes() for name in (*OUTPUTS, "coopgraph.html")}
    store_before = (out / "store").resolve()

    def disk_full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", disk_full)  # the copy into the new store
    capsys.readouterr()
    assert main(["build", "--data", str(TINY), "--out", str(out), "--reasoner", "rules"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith("cannot write the build (No space left on device)"), err
    assert {name: (out / name).read_bytes() for name in before} == before
    assert (out / "store").resolve() == store_before
    assert _hidden(out) == _hidden_of_one_release(out)


def test_a_contradiction_found_by_reasoning_writes_nothing(
    tmp_path: Path, tiny_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Outputs are written after the reasoner, never before: data it rejects leaves the previous build."""
    out = tmp_path / "build"
    assert main(["build", "--data", str(tiny_copy), "--out", str(out), "--reasoner", "rules"]) == 0
    before = _visible(out)
    files = {name: (out / name).read_bytes() for name in (*OUTPUTS, "coopgraph.html")}
    posts = tiny_copy / "posts.yaml"  # a post "in" a country: only the reasoner sees the clash
    posts.write_text(posts.read_text().replace("organization: alpha-digital-ministry", "organization: alpha"))
    capsys.readouterr()
    assert main(["build", "--data", str(tiny_copy), "--out", str(out), "--reasoner", "rules"]) == 1
    assert "contradiction" in capsys.readouterr().err
    assert _visible(out) == before
    assert {name: (out / name).read_bytes() for name in files} == files
    assert _hidden(out) == _hidden_of_one_release(out)


def test_the_outputs_hold_the_inferred_graph(tmp_path: Path) -> None:
    """The files and the store are written from the reasoned store (not from the asserted one)."""
    assert main(["build", "--data", str(TINY), "--out", str(tmp_path), "--reasoner", "rules"]) == 0
    inferred = ox.NamedNode("https://w3id.org/coopgraph/graph/inferred")
    stored = ox.Store.read_only(str((tmp_path / "store").resolve()))
    trig = ox.Store()
    trig.bulk_load(path=str(tmp_path / "coopgraph.trig"), format=ox.RdfFormat.TRIG)
    cooperates = ox.NamedNode("https://w3id.org/coopgraph/ontology#cooperatesWith")
    for store in (stored, trig):
        assert list(store.quads_for_pattern(None, cooperates, None, inferred))
    assert b"cooperatesWith" in (tmp_path / "coopgraph.ttl").read_bytes()


def test_two_builds_into_one_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
         "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, b'4242'); print('held', flush=True); time.sleep(60)",
         str(out / ".lock")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "held"
        assert _build(TINY, out) == 1
        [line] = capsys.readouterr().err.strip().splitlines()
        assert line == f"{out}: another build is writing here (process 4242); wait for it or use another --out"
        assert not (out / "current").exists()
    finally:
        holder.kill()
        holder.wait()
    assert _build(TINY, out) == 0  # the lock went with its process


@pytest.mark.parametrize("where", ["a file as --out", "a file in the way", "a file as the store"])
def test_an_unwritable_out_is_one_line(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    outs = {"a file as --out": blocker, "a file in the way": blocker / "build", "a file as the store": tmp_path / "b"}
    out = outs[where]
    if where == "a file as the store":
        assert _build(TINY, out) == 0
        (out / "store").unlink()
        (out / "store").mkdir()  # a directory where the build's link goes
    run = subprocess.run(_build_command(TINY, out, "none"), capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    [line] = run.stderr.strip().splitlines()
    assert line.startswith(str(out if where != "a file in the way" else blocker))
    assert "cannot write" in line or "in the way" in line


def test_a_build_cleans_up_after_killed_builds_and_older_layouts(tmp_path: Path) -> None:
    out = tmp_path / "build"
    (out / "stores" / "20250101T000000-1-1").mkdir(parents=True)  # the layout before versions
    (out / "store").symlink_to("stores/20250101T000000-1-1")
    (out / "coopgraph.ttl").write_text("old")
    (out / ".v-20250101T000000-2-2" / "store").mkdir(parents=True)  # a killed build's version
    (out / ".v-20250101T000000-2-2" / ".copy-x.nt").write_text("<a:b> <a:b> <a:b> .\n")
    (out / ".copy-y.nt").write_text("")  # older builds' leftovers
    (out / ".coopgraph.ttl.abc.tmp").write_text("")
    (out / ".current.99.tmp").symlink_to(".v-20250101T000000-2-2")
    assert _build(TINY, out) == 0
    assert _visible(out)
    assert (out / "coopgraph.ttl").is_symlink()
    assert not (out / "stores").exists()
    assert _hidden(out) == _hidden_of_one_release(out)


def test_an_unwritable_single_output_is_one_line(tmp_path: Path, tiny_build: Path) -> None:
    """The commands that write one file (export -o, visualise -o, schema) say which path failed, no traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    run = subprocess.run(
        [sys.executable, "-m", "coopgraph", "export", "--out", str(tiny_build), "-o", str(blocker / "x.ttl")],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip() == f"{blocker}: cannot write (File exists: a file is in the way of a directory)"
