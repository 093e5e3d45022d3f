"""The newer families (calendar, messages, documents, care plans, audits, and the newer methods of
users, formations, encounters and programs) against a lying server and a careless caller: every
bad answer is a typed error that names where it went wrong and never quotes a value, every
caller mistake is refused before anything is sent, no scan trusts the server to end it, and no
download leaves a partial file behind. ``test_downloads.py`` covers the transport's own download
and upload cases (torn and endless bodies, the size cap, cancellation, a stale token, a 503).
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.hostile._server import TENANT, HostileServer, gzip_bomb, json_answer, stall
from welkin_async import Limits, ResponseTooLarge, RetryPolicy, Timeouts, WelkinClient
from welkin_async.errors import (
    AuthenticationError,
    DecodeError,
    PaginationError,
    ReadError,
    WelkinError,
)
from welkin_async.errors import TimeoutError as WelkinTimeout

GUARD = 10  # seconds: a hang guard, never reached by a call that stops
QUICK = RetryPolicy(initial_delay=0.001, max_delay=0.002)
SECRET = "SECRET-VALUE-4417"  # planted in answers: it must never reach an exception's text
PID = "p1"
UID = "00000000-0000-4000-8000-000000000001"
T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=7)
FILE = "patients/p1/document-summary/s1/files/f1"
UPLOAD = "patients/p1/document-summary/s1/files"
ADMIN = f"/{TENANT}/admin/"  # admin paths hang under the tenant, not the environment
Call = Callable[[WelkinClient], Awaitable[Any]]


def _files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


async def _run(server: HostileServer, call: Call, **options: Any) -> Any:
    options.setdefault("retry", QUICK)
    async with asyncio.timeout(GUARD), server.client(**options) as client:
        return await call(client)


async def _drain(items: AsyncIterator[Any]) -> list[Any]:
    async with asyncio.timeout(GUARD):
        return [item async for item in items]


# --- answers of the wrong JSON type --------------------------------------------------------------


def _upload(client: WelkinClient) -> Awaitable[Any]:
    return client.documents(PID).upload("s1", ("scan.pdf", b"%PDF-1.7"))


# method, path answered, the call
ONE_ANSWER: dict[str, tuple[str, str, Call]] = {
    "work_hours": (
        "GET",
        "calendar/work-hours",
        lambda c: c.calendar.work_hours(from_=T0, to=T1, user_ids=[UID]),
    ),
    "schedules": (
        "GET",
        "calendar/psm-schedules",
        lambda c: c.calendar.schedules(from_=T0, to=T1, user_ids=[UID]),
    ),
    "event": ("GET", "calendar/events/e1", lambda c: c.calendar.events.get("e1")),
    "document_types": (
        "GET",
        "formations/current/document-types",
        lambda c: c.formations.document_types(),
    ),
    "goal_templates": (
        "GET",
        "formations/current/goal-templates",
        lambda c: c.formations.goal_templates(),
    ),
    "encounter_disposition_definition": (
        "GET",
        "formations/current/encounter-disposition",
        lambda c: c.formations.encounter_disposition(),
    ),
    "goal_template": (
        "GET",
        "formations/current/goal-templates/g1",
        lambda c: c.formations.goal_template("g1"),
    ),
    "disposition": (
        "GET",
        "patients/p1/encounters/e1/disposition",
        lambda c: c.encounters(PID).disposition("e1"),
    ),
    "care_plan": ("GET", "patients/p1/care-plan", lambda c: c.care_plan(PID).get()),
    "overview": (
        "POST",
        "patients/p1/care-plan/overview",
        lambda c: c.care_plan(PID).create_overview("text"),
    ),
    "document_summary": (
        "GET",
        "patients/p1/document-summary/s1",
        lambda c: c.documents(PID).get("s1"),
    ),
    "upload": ("POST", UPLOAD, _upload),
    "email": ("GET", "patients/p1/emails/m1", lambda c: c.emails(PID).get("m1")),
    "chat_inbound": (
        "POST",
        "patients/p1/chat/inbound",
        lambda c: c.chat(PID).send_inbound("hello"),
    ),
    "user_by_username": (
        "GET",
        f"{ADMIN}users/jdoe",
        lambda c: c.users.get_by_username("jdoe"),
    ),
}
LISTS = {"work_hours", "schedules", "document_types", "goal_templates", "upload"}


def _wrong_shape(name: str) -> Any:
    """An object where a list is expected, a list where an object is."""
    return {"id": SECRET, "content": [SECRET]} if name in LISTS else [{"id": SECRET}]


@pytest.mark.parametrize("name", sorted(ONE_ANSWER))
async def test_an_answer_of_the_wrong_json_type_is_a_decode_error(
    server: HostileServer, name: str
) -> None:
    """An object where a list belongs (or a list where an object does) is a DecodeError at
    ``$`` that does not quote the answer."""
    method, path, call = ONE_ANSWER[name]
    server.answer(method, path, lambda: json_answer(_wrong_shape(name)))
    with pytest.raises(DecodeError) as raised:
        await _run(server, call)
    assert raised.value.path == "$"
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize("name", sorted(ONE_ANSWER))
@pytest.mark.parametrize("document", ["a string", 12345, None, True], ids=repr)
async def test_an_answer_that_is_a_scalar_is_a_decode_error(
    server: HostileServer, name: str, document: Any
) -> None:
    """A string, a number, null or a boolean where a list or an object belongs is a
    DecodeError."""
    method, path, call = ONE_ANSWER[name]
    server.answer(method, path, lambda: json_answer(document))
    with pytest.raises(DecodeError):
        await _run(server, call)


@pytest.mark.parametrize("name", ["work_hours", "care_plan", "upload", "disposition"])
@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>502 Bad Gateway " + SECRET.encode() + b"</body></html>",
        b"",
        b'{"id": "' + SECRET.encode() + b'"',  # cut short
    ],
    ids=["html", "empty", "truncated"],
)
async def test_a_200_that_is_not_json_is_a_decode_error(
    server: HostileServer, name: str, body: bytes
) -> None:
    """A 200 carrying an HTML error page, nothing, or JSON cut short is a DecodeError at ``$``
    that does not quote the body."""
    method, path, call = ONE_ANSWER[name]
    server.answer(method, path, lambda: web.Response(body=body, content_type="text/html"))
    with pytest.raises(DecodeError) as raised:
        await _run(server, call)
    assert raised.value.path == "$"
    assert SECRET not in str(raised.value)


FIELD_LIES: list[tuple[str, Any, str]] = [
    ("work_hours", [{"psmId": UID, "details": {"name": SECRET}}], "$[0].details"),
    (
        "work_hours",
        [{"psmId": UID, "details": [{"daysInfo": [{"day": "Monday " + SECRET}]}]}],
        "$[0].details[0].daysInfo[0].day",
    ),
    ("schedules", [{"psmId": 7}], "$[0].psmId"),
    (
        "schedules",
        [{"psmId": UID, "events": [{"startDateTime": f"next tuesday {SECRET}"}]}],
        "$[0].events[0].startDateTime",
    ),
    ("event", {"id": UID, "startDateTime": f"01/06/2025 09:00 {SECRET}"}, "$.startDateTime"),
    ("event", {"id": UID, "startDateTime": "2025-01-06"}, "$.startDateTime"),  # a date alone
    ("event", {"id": SECRET}, "$.id"),
    ("upload", [{"id": UID, "size": "1024"}], "$[0].size"),
    ("upload", [{"id": UID, "size": 1.5}], "$[0].size"),
    ("upload", [{"size": 3}], "$[0].id"),
    ("care_plan", {"id": 10**30}, "$.id"),
    ("disposition", {"id": UID, "jsonBody": [SECRET]}, "$.jsonBody"),
]


@pytest.mark.parametrize(("name", "document", "where"), FIELD_LIES)
async def test_a_field_of_the_wrong_type_names_its_json_path(
    server: HostileServer, name: str, document: Any, where: str
) -> None:
    """A field of the wrong JSON type or form (a string id that is no UUID, a date-time that is
    not ISO, a fraction for a size) is a DecodeError naming its JSONPath, never its value."""
    method, path, call = ONE_ANSWER[name]
    server.answer(method, path, lambda: json_answer(document))
    with pytest.raises(DecodeError) as raised:
        await _run(server, call)
    assert raised.value.path == where
    assert SECRET not in str(raised.value)


async def test_a_number_too_large_for_any_integer_type_is_a_decode_error(
    server: HostileServer,
) -> None:
    """A 400-digit size in an upload's answer is a DecodeError, not an OverflowError."""
    body = b'[{"id": "' + UID.encode() + b'", "size": ' + b"9" * 400 + b"}]"
    server.answer("POST", UPLOAD, lambda: web.Response(body=body, content_type="application/json"))
    with pytest.raises(DecodeError):
        await _run(server, _upload)


# --- paging: the chat's token pages and the new offset lists -------------------------------------

CHAT = "patients/p1/chat"
SEARCH = "patients/p1/chat/search"


def _message(number: int) -> dict[str, Any]:
    return {
        "message": f"message {number}",
        "createdAt": (T0 - timedelta(minutes=number)).isoformat().replace("+00:00", "Z"),
        "sender": {"clientType": "PATIENT", "id": UID},
    }


def _hit(number: int) -> dict[str, Any]:
    return {"message": _message(number), "meta": {"nextPageToken": f"n{number}"}}


def _token_pages(
    server: HostileServer, path: str, item: Callable[[int], Any], *, fresh: bool, next_token: Any
) -> None:
    """Token pages at ``path``: items new on every page (``fresh``) or the same ones again, and
    ``next_token(n)`` as the n-th page's next token."""
    served = 0

    async def handler(_: web.Request) -> web.StreamResponse:
        nonlocal served
        first = served * 3 if fresh else 0
        token = next_token(served)
        served += 1
        content = [item(first + k) for k in range(3)]
        return json_answer({"content": content, "meta": {"nextPageToken": token}})

    server.on("GET", path, handler)


SCANS: dict[str, tuple[str, Callable[[int], Any], Callable[[WelkinClient], AsyncIterator[Any]]]] = {
    "chat": (CHAT, _message, lambda c: aiter(c.chat(PID).list())),
    "chat-from-token": (CHAT, _message, lambda c: aiter(c.chat(PID).list(page_token="t-start"))),
    "search": (SEARCH, _hit, lambda c: aiter(c.chat(PID).search("hello"))),
}


@pytest.mark.parametrize("scan", sorted(SCANS))
async def test_new_tokens_over_the_same_messages_raise_pagination_error(
    server: HostileServer, scan: str
) -> None:
    """Chat or search pages that each bring a new token but the same messages again (chat
    messages carry no id) raise PaginationError within a few requests."""
    path, item, make = SCANS[scan]
    _token_pages(server, path, item, fresh=False, next_token=lambda n: f"t-{n}")
    async with server.client(retry=QUICK) as client:
        with pytest.raises(PaginationError) as raised:
            await _drain(make(client))
    assert raised.value.style == "token"
    assert len(server.requests("GET", path)) <= 4


async def test_repeated_messages_nested_past_the_stack_still_raise_pagination_error(
    server: HostileServer,
) -> None:
    """The same messages under new tokens, each carrying an unknown key nested 1,000 arrays
    deep, raise PaginationError: telling a repeat never recurses into what the server sent."""
    deep = b"[" * 1000 + b"]" * 1000
    served = 0

    async def handler(_: web.Request) -> web.StreamResponse:
        nonlocal served
        served += 1
        message = b'{"message": "same", "deep": ' + deep + b"}"
        body = b'{"content": [' + message + b'], "meta": {"nextPageToken": "t-%d"}}' % served
        return web.Response(body=body, content_type="application/json")

    server.on("GET", CHAT, handler)
    async with server.client(retry=QUICK) as client:
        with pytest.raises(PaginationError):
            await _drain(aiter(client.chat(PID).list()))
    assert len(server.requests("GET", CHAT)) <= 4


@pytest.mark.parametrize("scan", sorted(SCANS))
async def test_a_repeated_token_raises_pagination_error(server: HostileServer, scan: str) -> None:
    """A next token the scan has already sent raises PaginationError, and its text is not in
    the message."""
    path, item, make = SCANS[scan]
    _token_pages(server, path, item, fresh=True, next_token=lambda n: f"tok-{SECRET}")
    async with server.client(retry=QUICK) as client:
        with pytest.raises(PaginationError) as raised:
            await _drain(make(client))
    assert SECRET not in str(raised.value)
    assert len(server.requests("GET", path)) <= 2


@pytest.mark.parametrize("scan", sorted(SCANS))
@pytest.mark.parametrize("token", [12345, ["t"], {"t": 1}, True], ids=repr)
async def test_a_next_token_of_the_wrong_json_type_is_a_decode_error(
    server: HostileServer, scan: str, token: Any
) -> None:
    """A next token that is a number, an array, an object or a boolean is a DecodeError at
    ``$.meta.nextPageToken``, not the silent end of the scan."""
    path, item, make = SCANS[scan]
    _token_pages(server, path, item, fresh=True, next_token=lambda n: token)
    async with server.client(retry=QUICK) as client:
        with pytest.raises(DecodeError) as raised:
            await _drain(make(client))
    assert raised.value.path == "$.meta.nextPageToken"


async def test_honest_search_pages_send_their_token_alone(server: HostileServer) -> None:
    """A search pages to its end, each later page asked for with its token alone."""
    _token_pages(server, SEARCH, _hit, fresh=True, next_token=lambda n: f"s-{n}" if n < 2 else None)
    async with server.client(retry=QUICK) as client:
        hits = await _drain(aiter(client.chat(PID).search("hello")))
    assert len(hits) == 9
    queries = [seen.query for seen in server.requests("GET", SEARCH)]
    assert queries[0]["query"] == "hello"
    assert queries[1:] == [{"pageToken": "s-0"}, {"pageToken": "s-1"}]


# name -> path answered, envelope style, the scan, an item
OFFSET_LISTS: dict[str, tuple[str, str, Callable[[WelkinClient], AsyncIterator[Any]]]] = {
    "calendar.events": ("calendar/events", "spring", lambda c: aiter(c.calendar.events.list())),
    "emails": ("patients/p1/emails", "spring", lambda c: aiter(c.emails(PID).list())),
    "sms": ("patients/p1/sms", "spring", lambda c: aiter(c.sms(PID).list())),
    "documents": (
        "patients/p1/document-summary",
        "spring",
        lambda c: aiter(c.documents(PID).list()),
    ),
    "audits.data": (f"{ADMIN}audit-data", "meta-info", lambda c: aiter(c.audits.data())),
    "users.encounters": (
        "users/u1/encounters",
        "meta-info",
        lambda c: aiter(c.users.encounters("u1")),
    ),
}


def _offset_item(name: str, number: int) -> dict[str, Any]:
    uid = f"00000000-0000-4000-8000-{number:012d}"
    if name in ("documents", "users.encounters"):
        return {"id": uid, "jsonBody": {}}
    if name in ("emails", "sms"):
        return {"id": uid}
    return {"id": uid, "eventId": uid}


def _offset_page(style: str, items: list[Any], number: int, **meta: Any) -> dict[str, Any]:
    if style == "spring":
        return {"content": items, "number": number, **meta}
    names = {"totalPages": "totalPages", "totalElements": "totalElements", "last": "lastPage"}
    return {"data": items, "metaInfo": {"page": number, **{names[k]: v for k, v in meta.items()}}}


@pytest.mark.parametrize("name", sorted(OFFSET_LISTS))
async def test_a_new_list_whose_totals_lie_raises_pagination_error(
    server: HostileServer, name: str
) -> None:
    """A new list's page announcing a billion pages for 20 items raises PaginationError on the
    first page, before any other is asked for."""
    path, style, make = OFFSET_LISTS[name]

    async def handler(request: web.Request) -> web.StreamResponse:
        number = int(request.query.get("page", "0"))
        items = [_offset_item(name, number * 5 + k) for k in range(5)]
        meta = {"totalPages": 10**9, "totalElements": 20, "last": False}
        return json_answer(_offset_page(style, items, number, **meta))

    server.on("GET", path, handler)
    async with server.client(retry=QUICK) as client:
        with pytest.raises(PaginationError) as raised:
            await _drain(make(client))
    assert raised.value.style == style
    assert len(server.requests("GET", path)) == 1


@pytest.mark.parametrize("name", sorted(OFFSET_LISTS))
async def test_a_new_list_that_never_says_last_is_bounded_by_its_first_page(
    server: HostileServer, name: str
) -> None:
    """A new list whose pages never say they are the last, each with new items, stops within a
    few pages of the 3 its first page announced."""
    path, style, make = OFFSET_LISTS[name]

    async def handler(request: web.Request) -> web.StreamResponse:
        number = int(request.query.get("page", "0"))
        items = [_offset_item(name, number * 5 + k) for k in range(5)]
        meta = {"totalPages": number + 3, "totalElements": (number + 3) * 5, "last": False}
        return json_answer(_offset_page(style, items, number, **meta))

    server.on("GET", path, handler)
    async with server.client(retry=QUICK) as client:
        with pytest.raises(PaginationError):
            await _drain(make(client))
    assert len(server.requests("GET", path)) <= 3 + 3 + 1


# --- the calendar: caller mistakes refused before sending ---------------------------------------

NAIVE = datetime(2025, 1, 6, 9, 0)


class _NoOffset(tzinfo):
    """A time zone that knows no offset: a datetime in it is naive, by Python's definition."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


NAIVE_MOMENTS = [NAIVE, NAIVE.replace(tzinfo=_NoOffset())]


def _moment_calls(moment: Any) -> list[tuple[str, Callable[[WelkinClient], Awaitable[Any]]]]:
    """Each new method that takes a date-time, given ``moment`` for one of them."""

    async def listed(make: Callable[[], AsyncIterator[Any]]) -> None:
        async for _ in make():
            pass

    return [
        ("from_", lambda c: c.calendar.work_hours(from_=moment, to=T1, user_ids=[UID])),
        ("to", lambda c: c.calendar.schedules(from_=T0, to=moment, user_ids=[UID])),
        ("from_", lambda c: listed(lambda: aiter(c.calendar.events.list(from_=moment)))),
        ("date_start", lambda c: listed(lambda: aiter(c.audits.data(date_start=moment)))),
        (
            "startDateTime|start_date_time",
            lambda c: c.calendar.events.create(
                start_date_time=moment, end_date_time=T1, host_id=UID, participants=[]
            ),
        ),
        ("end_date_time", lambda c: c.calendar.events.update("e1", end_date_time=moment)),
    ]


@pytest.mark.parametrize("moment", NAIVE_MOMENTS, ids=["no-tzinfo", "tzinfo-without-offset"])
@pytest.mark.parametrize("index", range(6))
async def test_a_naive_date_time_is_refused_before_sending(
    server: HostileServer, moment: datetime, index: int
) -> None:
    """A naive date-time (no tzinfo, or one that gives no offset) is a ValueError naming the
    parameter, and nothing is sent."""
    name, call = _moment_calls(moment)[index]
    with pytest.raises(ValueError, match=name):
        await _run(server, call)
    assert server.seen == []


@pytest.mark.parametrize("moment", ["2025-01-06T09:00:00Z", date(2025, 1, 6), 1736154000])
@pytest.mark.parametrize("index", [0, 1, 2, 3])
async def test_a_date_time_that_is_not_a_datetime_is_a_type_error(
    server: HostileServer, moment: Any, index: int
) -> None:
    """A string, a date or a number where a date-time parameter belongs is a TypeError naming
    the parameter, before anything is sent."""
    name, call = _moment_calls(moment)[index]
    with pytest.raises(TypeError, match=name):
        await _run(server, call)
    assert server.seen == []


async def test_a_date_time_that_cannot_be_moved_to_utc_is_a_value_error(
    server: HostileServer,
) -> None:
    """The last moment of year 9999 five hours behind UTC has no UTC form: a ValueError naming
    the parameter, not an OverflowError."""
    late = datetime.max.replace(tzinfo=timezone(timedelta(hours=-5)))
    with pytest.raises(ValueError, match="to"):
        await _run(server, lambda c: c.calendar.work_hours(from_=T0, to=late, user_ids=[UID]))
    assert server.seen == []


@pytest.mark.parametrize(
    ("user_ids", "error"),
    [
        ([], ValueError),
        ([""], ValueError),
        ([UID, ""], ValueError),
        (["a,b"], ValueError),
        ([UID, None], TypeError),
        ([b"abc"], TypeError),
        ([["nested"]], TypeError),
        (UID, TypeError),
        (None, TypeError),
    ],
    ids=repr,
)
async def test_user_ids_that_name_no_one_are_refused_before_sending(
    server: HostileServer, user_ids: Any, error: type[Exception]
) -> None:
    """Empty user_ids, an empty id, one with a comma, a None or bytes among them, or a single
    id where a list belongs, is refused naming user_ids, and nothing is sent."""
    for call in (
        lambda c: c.calendar.work_hours(from_=T0, to=T1, user_ids=user_ids),
        lambda c: c.calendar.schedules(from_=T0, to=T1, user_ids=user_ids),
    ):
        with pytest.raises(error, match="user_ids"):
            await _run(server, call)
    assert server.seen == []


# --- ids that would escape their segment --------------------------------------------------------


def _by_id(bad: Any) -> list[Callable[[WelkinClient], Awaitable[Any]]]:
    async def listed(items: AsyncIterator[Any]) -> None:
        async for _ in items:
            pass

    async def streamed(c: WelkinClient) -> None:
        async with c.documents(PID).stream("s1", bad):
            pass

    return [
        lambda c: c.calendar.events.get(bad),
        lambda c: c.calendar.events.update(bad, event_title="x"),
        lambda c: c.calendar.events.delete(bad),
        lambda c: c.emails(PID).get(bad),
        lambda c: c.sms(bad).get("m1"),
        lambda c: listed(aiter(c.chat(bad).list())),
        lambda c: c.documents(PID).get(bad),
        lambda c: c.documents(PID).delete(bad),
        lambda c: c.documents(PID).upload(bad, ("a.pdf", b"x")),
        streamed,
        lambda c: c.care_plan(bad).get(),
        lambda c: c.formations.cdt(bad),
        lambda c: c.formations.goal_template(bad),
        lambda c: c.formations.document_types(version=bad),
        lambda c: c.encounters(PID).disposition(bad),
        lambda c: c.encounters(PID).update_disposition(bad, {"f": 1}),
        lambda c: c.programs(PID).unassign_by_id(bad),
        lambda c: c.users.get_by_username(bad),
        lambda c: c.users.update(bad, first_name="x"),
        lambda c: c.users.delete(bad),
        lambda c: listed(aiter(c.users.encounters(bad))),
    ]


@pytest.mark.parametrize("bad", ["", ".", "..", None], ids=repr)
@pytest.mark.parametrize("index", range(21))
async def test_an_id_that_names_no_record_is_refused_before_sending(
    server: HostileServer, bad: Any, index: int
) -> None:
    """An id that is empty, ``.``, ``..`` or None is a ValueError naming the path parameter,
    and nothing is sent."""
    with pytest.raises(ValueError, match="path parameter"):
        await _run(server, _by_id(bad)[index])
    assert server.seen == []


@pytest.mark.parametrize("index", range(21))
async def test_an_id_with_a_slash_stays_one_path_segment(server: HostileServer, index: int) -> None:
    """An id holding ``/`` and ``?`` is percent-encoded into its own segment: the server is
    asked about that id, never another path or query."""
    with pytest.raises(WelkinError):  # the server answers 404 to everything
        await _run(server, _by_id("../x/y?z")[index])
    assert server.seen
    for seen in server.seen:
        assert "../x/y" not in seen.path
        assert "z" not in seen.query


async def test_a_download_with_a_bad_id_sends_nothing_and_leaves_no_file(
    server: HostileServer, tmp_path: Path
) -> None:
    """A download whose file id is ``..`` is refused before sending and leaves no file, not even
    a temporary one."""
    with pytest.raises(ValueError, match="file_id"):
        await _run(server, lambda c: c.documents(PID).download("s1", "..", tmp_path / "f.pdf"))
    assert server.seen == []
    assert _files(tmp_path) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.chat(PID).search(None),
        lambda c: c.chat(PID).search(b"hello"),
        lambda c: c.chat(PID).list(page_token=7),
    ],
    ids=["search-none", "search-bytes", "token-int"],
)
async def test_a_query_or_token_that_is_not_text_is_a_type_error(
    server: HostileServer, call: Callable[[WelkinClient], AsyncIterator[Any]]
) -> None:
    """A search query or a page token that is not a string is a TypeError before anything is
    sent (its str() would be searched for, or sent as a token)."""
    async with server.client(retry=QUICK) as client:
        with pytest.raises(TypeError):
            await _drain(aiter(call(client)))
    assert server.seen == []


@pytest.mark.parametrize("token", ["", None], ids=repr)
async def test_an_empty_chat_page_token_is_refused_before_sending(
    server: HostileServer, token: Any
) -> None:
    """``page_token=""`` names no page: a ValueError before anything is sent (None starts at the
    newest message, and is sent without a token)."""
    _token_pages(server, CHAT, _message, fresh=True, next_token=lambda n: None)
    async with server.client(retry=QUICK) as client:
        if token is None:
            await _drain(aiter(client.chat(PID).list(page_token=token)))
            assert "pageToken" not in server.seen[0].query
            return
        with pytest.raises(ValueError, match="page_token"):
            await _drain(aiter(client.chat(PID).list(page_token=token)))
    assert server.seen == []


# --- downloads ------------------------------------------------------------------------------------

BODY = bytes(range(256)) * 1024  # 256 KiB


async def _download(server: HostileServer, target: Path, **options: Any) -> Any:
    return await _run(server, lambda c: c.documents(PID).download("s1", "f1", target), **options)


async def test_a_chunked_download_that_breaks_off_leaves_no_file(
    server: HostileServer, tmp_path: Path
) -> None:
    """A body of undeclared length (chunked) that breaks off mid-way is a ReadError, not a
    shorter file; the target keeps what it held."""

    async def broken(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/pdf"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(BODY[: len(BODY) // 2])
        assert request.transport is not None
        request.transport.abort()
        return response

    server.on("GET", FILE, broken)
    target = tmp_path / "doc.pdf"
    target.write_bytes(b"the earlier copy")
    with pytest.raises(ReadError):
        await _download(server, target)
    assert target.read_bytes() == b"the earlier copy"
    assert _files(tmp_path) == ["doc.pdf"]


async def test_a_length_lie_that_then_stalls_times_out_and_leaves_no_file(
    server: HostileServer, tmp_path: Path
) -> None:
    """A body that declares more than it sends and then holds the connection open ends at the
    read timeout (a TimeoutError), leaving no file."""

    async def short_then_stall(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/pdf"})
        response.content_length = len(BODY) * 2
        await response.prepare(request)
        await response.write(BODY)
        return await stall(request)

    server.on("GET", FILE, short_then_stall)
    with pytest.raises(WelkinTimeout):
        await _download(server, tmp_path / "doc.pdf", timeouts=Timeouts(read=0.3))
    assert _files(tmp_path) == []


async def test_a_gzip_bomb_download_stops_at_the_cap_and_leaves_no_file(
    server: HostileServer, tmp_path: Path
) -> None:
    """A small gzip body that inflates past the cap is ResponseTooLarge (its declared length is
    the compressed one, so it cannot be refused up front), and leaves no file."""
    server.answer("GET", FILE, lambda: gzip_bomb(64 * 1024 * 1024))
    with pytest.raises(ResponseTooLarge):
        await _download(server, tmp_path / "doc.pdf", limits=Limits(1024 * 1024))
    assert _files(tmp_path) == []


async def test_a_stale_token_twice_is_an_authentication_error_and_leaves_no_file(
    server: HostileServer, tmp_path: Path
) -> None:
    """A download answered 401 after a token refresh too raises AuthenticationError, after one
    replay only, and leaves no file."""
    server.answer("GET", FILE, lambda: json_answer([{"errorCode": "TOKEN_EXPIRED"}], status=401))
    with pytest.raises(AuthenticationError):
        await _download(server, tmp_path / "doc.pdf")
    assert len(server.requests("GET", FILE)) == 2
    assert _files(tmp_path) == []


async def test_a_download_into_a_missing_directory_sends_nothing(
    server: HostileServer, tmp_path: Path
) -> None:
    """A target whose directory does not exist is an OSError before anything is sent."""
    with pytest.raises(OSError, match="No such file"):
        await _download(server, tmp_path / "missing" / "doc.pdf")
    assert server.seen == []


async def test_a_download_onto_a_directory_sends_nothing(
    server: HostileServer, tmp_path: Path
) -> None:
    """A target that is a directory is an IsADirectoryError before anything is sent, and the
    directory is left as it was."""
    (tmp_path / "doc.pdf").mkdir()
    with pytest.raises(IsADirectoryError):
        await _download(server, tmp_path / "doc.pdf")
    assert server.seen == []
    assert _files(tmp_path) == ["doc.pdf"]
    assert _files(tmp_path / "doc.pdf") == []


async def test_a_download_of_an_html_error_page_with_a_404_is_typed(
    server: HostileServer, tmp_path: Path
) -> None:
    """A 404 whose body is a proxy's HTML page is NotFound with no code, its text not quoted,
    and no file."""
    from welkin_async.errors import NotFound

    page = f"<html>Not Found {SECRET}</html>"
    server.answer(
        "GET", FILE, lambda: web.Response(status=404, text=page, content_type="text/html")
    )
    with pytest.raises(NotFound) as raised:
        await _download(server, tmp_path / "doc.pdf")
    assert raised.value.error_code is None
    assert SECRET not in str(raised.value)
    assert _files(tmp_path) == []


async def test_a_stream_cannot_be_read_twice(server: HostileServer) -> None:
    """A stream read to its end and read again is a RuntimeError, not an empty second file."""

    async def whole(_: web.Request) -> web.StreamResponse:
        return web.Response(body=BODY, content_type="application/pdf")

    server.on("GET", FILE, whole)
    async with (
        asyncio.timeout(GUARD),
        server.client(retry=QUICK) as client,
        client.documents(PID).stream("s1", "f1") as download,
    ):
        assert await download.read() == BODY
        with pytest.raises(RuntimeError, match="read already"):
            await download.read()
        assert str(len(BODY)) in repr(download)


# --- uploads --------------------------------------------------------------------------------------

ONE_FILE = {"id": "00000000-0000-4000-8000-0000000000f9", "size": 1, "originalName": "n"}


def _accepting(received: list[bytes]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request) -> web.StreamResponse:
        received.append(await request.read())
        return json_answer([ONE_FILE], status=201)

    return handler


async def test_uploading_a_directory_is_refused_before_sending(
    server: HostileServer, tmp_path: Path
) -> None:
    """A directory given as a file to upload is refused before anything is sent."""
    with pytest.raises((ValueError, IsADirectoryError)):
        await _run(server, lambda c: c.documents(PID).upload("s1", tmp_path))
    assert server.seen == []


async def test_uploading_a_fifo_is_refused_without_blocking(
    server: HostileServer, tmp_path: Path
) -> None:
    """A FIFO given as a file to upload is a ValueError at once (never opened, which would
    block until a writer came), and nothing is sent."""
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="regular files"):
        await _run(server, lambda c: c.documents(PID).upload("s1", fifo))
    assert server.seen == []


async def test_uploading_a_missing_path_is_refused_before_sending(
    server: HostileServer, tmp_path: Path
) -> None:
    """A path that does not exist is a FileNotFoundError before anything is sent, even when
    other files come first."""
    real = tmp_path / "real.pdf"
    real.write_bytes(b"%PDF")
    with pytest.raises(FileNotFoundError):
        await _run(server, lambda c: c.documents(PID).upload("s1", real, tmp_path / "gone.pdf"))
    assert server.seen == []


class _Pipe(io.RawIOBase):
    """A readable binary stream that cannot seek (a pipe, a socket)."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return 0


@pytest.mark.parametrize(
    ("source", "error", "match"),
    [
        (("a.pdf", _Pipe()), ValueError, "seekable"),
        (("a.pdf", "plain text, not bytes"), TypeError, "bytes or a binary file"),
        (("a.pdf", None), TypeError, "bytes or a binary file"),
        (("a.pdf", 12345), TypeError, "bytes or a binary file"),
        (("a.pdf", io.StringIO("text")), TypeError, "bytes or a binary file"),
        (("a.pdf", b"x", 7), TypeError, "content type"),
        (("a.pdf", b"x", "text/plain\r\nX-Evil: 1"), ValueError, "content type"),
        (("", b"x"), ValueError, "name"),
        ((None, b"x"), ValueError, "name"),
        (("a.pdf",), TypeError, "a file is"),
        (("a.pdf", b"x", "t/p", "extra"), TypeError, "a file is"),
        (b"raw bytes", TypeError, "a file is"),
        (None, TypeError, "a file is"),
    ],
    ids=[
        "unseekable",
        "str-content",
        "none-content",
        "int-content",
        "text-file",
        "int-content-type",
        "header-injection",
        "empty-name",
        "none-name",
        "one-tuple",
        "four-tuple",
        "bytes-alone",
        "none",
    ],
)
async def test_a_file_that_cannot_be_sent_is_refused_before_sending(
    server: HostileServer, source: Any, error: type[Exception], match: str
) -> None:
    """A file object that cannot be read again, content that is not bytes or a binary file, a
    bad content type or name, or a malformed tuple is a ValueError or TypeError saying what,
    before anything is sent."""
    with pytest.raises(error, match=match):
        await _run(server, lambda c: c.documents(PID).upload("s1", source))
    assert server.seen == []


async def test_no_files_at_all_is_refused_before_sending(server: HostileServer) -> None:
    """An upload with no files is a ValueError before anything is sent."""
    with pytest.raises(ValueError, match="at least one file"):
        await _run(server, lambda c: c.documents(PID).upload("s1"))
    assert server.seen == []


async def test_a_file_object_is_sent_whole_again_from_where_it_stood(
    server: HostileServer,
) -> None:
    """A file object positioned past its start is sent from that position, and after a 503
    sent again from that same position, whole."""
    received: list[bytes] = []

    async def unavailable_once(request: web.Request) -> web.StreamResponse:
        if not received:
            received.append(await request.read())
            return json_answer([{"errorCode": "UNAVAILABLE"}], status=503)
        return await _accepting(received)(request)

    server.on("POST", UPLOAD, unavailable_once)
    source = io.BytesIO(b"HEADER" + BODY)
    source.seek(len(b"HEADER"))
    await _run(server, lambda c: c.documents(PID).upload("s1", ("scan.pdf", source)))
    assert len(received) == 2
    assert received[0] == received[1]
    assert BODY in received[1]
    assert b"HEADER" not in received[1]


async def test_a_file_that_shrinks_before_a_retry_is_an_os_error_and_not_sent_torn(
    server: HostileServer, tmp_path: Path
) -> None:
    """A file cut short between an attempt answered 503 and its retry is an OSError saying so
    (not a transport error), and no torn body is taken for a file."""
    source = tmp_path / "scan.pdf"
    source.write_bytes(BODY)
    bodies: list[bytes] = []

    async def shrink_then_503(request: web.Request) -> web.StreamResponse:
        bodies.append(await request.read())
        source.write_bytes(BODY[:100])
        return json_answer([{"errorCode": "UNAVAILABLE"}], status=503)

    server.on("POST", UPLOAD, shrink_then_503)
    with pytest.raises(OSError, match="shorter") as raised:
        await _run(server, lambda c: c.documents(PID).upload("s1", source))
    assert not isinstance(raised.value, WelkinError)
    assert str(tmp_path) not in str(raised.value)
    assert all(BODY in body for body in bodies)


async def test_a_file_name_cannot_break_out_of_its_part_header(server: HostileServer) -> None:
    """Quotes, CR and LF in a file's name are percent-encoded: the part has one filename and no
    extra header."""
    received: list[bytes] = []
    server.on("POST", UPLOAD, _accepting(received))
    name = 'a".pdf\r\nContent-Type: text/html\r\n\r\nX'
    await _run(server, lambda c: c.documents(PID).upload("s1", (name, b"data")))
    [body] = received
    assert b'filename="a%22.pdf%0D%0AContent-Type: text/html%0D%0A%0D%0AX"' in body
    assert body.count(b"\r\nContent-Type:") == 1  # the one in the name is not a header


# --- the remaining write methods -----------------------------------------------------------------


@pytest.mark.parametrize("values", [None, "not a mapping", 12345, [("f", NAIVE)]], ids=repr)
async def test_update_disposition_takes_a_mapping_only(server: HostileServer, values: Any) -> None:
    """Disposition values that are not a mapping are a TypeError before anything is sent."""
    with pytest.raises(TypeError, match="mapping"):
        await _run(server, lambda c: c.encounters(PID).update_disposition("e1", values))
    assert server.seen == []


async def test_update_disposition_refuses_a_naive_date_time(server: HostileServer) -> None:
    """A naive date-time among the disposition values is a ValueError naming its field, before
    anything is sent."""
    with pytest.raises(ValueError, match="review-date"):
        await _run(
            server,
            lambda c: c.encounters(PID).update_disposition("e1", {"review-date": NAIVE}),
        )
    assert server.seen == []


@pytest.mark.parametrize("text", [None, 5, b"bytes"], ids=repr)
async def test_a_chat_message_that_is_not_text_is_a_type_error(
    server: HostileServer, text: Any
) -> None:
    """A chat message that is not a string is a TypeError before anything is sent."""
    with pytest.raises(TypeError, match="message"):
        await _run(server, lambda c: c.chat(PID).send_inbound(text))
    assert server.seen == []


async def test_a_calendar_update_with_no_field_is_refused(server: HostileServer) -> None:
    """An event update naming no field is a TypeError before anything is sent."""
    with pytest.raises(TypeError, match="at least one field"):
        await _run(server, lambda c: c.calendar.events.update("e1"))
    assert server.seen == []
