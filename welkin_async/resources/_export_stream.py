"""One bulk export as a stream: cursor pages fetched one ahead, repeats dropped, typed records,
and the position saved after each page the consumer has fully taken.

The export cursor walks records by ``updatedAt``, oldest change first, and a record changed
during the export is served again further on with its new version. A repeat that is not newer
than what was already yielded (the same version again, as at a page boundary of a cursor that
includes its start) is dropped. Because the walk is in order of change, such a repeat can only
come within a page or two of the first sighting, so the stream remembers only the last two
pages and its memory stays flat however long the export runs. A record that comes again newer
is yielded again. A consumer that keeps the last version per ``id`` ends with every record at
the version the export saw last.

No server can make the stream loop (the cursor rule of :mod:`welkin_async._pagination`, judged
after the repeats are dropped): each page with ``hasNext`` must move ``cursor.end`` strictly
ahead of the ``start`` it was asked with (as instants when both are ISO date-times), or stay
there only while it brings records not yielded before, fewer than 3 pages in a row. A cursor
that goes backwards or back to a position it left, or that stays on a page bringing nothing new
(``hasNext: true`` with empty ``data``, say), raises ``PaginationError`` at once, before the next
page is requested; so do 3 pages in a row that bring nothing new. A record that is new after the
repeats are dropped yet changed before the ``start`` it was served for (its ``updatedAt`` earlier
than that instant, against the API's contract) is yielded but does not count as new. A record
``id`` that is not a string or an integer raises ``DecodeError`` at its JSONPath
(``$.data[3].id``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

import attrs

from welkin_async._checkpoint import CheckpointError, CheckpointStore, ExportPosition
from welkin_async._pagination import Page, Progress, item_id, read_page
from welkin_async._wire import decode_page, read_by_general_path, record_facts
from welkin_async.errors import DecodeError, DecodeProblem

T = TypeVar("T")
FetchPage = Callable[[str | None], Awaitable[Any]]
"""Gets the page from a ``start``: the answer (read here) where the stream has a ``decode``,
else the decoded document."""
Shape = Callable[[dict[str, Any]], Any]  # a raw record -> what the stream yields
_WINDOW = 2  # pages remembered for dropping repeats
_NEVER = (float("-inf"), -2)  # older than any record
_UNKNOWN = float("-inf")  # the instant of a record without a readable updatedAt


@attrs.frozen
class ExportPage(Generic[T]):
    """One page of an export: its new records, and the position to resume from after it."""

    items: list[T] = attrs.field(repr=lambda items: f"[{len(items)} items]")
    position: ExportPosition
    repeats: int = 0
    """Records of this page dropped as repeats of versions already yielded."""


def _instant(value: Any) -> float:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            pass
    return float("-inf")


def recency(record: dict[str, Any]) -> tuple[float, int]:
    """How new a record is: its ``updatedAt`` (a CDT body's ``updated_at``), then ``version``."""
    updated = record.get("updatedAt")
    body = record.get("jsonBody")
    if updated is None and isinstance(body, dict):
        updated = body.get("updated_at")
    version = record.get("version")
    return _instant(updated), version if type(version) is int else -1


Boundary = tuple[tuple[str, float, int], ...]


class _RecentVersions:
    """The newest version yielded of each record in the last few pages, by ``id``."""

    def __init__(self, boundary: Boundary = ()) -> None:
        self._pages: deque[dict[Any, tuple[float, int]]] = deque(maxlen=_WINDOW)
        if boundary:  # the page before a resume, as far as a repeat of it matters
            self._pages.append({key: (when, version) for key, when, version in boundary})

    def newer(self, records: list[Any], path: str = "$") -> list[tuple[int, dict[str, Any]]]:
        """``(index in page, record)`` of the records newer than any seen; the rest dropped. An
        ``id`` that is not a string or an integer raises ``DecodeError`` at ``path[i].id``."""
        kept: dict[Any, tuple[int, dict[str, Any], tuple[float, int]]] = {}
        anonymous: list[tuple[int, dict[str, Any]]] = []
        for index, record in enumerate(records):
            key = item_id(record, path, index) if isinstance(record, dict) else None
            if key is None:  # nothing to compare by: yielded, never dropped
                anonymous.append((index, record))
                continue
            when = recency(record)
            known = kept.get(key)
            if known is not None and known[2] >= when:
                continue
            if known is None and any(when <= page.get(key, _NEVER) for page in self._pages):
                continue
            kept[key] = (index, record, when)
        self._pages.append({key: when for key, (_, _, when) in kept.items()})
        found = anonymous + [(index, record) for index, record, _ in kept.values()]
        found.sort(key=lambda pair: pair[0])
        return found

    def boundary(self) -> Boundary:
        """The records of the last page changed at its latest instant: the only ones a cursor
        that includes its start can serve again on the next page."""
        last = self._pages[-1] if self._pages else {}
        latest = max((when for when, _ in last.values()), default=float("-inf"))
        if latest == float("-inf"):
            return ()
        return tuple(
            (str(key), when, version) for key, (when, version) in last.items() if when == latest
        )


class ExportStream(Generic[T]):
    """``async for record in stream`` yields records; ``stream.pages()`` yields whole pages.

    With a ``checkpoint``, the position is loaded when iteration starts and saved after each
    page the consumer has fully taken (when it asks for the next). An unfinished export resumes
    only with the ``since`` it began with. A finished one yields nothing when run again with
    that ``since``; run with another (its saved ``start``, say), it is the next incremental
    export and its position replaces the finished one.
    """

    def __init__(
        self,
        export_type: str,
        fetch: FetchPage,
        shape: Shape | None,
        *,
        since: str | None,
        checkpoint: CheckpointStore | None,
        before: Callable[[], Awaitable[None]] | None = None,
        template: str = "export/{export_type}",
        decode: Callable[[Any], Any] | None = None,
        model_of: Callable[[Any], Any] | None = None,
    ) -> None:
        self.export_type = export_type
        self.template = template
        """The path template that names the export in a ``PaginationError``."""
        self.since = since
        self.checkpoint = checkpoint
        self.position = ExportPosition(export_type, since=since, start=since)
        """Where the export stands: updated as each page is taken."""
        self.repeats = 0
        """Records dropped so far as repeats of a version already yielded."""
        self._fetch = fetch
        self._shape = shape
        self._before = before
        self._decode = decode  # the general path's decoding of an answer
        # The class the shape gives a record of this ``cdtName`` (None where it has none): a
        # page whose records share one class may be read straight from its bytes into models.
        self._model_of = model_of

    def __aiter__(self) -> AsyncIterator[T]:
        return self._records()

    async def _records(self) -> AsyncGenerator[T, None]:
        pages = self.pages()
        try:
            async for page in pages:
                for item in page.items:
                    yield item
        finally:
            await pages.aclose()  # a consumer that stops early stops the fetch ahead now

    async def pages(self) -> AsyncGenerator[ExportPage[T], None]:
        """The export page by page; a page counts as taken when the next one is asked for."""
        if self._before is not None:
            await self._before()
        position = await self._resume_position()
        if position.done:
            return
        recent = _RecentVersions(position.boundary)
        progress = Progress("cursor", self.template, start=position.start)
        ahead: asyncio.Task[Any] | None = asyncio.ensure_future(self._fetch(position.start))
        try:
            while ahead is not None:
                page, path, records, refused = self._read(await ahead)
                ahead = None
                end = page.next_params["start"] if page.next_params else position.start
                fresh = recent.newer(records, path)
                progress.step(page, _brings_news(fresh, position.start))  # before asking on
                if not page.last:  # the next page comes while this one is consumed
                    ahead = asyncio.ensure_future(self._fetch(end))
                if records is page.items:
                    items = self._shaped(fresh, path)
                    if refused is not None:
                        read_by_general_path(refused)  # the twins refused what the models read
                else:  # read through the twins: the records are models already
                    items = [page.items[index] for index, _ in fresh]
                repeats = len(page.items) - len(fresh)
                self.repeats += repeats
                position = attrs.evolve(
                    position,
                    start=end,
                    records=position.records + len(items),
                    pages=position.pages + 1,
                    done=page.last,
                    boundary=recent.boundary(),
                )
                yield ExportPage(items, position, repeats)
                self.position = position
                if self.checkpoint is not None:
                    await self.checkpoint.save(self.export_type, position)
        finally:
            if ahead is not None:
                ahead.cancel()
                await asyncio.gather(ahead, return_exceptions=True)

    def _read(self, got: Any) -> tuple[Page[Any], str, list[Any], Any]:
        """The page, its items' JSONPath, its records as dicts for comparing them (the items
        themselves, unless the page was read straight from its bytes into models), and the
        class whose twins refused the page, if they did."""
        refused = None
        if self._decode is not None:
            facts = record_facts(got.body) if self._model_of is not None else None
            name = facts[0]["cdtName"] if facts else None
            if (
                facts is not None
                and self._model_of is not None
                and all(type(r["cdtName"]) is type(name) and r["cdtName"] == name for r in facts)
            ):
                model = self._model_of(name)
                read = decode_page("cursor", got.body, model)
                if read is not None:
                    return read[0], read[1], facts, None
                refused = model
            got = self._decode(got)
        page, path = read_page("cursor", got)
        return page, path, page.items, refused

    async def _resume_position(self) -> ExportPosition:
        if self.checkpoint is None:
            return self.position
        saved = await self.checkpoint.load(self.export_type)
        if saved is None:
            return self.position
        if not same_instant(saved.since, self.since):
            if saved.done:  # a finished export, and now the next one: it starts afresh
                return self.position
            raise CheckpointError(
                f"the checkpoint holds an unfinished {self.export_type} export since "
                f"{saved.since}, not since {self.since}: resume with the same since, or use a "
                "new checkpoint"
            )
        self.position = saved
        return saved

    def _shaped(self, fresh: list[tuple[int, dict[str, Any]]], path: str) -> list[T]:
        if self._shape is None:
            return [cast(T, record) for _, record in fresh]
        shaped = []
        for index, record in fresh:
            try:
                shaped.append(self._shape(record))
            except DecodeError as exc:
                at = f"{path}[{index}]"
                problems = [DecodeProblem(at + p.path[1:], p.expected, p.got) for p in exc.problems]
                error = DecodeError(exc.target, problems)
            else:
                continue
            raise error  # outside the handler, so the original error is not chained with values
        return shaped


def _brings_news(fresh: list[tuple[int, dict[str, Any]]], start: str | None) -> bool:
    """Whether a page's records left after dropping repeats hold one that is news: one not
    changed before the ``start`` the page was asked for (a record without a known time counts)."""
    since = _instant(start)
    for _, record in fresh:
        when = recency(record)[0] if isinstance(record, dict) else _UNKNOWN
        if when == _UNKNOWN or when >= since:
            return True
    return False


def same_instant(first: str | None, second: str | None) -> bool:
    """Whether two ``since`` values name one moment (``Z`` and ``+00:00`` alike)."""
    if first is None or second is None:
        return first is second
    try:
        return datetime.fromisoformat(first) == datetime.fromisoformat(second)
    except ValueError:
        return first == second
