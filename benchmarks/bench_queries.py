"""Every saved query on an existing build: coopgraph's ``run`` against raw pyoxigraph, in memory and on disk.

``run.py``'s queries stage builds the world first and restarts a child past
each stopped query; this reads a build already made (``coopgraph build --out
BUILD``), so a 100k world is built once and measured as often as needed::

    python benchmarks/bench_queries.py --build /tmp/b100k --world /tmp/world-100000
    python benchmarks/bench_queries.py --build /tmp/b10k --only partners-of-country --where memory

One JSON line per query and way x ``memory``/``disk``: rows, p50 seconds of
``--repeats`` runs (one run when the first took over ``--slow`` seconds), the first run, and the
p50 of CPU seconds (Oxigraph answers in the calling thread: on a shared machine, the query's work).
A query is run in a thread-free loop with no time limit: stop the script to give up on one.
The build is only read (``open_store`` opens it read-only; the memory copy is a new store).

Ways (``--ways``): ``ours`` is coopgraph's ``run`` as saved queries go (parameters written into
the text as constants, :mod:`coopgraph.sparql.constants`); ``ours-substituted`` the same with
every parameter as Oxigraph ``substitutions=`` (before the constants); ``raw`` pyoxigraph's
``Store.query`` with ``substitutions=``; ``raw-constants`` pyoxigraph on the text with constants.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import FIRST, _pick_bindings  # noqa: E402  (the checkout first: run as a script)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, required=True, help="a `coopgraph build --out` directory")
    parser.add_argument("--world", type=Path, help="its generated world (parameter values are picked from the store)")
    parser.add_argument("--only", default="", help="comma-separated saved query names (default: all)")
    parser.add_argument("--skip", default="", help="comma-separated saved query names not to run")
    parser.add_argument("--where", default="memory,disk", help="memory, disk or both")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--slow", type=float, default=10.0, help="a first run slower than this is not repeated")
    parser.add_argument(
        "--reference", type=Path, help="a folder of earlier query texts (NAME.rq): also time each with raw pyoxigraph"
    )
    parser.add_argument("--ways", default="ours,raw", help="ours, ours-substituted, raw, raw-constants")
    args = parser.parse_args(argv)

    import pyoxigraph as ox

    from coopgraph.graph.store import open_store
    from coopgraph.sparql.constants import inline
    from coopgraph.sparql.query import query_prefixes, run
    from coopgraph.sparql.queryfile import bind, saved_queries

    prefixes = query_prefixes()
    stores: dict[str, Any] = {}
    wheres = args.where.split(",")
    if "disk" in wheres:
        stores["disk"] = open_store(args.build)
    if "memory" in wheres:
        started = time.perf_counter()
        memory = ox.Store()
        memory.bulk_load(open_store(args.build).dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
        stores["memory"] = memory
        print(f"# loaded {len(memory):,} quads into memory in {time.perf_counter() - started:.1f} s", flush=True)
    picked = _pick_bindings(next(iter(stores.values()))) if args.world else {}
    print(json.dumps({"bindings": picked}), flush=True)
    only = set(filter(None, args.only.split(",")))
    skip = set(filter(None, args.skip.split(",")))
    ordered = sorted(saved_queries().items(), key=lambda item: (item[0] not in FIRST, item[0]))
    for name, saved in ordered:
        if (only and name not in only) or name in skip:
            continue
        given = {k: v for k, v in picked.items() if k in saved.params}
        bound = bind(dict(saved.params), given, prefixes, where=name)
        substitutions = {ox.Variable(k): v for k, v in bound.items()} or None

        def ours(store: Any, text: str = saved.text, bound: Any = bound, constants: bool = True) -> int:
            result = run(store, text, bindings=bound, prefixes=prefixes, inline=constants)
            return len(result.rows) + len(result.triples)

        def raw(store: Any, text: str = saved.text, subs: Any = substitutions) -> int:
            answer = store.query(text, prefixes=prefixes, substitutions=subs, use_default_graph_as_union=True)
            return 1 if isinstance(answer, ox.QueryBoolean) else len([tuple(item) for item in answer])

        written, left = inline(saved.text, bound)
        named: dict[str, Any] = {
            "ours": ours,
            "ours-substituted": lambda store, ours=ours: ours(store, constants=False),
            "raw": raw,
            "raw-constants": lambda store, raw=raw, text=written, left=left: raw(
                store, text, {ox.Variable(k): v for k, v in left.items()} or None
            ),
        }
        ways: list[tuple[str, Any]] = [(way, named[way]) for way in args.ways.split(",")]
        earlier = args.reference / f"{name}.rq" if args.reference else None
        if earlier is not None and earlier.exists():
            ways.append(("raw-before", lambda store, text=earlier.read_text(encoding="utf-8"): raw(store, text)))
        for where, store in stores.items():
            for way, call in ways:
                times, cpu, rows = [], [], 0
                for attempt in range(args.repeats):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    rows = call(store)
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - cpu_started)
                    if attempt == 0 and times[0] > args.slow:
                        break
                line = {"query": name, "where": where, "way": way, "rows": rows, "runs": len(times)}
                line |= {"p50": round(statistics.median(times), 4), "first": round(times[0], 4)}
                line |= {"cpu_p50": round(statistics.median(cpu), 4)}  # the query's own work on a shared machine
                print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
