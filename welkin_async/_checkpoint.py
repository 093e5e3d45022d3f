"""Where a bulk export stands, saved so that a crashed or stopped export resumes where it was.

A position is saved after each page the consumer has fully taken. The default store is a JSON
file that is replaced atomically: the new content goes to a temporary file in the same
directory, is fsynced, and is renamed over the old one, and then the directory is fsynced. A
crash therefore leaves either the old position or the new one, never a torn file. Saves run in a
worker thread, one after another in the order they were asked for, so a slow disk does not
stall the event loop and an older position never overwrites a newer one.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs

from welkin_async.errors import WelkinError

FORMAT = "welkin-async/export-checkpoint/1"


class CheckpointError(WelkinError):
    """A checkpoint that cannot be used: unreadable, or made for a different export."""


@attrs.frozen
class ExportPosition:
    """How far one export has come.

    - ``since`` is where the export began (ISO date-time, ``None`` for everything);
    - ``start`` is where the next page starts (the server's cursor), ``None`` at the beginning;
    - ``records`` and ``pages`` count what the consumer has fully taken, across resumes;
    - ``done`` is set once the last page is taken; ``start`` is then the ``since`` of the next
      incremental export;
    - ``boundary`` holds ``(id, updated_at, version)`` of the last page's latest-changed records:
      a server whose cursor includes its start serves them again, and a resume drops them.
    """

    export_type: str
    since: str | None = None
    start: str | None = None
    records: int = 0
    pages: int = 0
    done: bool = False
    boundary: tuple[tuple[str, float, int], ...] = attrs.field(default=(), repr=False)


@runtime_checkable
class CheckpointStore(Protocol):
    """Keeps export positions by key (the export type); :class:`Checkpoint` is the JSON file."""

    async def load(self, key: str) -> ExportPosition | None:
        """The saved position, or ``None`` if nothing was saved under ``key``."""
        ...

    async def save(self, key: str, position: ExportPosition) -> None:
        """Persist ``position``; when this returns, a crash keeps it."""
        ...


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
        "since": lambda v: v is None or isinstance(v, str),
        "start": lambda v: v is None or isinstance(v, str),
        "records": lambda v: type(v) is int and v >= 0,
        "pages": lambda v: type(v) is int and v >= 0,
        "done": lambda v: type(v) is bool,
    }
    for name, check in checks.items():
        if name in value and not check(value[name]):
            raise CheckpointError(f"{where}: $.exports.{key}.{name} has the wrong type")
    if value.get("export_type") != key:
        raise CheckpointError(f"{where}: $.exports.{key}.export_type does not match its key")
    given = dict(value)
    given["boundary"] = tuple(tuple(entry) for entry in value.get("boundary", ()))
    return ExportPosition(**given)


def _is_boundary(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(entry, list)
        and len(entry) == 3  # (id, updated_at, version)
        and isinstance(entry[0], str)
        and type(entry[1]) in (int, float)
        and type(entry[2]) is int
        for entry in value
    )


class Checkpoint:
    """Export positions in one JSON file (several exports can share it, one key per type).

    Each save re-reads the file and replaces only its own key, so several ``Checkpoint``
    objects on one file keep each other's positions. Across processes, give each its own file:
    two writers saving at the same moment can still lose one save.
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
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except UnicodeDecodeError:
            raise CheckpointError(f"{where} is not UTF-8 text") from None
        except OSError as exc:
            raise CheckpointError(f"{where} cannot be read ({exc.strerror})") from None
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            where_bad = f"line {exc.lineno} column {exc.colno}"
            raise CheckpointError(f"{where} is not JSON ({where_bad})") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise CheckpointError(f"{where} is not a welkin-async export checkpoint ($.format)")
        exports = document.get("exports")
        if not isinstance(exports, dict):
            raise CheckpointError(f"{where}: $.exports is not an object")
        return {key: _position(key, value, where) for key, value in exports.items()}

    async def _write_after(
        self, previous: asyncio.Future[None] | None, key: str, position: ExportPosition
    ) -> None:
        if previous is not None:
            # Its failure, if any, was raised to the save that asked for it.
            await asyncio.gather(previous, return_exceptions=True)
        await asyncio.to_thread(self._update, key, position)

    def _update(self, key: str, position: ExportPosition) -> None:
        """Read the file, replace one position, write it back: other exports' positions in the
        file stay as they are, whichever ``Checkpoint`` object saved them."""
        positions = self._parse()
        positions[key] = position
        document = {
            "format": FORMAT,
            "exports": {name: attrs.asdict(p) for name, p in sorted(positions.items())},
        }
        _replace(self.path, json.dumps(document, indent=1))


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash leaves the old content or the new, whole."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)  # the rename itself lives in the directory
    finally:
        os.close(descriptor)
