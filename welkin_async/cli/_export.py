"""``welkin-async export``: bulk export to append-only JSONL, resumable after a crash or Ctrl-C.

Each line is one record as the server sent it. After each page the lines are written and
fsynced, and only then does the checkpoint (``FILE.checkpoint.json``) count them. A resume
first cuts the file back to the lines the checkpoint counts, which drops whatever a crash left
after it, including a torn last line. It then continues from the saved cursor. The file thus
holds each record once, however often the export was killed and resumed. Several types export
concurrently, each to its own file, under the one client's limits.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from welkin_async import _json
from welkin_async._checkpoint import Checkpoint, CheckpointError
from welkin_async._client import WelkinClient
from welkin_async.cli._env import client_from_env
from welkin_async.errors import WelkinError
from welkin_async.resources._export_stream import ExportPage, same_instant

if TYPE_CHECKING:
    from rich.progress import Progress, Task, TaskID

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


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


def cut_to_lines(path: Path, lines: int) -> None:
    """Cut ``path`` back to its first ``lines`` complete lines (what the checkpoint counts)."""
    if not path.exists():
        if lines:
            raise CheckpointError(f"{path} is missing, but the checkpoint counts {lines} lines")
        return
    offset = 0
    with path.open("rb") as file:
        for _ in range(lines):
            line = file.readline()
            if not line.endswith(b"\n"):
                raise CheckpointError(
                    f"{path} holds fewer complete lines than the {lines} the checkpoint counts: "
                    "it was changed after the checkpoint was saved"
                )
            offset += len(line)
    if path.stat().st_size > offset:
        with path.open("r+b") as file:
            file.truncate(offset)
            file.flush()
            os.fsync(file.fileno())


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())  # durable before the checkpoint counts these lines


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
            f"incremental one (--since {saved.start}) to a new --out"
        )
    cut_to_lines(target.path, saved.records if saved is not None else 0)
    stream = client.exports.stream(
        target.export_type, since=since, page_size=page_size, checkpoint=checkpoint, typed=False
    )
    last = None
    async for page in stream.pages():
        # Written and fsynced before the loop asks for the next page, which is when the stream
        # saves the checkpoint that counts these lines.
        await asyncio.to_thread(
            _append, target.path, b"".join(_json.dumps(r) + b"\n" for r in page.items)
        )
        on_page(target, page)
        last = page
    return last


def _progress() -> Progress:
    from rich.progress import Progress, ProgressColumn, SpinnerColumn, TextColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} records/s" if speed else "- records/s")

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:>15}"),
        TextColumn("{task.completed:>10,.0f} records"),
        TextColumn("{task.fields[pages]:>6,} pages"),
        RateColumn(),
        TextColumn("{task.fields[retries]:,} retries"),
        transient=False,
    )


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
        with _progress() as progress:
            tasks: dict[str, TaskID] = {}
            for target in chosen:
                position = await checkpoint.load(target.export_type)
                tasks[target.export_type] = progress.add_task(
                    target.export_type,
                    total=None,
                    completed=position.records if position else 0,
                    pages=position.pages if position else 0,
                    retries=0,
                )

            def on_page(target: Target, page: ExportPage[Any]) -> None:
                progress.update(
                    tasks[target.export_type],
                    completed=page.position.records,
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


def _check_start(args: argparse.Namespace, types: list[str]) -> str | None:
    """Why the export must not start (an existing file without --resume), or ``None``."""
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
    try:
        import rich  # noqa: F401 - the progress display
    except ImportError:
        print("welkin-async export needs rich: pip install 'welkin-async[cli]'", file=sys.stderr)
        return EXIT_FAILED
    types = [t.upper() for t in ([args.type] if args.type else []) + args.types]
    if not types:
        print("error: name an export TYPE or --types", file=sys.stderr)
        return EXIT_FAILED
    types = list(dict.fromkeys(types))
    if args.checkpoint is None:
        args.checkpoint = args.out.with_name(args.out.name + ".checkpoint.json")
    problem = _check_start(args, types)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_FAILED
    try:
        finished = asyncio.run(run_export(args, types))
    except KeyboardInterrupt:
        print(
            f"interrupted: {args.checkpoint} holds the position of every page written; "
            "run the same command with --resume to continue",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except (WelkinError, ExceptionGroup) as exc:
        failures = _welkin_errors(exc)
        if failures is None:
            raise
        for failure in failures:  # their text names the call and status, never a secret or id
            print(f"error: {failure}", file=sys.stderr)
        return EXIT_FAILED
    for target, last in finished:
        if last is None:
            print(f"{target.export_type}: already complete in {target.path}")
        else:
            position = last.position
            print(
                f"{target.export_type}: {position.records:,} records in {position.pages:,} pages "
                f"to {target.path}; the next incremental export starts at --since {position.start}"
            )
    return 0


def _welkin_errors(exc: BaseException) -> list[WelkinError] | None:
    """The errors a failed export raised (the task group gathers them), if all are ours."""
    if isinstance(exc, WelkinError):
        return [exc]
    if isinstance(exc, BaseExceptionGroup):
        found = []
        for inner in exc.exceptions:
            leaves = _welkin_errors(inner)
            if leaves is None:
                return None
            found.extend(leaves)
        return found
    return None


def _since(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("needs a time zone (Z or +hh:mm)")
    return moment


def _types(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "export",
        help="bulk export to append-only JSONL, resumable (credentials from WELKIN_*)",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("type", nargs="?", metavar="TYPE", help="PATIENT, CDT_RECORD, ...")
    parser.add_argument(
        "--types", type=_types, default=[], metavar="T1,T2", help="more types, concurrently"
    )
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.jsonl")
    parser.add_argument("--since", type=_since, default=None, metavar="ISO", help="changed since")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted export")
    parser.add_argument(
        "--checkpoint", type=Path, default=None, help="default: FILE.jsonl.checkpoint.json"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--page-size", type=int, default=500, help="records per page")
    parser.add_argument("--base-url", default=None, help="default: WELKIN_BASE_URL")
    parser.add_argument("--environment", default=None, help="default: WELKIN_ENVIRONMENT")
    parser.set_defaults(run=run)
