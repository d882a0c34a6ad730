"""Benchmark `coopgraph serve` against `oxigraph serve-read-only` on the same store and the same queries.

    python benchmarks/bench_serve.py                  # 1k world, 1/4/16 clients, 3 rounds
    python benchmarks/bench_serve.py --quick          # shorter cells, one round (what run.py --quick runs)
    python benchmarks/bench_serve.py --build DIR      # an existing build directory instead

Both servers open the same built store (``DIR/store``): Oxigraph's own server
(`oxigraph serve-read-only --union-default-graph`, the ``oxigraph`` package on
PyPI, Rust) and ``coopgraph serve`` with its defaults (workers answering from an
in-memory copy) and, in the full run, ``--store disk`` (the very same on-disk
store Oxigraph reads).  Each query is sent by ``clients`` concurrent keep-alive
connections of Python's ``http.client`` for a fixed time; a cell reports
requests per second and the p50/p95 latency of each request, and the ratio of
our throughput to Oxigraph's, the two measured one after the other in the same
round (rounds alternate which goes first).  The queries:

- *small*: one country's labels (a few rows, JSON);
- *saved*: ``/queries/bloc-members`` with a bloc of the world (on Oxigraph: the
  very text our worker runs: the parameters written in as constants where
  :mod:`coopgraph.sparql.constants` can, the rest as a VALUES block);
- *rows-5000*: 5,000 rows of ``?s ?p ?o`` (JSON);
- *construct*: the labels of every agreement as a graph (N-Triples).

Before timing, both answers to each query are fetched and compared (same
rows or triples), so the two servers are known to do the same work.  The
result is printed as a table and as one ``@@result`` JSON line for run.py.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import world_for  # noqa: E402

RESULT_TAG = "@@result "
COOP = "https://w3id.org/coopgraph/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
SAVED = "bloc-members"
BEFORE: Path | None = None
"""``--before SRC``: another checkout's ``src`` served as the kind ``coopgraph-before`` (a before/after in one run)."""
TARGET = 0.8
"""Issue 17: coopgraph serve's throughput >= 0.8x Oxigraph's server's, on every query and concurrency."""


# --- the servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oxigraph_exe() -> str:
    """The Oxigraph server binary (PyPI's ``oxigraph`` package installs it beside this Python)."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("bench_serve: no `oxigraph` server binary; pip install oxigraph (the test extra has it)")
    return found


def coopgraph_exe() -> list[str]:
    return [sys.executable, "-c", "import sys; from coopgraph.cli import entry; sys.argv[0] = 'coopgraph'; entry()"]


@contextmanager
def server(kind: str, build: Path, log: Path) -> Iterator[str]:
    """A server on a free loopback port until the block ends; yields its base URL. Stopped by its own pid."""
    port = free_port()
    if kind == "oxigraph":
        command = [oxigraph_exe(), "serve-read-only", "--location", str((build / "store").resolve())]
        command += ["--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "30"]
        ready = f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"
    else:
        store = "disk" if kind == "coopgraph-disk" else "auto"
        command = [*coopgraph_exe(), "serve", "-q", "--out", str(build), "--port", str(port), "--store", store]
        ready = f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D"
    source = BEFORE if kind == "coopgraph-before" and BEFORE else ROOT / "src"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")])))
    with open(log, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    PIDS[f"http://127.0.0.1:{port}"] = process.pid
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{kind} exited with {process.returncode}: {log.read_text(errors='replace')[-800:]}")
            try:
                with urllib.request.urlopen(ready, timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{kind} did not answer within 120 s")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


PIDS: dict[str, int] = {}
"""base URL -> the server's process id, for its CPU time."""


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children that are alive (coopgraph's workers)."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    total = 0
    for each in [pid, *map(int, found)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# --- the queries --------------------------------------------------------------------------------


def requests_for(build: Path) -> dict[str, dict[str, str]]:
    """name -> the path on ours, the path on Oxigraph, the Accept header; from what the store holds."""
    import pyoxigraph as ox

    from coopgraph.graph.vocab import DEFAULT_BASE
    from coopgraph.sparql.constants import inline
    from coopgraph.sparql.query import query_prefixes, with_prefixes, with_values
    from coopgraph.sparql.queryfile import bind, saved_queries

    store = ox.Store.read_only(str((build / "store").resolve()))

    def first(text: str) -> str:
        answer = store.query(f"PREFIX coop: <{COOP}> {text}", use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions)
        for row in answer:
            return str(row[0].value)
        raise RuntimeError(f"nothing found for {text}")

    country = first(f"SELECT ?c WHERE {{ ?c a coop:Country ; <{RDFS}label> ?l }} ORDER BY ?c LIMIT 1")
    bloc = first("SELECT ?b (COUNT(?m) AS ?n) WHERE { ?m coop:bloc ?b } GROUP BY ?b ORDER BY DESC(?n) ?b LIMIT 1")
    texts = {
        "small": f"SELECT ?label WHERE {{ <{country}> <{RDFS}label> ?label }}",
        "rows-5000": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5000",
        "construct": (
            f"PREFIX coop: <{COOP}> CONSTRUCT {{ ?a <{RDFS}label> ?l }} "
            f"WHERE {{ ?a a coop:Agreement ; <{RDFS}label> ?l }}"
        ),
    }
    out = {
        name: {
            "ours": "/sparql?query=" + urllib.parse.quote(text),
            "oxigraph": "/query?query=" + urllib.parse.quote(text),
            "accept": NTRIPLES if name == "construct" else JSON_RESULTS,
        }
        for name, text in texts.items()
    }
    saved = saved_queries()[SAVED]
    prefixes = query_prefixes(DEFAULT_BASE)
    given = {"bloc": f"<{bloc}>", "date": "2024-06-30", "lang": "en"}
    terms = bind(saved.params, given, prefixes, where=SAVED)
    # the text our worker runs: the parameters it can take written in as constants, the rest as VALUES
    text, rest = inline(with_prefixes(saved.text, prefixes), terms)
    sent = with_values(text, rest) if rest else text
    out["saved"] = {
        "ours": f"/queries/{SAVED}?" + urllib.parse.urlencode(given),
        "oxigraph": "/query?query=" + urllib.parse.quote(sent),
        "accept": JSON_RESULTS,
    }
    return {name: out[name] for name in ("small", "saved", "rows-5000", "construct")}


def answer_size(body: bytes, accept: str) -> int:
    """Rows of a JSON result, or triples of N-Triples: what both servers must agree on."""
    if accept == NTRIPLES:
        import pyoxigraph as ox

        return len(list(ox.parse(body, ox.RdfFormat.N_TRIPLES)))
    return len(json.loads(body)["results"]["bindings"])


def fetch(base: str, path: str, accept: str) -> bytes:
    request = urllib.request.Request(base + path, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return bytes(answer.read())


# --- the load -----------------------------------------------------------------------------------


MAX_REQUESTS = 2500
"""Requests per cell at most: Oxigraph 0.5's server keeps a thread per request it has answered (4,406
threads and 10 GB of address space after 4,400 requests, measured here) and fails to spawn more
(HTTP 500 "Resource temporarily unavailable") after some thousands, so each of its cells gets a fresh
server and no cell sends more than this."""


def drive(base: str, path: str, accept: str, clients: int, seconds: float, most: int = MAX_REQUESTS) -> dict[str, Any]:
    """``clients`` keep-alive connections sending ``path`` back to back for ``seconds`` (or ``most``
    requests in all): req/s (answers / time to the last answer), p50, p95."""
    url = urllib.parse.urlsplit(base)
    start = threading.Barrier(clients + 1)
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    last = [0.0]

    def client(mine: list[float]) -> None:
        conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=60)
        headers = {"Accept": accept}
        try:
            conn.request("GET", path, headers=headers)  # warm: connect, and a first answer not counted
            conn.getresponse().read()
            start.wait()
            while not stop.is_set():
                began = time.perf_counter()
                conn.request("GET", path, headers=headers)
                answer = conn.getresponse()
                body = answer.read()
                took = time.perf_counter() - began
                if answer.status != 200:
                    errors.append(f"HTTP {answer.status}: {body[:200]!r}")
                    return
                mine.append(took)
                last[0] = max(last[0], time.perf_counter())
                if len(mine) * clients >= most:
                    stop.set()
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as error:
            errors.append(repr(error))
            start.abort()
        finally:
            conn.close()

    pid = PIDS.get(base)
    cpu = cpu_seconds(pid) if pid else None
    threads = [threading.Thread(target=client, args=(mine,), daemon=True) for mine in latencies]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        start.wait(timeout=120)
    began = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = last[0] - began
    used = cpu_seconds(pid) - cpu if pid and cpu is not None else None
    every = sorted(t for mine in latencies for t in mine)
    if errors or not every or elapsed <= 0:
        return {"error": errors[0] if errors else "no answer"}
    return {
        "rps": len(every) / elapsed,
        "p50": every[len(every) // 2],
        "p95": every[min(len(every) - 1, int(len(every) * 0.95))],
        "requests": len(every),
        **({"cpu": used / (len(every) + clients)} if used is not None else {}),  # the warm-up requests too
    }


def measure(
    build: Path, *, kinds: list[str], clients: list[int], seconds: float, rounds: int, log_dir: Path
) -> dict[str, Any]:
    """Every query x concurrency x server, ``rounds`` times; each server runs alone while it is measured."""
    queries = requests_for(build)
    cells: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {
        q: {str(c): {k: [] for k in kinds} for c in clients} for q in queries
    }
    sizes: dict[str, dict[str, int]] = {q: {} for q in queries}
    for number in range(rounds):
        order = kinds if number % 2 == 0 else list(reversed(kinds))
        for kind in order:
            log = log_dir / f"{kind}-{number}.log"
            fresh = kind == "oxigraph"  # a new Oxigraph server for each cell (see MAX_REQUESTS)
            try:
                with contextlib.ExitStack() as stack:
                    base = "" if fresh else stack.enter_context(server(kind, build, log))
                    for name, spec in queries.items():
                        path = spec["ours" if kind.startswith("coopgraph") else "oxigraph"]
                        for count in clients:
                            with server(kind, build, log) if fresh else contextlib.nullcontext(base) as url:
                                sizes[name][kind] = answer_size(fetch(url, path, spec["accept"]), spec["accept"])
                                cell = drive(url, path, spec["accept"], count, seconds)
                            cells[name][str(count)][kind].append(cell)
                            print(f"[serve] round {number + 1} {kind} {name} x{count}: {_show(cell)}", file=sys.stderr)
            except (OSError, RuntimeError) as error:  # a server that died: its log says why; the next round goes on
                tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
                print(f"[serve] round {number + 1} {kind} failed: {error}\n{tail}", file=sys.stderr)
    for name, found in sizes.items():
        if len(set(found.values())) > 1:
            raise RuntimeError(f"the servers disagree on {name}: {found}")
    return {"queries": {q: dict(cells[q]) for q in queries}, "sizes": sizes}


def _show(cell: dict[str, Any]) -> str:
    if "error" in cell:
        return str(cell["error"])
    return f"{cell['rps']:.0f} req/s p50 {cell['p50'] * 1000:.2f} ms p95 {cell['p95'] * 1000:.2f} ms"


def summarise(raw: dict[str, Any], kinds: list[str]) -> list[dict[str, Any]]:
    """One row per query and concurrency: median req/s, p50, p95 of each server; ratios to Oxigraph."""
    rows = []
    for name, by_clients in raw["queries"].items():
        for count, by_kind in by_clients.items():
            row: dict[str, Any] = {"query": name, "clients": int(count), "rows": raw["sizes"][name].get("oxigraph")}
            for kind in kinds:
                good = [cell for cell in by_kind[kind] if "error" not in cell]
                if not good:
                    row[kind] = {"error": next((c["error"] for c in by_kind[kind]), "not run")}
                    continue
                row[kind] = {key: statistics.median(c[key] for c in good) for key in ("rps", "p50", "p95")}
                if all("cpu" in c for c in good):
                    row[kind]["cpu"] = statistics.median(c["cpu"] for c in good)
            for kind in kinds:
                if kind != "oxigraph" and "rps" in row[kind] and "rps" in row.get("oxigraph", {}):
                    row[f"ratio:{kind}"] = row[kind]["rps"] / row["oxigraph"]["rps"]
            rows.append(row)
    return rows


def table(rows: list[dict[str, Any]], kinds: list[str]) -> list[str]:
    ours = [k for k in kinds if k != "oxigraph"]
    names = {
        "coopgraph": "coopgraph serve",
        "coopgraph-disk": "coopgraph serve --store disk",
        "coopgraph-before": "coopgraph serve before",
    }
    head = "| query (answer) | clients | oxigraph: req/s, p50 / p95, CPU a request |"
    head += "".join(f" {names[k]} | ratio |" for k in ours)
    out = [head, "|---|---:|---:|" + "---:|---:|" * len(ours)]
    for row in rows:
        line = f"| {row['query']} ({row['rows']}) | {row['clients']} | {_cell(row.get('oxigraph', {}))} |"
        for kind in ours:
            ratio = row.get(f"ratio:{kind}")
            line += f" {_cell(row.get(kind, {}))} | {'-' if ratio is None else f'{ratio:.2f}×'} |"
        out.append(line)
    return out


def _cell(cell: dict[str, Any]) -> str:
    if "rps" not in cell:
        return str(cell.get("error", "-"))
    text = f"{cell['rps']:,.0f}, {cell['p50'] * 1000:.2f} / {cell['p95'] * 1000:.2f} ms"
    return text + (f", CPU {cell['cpu'] * 1000:.2f} ms" if "cpu" in cell else "")


def verdict(rows: list[dict[str, Any]]) -> str:
    ratios = [(row["ratio:coopgraph"], row) for row in rows if "ratio:coopgraph" in row]
    if not ratios:
        return "not measured"
    worst, row = min(ratios, key=lambda pair: pair[0])
    met = "met" if worst >= TARGET else "missed"
    return f"{met}: worst {worst:.2f}× ({row['query']}, {row['clients']} clients)"


def build_for(n: int) -> Path:
    """A cached `coopgraph build --reasoner rules` of the generated world of ``n`` agreements."""
    world, _ = world_for(n)
    target = ROOT / "benchmarks" / "out" / f"serve-build-{n}"
    stamp = world / ".generated"
    if (target / "store").exists() and stamp.exists() and (target / "store").stat().st_mtime >= stamp.stat().st_mtime:
        return target
    print(f"[serve] building the world of {n:,} agreements", file=sys.stderr)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    subprocess.run(
        [*coopgraph_exe(), "build", "-q", "--data", str(world), "--out", str(target), "--reasoner", "rules"],
        check=True,
        env=env,
    )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="agreements in the generated world (default 1000)")
    parser.add_argument("--build", type=Path, help="a build directory to serve instead of the generated world's")
    parser.add_argument("--quick", action="store_true", help="short cells, one round, no --store disk")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--before", type=Path, help="also serve another checkout's src/ (a before/after in one run)")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per cell (default 2, quick 0.6)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds (default 3, quick 1)")
    args = parser.parse_args(argv)
    build = args.build or build_for(args.n)
    kinds = ["oxigraph", "coopgraph"] + ([] if args.quick else ["coopgraph-disk"])
    if args.before:
        global BEFORE
        BEFORE = args.before.resolve()
        kinds.append("coopgraph-before")
    clients = [int(c) for c in args.clients.split(",")]
    seconds = args.seconds or (0.6 if args.quick else 2.0)
    rounds = args.rounds or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory(prefix="coopgraph-bench-serve-") as tmp:
        raw = measure(build, kinds=kinds, clients=clients, seconds=seconds, rounds=rounds, log_dir=Path(tmp))
    rows = summarise(raw, kinds)
    print("\n".join(table(rows, kinds)))
    print(f"\ntarget >= {TARGET}× Oxigraph's throughput: {verdict(rows)}")
    result = {"rows": rows, "kinds": kinds, "seconds": seconds, "rounds": rounds, "verdict": verdict(rows)}
    print(RESULT_TAG + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
