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
fetched early waits for the consumer (at most ``concurrency`` of them). Offset pages drift when
records are inserted during a scan; a record repeated within the last ``concurrency + 2`` pages
is yielded once, by ``id``.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import aclosing
from typing import Any, Generic, Literal, TypeVar, cast, get_args

import attrs

from welkin_async._serde import structure
from welkin_async._unset import UNSET
from welkin_async.errors import DecodeError, DecodeProblem

T = TypeVar("T")
Style = Literal["spring", "meta-info", "token", "cursor"]
STYLES: tuple[Style, ...] = get_args(Style)
Params = dict[str, str]
Fetch = Callable[[Params], Awaitable[Any]]

_BY_ENDPOINT: dict[str, Style] = {
    "by-filter/patients": "spring",
    "patients/{}/cdts/{}": "spring",
    "patients/{}/assessment-records": "spring",
    "patients/{}/encounters": "meta-info",
    "patients/{}/programs": "meta-info",
    "admin/users": "meta-info",
    "admin/audit-webhook": "meta-info",
    "patients/{}/chat": "token",
    "export/{}": "cursor",
}
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


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


# --- the engine ----------------------------------------------------------------------------------


class _RecentIds:
    """Ids of the items of the last ``pages`` pages: enough to drop repeats caused by drift.

    An id is in at most one page's set (a repeat is dropped, not recorded), so the union of
    the window is kept as one set and an evicted page's ids are simply taken out of it: one
    set lookup per item, however many pages the window holds.
    """

    def __init__(self, pages: int) -> None:
        self._limit = pages
        self._pages: deque[set[Any]] = deque()
        self._window: set[Any] = set()

    def fresh(self, items: list[T]) -> list[T]:
        """The items whose id (a dict's ``"id"`` or a model's ``.id``) no recent page had."""
        kept, ids, window = [], set(), self._window
        for item in items:
            key = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
            if key is not None and key is not UNSET:
                if key in window:
                    continue
                window.add(key)
                ids.add(key)
            kept.append(item)
        self._pages.append(ids)
        if len(self._pages) > self._limit:
            window -= self._pages.popleft()
        return kept


class Paginator(Generic[T]):
    """``async for item in paginator`` yields items; ``paginator.pages()`` yields whole pages."""

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
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._fetch = fetch
        self._style = style
        self._read = _READERS[style]
        self._params = params
        self._size = size
        self._concurrency = concurrency
        self._ordered = ordered
        self._item_type = item_type
        self._before: Callable[[], Awaitable[None]] | None = None

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
        recent = _RecentIds(self._concurrency + 2) if self._style in _OFFSET_STYLES else None
        page = await self._get({"page": "0"} if self._style in _OFFSET_STYLES else {})
        yield self._unseen(page, recent)
        if self._style in _OFFSET_STYLES and page.total_pages is not None and not page.last:
            # The pages the first one announced, fetched ahead within the window...
            upcoming = iter(range((page.number or 0) + 1, page.total_pages))
            window: list[asyncio.Task[Page[T]]] = []
            try:
                self._fill(window, upcoming)
                while window:
                    for fetched in await self._take_ready(window):
                        if (fetched.number or 0) >= (page.number or 0):
                            page = fetched
                        yield self._unseen(fetched, recent)
                    self._fill(window, upcoming)
            finally:
                for task in window:
                    task.cancel()
                await asyncio.gather(*window, return_exceptions=True)
        # ... then page by page, for the styles that only know the next page, and for offset
        # pages that appeared after the first page was served.
        while not page.last and page.next_params is not None:
            page = await self._get(page.next_params)
            yield self._unseen(page, recent)

    def _fill(self, window: list[asyncio.Task[Page[T]]], upcoming: Iterator[int]) -> None:
        while len(window) < self._concurrency and (number := next(upcoming, None)) is not None:
            window.append(asyncio.create_task(self._get({"page": str(number)})))

    async def _take_ready(self, window: list[asyncio.Task[Page[T]]]) -> list[Page[T]]:
        """The next page in order, or every page already fetched when order does not matter."""
        if self._ordered:
            await asyncio.wait(window[:1])
            return [window.pop(0).result()]
        done, _ = await asyncio.wait(window, return_when=asyncio.FIRST_COMPLETED)
        pages = []
        for task in [task for task in window if task in done]:  # in page order
            window.remove(task)
            pages.append(task.result())  # a failure leaves the rest in the window, to be reaped
        return pages

    async def _get(self, params: Params) -> Page[T]:
        """Fetch one page and read its envelope; its items as ``item_type`` if one was given."""
        sent = {**self._params, **params}
        if self._size is not None and "pageToken" not in params:  # the token style takes one
            sent[_SIZE_PARAM[self._style]] = str(self._size)  # or the other, never both
        page, path = self._read(await self._fetch(sent))
        if self._item_type is None:
            return page
        return attrs.evolve(page, items=_structure_items(page.items, self._item_type, path))

    @staticmethod
    def _unseen(page: Page[T], recent: _RecentIds | None) -> Page[T]:
        if recent is None:
            return page
        return attrs.evolve(page, items=recent.fresh(page.items))


def _structure_items(items: list[Any], item_type: type[T], path: str) -> list[T]:
    """The items as models; a ``DecodeError`` points into the page (``$.content[3].id``)."""
    try:
        return structure(items, list[item_type])  # type: ignore[valid-type]
    except DecodeError as exc:
        problems = [DecodeProblem(path + p.path[1:], p.expected, p.got) for p in exc.problems]
        error = DecodeError(exc.target, problems)
    raise error
