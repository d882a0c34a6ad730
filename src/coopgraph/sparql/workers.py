"""The endpoint's supervisor: pre-started worker processes answer HTTP themselves; this one watches them.

Each worker (:mod:`coopgraph.sparql.wire`) accepts on the shared listening
socket, holds the store, and answers one request at a time.  Before it answers
it writes ``[started, fd]`` into its shared slot; it hands every connection it
accepts to this process (a duplicate descriptor, over a Unix socket) and says
when it closes one.  So when a worker runs past the time limit, this process
kills it, answers its client 503 on the duplicate and starts a replacement; when
a worker dies while answering (Oxigraph aborts an allocation over the memory
cap), the client gets 503 the same way.  A killed worker's other connections
are closed (idle keep-alive connections: clients reconnect).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import selectors
import signal
import socket
import time
from collections.abc import Callable
from typing import Any

from coopgraph.errors import CoopgraphError
from coopgraph.sparql.wire import TEXT, response

Target = Callable[..., None]
"""A worker's main: ``target(listener, control, slot, *args)``; it sends ``b"ready"`` once it can answer,
then waits for ``b"go"`` before it takes connections."""


class Worker:
    """One worker process, its end of the control socket, its slot, and copies of its connections."""

    def __init__(self, context: Any, listener: socket.socket, target: Target, args: tuple[Any, ...]) -> None:
        self.control, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.slot = context.RawArray("d", 2)  # [when its answer started (monotonic; 0: idle), connection fd]
        self.process = context.Process(target=target, args=(listener, child, self.slot, *args), daemon=True)
        self.process.start()
        child.close()
        self.control.setblocking(False)  # socket.recv_fds ignores its flags (Python 3.11): MSG_DONTWAIT is not enough
        self.copies: dict[int, socket.socket] = {}
        self.ready = False
        self.released = False

    def release(self) -> None:
        """Let a ready worker take connections (all at once at start: the first answer comes after the log line)."""
        if self.ready and not self.released:
            with contextlib.suppress(OSError):
                self.control.send(b"go")
            self.released = True

    def read(self) -> bool:
        """Take the messages waiting from the worker; False when it has gone."""
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self.control, 64, 4)
            except (BlockingIOError, InterruptedError):
                return True
            except OSError:
                return False
            if not data:
                for fd in fds:
                    with contextlib.suppress(OSError):
                        socket.close(fd)
                return False
            word, _, number = data.partition(b" ")
            if word == b"ready":
                self.ready = True
            elif word == b"open" and fds:
                old = self.copies.pop(int(number), None)
                if old is not None:
                    old.close()
                self.copies[int(number)] = socket.socket(fileno=fds[0])
                for extra in fds[1:]:
                    socket.close(extra)
            elif word == b"shut":
                old = self.copies.pop(int(number), None)
                if old is not None:
                    old.close()

    def busy(self) -> tuple[float, int]:
        """When the worker's current answer started (0: none) and on which of its connections."""
        return float(self.slot[0]), int(self.slot[1])

    def answer_and_close(self, status: int, message: bytes) -> None:
        """After the worker is dead: answer the client it was serving, close every copy."""
        started, fd = self.busy()
        client = self.copies.pop(fd, None) if started else None
        if client is not None:
            with contextlib.suppress(OSError):
                client.settimeout(1.0)
                client.sendall(response((status, TEXT, message, {}), close=True))
                client.shutdown(socket.SHUT_WR)
            client.close()
        for copy in self.copies.values():
            copy.close()
        self.copies.clear()
        self.control.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)


class Supervisor:
    """Start ``count`` workers on ``listener``; keep that many alive; stop overdue ones."""

    def __init__(
        self,
        listener: socket.socket,
        target: Target,
        args: tuple[Any, ...],
        *,
        count: int,
        timeout: float,
        died_message: Callable[[int | None], tuple[int, bytes]],
    ) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.listener = listener
        self.target = target
        self.args = args
        self.count = max(1, count)
        self.timeout = timeout
        self.died_message = died_message
        self.workers: list[Worker] = []
        self.selector = selectors.DefaultSelector()
        self.replaced = 0
        self.started = False

    def start(self, seconds: float = 300.0) -> None:
        """Start the workers and wait until each can answer (it has opened the store)."""
        for _ in range(self.count):
            self._add()
        deadline = time.monotonic() + seconds
        while not all(w.ready for w in self.workers):
            if time.monotonic() > deadline or not self._poll(0.2, starting=True):
                self.close()
                raise CoopgraphError("a query worker could not open the store")
        self.started = True

    def release(self) -> None:
        """Let the workers take connections."""
        for worker in self.workers:
            worker.release()

    def _add(self) -> Worker:
        worker = Worker(self.context, self.listener, self.target, self.args)
        self.workers.append(worker)
        self.selector.register(worker.control, selectors.EVENT_READ, worker)
        self.selector.register(worker.process.sentinel, selectors.EVENT_READ, worker)
        return worker

    def _remove(self, worker: Worker) -> None:
        self.workers.remove(worker)
        for handle in (worker.control, worker.process.sentinel):
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(handle)

    def serve_forever(self) -> None:
        """Watch the workers until interrupted (KeyboardInterrupt)."""
        while True:
            self._poll(min(0.1, self.timeout / 10))

    def _poll(self, wait: float, *, starting: bool = False) -> bool:
        """One round: read the workers' messages, replace dead or overdue ones; False when one
        died while starting (then the store cannot be opened)."""
        for key, _ in self.selector.select(wait):
            worker = key.data
            if worker not in self.workers:
                continue
            alive = worker.read()
            if self.started:
                worker.release()
            if not alive or not worker.process.is_alive():
                worker.process.join(timeout=10)
                if starting and not worker.ready:
                    return False
                self._replace(worker, *self.died_message(worker.process.exitcode))
        now = time.monotonic()
        for worker in list(self.workers):
            started, _ = worker.busy()
            if started and now - started > self.timeout:
                worker.kill()
                worker.read()  # the connections it opened up to its death
                message = f"the query ran longer than the time limit of {self.timeout:g} s\n".encode()
                self._replace(worker, 503, message)
        return True

    def _replace(self, worker: Worker, status: int, message: bytes) -> None:
        self._remove(worker)
        worker.answer_and_close(status, message)
        self.replaced += 1
        self._add()

    def close(self) -> None:
        """Stop every worker: each finishes writing what it answered, then exits (killed after 5 s)."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.control.send(b"stop")
        deadline = time.monotonic() + 6
        for worker in self.workers:
            worker.process.join(timeout=max(0.1, deadline - time.monotonic()))
            worker.kill()
            with contextlib.suppress(OSError):
                worker.read()
            for copy in worker.copies.values():
                copy.close()
            worker.control.close()
        self.workers.clear()
        self.selector.close()


def exit_reason(exitcode: int | None) -> str:
    """How a worker ended, in words, for the log."""
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-exitcode).name}"
    return f"exited with {exitcode}"
