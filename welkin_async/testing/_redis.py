"""A real redis-server on a free loopback port: for tests and benchmarks of fleet mode.

Fleet mode (``welkin_async.fleet``) is tested against Redis itself, not a fake: a fake would
agree with our reading of Redis, as the emulator once agreed with our reading of the API. The
server runs in the foreground without persistence, in a temporary directory of its own.
"""

from __future__ import annotations

import os
import selectors
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

READY = b"Ready to accept connections"
START_SECONDS = 20.0  # a server not ready this long after starting is reported as broken
STOP_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """``redis-server`` on a free loopback port, started and stopped at will (on the same port,
    as a fleet's Redis goes away and comes back)::

        with RedisServer() as server:
            coordination = RedisCoordination(server.url)

    ``cpu`` pins it to one core (benchmarks). Needs ``redis-server`` on ``PATH``.
    """

    def __init__(self, *, cpu: int | None = None) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (`make test` installs it)")
        self._binary = binary
        self._cpu = cpu
        self._dir = Path(tempfile.mkdtemp(prefix="welkin-redis-"))
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        return f"RedisServer(port={self.port}, running={self._process is not None})"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        """The running server's process id (to read the CPU time it spent), else ``None``."""
        return self._process.pid if self._process is not None else None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start it; return once its own log says it accepts connections."""
        command = [
            self._binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self._dir),
        ]  # fmt: skip
        # The binary found on PATH, with arguments of our own making.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
        if self._cpu is not None:  # before it starts its threads: they inherit the affinity
            os.sched_setaffinity(process.pid, {self._cpu})
        assert process.stdout is not None  # noqa: S101 - started with stdout=PIPE
        seen = _read_until_ready(process.stdout)
        if READY not in seen:
            process.kill()
            process.wait()
            process.stdout.close()
            tail = seen[-300:].decode(errors="replace").strip()
            raise RuntimeError(f"redis-server did not start on port {self.port}: {tail}")
        # Its later log lines go nowhere, but must be read: a full pipe would stall the server.
        threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
        self._process = process

    def stop(self) -> None:
        """Kill it, as a crash would, and wait until it is gone (its data is lost)."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait(STOP_SECONDS)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


def _read_until_ready(stdout: IO[bytes]) -> bytes:
    """What the server logged until it was ready, it exited, or ``START_SECONDS`` passed."""
    seen = b""
    deadline = time.monotonic() + START_SECONDS
    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        while READY not in seen and (left := deadline - time.monotonic()) > 0:
            if selector.select(left):
                chunk = os.read(stdout.fileno(), 65536)
                if not chunk:
                    break  # it exited
                seen += chunk
    return seen


def _drain(stdout: IO[bytes]) -> None:
    """Read the pipe until the server is gone, then close it."""
    with stdout:
        while os.read(stdout.fileno(), 65536):
            pass
