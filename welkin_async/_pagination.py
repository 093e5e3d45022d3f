"""Paging through lists: one engine, and a next-page function per envelope style.

=============  =============================================  ==================================
style          envelope                                       next page
=============  =============================================  ==================================
``spring``     ``{content, totalPages, number, last}``        ``page=n+1`` (random access)
               (CDT lists wrap it: ``{name, data: {...}}``)
``meta-info``  ``{data, metaInfo: {page, totalPages,          ``page=n+1`` (random access)
               lastPage}}``
``token``      ``{content, meta: {nextPageToken}}``           ``pageToken=...`` (no pageSize)
``cursor``     ``{data, cursor: {end, hasNext}}``             ``start=cursor.end``
=============  =============================================  ==================================

The style follows the endpoint (:func:`style_for`). Offset styles fan out: once the first page
tells ``totalPages``, the rest are fetched with at most ``concurrency`` in flight, and a page
fetched early waits for the consumer (at most ``concurrency`` of them). Where the list is
expected to have more pages (a caller's hint, or the count it had when the client last read it:
:class:`PageCounts`), pages 1 to ``concurrency - 1`` are requested with page 0 rather than after
it; those past the end page 0 tells are dropped unread (never yielded, never an error, never an
idle page). Offset pages drift when records are inserted during a scan; a record repeated within
the last ``concurrency + 2`` pages is yielded once, by ``id``.

No server can make a scan loop: every page that says more follow must advance, and a page that
does not raises :class:`~welkin_async.errors.PaginationError` (its message names the style and
what did not advance, never a token, cursor or id).

- **Offset styles** (``spring``, ``meta-info``): a page must answer the page number requested;
  ``totalPages`` and ``totalElements`` must not be negative, and on a page that says more follow
  ``totalPages`` must not exceed ``ceil(totalElements / items on the page) + 1``. A page that says
  more follow must announce ``totalPages`` (or ``totalElements``). The first page's
  ``totalPages`` bounds the scan: once it is read, no page numbered at or past ``totalPages + 3
  + totalPages // 100`` is requested (the allowance is for records inserted during the scan),
  however the later pages' totals grow; before it, only the ``concurrency - 1`` pages sent with
  page 0. Once a page says it is the last, no further page is scheduled.
- **token**: each next ``pageToken`` must be one this scan has never sent.
- **cursor**: ``cursor.end`` must move strictly ahead. Cursors are compared as instants when both
  parse as ISO date-times (``Z`` and ``+00:00`` alike; a naive one is taken as UTC): an earlier
  instant is a cursor that went backwards. A cursor at the same instant (or the same text) as the
  one just sent may stay only on a page that brought new records (a cursor that includes its
  start), and for fewer than 3 pages in a row; one that stays and brings nothing fails at once.
  Any cursor text this scan has already left (an opaque cursor going back) fails.
- **Every style**: fewer than 3 pages in a row (:data:`IDLE_PAGES`) may say more follow yet bring
  nothing new: empty, or every item repeating one of the last ``concurrency + 2`` pages (by
  ``id``). Offset styles drop such repeats; the token and cursor styles judge them and yield
  the page as served.

An item ``id`` must be a string or an integer (or absent, or ``null``): any other JSON value
raises :class:`~welkin_async.errors.DecodeError` with its JSONPath (``$.content[3].id``).
Tokens and cursors are remembered as 16-byte digests, one per page, never as text.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections import OrderedDict, deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import aclosing
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar, cast, get_args
from uuid import UUID

import attrs

from welkin_async._serde import _json_type, structure
from welkin_async._transport import RawResponse
from welkin_async._wire import decode_page, read_by_general_path
from welkin_async.errors import ConfigurationError, DecodeError, DecodeProblem, PaginationError

T = TypeVar("T")
Style = Literal["spring", "meta-info", "token", "cursor"]
STYLES: tuple[Style, ...] = get_args(Style)
Params = dict[str, str]
Fetch = Callable[[Params], Awaitable[Any]]
"""Gets one page with these query parameters: the answer (a ``RawResponse``, whose body bytes
are read here) where the paginator has a ``decode``, else the decoded document."""

_BY_ENDPOINT: dict[str, Style] = {
    "by-filter/patients": "spring",
    "patients/{}/cdts/{}": "spring",
    "patients/{}/assessment-records": "spring",
    "patients/{}/encounters": "meta-info",
    "patients/{}/full-encounters": "meta-info",
    "patients/{}/programs": "meta-info",
    "patients/{}/care-plan/goals": "meta-info",
    "admin/users": "meta-info",
    "admin/audit-webhook": "meta-info",
    "admin/audit-data": "meta-info",
    "admin/audit-security": "meta-info",
    "users/{}/encounters": "meta-info",
    "users/{}/full-encounters": "meta-info",
    "calendar/events": "spring",
    "patients/{}/document-summary": "spring",
    "patients/{}/emails": "spring",
    "patients/{}/sms": "spring",
    "unrecognized-patients/emails": "spring",
    "unrecognized-patients/sms": "spring",
    "patients/{}/chat": "token",
    "patients/{}/chat/search": "token",
    "export/{}": "cursor",
    "tasks": "meta-info",
}
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
# Token lists whose later pages send their ``pageToken`` alone: the vendor documents the token
# as exclusive with every other parameter of a chat search (the chat itself keeps its filters).
_TOKEN_ALONE = frozenset({"patients/{}/chat/search"})


def style_for(template: str) -> Style:
    """The envelope style of a list endpoint, by its path template."""
    style = _BY_ENDPOINT.get(_PLACEHOLDER.sub("{}", template.strip("/")))
    if style is None:
        raise ValueError(
            f"no pagination style is known for {template!r}; pass style= one of {STYLES}"
        )
    return style


@attrs.frozen
class Page(Generic[T]):
    """One page as served: its items, where it sits, and whether more follow."""

    items: list[T] = attrs.field(repr=lambda items: f"[{len(items)} items]")
    number: int | None = None
    total_pages: int | None = None
    total_elements: int | None = None
    last: bool = True
    next_params: Params | None = attrs.field(default=None, repr=False)


# --- reading the four envelopes ------------------------------------------------------------------


def _wrong(path: str, expected: str, value: object) -> DecodeError:
    got = "missing" if value is None else type(value).__name__
    return DecodeError("a page", [DecodeProblem(path, expected, got)])


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _wrong(path, "object", value)
    return value


def _items(envelope: Mapping[str, Any], at: str, key: str) -> tuple[list[Any], str]:
    """The item list under ``key`` and its JSONPath in the document (``at`` is the envelope's)."""
    items, path = envelope.get(key), f"{at}.{key}"
    if not isinstance(items, list):
        raise _wrong(path, "array", items)
    return items, path


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _offset_page(items: list[Any], number: Any, total: Any, elements: Any, last: Any) -> Page[Any]:
    number, total = _int(number), _int(total)
    if not isinstance(last, bool):
        last = number is None or total is None or number + 1 >= total
    next_params = None if last or number is None else {"page": str(number + 1)}
    return Page(items, number, total, _int(elements), last, next_params)


Read = tuple[Page[Any], str]  # a page, and the JSONPath of its items in the document


def _spring(document: Any) -> Read:
    envelope, at = _object(document, "$"), "$"
    if "content" not in envelope and isinstance(envelope.get("data"), dict):
        envelope, at = envelope["data"], "$.data"  # a CDT list: {name, data: <page>}
    items, path = _items(envelope, at, "content")
    page = _offset_page(
        items,
        envelope.get("number"),
        envelope.get("totalPages"),
        envelope.get("totalElements"),
        envelope.get("last"),
    )
    return page, path


def _meta_info(document: Any) -> Read:
    envelope = _object(document, "$")
    meta = _object(envelope.get("metaInfo"), "$.metaInfo")
    items, path = _items(envelope, "$", "data")
    page = _offset_page(
        items,
        meta.get("page"),
        meta.get("totalPages"),
        meta.get("totalElements"),
        meta.get("lastPage"),
    )
    return page, path


def _token(document: Any) -> Read:
    envelope = _object(document, "$")
    meta = _object(envelope.get("meta"), "$.meta")
    token = meta.get("nextPageToken")
    if token is not None and not isinstance(token, str):  # not the end: a page misread
        raise DecodeError(
            "a page", [DecodeProblem("$.meta.nextPageToken", "string", _json_type(token))]
        )
    has_next = isinstance(token, str) and bool(token)
    next_params = {"pageToken": cast(str, token)} if has_next else None
    items, path = _items(envelope, "$", "content")
    return Page(items, last=not has_next, next_params=next_params), path


def _cursor(document: Any) -> Read:
    envelope = _object(document, "$")
    cursor = _object(envelope.get("cursor"), "$.cursor")
    end, has_next = cursor.get("end"), cursor.get("hasNext") is True
    if has_next and not isinstance(end, str):
        raise _wrong("$.cursor.end", "string", end)
    # The end is kept on the last page too: it is where a later, incremental export starts.
    next_params = {"start": end} if isinstance(end, str) else None
    items, path = _items(envelope, "$", "data")
    return Page(items, last=not has_next, next_params=next_params), path


_READERS: dict[Style, Callable[[Any], Read]] = {
    "spring": _spring,
    "meta-info": _meta_info,
    "token": _token,
    "cursor": _cursor,
}
_OFFSET_STYLES = frozenset({"spring", "meta-info"})


def read_page(style: Style, document: Any) -> Read:
    """A page of ``style`` read from its decoded document, and the JSONPath of its items."""
    return _READERS[style](document)


_SIZE_PARAM: dict[Style, str] = {
    "spring": "size",
    "meta-info": "size",
    "token": "pageSize",
    "cursor": "pageSize",
}
# The query parameters a style moves from page to page: the engine's, never a caller's.
_PAGING_PARAMS: dict[Style, frozenset[str]] = {
    "spring": frozenset({"page", "size"}),
    "meta-info": frozenset({"page", "size"}),
    "token": frozenset({"pageToken", "pageSize"}),
    "cursor": frozenset({"start", "pageSize"}),
}


def check_extra_query(query: Mapping[str, object], style: Style, template: str) -> None:
    """Refuse a caller's ``extra_query`` that would take the paging over (``ConfigurationError``):
    a parameter the style moves itself, or any parameter at all where later pages must send
    their token alone (a chat search)."""
    if not query:
        return
    if _PLACEHOLDER.sub("{}", template) in _TOKEN_ALONE:
        raise ConfigurationError(
            f"extra_query cannot be used with {template}: its later pages send their token alone"
        )
    if clash := sorted(set(query) & _PAGING_PARAMS[style]):
        raise ConfigurationError(
            f"extra_query: {', '.join(clash)} is the paginator's own ({style} paging); "
            "use the method's own arguments (size=, page_size=)"
        )


# --- the progress rule ---------------------------------------------------------------------------

IDLE_PAGES = 3
"""Pages in a row that may say more follow yet bring nothing new; the next such page fails."""
EXTRA_PAGES = 3
"""Offset pages allowed past the first page's ``totalPages`` (records inserted during the scan),
plus one per hundred pages announced."""


def offset_limit(announced: int) -> int:
    """The first page number an offset scan whose first page announced ``announced`` pages never
    requests."""
    return announced + EXTRA_PAGES + announced // 100


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _moment(text: str) -> datetime | None:
    """A cursor as an instant, if it is an ISO date-time (a naive one taken as UTC)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def item_id(item: Any, path: str, index: int) -> str | int | UUID | None:
    """The id of an item (a dict's ``"id"``, a model's ``.id``) to compare it by, ``None`` when
    it has none. A dict whose ``id`` is another JSON value (an array, an object, a fraction, a
    boolean) raises ``DecodeError`` at ``path[index].id``, ``path`` being the item list's."""
    if isinstance(item, dict):
        key = item.get("id")
        if key is None or type(key) is str or type(key) is int:
            return key
        at = f"{path}[{index}].id"
        raise DecodeError("a page", [DecodeProblem(at, "string", _json_type(key))])
    key = getattr(item, "id", None)
    if isinstance(key, str | int | UUID) and not isinstance(key, bool):
        return key
    return None


class Progress:
    """The progress rule of one scan (see the module docstring); each breach raises
    ``PaginationError`` naming the style and what did not advance, never a value.

    ``start`` is the cursor the first request sends, if any.
    """

    def __init__(self, style: Style, template: str, *, start: str | None = None) -> None:
        self.style = style
        self.template = template
        self._idle = 0
        self._stays = 0
        self._seen: set[bytes] = set()  # tokens sent, cursors left: digests
        self._current: bytes | None = None  # the cursor the last request sent
        self._current_moment: datetime | None = None
        self._latest: datetime | None = None  # the latest instant a cursor has reached
        if start is not None:
            self._move_to(start, _moment(start))

    def fail(self, reason: str) -> PaginationError:
        return PaginationError(self.style, self.template, reason)

    # --- offset styles: each page as it is served, and the bound from the first one

    def served(self, page: Page[Any], requested: int) -> None:
        """Check an offset page as it arrives: its number and its totals."""
        if page.number is not None and page.number != requested:
            raise self.fail("a page answered another page number than the one requested")
        total, elements = page.total_pages, page.total_elements
        if (total is not None and total < 0) or (elements is not None and elements < 0):
            raise self.fail("a page announced a negative totalPages or totalElements")
        if page.last or total is None or elements is None or not page.items:
            return
        if total > -(-elements // len(page.items)) + 1:
            raise self.fail("totalPages is more than totalElements and the page size allow")

    def limit(self, first: Page[Any]) -> int:
        """The first page number this offset scan never requests, from what its first page said."""
        if first.last:
            return 1
        announced = first.total_pages
        if announced is None and first.total_elements is not None and first.items:
            announced = -(-first.total_elements // len(first.items))
        if announced is None:
            raise self.fail("a page said more follow but announced no totalPages")
        return offset_limit(announced)

    # --- every style: each page, in the order it is yielded

    def step(self, page: Page[Any], fresh: bool) -> None:
        """Check that ``page``, yielded in turn, advances if it says more follow; ``fresh`` is
        whether it brought anything not seen in the last pages."""
        if page.last:
            return  # the scan ends with this page
        following = page.next_params or {}  # set on every token and cursor page that is not last
        if self.style == "token":
            self._token(following["pageToken"])
        elif self.style == "cursor":
            self._cursor(following["start"], fresh)
        if fresh:
            self._idle = 0
            return
        self._idle += 1
        if self._idle >= IDLE_PAGES:
            raise self.fail(f"{IDLE_PAGES} pages in a row said more follow but brought nothing new")

    def _token(self, token: str) -> None:
        digest = _digest(token)
        if digest in self._seen:
            raise self.fail("the next page token is one this scan has already sent")
        self._seen.add(digest)

    def _cursor(self, end: str, fresh: bool) -> None:
        digest, moment = _digest(end), _moment(end)
        if moment is not None and self._latest is not None and moment < self._latest:
            raise self.fail("the cursor went backwards")
        stayed = digest == self._current or (moment is not None and moment == self._current_moment)
        if not stayed and digest in self._seen:
            raise self.fail("the cursor came back to a position this scan has left")
        if stayed and not fresh:
            raise self.fail("the cursor did not advance and the page brought nothing new")
        self._stays = self._stays + 1 if stayed else 0
        if self._stays >= IDLE_PAGES:
            raise self.fail(f"the cursor did not advance for {IDLE_PAGES} pages in a row")
        self._move_to(end, moment)

    def _move_to(self, cursor: str, moment: datetime | None) -> None:
        self._current = _digest(cursor)
        self._seen.add(self._current)
        self._current_moment = moment
        if moment is not None and (self._latest is None or moment > self._latest):
            self._latest = moment


# --- the engine ----------------------------------------------------------------------------------


def _content_key(item: Any) -> bytes:
    """An item without an id (a chat message) as a digest of its content, walked without
    recursion (no nesting a server sends can exhaust the stack): the same item again has the
    same key."""
    digest = hashlib.blake2b(digest_size=16)
    pending: list[Any] = [item]
    while pending:
        value = pending.pop()
        if attrs.has(type(value)):  # a model: its fields, unknown keys under wire_extra
            value = attrs.asdict(value, recurse=False)
        if isinstance(value, bytes):  # a closing bracket pushed below (JSON has no bytes)
            digest.update(value)
        elif isinstance(value, Mapping):
            digest.update(b"{")
            pending.append(b"}")
            for key in sorted(value, key=str, reverse=True):
                pending += [value[key], json.dumps(str(key)).encode() + b":"]
        elif isinstance(value, list | tuple):
            digest.update(b"[")
            pending.append(b"]")
            pending.extend(reversed(value))
        else:  # a scalar: JSON's, or a model's (a date-time, a UUID, an enum, UNSET)
            digest.update(json.dumps(value, default=str).encode() + b",")
    return digest.digest()


_PLAIN_IDS = frozenset({str, int, UUID})  # the ids :func:`item_id` takes as they are


class _RecentIds:
    """Ids of the items of the last ``pages`` pages: enough to drop repeats caused by drift.

    An id is in at most one page's set (a repeat is dropped, not recorded), so the union of
    the window is kept as one set and an evicted page's ids are simply taken out of it: one
    set lookup per item, however many pages the window holds. ``by_content``: an item without
    an id is known by a digest of its JSON instead (for styles that judge repeats, never drop
    them: two equal items without ids may both be genuine).
    """

    def __init__(self, pages: int, *, by_content: bool = False) -> None:
        self._limit = pages
        self._by_content = by_content
        self._pages: deque[set[Any]] = deque()
        self._window: set[Any] = set()

    def fresh(self, items: list[T], path: str = "$") -> list[T]:
        """The items whose id (a dict's ``"id"`` or a model's ``.id``) no recent page had; an id
        that is not a string or an integer raises ``DecodeError`` at ``path[i].id``.

        ``items`` itself when every item is kept, so a caller can tell nothing was dropped.
        """
        # The usual page: every item has a plain id, none repeats. Its ids are hashed once
        # (building the set; a UUID hashes in Python), and the window is checked and updated
        # from the set's stored hashes.
        every: list[Any] = items
        keys = [
            item.get("id") if type(item) is dict else getattr(item, "id", None) for item in every
        ]
        if set(map(type, keys)) <= _PLAIN_IDS:
            ids = set(keys)
            if len(ids) == len(keys) and ids.isdisjoint(self._window):
                self._window |= ids
                self._remember(ids)
                return items
        return self._sift(items, path)

    def _sift(self, items: list[T], path: str) -> list[T]:
        """:meth:`fresh` item by item: ids checked, items without one, repeats dropped."""
        kept, ids, window = [], set(), self._window
        for index, item in enumerate(items):
            key: str | int | UUID | bytes | None = item_id(item, path, index)
            if key is None and self._by_content:
                key = _content_key(item)
            if key is not None:
                if key in window:
                    continue
                window.add(key)
                ids.add(key)
            kept.append(item)
        self._remember(ids)
        return items if len(kept) == len(items) else kept

    def _remember(self, ids: set[Any]) -> None:
        """Add a page's ids (already in the window) and forget the oldest page past the limit."""
        self._pages.append(ids)
        if len(self._pages) > self._limit:
            self._window -= self._pages.popleft()


class PageCounts:
    """How many pages each list had when it was last read, for the lists a client read lately.

    A list is known by a digest of what names it (never its text: a path holds patient ids).
    At most ``capacity`` lists are kept; the one read least recently is forgotten first.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._capacity = capacity
        self._counts: OrderedDict[bytes, int] = OrderedDict()

    def of(self, *names: object) -> PageCount:
        """The count of the list named by ``names`` (their ``repr``s are digested)."""
        return PageCount(self, _digest(repr(names)))

    def recall(self, key: bytes) -> int | None:
        count = self._counts.get(key)
        if count is not None:
            self._counts.move_to_end(key)
        return count

    def record(self, key: bytes, pages: int) -> None:
        self._counts[key] = pages
        self._counts.move_to_end(key)
        if len(self._counts) > self._capacity:
            self._counts.popitem(last=False)


@attrs.frozen
class PageCount:
    """One list's entry in :class:`PageCounts`."""

    counts: PageCounts
    key: bytes = attrs.field(repr=False)

    def recall(self) -> int | None:
        return self.counts.recall(self.key)

    def record(self, pages: int) -> None:
        self.counts.record(self.key, pages)


async def _discard(tasks: list[asyncio.Task[Any]]) -> None:
    """Cancel ``tasks`` and wait for them to end, their results and errors left unread."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


Fetched = tuple[Page[Any], str]  # a page as read (items structured), and its items' JSONPath
Answered = tuple[int, Any]  # an offset page's number, and the fetch function's answer unread


class Paginator(Generic[T]):
    """``async for item in paginator`` yields items; ``paginator.pages()`` yields whole pages.

    ``template`` (the path template) names the list in a ``PaginationError``. An offset scan
    requests ``min(concurrency, expected)`` pages at once with page 0, ``expected`` being
    ``expected_pages`` or else the count ``memory`` recalls, and records the count page 0 tells.
    """

    def __init__(
        self,
        fetch: Fetch,
        style: Style,
        *,
        params: Params,
        size: int | None,
        concurrency: int,
        ordered: bool,
        item_type: type[T] | None,
        template: str = "a list",
        decode: Callable[[RawResponse], Any] | None = None,
        expected_pages: int | None = None,
        memory: PageCount | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if expected_pages is not None and expected_pages < 1:
            raise ValueError("expected_pages must be at least 1")
        self._fetch = fetch
        self._decode = decode  # the general path's decoding (its DecodeError names the call)
        self._style = style
        self._read = _READERS[style]
        self._params = params
        self._size = size
        self._concurrency = concurrency
        self._ordered = ordered
        self._item_type = item_type
        self._template = template
        self._token_alone = _PLACEHOLDER.sub("{}", template) in _TOKEN_ALONE
        self._before: Callable[[], Awaitable[None]] | None = None
        self._expected_pages = expected_pages
        self._memory = memory

    def before_first_page(self, step: Callable[[], Awaitable[None]]) -> Paginator[T]:
        """Await ``step`` when iteration starts, before the first page is fetched; returns self."""
        self._before = step
        return self

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        async with aclosing(self.pages()) as pages:  # closing the items closes the pages now
            async for page in pages:
                for item in page.items:
                    yield item

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Whole pages in page order (as they arrive, with ``ordered=False``)."""
        if self._before is not None:
            await self._before()
        progress = Progress(self._style, self._template, start=self._params.get("start"))
        # Token pages are judged, never trimmed: their id-less items (chat messages) by content.
        recent = _RecentIds(self._concurrency + 2, by_content=self._style == "token")
        if self._style not in _OFFSET_STYLES:
            fetched = await self._get({})
            while True:
                page = self._admit(fetched, recent, progress)
                yield page
                if page.last or page.next_params is None:
                    return
                fetched = await self._get(page.next_params)
        else:
            async with aclosing(self._offset_pages(recent, progress)) as pages:
                async for page in pages:
                    yield page

    async def _offset_pages(
        self, recent: _RecentIds, progress: Progress
    ) -> AsyncGenerator[Page[T], None]:
        window: list[asyncio.Task[Answered]] = []
        try:
            # Page 0, and the pages after it the list is expected to have (a hint, or the count
            # it had when last read) so that the first round is not page 0 alone.
            self._fill(window, iter(range(self._first_round())))
            await asyncio.wait(window[:1])
            fetched = self._taken(window.pop(0).result(), progress)
            limit = progress.limit(fetched[0])
            page = self._admit(fetched, recent, progress)
            # Pages guessed past the end are dropped unread: never yielded, never an error.
            end = 1 if page.last or page.total_pages is None else min(page.total_pages, limit)
            if self._memory is not None:
                self._memory.record(end)
            await _discard(window[max(end - 1, 0) :])
            del window[max(end - 1, 0) :]
            yield page
            if page.last:
                return
            number = 0  # the highest page number fetched
            if page.total_pages is not None:
                # The pages the first one announced, fetched ahead within the window, until one
                # says it is the last...
                upcoming = iter(range(1 + len(window), end))
                ended = False
                self._fill(window, upcoming)
                while window:
                    for answered in await self._take_ready(window):
                        got, fetched = answered[0], self._taken(answered, progress)
                        ended = ended or fetched[0].last
                        if got >= number:
                            number, page = got, fetched[0]
                        yield self._admit(fetched, recent, progress)
                    if not ended:
                        self._fill(window, upcoming)
                if ended:
                    return
        finally:
            await _discard(window)
        # ... then page by page: pages that appeared after the first page was served, within
        # the allowance the first page's totalPages sets.
        while not page.last and page.next_params is not None:
            number += 1
            if number >= limit:
                raise progress.fail("more pages followed than the first page announced")
            fetched = await self._get_number(number, progress)
            page = self._admit(fetched, recent, progress)
            yield page

    def _first_round(self) -> int:
        """How many pages to request at once, page 0 among them, before any page is read."""
        expected = self._expected_pages
        if expected is None and self._memory is not None:
            expected = self._memory.recall()
        return min(self._concurrency, expected or 1)

    def _fill(
        self,
        window: list[asyncio.Task[Answered]],
        upcoming: Iterator[int],
    ) -> None:
        while len(window) < self._concurrency and (number := next(upcoming, None)) is not None:
            window.append(asyncio.create_task(self._numbered(number)))

    async def _numbered(self, number: int) -> Answered:
        """Offset page ``number`` as answered: read when it is taken, so that the pages waiting
        in the window are bytes, not objects the garbage collector walks again and again."""
        return number, await self._answer({"page": str(number)})

    def _taken(self, answered: Answered, progress: Progress) -> Fetched:
        """A page from the window, read, its number and totals checked."""
        number, answer = answered
        fetched = self._read_answer(answer)
        progress.served(fetched[0], number)
        return fetched

    async def _take_ready(self, window: list[asyncio.Task[Answered]]) -> list[Answered]:
        """The next page in order, or every page already fetched when order does not matter."""
        if self._ordered:
            # Even for a page already fetched: the wait lets the loop run the pages just added
            # to the window, so their requests go out before this one's records are consumed.
            await asyncio.wait(window[:1])
            return [window.pop(0).result()]
        done, _ = await asyncio.wait(window, return_when=asyncio.FIRST_COMPLETED)
        pages = []
        for task in [task for task in window if task in done]:  # in page order
            window.remove(task)
            pages.append(task.result())  # a failure leaves the rest in the window, to be reaped
        return pages

    async def _get_number(self, number: int, progress: Progress) -> Fetched:
        """Fetch offset page ``number`` and check its number and totals as soon as it comes."""
        fetched = await self._get({"page": str(number)})
        progress.served(fetched[0], number)
        return fetched

    async def _get(self, params: Params) -> Fetched:
        """Fetch one page and read its envelope; its items as ``item_type`` if one was given."""
        return self._read_answer(await self._answer(params))

    async def _answer(self, params: Params) -> Any:
        """Fetch one page, unread: what the fetch function answers."""
        if "pageToken" in params:  # the token style takes a token or a size, never both
            sent = dict(params) if self._token_alone else {**self._params, **params}
        else:
            sent = {**self._params, **params}
            if self._size is not None:
                sent[_SIZE_PARAM[self._style]] = str(self._size)
        return await self._fetch(sent)

    def _read_answer(self, got: Any) -> Fetched:
        """A page read from the fetch function's answer (see :data:`Fetch`)."""
        if self._decode is not None:
            if self._item_type is not None:  # straight from the bytes, where the models fit
                read = decode_page(self._style, got.body, self._item_type)
                if read is not None:
                    return read
            got = self._decode(got)
        page, path = self._read(got)
        if self._item_type is None:
            return page, path
        items = _structure_items(page.items, self._item_type, path)
        if self._decode is not None:
            read_by_general_path(self._item_type)  # the twins refused a page the models read
        return attrs.evolve(page, items=items), path

    def _admit(self, fetched: Fetched, recent: _RecentIds, progress: Progress) -> Page[T]:
        """The page to yield, once it is known to advance: offset styles drop repeats by id."""
        page, path = fetched
        fresh = recent.fresh(page.items, path)
        progress.step(page, bool(fresh))
        if fresh is not page.items and self._style in _OFFSET_STYLES:
            page = attrs.evolve(page, items=fresh)
        return page


def _structure_items(items: list[Any], item_type: type[T], path: str) -> list[T]:
    """The items as models; a ``DecodeError`` points into the page (``$.content[3].id``)."""
    try:
        return structure(items, list[item_type])  # type: ignore[valid-type]
    except DecodeError as exc:
        problems = [DecodeProblem(path + p.path[1:], p.expected, p.got) for p in exc.problems]
        error = DecodeError(exc.target, problems)
    raise error
