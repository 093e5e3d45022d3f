"""Paging that no server can make loop: a server that lies about its pages (a page that repeats,
``totalPages`` huge, negative or growing, ``lastPage`` never true, a token or a cursor that does
not advance, the same records again, ids of the wrong JSON type) gets a typed error after a few
requests, bounded by what the server itself said, never an endless scan or a ``TypeError``.

Every scan runs under ``asyncio.timeout(10)``: on an engine without the progress rule these
scans never end, and the guard turns that into a failure.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from tests.hostile._server import HostileServer, json_answer
from welkin_async import WelkinClient
from welkin_async.errors import DecodeError, PaginationError

SIZE = 5
A_FEW = 4  # requests beyond what the server announced that a scan may spend finding a lie
GUARD = 10  # seconds: a hang guard, never reached by a scan that stops
OMIT = object()  # a field the page leaves out

Query = dict[str, str]
Serve = Callable[[Query], Any]  # the query of a request -> the document to answer


# --- the server side ------------------------------------------------------------------------------


def serve(server: HostileServer, method: str, pattern: str, answer: Serve) -> None:
    """Answer ``method pattern`` with ``answer(query)`` as JSON."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return json_answer(answer(dict(request.query)))

    server.on(method, pattern, handler)


def items(first: int, count: int = SIZE) -> list[dict[str, Any]]:
    return [{"id": f"item-{number}"} for number in range(first, first + count)]


def requested(query: Query) -> int:
    return int(query.get("page", "0"))


# --- offset styles: spring (by-filter/patients) and meta-info (a patient's encounters) ----------

# style -> method, path template, path served, path params
OFFSET: dict[str, tuple[str, str, str, dict[str, str] | None]] = {
    "spring": ("POST", "by-filter/patients", "by-filter/patients", None),
    "meta-info": ("GET", "patients/{id}/encounters", "patients/p-1/encounters", {"id": "p-1"}),
}
META_INFO_NAMES = {"number": "page", "last": "lastPage"}


def envelope(style: str, content: list[Any], **meta: Any) -> dict[str, Any]:
    """An offset page in ``style``, ``meta`` given in spring names (``OMIT`` leaves one out)."""
    meta = {key: value for key, value in meta.items() if value is not OMIT}
    if style == "spring":
        return {"content": content, **meta}
    return {
        "data": content,
        "metaInfo": {META_INFO_NAMES.get(key, key): value for key, value in meta.items()},
    }


def honest(number: int, pages: int, *, elements: int | None = None) -> dict[str, Any]:
    """The meta of an honest page ``number`` of ``pages`` (``SIZE`` to a page)."""
    return {
        "number": number,
        "totalPages": pages,
        "totalElements": pages * SIZE if elements is None else elements,
        "last": number >= pages - 1,
    }


Lie = Callable[[int], tuple[list[Any], dict[str, Any]]]  # page requested -> its items and meta


def same_page_for_every_number(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(0), honest(0, 40)


def same_page_without_number(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(0), {**honest(0, 40), "number": OMIT, "last": False}


def another_number(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), honest(page + 1 if page else 0, 40)


def first_page_numbered_otherwise(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), honest(page + 7, 40)


def total_pages_huge(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), {**honest(page, 10**9), "totalElements": 4 * SIZE}


def total_pages_huge_last_omitted(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), {**honest(page, 10**9), "totalElements": 20, "last": OMIT}


def total_pages_huge_and_empty(page: int) -> tuple[list[Any], dict[str, Any]]:
    return [], {**honest(page, 10**9), "totalElements": OMIT}


def total_pages_huge_and_repeating(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(0), {**honest(page, 10**9), "totalElements": OMIT}


def total_pages_negative(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), {**honest(page, 4), "totalPages": -1, "last": False}


def total_pages_very_negative(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), {**honest(page, 4), "totalPages": -(10**9), "last": OMIT}


def total_elements_negative(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), {**honest(page, 4), "totalElements": -SIZE}


def total_pages_growing(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), honest(page, page + 2)


def total_pages_growing_fast(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), honest(page, 2 * (page + 2))


def last_page_never_true(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), {**honest(page, 3), "last": False}


def last_page_never_true_without_totals(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(page * SIZE), {"number": page, "last": False}


def empty_pages_forever(page: int) -> tuple[list[Any], dict[str, Any]]:
    return [], {**honest(page, 3), "last": False}


def repeats_after_the_first(page: int) -> tuple[list[Any], dict[str, Any]]:
    return items(0), {**honest(page, 10**6), "totalElements": OMIT}


# Each lie, and how many requests it may cost beyond the first: `announced` pages said by the
# first page (fetched at most once each), plus the in-flight window for fan-out lies.
OFFSET_LIES: list[tuple[Lie, int]] = [
    (same_page_for_every_number, 1),
    (same_page_without_number, 3),
    (another_number, 1),
    (first_page_numbered_otherwise, 0),
    (total_pages_huge, 0),
    (total_pages_huge_last_omitted, 0),
    (total_pages_huge_and_empty, 3),
    (total_pages_huge_and_repeating, 3),
    (total_pages_negative, 0),
    (total_pages_very_negative, 0),
    (total_elements_negative, 0),
    (total_pages_growing, 2 + A_FEW),
    (total_pages_growing_fast, 4 + A_FEW),
    (last_page_never_true, 3 + A_FEW),
    (last_page_never_true_without_totals, 0),
    (empty_pages_forever, 3),
    (repeats_after_the_first, 3),
]
FAN_OUT = [
    pytest.param(1, True, id="sequential"),
    pytest.param(4, True, id="fan-out-ordered"),
    pytest.param(4, False, id="fan-out-unordered"),
]


def offset_scan(
    server: HostileServer, client: WelkinClient, style: str, answer: Serve, **options: Any
) -> tuple[AsyncIterator[Any], Callable[[], int]]:
    """A scan of ``style``'s list served by ``answer``, and a count of the pages requested."""
    method, template, path, path_params = OFFSET[style]
    serve(server, method, path, answer)
    scan = client.paginate(method, template, path_params=path_params, size=SIZE, **options)
    return aiter(scan), lambda: len(server.requests(method, path))


async def drain(scan: AsyncIterator[Any]) -> list[Any]:
    async with asyncio.timeout(GUARD):
        return [item async for item in scan]


@pytest.mark.parametrize(("concurrency", "ordered"), FAN_OUT)
@pytest.mark.parametrize("style", ["spring", "meta-info"])
@pytest.mark.parametrize(
    ("lie", "beyond"), [pytest.param(lie, beyond, id=lie.__name__) for lie, beyond in OFFSET_LIES]
)
async def test_an_offset_lie_raises_pagination_error_after_a_few_requests(
    server: HostileServer, style: str, *, lie: Lie, beyond: int, concurrency: int, ordered: bool
) -> None:
    """Each offset lie raises PaginationError naming the style, after no more requests than the
    first page, what the lie needs to show itself, and the pages in flight."""

    def answer(query: Query) -> Any:
        content, meta = lie(requested(query))
        return envelope(style, content, **meta)

    async with server.client() as client:
        scan, count = offset_scan(
            server, client, style, answer, concurrency=concurrency, ordered=ordered
        )
        with pytest.raises(PaginationError) as raised:
            await drain(scan)
    assert raised.value.style == style
    assert raised.value.path == OFFSET[style][1]
    assert count() <= 1 + beyond + concurrency


@pytest.mark.parametrize(("concurrency", "ordered"), FAN_OUT)
@pytest.mark.parametrize("style", ["spring", "meta-info"])
async def test_total_pages_growing_page_after_page_is_bounded_by_the_first_answer(
    server: HostileServer, style: str, concurrency: int, ordered: bool
) -> None:
    """A list whose totals grow with every page, with new items on each, stops within a few
    pages of the totalPages the first page announced: never a request per page it invents."""
    announced = 6

    def answer(query: Query) -> Any:
        page = requested(query)
        return envelope(style, items(page * SIZE), **honest(page, announced + page))

    async with server.client() as client:
        scan, count = offset_scan(
            server, client, style, answer, concurrency=concurrency, ordered=ordered
        )
        with pytest.raises(PaginationError, match="more pages"):
            await drain(scan)
    assert announced < count() <= announced + A_FEW


# --- honest offset servers still page to the end --------------------------------------------------


@pytest.mark.parametrize(("concurrency", "ordered"), FAN_OUT)
@pytest.mark.parametrize("style", ["spring", "meta-info"])
async def test_honest_offset_pages_are_read_once_each(
    server: HostileServer, style: str, concurrency: int, ordered: bool
) -> None:
    """Four honest pages: every item once, each page requested once."""

    def answer(query: Query) -> Any:
        page = requested(query)
        return envelope(style, items(page * SIZE) if page < 4 else [], **honest(page, 4))

    async with server.client() as client:
        scan, count = offset_scan(
            server, client, style, answer, concurrency=concurrency, ordered=ordered
        )
        got = await drain(scan)
    assert sorted(item["id"] for item in got) == sorted(item["id"] for item in items(0, 20))
    assert count() == 4


@pytest.mark.parametrize(("concurrency", "ordered"), FAN_OUT)
@pytest.mark.parametrize("style", ["spring", "meta-info"])
async def test_a_list_that_shrinks_during_the_scan_ends_quietly(
    server: HostileServer, style: str, concurrency: int, ordered: bool
) -> None:
    """The first page announces 8 pages; the rest say 3 (records were deleted): the empty pages
    past the new end say they are the last, and the scan ends without an error."""

    def answer(query: Query) -> Any:
        page = requested(query)
        if page == 0:
            return envelope(style, items(0), **honest(0, 8))
        return envelope(style, items(page * SIZE) if page < 3 else [], **honest(page, 3))

    async with server.client() as client:
        scan, count = offset_scan(
            server, client, style, answer, concurrency=concurrency, ordered=ordered
        )
        got = await drain(scan)
    assert len(got) == 3 * SIZE
    assert count() <= 3 + concurrency


@pytest.mark.parametrize(("concurrency", "ordered"), FAN_OUT)
@pytest.mark.parametrize("style", ["spring", "meta-info"])
async def test_pages_added_during_the_scan_are_read(
    server: HostileServer, style: str, concurrency: int, ordered: bool
) -> None:
    """The first page announces 3 pages; the later ones say 5 (records were added): the two new
    pages are read too, within the allowance for records added during a scan."""

    def answer(query: Query) -> Any:
        page = requested(query)
        pages = 3 if page == 0 else 5
        return envelope(style, items(page * SIZE) if page < pages else [], **honest(page, pages))

    async with server.client() as client:
        scan, count = offset_scan(
            server, client, style, answer, concurrency=concurrency, ordered=ordered
        )
        got = await drain(scan)
    assert len(got) == 5 * SIZE
    assert count() == 5


# --- ids where the engine compares items --------------------------------------------------------

BAD_IDS = [
    pytest.param([1, 2], id="array"),
    pytest.param({"value": "item-1"}, id="object"),
    pytest.param(1.5, id="number"),
    pytest.param(True, id="true"),
    pytest.param(False, id="false"),
]


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize(
    ("style", "later"),
    [("spring", False), ("spring", True), ("meta-info", False), ("meta-info", True)],
)
async def test_an_offset_item_id_of_the_wrong_type_is_a_decode_error(
    server: HostileServer, style: str, later: bool, bad: Any
) -> None:
    """An item id that is an array, an object, a number with a fraction or a boolean raises
    DecodeError at its JSONPath, on the first page or a later one, never a TypeError."""
    broken = 1 if later else 0

    def answer(query: Query) -> Any:
        page = requested(query)
        content = items(page * SIZE)
        if page == broken:
            content[3]["id"] = bad
        return envelope(style, content, **honest(page, 3))

    async with server.client() as client:
        scan, _ = offset_scan(server, client, style, answer)
        with pytest.raises(DecodeError) as raised:
            await drain(scan)
    assert raised.value.path == ("$.content[3].id" if style == "spring" else "$.data[3].id")


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_a_cdt_list_item_id_of_the_wrong_type_names_its_path_in_the_wrapped_page(
    server: HostileServer, bad: Any
) -> None:
    """A CDT list's spring page is wrapped in {name, data}: the JSONPath says so."""

    def answer(query: Query) -> Any:
        content = items(0)
        content[2]["id"] = bad
        return {"name": "body_weight", "data": envelope("spring", content, **honest(0, 2))}

    serve(server, "GET", "patients/p-1/cdts/body_weight", answer)
    async with server.client() as client:
        scan = client.paginate(
            "GET", "patients/{id}/cdts/{cdt}", path_params={"id": "p-1", "cdt": "body_weight"}
        )
        with pytest.raises(DecodeError) as raised:
            await drain(aiter(scan))
    assert raised.value.path == "$.data.content[2].id"


# --- the token style (a patient's chat) -----------------------------------------------------------

CHAT = "patients/p-1/chat"


def token_scan(server: HostileServer, client: WelkinClient, answer: Serve) -> AsyncIterator[Any]:
    serve(server, "GET", CHAT, answer)
    return aiter(client.paginate("GET", "patients/{id}/chat", path_params={"id": "p-1"}, size=5))


def tokens(*sequence: str, fresh_items: bool = True, empty: bool = False) -> Serve:
    """Pages whose next tokens are ``sequence`` then the last one again, forever."""
    served = 0

    def answer(query: Query) -> Any:
        nonlocal served
        token = sequence[min(served, len(sequence) - 1)]
        content = [] if empty else items(served * SIZE if fresh_items else 0)
        served += 1
        return {"content": content, "meta": {"nextPageToken": token}}

    return answer


def counted_tokens(*, fresh_items: bool, empty: bool = False) -> Serve:
    """Pages whose next token is new every time (``t-0``, ``t-1``, ...)."""
    served = 0

    def answer(query: Query) -> Any:
        nonlocal served
        content = [] if empty else items(served * SIZE if fresh_items else 0)
        served += 1
        return {"content": content, "meta": {"nextPageToken": f"t-{served}"}}

    return answer


def echoed_token(query: Query) -> Any:
    return {"content": items(0), "meta": {"nextPageToken": query.get("pageToken", "first")}}


@pytest.mark.parametrize(
    ("answer", "most"),
    [
        pytest.param(lambda: tokens("A"), 2, id="token-unchanged"),
        pytest.param(lambda: tokens("A", "B", "A"), 3, id="token-cycle-A-B-A"),
        pytest.param(lambda: tokens("A", "B", "C", "D", "B"), 5, id="token-cycle-back-to-B"),
        pytest.param(lambda: echoed_token, 2, id="token-echoed-back"),
        pytest.param(lambda: counted_tokens(fresh_items=False), 4, id="new-tokens-same-items"),
        pytest.param(lambda: counted_tokens(fresh_items=False, empty=True), 3, id="empty-pages"),
    ],
)
async def test_a_token_that_does_not_advance_raises_pagination_error(
    server: HostileServer, answer: Callable[[], Serve], most: int
) -> None:
    """A token repeated (at once, or after others), or pages with new tokens that bring nothing
    new, raise PaginationError within a few requests."""
    async with server.client() as client:
        with pytest.raises(PaginationError) as raised:
            await drain(token_scan(server, client, answer()))
    assert raised.value.style == "token"
    assert raised.value.path == "patients/{id}/chat"
    assert len(server.requests("GET", CHAT)) <= most


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_a_token_page_item_id_of_the_wrong_type_is_a_decode_error(
    server: HostileServer, bad: Any
) -> None:
    def answer(query: Query) -> Any:
        content = items(0)
        content[1]["id"] = bad
        return {"content": content, "meta": {"nextPageToken": "next"}}

    async with server.client() as client:
        with pytest.raises(DecodeError) as raised:
            await drain(token_scan(server, client, answer))
    assert raised.value.path == "$.content[1].id"


async def test_honest_tokens_page_to_the_end(server: HostileServer) -> None:
    def answer(query: Query) -> Any:
        page = int(query.get("pageToken", "t-0")[2:])
        token = f"t-{page + 1}" if page < 3 else None
        return {"content": items(page * SIZE), "meta": {"nextPageToken": token}}

    async with server.client() as client:
        got = await drain(token_scan(server, client, answer))
    assert len(got) == 4 * SIZE
    assert len(server.requests("GET", CHAT)) == 4


# --- the cursor style: exports.stream and paginate over export/{type} ----------------------------

EXPORT = "export/PATIENT"
BASE = datetime(2025, 1, 1, tzinfo=UTC)


def at(seconds: float) -> str:
    """An ISO instant ``seconds`` after ``BASE``, as the wire writes them."""
    moment = BASE + timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def record_id(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def records(first: int, changed: float, count: int = SIZE) -> list[dict[str, Any]]:
    return [
        {"id": record_id(number), "updatedAt": at(changed), "firstName": f"R{number}"}
        for number in range(first, first + count)
    ]


def cursor_page(data: list[Any], end: str | None, has_next: bool = True) -> dict[str, Any]:
    return {"data": data, "cursor": {"start": None, "end": end, "hasNext": has_next}}


class Cursors:
    """Export pages from ``page(n)`` for the n-th request (0-based)."""

    def __init__(self, page: Callable[[int], dict[str, Any]]) -> None:
        self.page = page
        self.served = 0

    def __call__(self, query: Query) -> Any:
        document = self.page(self.served)
        self.served += 1
        return document


def stays(n: int) -> dict[str, Any]:
    return cursor_page(records(0, 0), at(0))


def stays_and_empty(n: int) -> dict[str, Any]:
    return cursor_page([], at(0))


def stays_in_another_spelling(n: int) -> dict[str, Any]:
    return cursor_page(records(0, 0), at(0) if n % 2 else at(0).replace("Z", "+00:00"))


def goes_backwards(n: int) -> dict[str, Any]:
    return cursor_page(records(n * SIZE, -n), at(-n))


def same_records_cursor_ahead(n: int) -> dict[str, Any]:
    return cursor_page(records(0, 0), at(n))


def new_records_cursor_stuck(n: int) -> dict[str, Any]:
    return cursor_page(records(n * SIZE, 0), at(0))


def old_records_cycling_cursor_ahead(n: int) -> dict[str, Any]:
    return cursor_page(records((n % 4) * SIZE, -100), at(n))


def opaque_unchanged(n: int) -> dict[str, Any]:
    return cursor_page(records(0, 0), "opaque-position")


def opaque_cycle(n: int) -> dict[str, Any]:
    return cursor_page(records(n * SIZE, n), ["pos-a", "pos-b"][n % 2])


def opaque_back_after_a_while(n: int) -> dict[str, Any]:
    return cursor_page(records(n * SIZE, n), f"pos-{n}" if n < 4 else "pos-1")


def instant_back_through_opaque(n: int) -> dict[str, Any]:
    return cursor_page(records(n * SIZE, n), [at(10), "pos-x", at(5)][min(n, 2)])


CURSOR_LIES = [
    pytest.param(stays, 2, id="cursor-stays-same-records"),
    pytest.param(stays_and_empty, 2, id="cursor-stays-empty-data"),
    pytest.param(stays_in_another_spelling, 2, id="cursor-stays-other-offset-spelling"),
    pytest.param(goes_backwards, 2, id="cursor-goes-backwards"),
    pytest.param(same_records_cursor_ahead, 4, id="cursor-ahead-same-records"),
    pytest.param(new_records_cursor_stuck, 4, id="cursor-stuck-new-records"),
    pytest.param(opaque_unchanged, 2, id="opaque-cursor-unchanged"),
    pytest.param(opaque_cycle, 3, id="opaque-cursor-cycle"),
    pytest.param(opaque_back_after_a_while, 5, id="opaque-cursor-back-later"),
    pytest.param(instant_back_through_opaque, 3, id="instant-back-through-opaque"),
]


async def export(client: WelkinClient, **options: Any) -> list[Any]:
    async with asyncio.timeout(GUARD):
        return [record async for record in client.exports.stream("PATIENT", **options)]


@pytest.mark.parametrize(("page", "most"), CURSOR_LIES)
async def test_an_export_cursor_that_does_not_advance_raises_pagination_error(
    server: HostileServer, page: Callable[[int], dict[str, Any]], most: int
) -> None:
    """An export whose cursor stays, goes back, or brings the same records again raises
    PaginationError before it asks for more than a few pages."""
    serve(server, "GET", EXPORT, Cursors(page))
    async with server.client() as client:
        with pytest.raises(PaginationError) as raised:
            await export(client, typed=False, page_size=SIZE)
    assert raised.value.style == "cursor"
    assert raised.value.path == "export/{export_type}"
    assert len(server.requests("GET", EXPORT)) <= most


async def test_old_records_cycling_under_a_cursor_that_moves_on_raise_pagination_error(
    server: HostileServer,
) -> None:
    """Records served over and over, changed long before the cursor they come under, are no
    progress however far the cursor moves (and however long the cycle is)."""
    serve(server, "GET", EXPORT, Cursors(old_records_cycling_cursor_ahead))
    async with server.client() as client:
        with pytest.raises(PaginationError):
            await export(client, typed=False)
    assert len(server.requests("GET", EXPORT)) <= 4


@pytest.mark.parametrize(
    ("end", "data"),
    [
        pytest.param(at(0), [], id="empty-at-since"),
        pytest.param(at(0), records(0, -5), id="at-since-with-records-changed-before-it"),
        pytest.param(at(-1), records(0, 0), id="before-since"),
    ],
)
async def test_a_first_page_that_does_not_pass_since_fails_at_once(
    server: HostileServer, end: str, data: list[Any]
) -> None:
    """hasNext with a cursor that stays at since and brings nothing new, or that falls before
    since: one request, then PaginationError."""
    serve(server, "GET", EXPORT, lambda query: cursor_page(data, end))
    async with server.client() as client:
        with pytest.raises(PaginationError):
            await export(client, typed=False, since=BASE)
    assert len(server.requests("GET", EXPORT)) == 1


@pytest.mark.parametrize(("page", "most"), CURSOR_LIES)
async def test_a_paginated_cursor_that_does_not_advance_raises_pagination_error(
    server: HostileServer, page: Callable[[int], dict[str, Any]], most: int
) -> None:
    """paginate() over export/{type} keeps the same cursor rule."""
    serve(server, "GET", EXPORT, Cursors(page))
    async with server.client() as client:
        scan = client.paginate("GET", "export/{type}", path_params={"type": "PATIENT"})
        with pytest.raises(PaginationError) as raised:
            await drain(aiter(scan))
    assert raised.value.style == "cursor"
    assert len(server.requests("GET", EXPORT)) <= most


@pytest.mark.parametrize("typed", [False, True])
@pytest.mark.parametrize("bad", BAD_IDS)
async def test_an_export_record_id_of_the_wrong_type_is_a_decode_error(
    server: HostileServer, bad: Any, typed: bool
) -> None:
    """A record id of the wrong JSON type raises DecodeError at its JSONPath, typed or not."""

    def page(n: int) -> dict[str, Any]:
        data = records(n * SIZE, n)
        if n == 1:
            data[2]["id"] = bad
        return cursor_page(data, at(n + 1))

    serve(server, "GET", EXPORT, Cursors(page))
    async with server.client() as client:
        with pytest.raises(DecodeError) as raised:
            await export(client, typed=typed)
    assert raised.value.path == "$.data[2].id"


async def test_an_inclusive_cursor_may_stay_while_it_brings_new_records(
    server: HostileServer,
) -> None:
    """A cursor that includes its start serves its boundary record again; with several records
    changed at that instant it may stay for a page that brings the rest of them."""
    pages = [
        cursor_page([*records(0, 1, 1), *records(1, 2, 1)], at(2)),
        cursor_page([*records(1, 2, 1), *records(2, 2, 1)], at(2)),  # stays, brings the third
        cursor_page([*records(2, 2, 1), *records(3, 3, 1)], at(3)),
        cursor_page([*records(3, 3, 1), *records(4, 4, 1)], at(4), has_next=False),
    ]
    serve(server, "GET", EXPORT, Cursors(lambda n: pages[n]))
    async with server.client() as client:
        got = await export(client, typed=False)
    assert [record["id"] for record in got] == [record_id(n) for n in range(5)]


async def test_an_empty_page_that_moves_on_is_no_error_alone(server: HostileServer) -> None:
    """An empty page whose cursor moves ahead (records filtered from the page) is allowed, as
    long as fewer than a few come in a row."""
    pages = [
        cursor_page(records(0, 1), at(1)),
        cursor_page([], at(2)),
        cursor_page([], at(3)),
        cursor_page(records(5, 4), at(4), has_next=False),
    ]
    serve(server, "GET", EXPORT, Cursors(lambda n: pages[n]))
    async with server.client() as client:
        got = await export(client, typed=False)
    assert len(got) == 2 * SIZE


# --- what an error tells ------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["token", "cursor"])
async def test_a_pagination_error_names_no_token_cursor_or_id(
    server: HostileServer, style: str
) -> None:
    """The error says which style and what did not advance: never the token, cursor or ids."""
    secret = "s3cr3t-position-0001"

    def answer(query: Query) -> Any:
        if style == "token":
            return {"content": [{"id": f"{secret}-id"}], "meta": {"nextPageToken": secret}}
        return cursor_page([{"id": f"{secret}-id"}], secret)

    async with server.client() as client:
        if style == "token":
            scan = token_scan(server, client, answer)
        else:
            serve(server, "GET", EXPORT, answer)
            scan = aiter(client.paginate("GET", "export/{type}", path_params={"type": "PATIENT"}))
        with pytest.raises(PaginationError) as raised:
            await drain(scan)
    assert secret not in str(raised.value)
    assert secret not in repr(raised.value.args)
