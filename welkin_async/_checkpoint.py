"""Where a bulk export stands, saved so that a crashed or stopped export resumes where it was.

A position is saved after each page the consumer has fully taken. The default store is a JSON
file that is replaced atomically: the new content goes to a temporary file in the same
directory, is fsynced, and is renamed over the old one, and then the directory is fsynced. A
crash or a failed write (a full disk) therefore leaves either the old position or the new one,
never a torn file. Saves run in a worker thread, one after another in the order they were asked
for, so a slow disk does not stall the event loop and an older position never overwrites a newer
one. Each save re-reads the file and replaces only its own key under two locks held around that
read-modify-write: a thread lock per resolved path, shared by every ``Checkpoint`` in the
process, and an advisory ``flock`` on a sidecar ``NAME.lock`` for other processes.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import json
import math
import os
import re
import stat
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs

from welkin_async.errors import WelkinError

FORMAT = "welkin-async/export-checkpoint/1"


class CheckpointError(WelkinError):
    """A checkpoint that cannot be used: unreadable, unwritable (a full disk, a read-only
    directory), or made for a different export. Its message names the file (or the store),
    never a value."""


@attrs.frozen
class ExportPosition:
    """How far one export has come.

    - ``since`` is where the export began (ISO date-time, ``None`` for everything);
    - ``start`` is where the next page starts (the server's cursor), ``None`` at the beginning;
    - ``records`` and ``pages`` count what the consumer has fully taken, across resumes;
    - ``done`` is set once the last page is taken; ``start`` is then the ``since`` of the next
      incremental export;
    - ``boundary`` holds ``(id, updated_at, version)`` of the last page's latest-changed records:
      a server whose cursor includes its start serves them again, and a resume drops them;
    - ``file_bytes`` and ``file_sha256`` are set by a consumer that writes the records to a file
      (``welkin-async export`` does): the length and the SHA-256 (hex) of the part of the file
      this position counts, so that a resume can tell whether that part was changed since.
      ``None`` (both) when nothing says.
    """

    export_type: str
    since: str | None = None
    start: str | None = None
    records: int = 0
    pages: int = 0
    done: bool = False
    boundary: tuple[tuple[str, float, int], ...] = attrs.field(default=(), repr=False)
    file_bytes: int | None = None
    file_sha256: str | None = attrs.field(default=None, repr=False)


@runtime_checkable
class CheckpointStore(Protocol):
    """Keeps export positions by key (the export type); :class:`Checkpoint` is the JSON file."""

    async def load(self, key: str) -> ExportPosition | None:
        """The saved position, or ``None`` if nothing was saved under ``key``."""
        ...

    async def save(self, key: str, position: ExportPosition) -> None:
        """Persist ``position``; when this returns, a crash keeps it."""
        ...


def dump_positions(positions: Mapping[str, ExportPosition]) -> str:
    """The checkpoint document holding ``positions`` (JSON text), as :func:`load_positions`
    reads it: the file's content, and what the fleet's Redis store seals."""
    document = {
        "format": FORMAT,
        "exports": {name: attrs.asdict(p) for name, p in sorted(positions.items())},
    }
    return json.dumps(document, indent=1)


def load_positions(data: bytes, where: str) -> dict[str, ExportPosition]:
    """The positions of a checkpoint document, by key; :class:`CheckpointError` naming ``where``
    (the file, the store) and the JSON path of the fault, never a value, if it is not one."""
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise CheckpointError(f"{where} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        where_bad = f"line {exc.lineno} column {exc.colno}"
        raise CheckpointError(f"{where} is not JSON ({where_bad})") from None
    except RecursionError:
        raise CheckpointError(f"{where} is nested too deeply to be a checkpoint") from None
    except ValueError:  # a number too long to convert, say: the message would quote it
        raise CheckpointError(f"{where} is not JSON this parser can read") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CheckpointError(f"{where} is not a welkin-async export checkpoint ($.format)")
    exports = document.get("exports")
    if not isinstance(exports, dict):
        raise CheckpointError(f"{where}: $.exports is not an object")
    return {key: _position(key, value, where) for key, value in exports.items()}


def _position(key: str, value: Any, where: str) -> ExportPosition:
    if not isinstance(value, Mapping):
        raise CheckpointError(f"{where}: $.exports.{key} is not an object")
    fields = {a.name: a for a in attrs.fields(ExportPosition)}
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise CheckpointError(f"{where}: $.exports.{key} has unknown keys {unknown}")
    checks: dict[str, Callable[[Any], bool]] = {
        "boundary": _is_boundary,
        "export_type": lambda v: isinstance(v, str),
        "since": lambda v: v is None or (isinstance(v, str) and is_instant(v)),
        "start": lambda v: v is None or isinstance(v, str),
        "records": lambda v: type(v) is int and v >= 0,
        "pages": lambda v: type(v) is int and v >= 0,
        "done": lambda v: type(v) is bool,
        "file_bytes": lambda v: v is None or (type(v) is int and v >= 0),
        "file_sha256": lambda v: v is None or (isinstance(v, str) and _is_sha256(v)),
    }
    for name, check in checks.items():
        if name in value and not check(value[name]):
            raise CheckpointError(f"{where}: $.exports.{key}.{name} has the wrong type")
    if value.get("export_type") != key:
        raise CheckpointError(f"{where}: $.exports.{key}.export_type does not match its key")
    if (value.get("file_bytes") is None) != (value.get("file_sha256") is None):
        # One without the other says nothing a resume could check the file against.
        raise CheckpointError(f"{where}: $.exports.{key}.file_bytes and file_sha256 come together")
    given = dict(value)
    given["boundary"] = tuple(tuple(entry) for entry in value.get("boundary", ()))
    return ExportPosition(**given)


def _is_boundary(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(entry, list)
        and len(entry) == 3  # (id, updated_at, version)
        and isinstance(entry[0], str)
        and (type(entry[1]) is int or (type(entry[1]) is float and math.isfinite(entry[1])))
        and type(entry[2]) is int
        for entry in value
    )


def is_instant(value: str) -> bool:
    """Whether ``value`` is an ISO date-time (a ``since`` always is: it came from a datetime)."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_sha256(value: str) -> bool:
    return re.fullmatch(r"[0-9a-f]{64}", value) is not None


class Checkpoint:
    """Export positions in one JSON file (several exports can share it, one key per type).

    Each save re-reads the file and replaces only its own key, under a lock that every
    ``Checkpoint`` object on the file holds for that read-modify-write, in this process (a
    thread lock per resolved path) and in others (``flock`` on a sidecar ``NAME.lock``, removed
    again after each save). Several objects, tasks and processes saving to one file therefore
    keep each other's positions. A file that cannot be read or written raises
    :class:`CheckpointError`, and a failed save leaves the position saved before it.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._writing: asyncio.Future[None] | None = None

    def __repr__(self) -> str:
        return f"Checkpoint({str(self.path)!r})"

    async def load(self, key: str) -> ExportPosition | None:
        return self._parse().get(key)

    async def save(self, key: str, position: ExportPosition) -> None:
        if position.export_type != key:
            raise ValueError("a position is saved under its own export_type")
        previous = self._writing
        writing = asyncio.ensure_future(self._write_after(previous, key, position))
        self._writing = writing
        # Shielded: a caller cancelled mid-save (Ctrl-C) still leaves the file complete, and the
        # next save waits for this one, so the order of the files on disk is the order of saves.
        await asyncio.shield(writing)

    def _parse(self) -> dict[str, ExportPosition]:
        where = f"checkpoint {self.path}"
        try:
            data = read_regular_file(self.path)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise CheckpointError(f"{where} cannot be read ({os_reason(exc)})") from None
        except ValueError:  # an embedded NUL in the path
            raise CheckpointError(f"{where} is not a usable path") from None
        return load_positions(data, where)

    async def _write_after(
        self, previous: asyncio.Future[None] | None, key: str, position: ExportPosition
    ) -> None:
        if previous is not None:
            # Its failure, if any, was raised to the save that asked for it.
            await asyncio.gather(previous, return_exceptions=True)
        await asyncio.to_thread(self._update, key, position)

    def _update(self, key: str, position: ExportPosition) -> None:
        """Read the file, replace one position, write it back: other exports' positions in the
        file stay as they are, whichever ``Checkpoint`` object or process saved them."""
        try:
            resolved = self.path.resolve()
            resolved.parent.mkdir(parents=True, exist_ok=True)
            # Without the locks, two savers could both read, each add its own key, and the
            # second rename would drop the first one's.
            with _thread_lock(resolved), _file_lock(resolved):
                positions = self._parse()
                positions[key] = position
                _replace(resolved, dump_positions(positions))
        except OSError as exc:
            raise CheckpointError(
                f"checkpoint {self.path} cannot be written ({os_reason(exc)})"
            ) from None
        except (RuntimeError, ValueError):  # a symlink loop (before 3.13), an embedded NUL
            raise CheckpointError(f"checkpoint {self.path} cannot be resolved") from None


def read_regular_file(path: Path) -> bytes:
    """The bytes of ``path``, if it is a regular file; ``OSError`` otherwise.

    Opened without blocking and checked before reading: a FIFO or a device in the file's place
    would otherwise block the reader (and the event loop, or a saver's lock) indefinitely.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file")
        with os.fdopen(os.dup(descriptor), "rb") as file:
            return file.read()
    finally:
        os.close(descriptor)


def os_reason(exc: OSError) -> str:
    """What the OS said (``No space left on device``), which names no value (the export command
    and its files say it too)."""
    code = errno.errorcode.get(exc.errno) if isinstance(exc.errno, int) else None
    return exc.strerror or code or type(exc).__name__


# One lock per resolved checkpoint path, for every Checkpoint object in the process. Weak: a path
# no save is using holds no memory, and a lock in use is held (strongly) by the saver using it.
_THREAD_LOCKS: weakref.WeakValueDictionary[Path, threading.Lock] = weakref.WeakValueDictionary()
_THREAD_LOCKS_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    with _THREAD_LOCKS_GUARD:
        lock = _THREAD_LOCKS.get(path)
        if lock is None:
            lock = threading.Lock()
            _THREAD_LOCKS[path] = lock
        return lock


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``NAME.lock`` beside ``path`` (across processes).

    The holder removes the lock file before releasing it, so no file is left behind. A waiter
    that then gets the lock holds it on a removed file, which no one else would lock: it checks
    that its file is still the one at the path, and otherwise locks the one there now.
    """
    lock_path = path.with_name(path.name + ".lock")
    while True:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            if _is_at(descriptor, lock_path):
                break
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)
    try:
        yield
    finally:
        with suppress(OSError):  # left behind, it is reused by the next save
            os.unlink(lock_path)
        os.close(descriptor)  # releases the flock


def _is_at(descriptor: int, path: Path) -> bool:
    """Whether the open file ``descriptor`` is still the file at ``path``."""
    try:
        there = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)


def write_all(descriptor: int, data: bytes) -> None:
    """Write all of ``data``, however many writes it takes (the export's JSONL lines, too)."""
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        if written <= 0:  # a regular file that takes nothing more: the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash or a failed write leaves the old content or the
    new, whole, and no temporary file."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            write_all(handle, text.encode("utf-8"))
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):  # the write's own error is the one to report
            os.unlink(temporary)
        raise
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)  # the rename itself lives in the directory
    finally:
        os.close(descriptor)
