"""The cooperation derivation (``reason/cooperation.py`` ``derive``) timed, against another commit's, same output.

    python benchmarks/bench_cooperation.py --sizes 1000,10000 --against 96f4e20

Each size's asserted graph (the cached N-Triples of :mod:`benchmarks.bench_reason`) and the
ontology are loaded into an in-memory store, as the rules reasoner's scratch store holds them;
then this checkout's ``derive`` runs, and, with ``--against REF``, the ``derive`` of
``src/coopgraph/reason/cooperation.py`` at ``REF`` (read with ``git show``), each in a fresh
process stopped after ``--timeout`` seconds.  Both outputs must be the same lists of triples
in the same order: a difference is an error.  Prints one line per run: wall and CPU seconds,
the process's peak RSS, the triples made.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _module(ref: str | None) -> types.ModuleType:
    if ref is None:
        from coopgraph.reason import cooperation

        return cooperation
    source = subprocess.run(
        ["git", "show", f"{ref}:src/coopgraph/reason/cooperation.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType(f"cooperation_at_{ref}")
    module.__dict__["__name__"] = module.__name__
    exec(compile(source, f"{ref}:cooperation.py", "exec"), module.__dict__)  # our own code at a commit
    return module


def child(n: int, ref: str | None) -> None:
    import pyoxigraph as ox

    from benchmarks.bench_reason import _inputs
    from benchmarks.generate import world_for

    _, ontology_nt, asserted, _ = _inputs(world_for(n)[0])
    store = ox.Store()
    store.bulk_load(ontology_nt + asserted, ox.RdfFormat.N_TRIPLES)
    del asserted
    derive = _module(ref).derive
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    edges, nodes = derive(store)
    nodes = list(nodes)  # made as iterated (this checkout): timed with the rest
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    digest = hashlib.sha256()
    for t in [*edges, None, *nodes]:
        digest.update(f"{t}\n".encode())
    print(
        json.dumps(
            {
                "n": n,
                "code": ref or "this checkout",
                "seconds": round(wall, 2),
                "cpu": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
                "peak_mb": round(after.ru_maxrss / 1024),
                "edges": len(edges),
                "nodes": len(nodes),
                "sha256": digest.hexdigest()[:16],
            }
        ),
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--against", default=None, help="a git commit whose derive to time too")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(int(args.child[0]), None if args.child[1] == "-" else args.child[1])
        return 0
    failed = 0
    for n in (int(size) for size in args.sizes.split(",")):
        digests = set()
        for ref in [None, args.against] if args.against else [None]:
            argv = [sys.executable, __file__, "--child", str(n), ref or "-"]
            try:
                done = subprocess.run(argv, capture_output=True, text=True, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                print(
                    json.dumps({"n": n, "code": ref or "this checkout", "error": f"stopped after {args.timeout:.0f} s"})
                )
                continue
            if done.returncode != 0:
                print(done.stderr[-2000:], file=sys.stderr)
                failed = 1
                continue
            print(done.stdout.strip(), flush=True)
            digests.add(json.loads(done.stdout)["sha256"])
        if len(digests) > 1:
            print(f"{n}: the outputs differ", file=sys.stderr)
            failed = 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
