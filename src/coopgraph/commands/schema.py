"""``coopgraph schema``: the JSON Schema of the data files, for editors that validate YAML as you type."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from coopgraph.curate import KINDS

HELP = "print (or write) the JSON Schema of a data file kind"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", nargs="?", choices=KINDS, default="agreement")
    parser.add_argument("--out-dir", type=Path, help="write every schema as <kind>.schema.json into this directory")


def run(args: argparse.Namespace) -> int:
    from coopgraph.curate.jsonschema import schema_for, write_schemas

    if args.out_dir:
        for path in write_schemas(args.out_dir):
            print(path, file=sys.stderr)
        return 0
    print(json.dumps(schema_for(args.kind), ensure_ascii=False, indent=2))
    return 0
