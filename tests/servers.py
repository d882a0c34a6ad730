"""Real servers for the HTTP tests: ``coopgraph serve``, an Oxigraph server and Virtuoso.

Each starts on a free loopback port in a private temporary directory and is
stopped (by its own process id) when its fixture ends.  The recipes and traps
are in ``shared/NOTES.md``: Virtuoso needs its own ini, runs in the
foreground, takes a few seconds to answer, and accepts only digest auth.
"""

from __future__ import annotations

import configparser
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@dataclass(frozen=True)
class Server:
    """A running server: where to query it, where its Graph Store Protocol is, and its credentials."""

    name: str
    query_url: str
    store_url: str
    user: str | None = None
    password: str | None = None
    log: Path | None = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], *, seconds: float, log: Path | None = None) -> None:
    """Poll ``url`` until it answers 200; fail with the server's log when it dies or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer {url} within {seconds} s: {_tail(log)}")


def _tail(log: Path | None) -> str:
    if log is None or not log.exists():
        return "(no log)"
    return log.read_text(encoding="utf-8", errors="replace")[-2000:]


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop one process we started, by its id: terminate, then kill if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def running(command: Sequence[str], ready_url: str, *, cwd: Path, log: Path, seconds: float) -> Iterator[None]:
    with log.open("wb") as out:
        process = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(ready_url, process, seconds=seconds, log=log)
        yield
    finally:
        stop(process)


def _tool(name: str) -> str:
    """An executable from this virtual environment (oxigraph, coopgraph), else from PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed; run ./dev setup")
    return found


@contextmanager
def oxigraph_server(directory: Path) -> Iterator[Server]:
    """``oxigraph serve`` on a free port (PyPI package ``oxigraph``); no auth."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    directory.mkdir(parents=True, exist_ok=True)
    command = [_tool("oxigraph"), "serve", "--location", str(directory / "db"), "--bind", f"127.0.0.1:{port}"]
    log = directory / "oxigraph.log"
    with running(command, f"{base}/query?query=ASK%7B%7D", cwd=directory, log=log, seconds=30):
        yield Server("oxigraph", f"{base}/query", f"{base}/store", log=log)


def virtuoso_ini(directory: Path, *, sql_port: int, http_port: int) -> Path:
    """A private copy of the Debian ini: database files in ``directory``, loopback ports."""
    ini = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=(";", "#"))
    ini.optionxform = str  # type: ignore[assignment,method-assign]
    ini.read(VIRTUOSO_INI, encoding="utf-8")
    db = directory / "db"
    db.mkdir(parents=True, exist_ok=True)
    for name in ("DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file"):
        ini["Database"][name] = str(db / Path(ini["Database"][name]).name)
    for name in ("DatabaseFile", "TransactionFile"):
        ini["TempDatabase"][name] = str(db / Path(ini["TempDatabase"][name]).name)
    ini["Parameters"]["ServerPort"] = f"127.0.0.1:{sql_port}"
    ini["Parameters"]["DirsAllowed"] = f"., /usr/share/virtuoso-opensource-7/vad, {directory}"
    ini["HTTPServer"]["ServerPort"] = f"127.0.0.1:{http_port}"
    ini["SPARQL"]["ResultSetMaxRows"] = "100000"
    path = directory / "virtuoso.ini"
    with path.open("w", encoding="utf-8") as out:
        ini.write(out)
    return path


@contextmanager
def virtuoso_server(directory: Path) -> Iterator[Server]:
    """Virtuoso 7 (Debian ``virtuoso-opensource``) with a private database; dba/dba, digest auth."""
    directory.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = virtuoso_ini(directory, sql_port=free_port(), http_port=http_port)
    base = f"http://127.0.0.1:{http_port}"
    command = [_tool("virtuoso-t"), "+configfile", str(ini), "+foreground"]
    log = directory / "virtuoso.out"
    with running(command, f"{base}/sparql?query=ASK%7B%7D", cwd=directory, log=log, seconds=120):
        yield Server("virtuoso", f"{base}/sparql", f"{base}/sparql-graph-crud-auth", "dba", "dba", log=log)


@contextmanager
def coopgraph_server(build_dir: Path, directory: Path, *extra: str) -> Iterator[str]:
    """``coopgraph serve`` on a free port over a built graph; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    directory.mkdir(parents=True, exist_ok=True)
    command = [_tool("coopgraph"), "serve", "--out", str(build_dir), "--port", str(port), *extra]
    env_log = directory / "serve.log"
    with running(command, f"{base}/sparql?query=ASK%7B%7D", cwd=Path(os.getcwd()), log=env_log, seconds=60):
        yield base
