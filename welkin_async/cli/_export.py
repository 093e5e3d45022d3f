"""``welkin-async export``: bulk export to append-only JSONL, resumable after a crash or Ctrl-C.

Each line is one record as the server sent it. After each page the lines are written and
fsynced, and only then does the checkpoint (``FILE.checkpoint.json``) count them: how many
records, and the length and SHA-256 of the part of the file that holds them. A resume first
reads that part back and refuses if it is not byte for byte what the checkpoint counts (a line
changed, inserted, repeated or removed, the file cut short), leaving the file untouched. It
then cuts whatever a crash left after that part, a torn last line included, and continues from
the saved cursor. The file thus holds each record once, however often the export was killed and
resumed. Several types export concurrently, each to its own file, under the one client's limits.
Every failure is one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import hashlib
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from welkin_async import _json
from welkin_async._checkpoint import (
    Checkpoint,
    CheckpointError,
    CheckpointStore,
    ExportPosition,
    is_instant,
    os_reason,
    write_all,
)
from welkin_async._client import WelkinClient
from welkin_async.cli import _progress
from welkin_async.cli._env import client_from_env
from welkin_async.cli._failures import EXIT_INTERRUPTED, CommandError, UsageError
from welkin_async.cli._parsing import add_command, non_negative_float, positive_int
from welkin_async.errors import WelkinError
from welkin_async.resources._export_stream import ExportPage, same_instant

_TYPE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_CHUNK = 1 << 20  # bytes read at a time when checking a file against its checkpoint


class ExportFileError(WelkinError):
    """An export's JSONL file cannot be read, written or cut (a full disk, no permission)."""


@attrs.frozen
class Target:
    """One export type and the file its records go to."""

    export_type: str
    path: Path


def targets(out: Path, types: Sequence[str]) -> list[Target]:
    """One file per type: ``out`` itself for one type, ``out``'s stem + ``.type`` for several."""
    if len(types) == 1:
        return [Target(types[0], out)]
    return [Target(t, out.with_name(f"{out.stem}.{t.lower()}{out.suffix}")) for t in types]


class FileMark:
    """The length and running SHA-256 of the part of a JSONL file that the checkpoint counts."""

    def __init__(self) -> None:
        self.size = 0
        self._hash = hashlib.sha256()

    def add(self, data: bytes) -> None:
        self.size += len(data)
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


class MarkedCheckpoint:
    """A :class:`CheckpointStore` that saves each position with the mark of the file its records
    were written to. The stream saves a page's position only after the loop has written and
    fsynced that page's lines, so the mark then covers exactly the records the position counts."""

    def __init__(self, checkpoint: CheckpointStore, mark: FileMark) -> None:
        self._checkpoint = checkpoint
        self._mark = mark

    async def load(self, key: str) -> ExportPosition | None:
        return await self._checkpoint.load(key)

    async def save(self, key: str, position: ExportPosition) -> None:
        marked = attrs.evolve(
            position, file_bytes=self._mark.size, file_sha256=self._mark.hexdigest()
        )
        await self._checkpoint.save(key, marked)


def resume_file(path: Path, saved: ExportPosition | None) -> FileMark:
    """Check ``path`` against what the checkpoint counts, cut what follows, and return the mark
    of the counted part to carry on from. Refuses (``CheckpointError``), leaving the file as it
    is, if the counted part is not what the checkpoint says it was."""
    try:
        mark = _counted(path, saved)
        if path.exists() and path.stat().st_size > mark.size:  # what a crash left after it
            descriptor = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
            try:
                os.ftruncate(descriptor, mark.size)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
    except OSError as exc:
        raise ExportFileError(f"{path} cannot be resumed ({os_reason(exc)})") from None
    return mark


def _counted(path: Path, saved: ExportPosition | None) -> FileMark:
    """The mark of the part of ``path`` that ``saved`` counts, read in chunks (bounded memory)."""
    changed = f"{path} was changed after its checkpoint was saved"
    untouched = "resume refused, the file is left as it is"
    try:
        file = path.open("rb")
    except FileNotFoundError:
        if saved is not None and (saved.records or saved.file_bytes):
            raise CheckpointError(
                f"{path} is missing, but the checkpoint counts {saved.records} lines"
            ) from None
        return FileMark()
    with file:
        if saved is None or saved.file_bytes is None or saved.file_sha256 is None:
            # Nothing saved yet, or a checkpoint from before the mark: only lines to count.
            return _count_lines(file, saved.records if saved is not None else 0, changed)
        mark = FileMark()
        lines = 0
        while mark.size < saved.file_bytes:
            chunk = file.read(min(_CHUNK, saved.file_bytes - mark.size))
            if not chunk:
                raise CheckpointError(
                    f"{changed}: it is shorter than the part the checkpoint counts; {untouched}"
                )
            mark.add(chunk)
            lines += chunk.count(b"\n")
        if mark.hexdigest() != saved.file_sha256:
            raise CheckpointError(
                f"{changed}: the part the checkpoint counts differs (a line changed, added or "
                f"removed); {untouched}"
            )
        if lines != saved.records:  # one line per record: the checkpoint itself was edited
            raise CheckpointError(
                f"the checkpoint of {path} counts {saved.records} records but marks "
                f"{lines} lines; {untouched}"
            )
        return mark


def _count_lines(file: Any, lines: int, changed: str) -> FileMark:
    """The mark of the first ``lines`` complete lines of ``file``."""
    mark = FileMark()
    while lines:
        chunk = file.read(_CHUNK)
        if not chunk:
            raise CheckpointError(
                f"{changed}: it holds fewer complete lines than the checkpoint counts"
            )
        end = 0
        while lines and (newline := chunk.find(b"\n", end)) >= 0:
            end = newline + 1
            lines -= 1
        mark.add(chunk[:end] if not lines else chunk)
        if not lines:
            break
    return mark


def _append(path: Path, data: bytes, mark: FileMark) -> None:
    """Append ``data`` durably; only then does ``mark`` (and so the next save) count it."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            write_all(descriptor, data)
            os.fsync(descriptor)  # durable before the checkpoint counts these lines
        finally:
            os.close(descriptor)
    except OSError as exc:
        # Whatever part of ``data`` reached the file lies after the mark: a resume cuts it.
        raise ExportFileError(f"{path} cannot be written ({os_reason(exc)})") from None
    mark.add(data)


async def export_one(
    client: WelkinClient,
    target: Target,
    checkpoint: Checkpoint,
    *,
    since: datetime | None,
    page_size: int,
    on_page: Callable[[Target, ExportPage[Any]], None],
) -> ExportPage[Any] | None:
    """Export one type to its file; the last page taken (``None`` if nothing was left)."""
    saved = await checkpoint.load(target.export_type)
    since_text = since.isoformat() if since is not None else None
    if saved is not None and saved.done and not same_instant(saved.since, since_text):
        # The stream would start the next export afresh, counting from 0 lines: in this file,
        # that count would no longer say where its own lines end.
        raise CheckpointError(
            f"the {target.export_type} export in {target.path} is finished: write the next "
            f"incremental one ({next_since(saved.start)}) to a new --out"
        )
    mark = await asyncio.to_thread(resume_file, target.path, saved)
    stream = client.exports.stream(
        target.export_type,
        since=since,
        page_size=page_size,
        checkpoint=MarkedCheckpoint(checkpoint, mark),
        typed=False,
    )
    last = None
    async for page in stream.pages():
        # Written and fsynced before the loop asks for the next page, which is when the stream
        # saves the checkpoint that counts these lines.
        data = b"".join(_json.dumps(r) + b"\n" for r in page.items)
        await asyncio.to_thread(_append, target.path, data, mark)
        on_page(target, page)
        last = page
    return last


async def run_export(args: argparse.Namespace, types: list[str]) -> list[tuple[Target, Any]]:
    checkpoint = Checkpoint(args.checkpoint)
    since = args.since
    if since is None and args.resume:  # resuming: the since the export began with
        saved = [await checkpoint.load(t) for t in types]
        begun = {p.since for p in saved if p is not None}
        if len(begun) == 1 and (text := begun.pop()) is not None:
            since = datetime.fromisoformat(text)
    chosen = targets(args.out, types)
    async with client_from_env(args, max_concurrency=args.concurrency) as client:
        with _progress.choose(args.progress_every) as progress:
            for target in chosen:
                position = await checkpoint.load(target.export_type)
                progress.start(
                    target.export_type,
                    records=position.records if position else 0,
                    pages=position.pages if position else 0,
                )

            def on_page(target: Target, page: ExportPage[Any]) -> None:
                progress.update(
                    target.export_type,
                    records=page.position.records,
                    pages=page.position.pages,
                    retries=client.stats.retries,
                )

            async with asyncio.TaskGroup() as group:
                running = [
                    group.create_task(
                        export_one(
                            client,
                            target,
                            checkpoint,
                            since=since,
                            page_size=args.page_size,
                            on_page=on_page,
                        )
                    )
                    for target in chosen
                ]
    return [(target, task.result()) for target, task in zip(chosen, running, strict=True)]


def _unusable(option: str, path: Path) -> str | None:
    """Why ``path`` (given as ``option``) cannot be the file it is meant to be, or ``None``."""
    # A FIFO or a device would block the first read or write, with nothing to say why.
    if path.is_dir():
        return f"{option} {path}: {os.strerror(errno.EISDIR)}"
    if path.exists() and not path.is_file():
        return f"{option} {path} exists but is not a regular file"
    if not path.parent.is_dir():
        return f"{option} {path}: no directory {path.parent} to write it in"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"{option} {path}: the directory {path.parent} is not writable"
    return None


def _check_start(args: argparse.Namespace, types: list[str]) -> str | None:
    """Why the export must not start (an existing file without --resume, a path that is not a
    regular file or cannot be made), or ``None``."""
    files = [
        ("--checkpoint", args.checkpoint),
        *(("--out", t.path) for t in targets(args.out, types)),
    ]
    for option, path in files:
        if problem := _unusable(option, path):
            return problem
    existing = [
        t.path for t in targets(args.out, types) if t.path.exists() and t.path.stat().st_size
    ]
    if args.resume:
        if existing and not args.checkpoint.exists():
            return (
                f"{existing[0]} exists but {args.checkpoint} does not: nothing says where it ends"
            )
        return None
    if existing or args.checkpoint.exists():
        found = existing[0] if existing else args.checkpoint
        return f"{found} exists: pass --resume to continue that export, or choose another --out"
    return None


def run(args: argparse.Namespace) -> int:
    """The command; whatever fails, one line on stderr and a non-zero exit, never a traceback."""
    try:
        return _run(args)
    except CommandError:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line: every failure is one line
        raise CommandError(describe(exc)) from None


def _run(args: argparse.Namespace) -> int:
    types = [t.upper() for t in ([args.type] if args.type else []) + args.types]
    if not types:
        raise UsageError("TYPE", "name an export type, or several with --types")
    types = list(dict.fromkeys(types))
    if args.checkpoint is None:
        args.checkpoint = args.out.with_name(args.out.name + ".checkpoint.json")
    problem = _check_start(args, types)
    if problem:
        raise CommandError(problem)
    try:
        finished = asyncio.run(run_export(args, types))
    except KeyboardInterrupt:
        print(
            f"interrupted: {args.checkpoint} holds the position of every page written; "
            "run the same command with --resume to continue",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    for target, last in finished:
        if last is None:
            print(f"{target.export_type}: already complete in {target.path}")
        else:
            position = last.position
            print(
                f"{target.export_type}: {position.records:,} records in {position.pages:,} pages "
                f"to {target.path}; the next incremental export starts at "
                f"{next_since(position.start)}"
            )
    return 0


def next_since(start: str | None) -> str:
    """Where the next incremental export starts, as an option to pass: the server's cursor when
    it is an ISO date-time (as the live API's are), which can hold nothing but a time."""
    if start is not None and is_instant(start):
        return f"--since {start}"
    return "the cursor in the checkpoint"


def describe(exc: BaseException) -> str:
    """One line for a failure, or for each failure of a task group, joined: a WelkinError's own
    text (which names the call, file and status, never a value), and for anything else only its
    type, since its text may quote a value."""
    texts = dict.fromkeys(_text(failure) for failure in _leaves(exc))
    return " ".join("; ".join(texts).split())  # one line, whatever the texts hold


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def _text(exc: BaseException) -> str:
    if isinstance(exc, WelkinError):
        return str(exc)
    name = type(exc).__name__
    if isinstance(exc, OSError) and isinstance(exc.errno, int) and exc.errno in errno.errorcode:
        name = f"{name} ({errno.errorcode[exc.errno]})"
    return f"unexpected {name}; the checkpoint counts only pages written, --resume continues"


def _since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "not an ISO 8601 date-time with an offset, e.g. 2025-01-01T00:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("needs a time zone (Z or +hh:mm)")
    return moment


def _file(text: str) -> Path:
    """A path that names a file (``.`` or ``dir/`` name none to write)."""
    path = Path(text)
    if not path.name or text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError("must name a file")
    return path


def _type(text: str) -> str:
    """An export type: a name of letters, digits and underscores (``CDT_RECORD``)."""
    if not _TYPE_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError("an export type is letters, digits and '_' only")
    return text


def _types(text: str) -> list[str]:
    return [_type(t.strip()) for t in text.split(",") if t.strip()]


DESCRIPTION = """\
Bulk export of one or more record types to append-only JSONL, one record a line, resumable
after a crash or Ctrl-C: the checkpoint (FILE.jsonl.checkpoint.json) counts only lines
written and fsynced, and --resume continues from it with every record once. Several types
export concurrently, each to its own file (FILE.type.jsonl). Credentials come from WELKIN_*.

Progress goes to stderr: a live display on a terminal (with rich installed), else a line per
type every --progress-every seconds.
"""


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    parser = add_command(
        commands,
        "export",
        summary="bulk export to append-only JSONL, resumable (credentials from WELKIN_*)",
        description=DESCRIPTION,
    )
    parser.add_argument(
        "type", nargs="?", type=_type, metavar="TYPE", help="PATIENT, CDT_RECORD, ..."
    )
    parser.add_argument(
        "--types", type=_types, default=[], metavar="T1,T2", help="more types, concurrently"
    )
    parser.add_argument(
        "--out", type=_file, required=True, metavar="FILE.jsonl", help="the JSONL file to write"
    )
    parser.add_argument(
        "--since", type=_since, default=None, metavar="ISO", help="only records changed since"
    )
    parser.add_argument("--resume", action="store_true", help="continue an interrupted export")
    parser.add_argument(
        "--checkpoint",
        type=_file,
        default=None,
        metavar="FILE",
        help="where the position is saved (default: FILE.jsonl.checkpoint.json)",
    )
    parser.add_argument("--concurrency", type=positive_int, default=8, help="requests in flight")
    parser.add_argument("--page-size", type=positive_int, default=500, help="records per page")
    parser.add_argument(
        "--progress-every",
        type=non_negative_float,
        default=10.0,
        metavar="SECONDS",
        help="off a terminal: seconds between progress lines per type (0: every page)",
    )
    parser.add_argument("--base-url", default=None, help="the host root (else WELKIN_BASE_URL)")
    parser.add_argument(
        "--environment", default=None, help="the environment (else WELKIN_ENVIRONMENT, or live)"
    )
    parser.set_defaults(run=run)
    return parser
