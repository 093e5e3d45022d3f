"""Issue 21's families (tasks, care-plan goals, dictionaries and draft formations, encounter
comments and full-encounter lists, message writes, the security audit and user access) against a
lying server, a careless caller and raw requests: every bad answer is a typed error that names
where it went wrong and never quotes a value, every caller mistake is refused before anything is
sent or answered with a typed refusal, no scan trusts the server to end it, no refused write
leaves half of itself behind, and the emulator answers every hostile request with its 4xx error
array, never a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.conftest import Connect, acme_live
from tests.hostile._server import TENANT, HostileServer, gzip_bomb, json_answer
from welkin_async import Limits, ResponseTooLarge, RetryPolicy, WelkinClient
from welkin_async._unset import UNSET
from welkin_async.errors import (
    APIError,
    BadRequest,
    DecodeError,
    NotFound,
    PaginationError,
    PermissionDenied,
    WelkinError,
)
from welkin_async.testing import WelkinEmulator

GUARD = 10  # seconds: a hang guard, never reached by a call that stops
QUICK = RetryPolicy(initial_delay=0.001, max_delay=0.002)
SECRET = "SECRET-PHI-5521"  # planted in answers and arguments: never in an exception's text
UID = "00000000-0000-4000-8000-000000000001"
UID2 = "00000000-0000-4000-8000-000000000002"
ADMIN = f"/{TENANT}/admin/"
NAIVE = datetime(2025, 1, 6, 9, 0)
AWARE = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
EDGE = datetime(1, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=14)))  # before year 1 in UTC
EMULATOR = pytest.mark.welkin_emulator(patients=3, tenants=["acme"])
Call = Callable[[WelkinClient], Awaitable[Any]]


async def _run(server: HostileServer, call: Call) -> Any:
    async with asyncio.timeout(GUARD), server.client(retry=QUICK) as client:
        return await call(client)


async def _drain(items: AsyncIterator[Any]) -> list[Any]:
    async with asyncio.timeout(GUARD):
        return [item async for item in items]


def _task(task_id: str = UID, **more: Any) -> dict[str, Any]:
    person = {"id": UID, "name": "Avery"}
    return {
        "id": task_id,
        "createdAt": "2025-01-01T00:00:00.000Z",
        "updatedAt": "2025-01-01T00:00:00.000Z",
        "name": "Review",
        "description": None,
        "dueDate": None,
        "status": "TODO",
        "priority": "LOW",
        "patient": None,
        "assignee": person,
        "author": person,
        "watchers": [],
        "comments": [],
        **more,
    }


# --- a lying server: answers of the wrong JSON type ----------------------------------------------

# method, path answered, the call, whether the answer is a list
ONE: dict[str, tuple[str, str, Call, bool]] = {
    "task_get": ("GET", "tasks/t1", lambda c: c.tasks.get("t1"), False),
    "task_update": ("PATCH", "tasks/t1", lambda c: c.tasks.update("t1", name="n"), False),
    "task_status": ("PATCH", "tasks", lambda c: c.tasks.update_status([UID], "TODO"), True),
    "task_watch": ("PATCH", "tasks/t1/watchers", lambda c: c.tasks.add_watcher("t1", UID), False),
    "task_unwatch": (
        "DELETE",
        f"tasks/t1/watchers/{UID}",
        lambda c: c.tasks.remove_watcher("t1", UID),
        False,
    ),
    "task_comment": ("PATCH", "tasks/t1/comments", lambda c: c.tasks.add_comment("t1", "x"), False),
    "goal_get": (
        "GET",
        "patients/p1/care-plan/goals/g1",
        lambda c: c.care_plan("p1").goals.get("g1"),
        False,
    ),
    "goal_comments": (
        "GET",
        "patients/p1/care-plan/goals/g1/comments",
        lambda c: c.care_plan("p1").goals.comments("g1"),
        True,
    ),
    "goal_tasks": (
        "GET",
        "patients/p1/care-plan/goals/g1/tasks",
        lambda c: c.care_plan("p1").goals.tasks("g1"),
        True,
    ),
    "encounter_comments": (
        "GET",
        "patients/p1/encounters/e1/comments",
        lambda c: c.encounters("p1").comments("e1").list(),
        True,
    ),
    "encounter_comment_create": (
        "POST",
        "patients/p1/encounters/e1/comments",
        lambda c: c.encounters("p1").comments("e1").create("hi"),
        False,
    ),
    "dictionary_list": (
        "GET",
        "dictionaries/cpt",
        lambda c: c.dictionaries("cpt").list(),
        False,
    ),
    "dictionary_delete": (
        "DELETE",
        "dictionaries/cpt/r1",
        lambda c: c.dictionaries("cpt").delete("r1"),
        False,
    ),
    "formation_dictionaries": (
        "GET",
        "formations/current/dictionaries",
        lambda c: c.formations.dictionaries(),
        True,
    ),
    "draft_program": (
        "POST",
        "formations/draft/programs",
        lambda c: c.formations.draft.create_program({"name": "p", "phases": []}),
        False,
    ),
    "permissions": (
        "GET",
        f"{ADMIN}user-permissions/u1",
        lambda c: c.users.permissions("u1"),
        False,
    ),
    "territories": (
        "GET",
        f"{ADMIN}user-territories/u1",
        lambda c: c.users.territories("u1"),
        False,
    ),
    "application_access": (
        "GET",
        f"{ADMIN}application-accesses/u1",
        lambda c: c.users.application_access("u1"),
        False,
    ),
    "sms_send": ("POST", f"patients/{UID}/sms", lambda c: c.sms(UID).send("hello"), False),
    "email_update": (
        "PUT",
        f"patients/{UID}/emails/m1",
        lambda c: c.emails(UID).update("m1", starred=True),
        False,
    ),
}


def _wrong_shape(is_list: bool) -> Any:
    return {"id": SECRET, "content": [SECRET]} if is_list else [{"id": SECRET}]


@pytest.mark.parametrize("name", sorted(ONE))
async def test_an_answer_of_the_wrong_json_type_is_a_decode_error_at_the_root(
    server: HostileServer, name: str
) -> None:
    """An object where a list belongs (or a list where an object does) is a DecodeError at
    ``$`` that does not quote the answer."""
    method, path, call, is_list = ONE[name]
    server.answer(method, path, lambda: json_answer(_wrong_shape(is_list)))
    with pytest.raises(DecodeError) as raised:
        await _run(server, call)
    assert raised.value.path == "$"
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize("name", ["task_get", "goal_tasks", "dictionary_list", "territories"])
@pytest.mark.parametrize("document", ["a string", 7, None, False], ids=repr)
async def test_a_scalar_answer_is_a_decode_error(
    server: HostileServer, name: str, document: Any
) -> None:
    """A string, number, null or boolean where an object or a list belongs is a DecodeError."""
    method, path, call, _ = ONE[name]
    server.answer(method, path, lambda: json_answer(document))
    with pytest.raises(DecodeError):
        await _run(server, call)


@pytest.mark.parametrize("name", ["task_status", "goal_get", "draft_program", "sms_send"])
@pytest.mark.parametrize(
    "body",
    [b"<html>502 " + SECRET.encode() + b"</html>", b"", b'{"id": "' + SECRET.encode()],
    ids=["html", "empty", "truncated"],
)
async def test_a_200_that_is_not_json_is_a_decode_error(
    server: HostileServer, name: str, body: bytes
) -> None:
    """An HTML page, nothing, or JSON cut short in a 200 is a DecodeError at ``$`` without the
    body's text."""
    method, path, call, _ = ONE[name]
    server.answer(method, path, lambda: web.Response(body=body, content_type="text/html"))
    with pytest.raises(DecodeError) as raised:
        await _run(server, call)
    assert raised.value.path == "$"
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize("name", ["task_unwatch", "dictionary_delete", "task_comment"])
async def test_a_204_where_a_body_is_expected_is_a_decode_error(
    server: HostileServer, name: str
) -> None:
    """A 204 (no body) for a call that answers the changed record is a DecodeError."""
    method, path, call, _ = ONE[name]
    server.answer(method, path, lambda: web.Response(status=204))
    with pytest.raises(DecodeError):
        await _run(server, call)


NO_CONTENT: dict[str, tuple[str, str, Call]] = {
    "draft_delete": (
        "DELETE",
        "formations/draft/programs/p",
        lambda c: c.formations.draft.delete_program("p"),
    ),
    "comment_delete": (
        "DELETE",
        "patients/p1/encounters/e1/comments/c1",
        lambda c: c.encounters("p1").comments("e1").delete("c1"),
    ),
    "chat_restore": ("POST", "patients/p1/chat/restore", lambda c: c.chat("p1").restore()),
    "chat_archive": ("POST", "patients/p1/chat/archive", lambda c: c.chat("p1").archive(AWARE)),
}


@pytest.mark.parametrize("name", sorted(NO_CONTENT))
async def test_a_body_where_204_is_expected_is_ignored(server: HostileServer, name: str) -> None:
    """A 200 carrying an HTML page where a 204 is expected is not read: the call returns None."""
    method, path, call = NO_CONTENT[name]
    page = b"<html>" + SECRET.encode() + b"</html>"
    server.answer(method, path, lambda: web.Response(body=page, content_type="text/html"))
    assert await _run(server, call) is None


FIELD_LIES: list[tuple[str, Any, str]] = [
    ("task_get", _task(priority=5), "$.priority"),
    ("task_get", _task(id=SECRET), "$.id"),
    ("task_get", _task(dueDate=f"tomorrow {SECRET}"), "$.dueDate"),
    ("task_get", _task(watchers={"id": SECRET}), "$.watchers"),
    ("task_status", [_task(), _task(createdAt=12)], "$[1].createdAt"),
    ("dictionary_list", {"dictionaryName": "cpt", "records": None}, "$.records"),
    ("application_access", {"adminAccessEnabled": "yes"}, "$.adminAccessEnabled"),
]


@pytest.mark.parametrize(("name", "document", "where"), FIELD_LIES)
async def test_a_field_of_the_wrong_type_names_its_json_path(
    server: HostileServer, name: str, document: Any, where: str
) -> None:
    """A field of the wrong type or form is a DecodeError naming its JSONPath, not its value."""
    method, path, call, _ = ONE[name]
    server.answer(method, path, lambda: json_answer(document))
    with pytest.raises(DecodeError) as raised:
        await _run(server, call)
    assert where in [problem.path for problem in raised.value.problems] or (
        raised.value.path == where
    )
    assert SECRET not in str(raised.value)


async def test_a_task_nested_past_the_stack_is_decoded_or_refused_without_recursion(
    server: HostileServer,
) -> None:
    """A task carrying an unknown key nested 100,000 arrays deep is a DecodeError (or kept as an
    unknown field), never a RecursionError."""
    deep = b"[" * 100_000 + b"]" * 100_000
    body = json.dumps(_task()).encode()[:-1] + b', "extra": ' + deep + b"}"
    server.answer(
        "GET", "tasks/t1", lambda: web.Response(body=body, content_type="application/json")
    )
    with contextlib.suppress(DecodeError):
        await _run(server, lambda c: c.tasks.get("t1"))


async def test_a_gzip_bomb_as_dictionary_records_is_response_too_large(
    server: HostileServer,
) -> None:
    """A small gzip answer that inflates past the response cap is ResponseTooLarge."""
    server.answer("GET", "dictionaries/cpt", lambda: gzip_bomb(64 * 1024 * 1024))
    with pytest.raises(ResponseTooLarge):
        async with (
            asyncio.timeout(GUARD),
            server.client(retry=QUICK, limits=Limits(max_response_bytes=1024 * 1024)) as client,
        ):
            await client.dictionaries("cpt").list()


# --- a lying server: errors of odd shapes --------------------------------------------------------

ODD_ERRORS: list[Any] = [
    {"errorCode": ["NOT", SECRET]},
    [SECRET],
    [{"errorCode": {"a": SECRET}, "message": [SECRET], "details": SECRET}],
    [],
    SECRET,
    None,
]


@pytest.mark.parametrize("document", ODD_ERRORS, ids=range(len(ODD_ERRORS)))
@pytest.mark.parametrize(("status", "kind"), [(400, BadRequest), (404, NotFound), (409, APIError)])
async def test_an_error_body_of_any_shape_is_its_typed_error(
    server: HostileServer, document: Any, status: int, kind: type[APIError]
) -> None:
    """An error status whose body is no error array is still the status's typed APIError, and
    its text quotes nothing from the body."""
    server.answer("POST", "tasks", lambda: json_answer(document, status=status))
    call: Call = lambda c: c.tasks.create(  # noqa: E731
        name="n", status="TODO", priority="LOW", assignee={"id": UID}
    )
    with pytest.raises(kind) as raised:
        await _run(server, call)
    assert raised.value.status == status
    assert SECRET not in str(raised.value)
    assert SECRET not in repr(raised.value)


async def test_an_error_message_quoting_a_comment_stays_out_of_the_exception_text(
    server: HostileServer,
) -> None:
    """A 400 whose message and details quote the comment sent is a BadRequest whose text shows
    neither."""
    error = [
        {
            "errorCode": "INVALID_REQUEST_BODY",
            "componentType": "REQUEST",
            "message": f"bad text {SECRET}",
            "details": {"text": SECRET},
        }
    ]
    server.answer("POST", "patients/p1/encounters/e1/comments", lambda: json_answer(error, 400))
    with pytest.raises(BadRequest) as raised:
        await _run(server, lambda c: c.encounters("p1").comments("e1").create(SECRET))
    assert SECRET not in str(raised.value)
    assert SECRET not in repr(raised.value)


# --- a lying server: pages -----------------------------------------------------------------------

META_LISTS: dict[str, tuple[str, Callable[[WelkinClient], AsyncIterator[Any]]]] = {
    "tasks": ("tasks", lambda c: aiter(c.tasks.list(size=2))),
    "goals": ("patients/p1/care-plan/goals", lambda c: aiter(c.care_plan("p1").goals.list(size=2))),
    "full_encounters": (
        "patients/p1/full-encounters",
        lambda c: aiter(c.encounters("p1").list_full(size=2)),
    ),
    "user_full_encounters": (
        "users/u1/full-encounters",
        lambda c: aiter(c.users.full_encounters("u1", size=2)),
    ),
    "security_audit": (f"{ADMIN}audit-security", lambda c: aiter(c.audits.security(size=2))),
}


def _meta(data: Any, page: int, *, last: bool = False) -> dict[str, Any]:
    return {
        "data": data,
        "metaInfo": {
            "page": page,
            "pageSize": 2,
            "totalElements": 10**9,
            "numberOfElements": 2,
            "firstPage": page == 0,
            "lastPage": last,
            "totalPages": 10**9,
        },
    }


@pytest.mark.parametrize("scan", sorted(META_LISTS))
async def test_a_page_that_is_no_object_is_a_decode_error(server: HostileServer, scan: str) -> None:
    """A page answered as a bare array is a DecodeError at the first page."""
    path, make = META_LISTS[scan]
    server.answer("GET", path, lambda: json_answer([{"id": SECRET}]))
    async with server.client(retry=QUICK) as client:
        with pytest.raises(DecodeError) as raised:
            await _drain(make(client))
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize("scan", sorted(META_LISTS))
@pytest.mark.parametrize("data", [None, SECRET, {"id": SECRET}], ids=["null", "str", "object"])
async def test_page_data_that_is_no_list_is_a_decode_error(
    server: HostileServer, scan: str, data: Any
) -> None:
    """A page whose ``data`` is null, a string or an object is a DecodeError at ``$.data``."""
    path, make = META_LISTS[scan]
    server.answer("GET", path, lambda: json_answer(_meta(data, 0, last=True)))
    async with server.client(retry=QUICK) as client:
        with pytest.raises(DecodeError) as raised:
            await _drain(make(client))
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize("scan", sorted(META_LISTS))
async def test_the_same_page_number_forever_is_a_pagination_error(
    server: HostileServer, scan: str
) -> None:
    """A server that answers page 0 to every page request, never last, is a PaginationError
    within a few requests."""
    path, make = META_LISTS[scan]
    server.answer("GET", path, lambda: json_answer(_meta([], 0)))
    async with server.client(retry=QUICK) as client:
        with pytest.raises(PaginationError):
            await _drain(make(client))
    assert len(server.requests("GET", path)) <= 4


async def test_task_pages_that_repeat_their_tasks_forever_are_a_pagination_error(
    server: HostileServer,
) -> None:
    """Task pages correctly numbered but each bringing the same two tasks again, never last,
    are a PaginationError within a few requests."""

    async def handler(request: web.Request) -> web.StreamResponse:
        page = int(request.query.get("page", "0"))
        return json_answer(_meta([_task(UID), _task(UID2)], page))

    server.on("GET", "tasks", handler)
    async with server.client(retry=QUICK) as client:
        with pytest.raises(PaginationError):
            await _drain(aiter(client.tasks.list(size=2)))
    assert len(server.requests("GET", "tasks")) <= 4


async def test_unrecognized_email_pages_that_never_end_stop_with_an_error(
    server: HostileServer,
) -> None:
    """Spring pages of unrecognized emails that repeat the same email and never say last stop
    with a PaginationError, never loop."""
    email = {"id": UID, "subject": "s"}

    async def handler(request: web.Request) -> web.StreamResponse:
        page = int(request.query.get("page", "0"))
        return json_answer({"content": [email], "last": False, "number": page, "size": 1})

    server.on("GET", "unrecognized-patients/emails", handler)
    async with server.client(retry=QUICK) as client:
        with pytest.raises(PaginationError):
            await _drain(aiter(client.unrecognized.emails.list()))
    assert len(server.requests("GET", "unrecognized-patients/emails")) <= 4


# --- hostile callers: path injection -------------------------------------------------------------

INJECTED = ["../admin/users", "a/b", "a?b=c", "a#frag", "%2F", "..%2F..", "a;b", " "]
ENCODED = {
    "../admin/users": "..%2Fadmin%2Fusers",
    "a/b": "a%2Fb",
    "a?b=c": "a%3Fb%3Dc",
    "a#frag": "a%23frag",
    "%2F": "%252F",
    "..%2F..": "..%252F..",
    "a;b": "a%3Bb",
    " ": "%20",
}
# the path the server sees for an id, the call naming that id
PATHS: dict[str, tuple[str, Callable[[WelkinClient, str], Awaitable[Any]]]] = {
    "task": ("tasks/{}", lambda c, x: c.tasks.get(x)),
    "task_comment": (
        "tasks/t1/comments/{}",
        lambda c, x: c.tasks.delete_comment("t1", x),
    ),
    "goal": ("patients/p1/care-plan/goals/{}", lambda c, x: c.care_plan("p1").goals.get(x)),
    "goal_patient": ("patients/{}/care-plan/goals/g1", lambda c, x: c.care_plan(x).goals.get("g1")),
    "dictionary": ("dictionaries/{}/r1", lambda c, x: c.dictionaries(x).get("r1")),
    "dictionary_record": ("dictionaries/cpt/{}", lambda c, x: c.dictionaries("cpt").get(x)),
    "draft_item": (
        "formations/draft/dictionaries/{}",
        lambda c, x: c.formations.draft.delete_dictionary(x),
    ),
    "encounter_comment": (
        "patients/p1/encounters/e1/comments/{}",
        lambda c, x: c.encounters("p1").comments("e1").get(x),
    ),
    "permissions": (f"{ADMIN}user-permissions/{{}}", lambda c, x: c.users.permissions(x)),
}


@pytest.mark.parametrize("where", sorted(PATHS))
@pytest.mark.parametrize("value", INJECTED)
async def test_an_id_is_one_percent_encoded_path_segment(
    server: HostileServer, where: str, value: str
) -> None:
    """An id holding ``/``, ``..``, ``?``, ``#`` or an escape reaches the server as one
    percent-encoded segment of the intended path, never as another path or a query."""
    template, call = PATHS[where]
    with pytest.raises(NotFound):
        await _run(server, lambda c: call(c, value))
    assert len(server.seen) == 1
    seen = server.seen[0]
    expected = template.format(ENCODED[value])
    assert seen.path == expected
    assert seen.query == {}


@pytest.mark.parametrize("where", sorted(PATHS))
@pytest.mark.parametrize("value", ["", ".", ".."])
async def test_an_empty_or_dot_id_is_refused_before_sending(
    server: HostileServer, where: str, value: str
) -> None:
    """An empty id, ``.`` or ``..`` is a ValueError, and nothing is sent."""
    _, call = PATHS[where]
    with pytest.raises(ValueError, match=r"path parameter|dictionary name"):
        await _run(server, lambda c: call(c, value))
    assert server.seen == []


# --- hostile callers: misuse refused before anything is sent -------------------------------------

AnyCall = Callable[[Any], Awaitable[Any]]  # lets a misuse be written as a caller would
MISUSE: dict[str, tuple[type[Exception], AnyCall]] = {
    "status_ids_str": (TypeError, lambda c: c.tasks.update_status(UID, "TODO")),
    "status_no_ids": (ValueError, lambda c: c.tasks.update_status([], "TODO")),
    "status_bad_id": (ValueError, lambda c: c.tasks.update_status(["x/../y"], "TODO")),
    "status_int_id": (TypeError, lambda c: c.tasks.update_status([7], "TODO")),
    "status_not_text": (TypeError, lambda c: c.tasks.update_status([UID], 3)),
    "update_nothing": (TypeError, lambda c: c.tasks.update("t1")),
    "update_unset_only": (TypeError, lambda c: c.tasks.update("t1", name=UNSET)),
    "update_unknown": (TypeError, lambda c: c.tasks.update("t1", colour="red")),
    "update_naive_due": (ValueError, lambda c: c.tasks.update("t1", due_date=NAIVE)),
    "create_missing": (TypeError, lambda c: c.tasks.create(name="n")),
    "create_both": (
        TypeError,
        lambda c: c.tasks.create({"name": "n"}, name="n"),
    ),
    "create_naive_due": (
        ValueError,
        lambda c: c.tasks.create(
            name="n", status="TODO", priority="LOW", assignee={"id": UID}, due_date=NAIVE
        ),
    ),
    "watch_bad_user": (ValueError, lambda c: c.tasks.add_watcher("t1", SECRET)),
    "watch_int_user": (TypeError, lambda c: c.tasks.add_watcher("t1", 5)),
    "comment_not_text": (TypeError, lambda c: c.tasks.add_comment("t1", b"x")),
    "list_no_status": (ValueError, lambda c: _drain(aiter(c.tasks.list(status=[])))),
    "list_comma_status": (ValueError, lambda c: _drain(aiter(c.tasks.list(status="TODO,X")))),
    "list_int_status": (
        TypeError,
        lambda c: _drain(aiter(c.tasks.list(status=["TODO", 3]))),
    ),
    "list_bad_assignee": (
        ValueError,
        lambda c: _drain(aiter(c.tasks.list(assignee_id="me/../you"))),
    ),
    "list_due_on_datetime": (
        TypeError,
        lambda c: _drain(aiter(c.tasks.list(due_on=AWARE))),
    ),
    "list_naive_before": (ValueError, lambda c: _drain(aiter(c.tasks.list(due_before=NAIVE)))),
    "list_before_a_date": (
        TypeError,
        lambda c: _drain(aiter(c.tasks.list(due_before=date(2025, 1, 1)))),
    ),
    "goal_template_int": (TypeError, lambda c: c.care_plan("p1").goals.create(5)),
    "goal_update_nothing": (TypeError, lambda c: c.care_plan("p1").goals.update("g1")),
    "goal_update_unknown": (
        TypeError,
        lambda c: c.care_plan("p1").goals.update("g1", owner="x"),
    ),
    "goal_comment_none": (
        TypeError,
        lambda c: c.care_plan("p1").goals.add_comment("g1", None),
    ),
    "encounter_comment_bytes": (
        TypeError,
        lambda c: c.encounters("p1").comments("e1").create(b"x"),
    ),
    "full_statuses_int": (
        TypeError,
        lambda c: _drain(aiter(c.encounters("p1").list_full(statuses=["OPEN", 3]))),
    ),
    "full_statuses_comma": (
        ValueError,
        lambda c: _drain(aiter(c.encounters("p1").list_full(statuses="OPEN,DRAFT"))),
    ),
    "full_statuses_empty": (
        ValueError,
        lambda c: _drain(aiter(c.users.full_encounters("u1", statuses=[]))),
    ),
    "dictionary_lone_mapping": (
        TypeError,
        lambda c: c.dictionaries("cpt").create({"value": "1"}),
    ),
    "dictionary_int_value": (
        TypeError,
        lambda c: c.dictionaries("cpt").create([{"value": 1}]),
    ),
    "dictionary_no_values": (ValueError, lambda c: c.dictionaries("cpt").create([{}])),
    "dictionary_naive_from": (
        ValueError,
        lambda c: c.dictionaries("cpt").list(updated_from=NAIVE),
    ),
    "draft_no_name": (
        ValueError,
        lambda c: c.formations.draft.create_program({"phases": []}),
    ),
    "draft_str_item": (
        TypeError,
        lambda c: c.formations.draft.create_dictionary("cpt"),
    ),
    "disposition_mapping": (
        TypeError,
        lambda c: c.formations.draft.replace_encounter_disposition({"name": "f"}),
    ),
    "permissions_mapping": (
        TypeError,
        lambda c: c.users.replace_permissions("u1", {"permissionName": "x"}),
    ),
    "territories_str": (
        TypeError,
        lambda c: c.users.replace_territories("u1", "west"),
    ),
    "access_mapping": (
        TypeError,
        lambda c: c.users.replace_application_access(
            "u1",
            admin_access_enabled=True,
            audit_security_access_enabled=False,
            instance_accesses={"instanceName": "live"},
        ),
    ),
    "security_naive_start": (
        ValueError,
        lambda c: _drain(aiter(c.audits.security(date_start=NAIVE))),
    ),
    "archive_naive": (ValueError, lambda c: c.chat("p1").archive(NAIVE)),
    "archive_date": (TypeError, lambda c: c.chat("p1").archive(date(2025, 1, 1))),
    "email_update_nothing": (TypeError, lambda c: c.emails(UID).update("m1")),
    "sms_update_unset": (TypeError, lambda c: c.sms(UID).update("m1", message=UNSET)),
    "sms_naive_schedule": (ValueError, lambda c: c.sms(UID).send("hi", scheduled_at=NAIVE)),
    "email_patient_not_uuid": (ValueError, lambda c: c.emails("p/../1").send("s", "b")),
    "email_attachment_str": (
        TypeError,
        lambda c: c.emails(UID).send("s", "b", attachments="scan.pdf"),
    ),
}


@pytest.mark.parametrize("name", sorted(MISUSE))
async def test_misuse_is_refused_before_anything_is_sent(server: HostileServer, name: str) -> None:
    """A wrong argument type is a TypeError, a wrong value a ValueError, raised before any
    request, and its text does not quote the value."""
    kind, call = MISUSE[name]
    with pytest.raises(kind) as raised:
        await _run(server, call)
    assert not isinstance(raised.value, WelkinError) or isinstance(raised.value, kind)
    assert server.seen == []
    assert SECRET not in str(raised.value)


async def test_a_due_before_outside_the_utc_range_is_a_value_error(server: HostileServer) -> None:
    """An aware ``due_before`` whose UTC instant falls before year 1 is a ValueError before
    sending, never a bare OverflowError."""
    with pytest.raises(ValueError, match="due_before"):
        await _run(server, lambda c: _drain(aiter(c.tasks.list(due_before=EDGE))))
    assert server.seen == []


@EMULATOR
@pytest.mark.parametrize("size", [0, -1])
async def test_a_task_page_size_below_one_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect, size: int
) -> None:
    """A page size below one is a ValueError before sending or a BadRequest, never a hang."""
    async with asyncio.timeout(GUARD), connect() as client:
        with pytest.raises((ValueError, BadRequest)):
            await _drain(aiter(client.tasks.list(size=size)))


@EMULATOR
async def test_an_unknown_goal_status_filter_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Goals filtered by a status the server does not know are a BadRequest when iteration
    starts, as documented."""
    patient = acme_live(welkin_emulator).patients.ids()[0]
    async with connect() as client:
        with pytest.raises(BadRequest):
            await _drain(aiter(client.care_plan(patient).goals.list(status="PAUSED")))


async def test_duplicate_task_ids_are_sent_as_given(server: HostileServer) -> None:
    """The same id twice in a status update reaches the server as a two-id body, normalised to
    lower case, with nothing else added."""
    received: list[Any] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        received.append(await request.json())
        return json_answer([_task()])

    server.on("PATCH", "tasks", handler)
    await _run(server, lambda c: c.tasks.update_status([UID.upper(), UID], "COMPLETED"))
    assert received == [{"taskIds": [UID, UID], "status": "COMPLETED"}]


async def test_a_search_text_with_query_syntax_stays_one_parameter(server: HostileServer) -> None:
    """A search text holding ``&``, ``=``, ``#`` and ``%`` arrives as the one ``search``
    parameter it was."""
    text = "a&status=TODO#x%2F"
    server.answer("GET", "tasks", lambda: json_answer(_meta([], 0, last=True)))
    await _run(server, lambda c: _drain(aiter(c.tasks.list(search=text))))
    assert server.seen[0].query["search"] == text
    assert "status" not in server.seen[0].query


# --- hostile callers against the emulator --------------------------------------------------------


def _users(emulator: WelkinEmulator) -> list[dict[str, Any]]:
    users: list[dict[str, Any]] = emulator.tenant("acme").users
    return users


def _task_snapshot(emulator: WelkinEmulator) -> dict[str, Any]:
    rows = acme_live(emulator).tasks.rows
    return {task_id: json.dumps(row, sort_keys=True) for task_id, row in rows.items()}


@EMULATOR
async def test_an_unknown_task_id_of_any_form_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Reading a task by ids that are no UUID, hold a slash or are huge is NotFound, never a
    500."""
    async with connect() as client:
        for task_id in ["x", "a/b", "..%2F", "9" * 5000, UID.upper()]:
            with pytest.raises(NotFound):
                await client.tasks.get(task_id)


@EMULATOR
async def test_a_task_with_an_unknown_watcher_is_not_created(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A task naming a watcher who is no user is NotFound and no task is stored."""
    before = _task_snapshot(welkin_emulator)
    user = _users(welkin_emulator)[0]["id"]
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.tasks.create(
                name=SECRET,
                status="TODO",
                priority="LOW",
                assignee={"id": user},
                watchers=[{"id": user}, {"id": UID}],
            )
    assert _task_snapshot(welkin_emulator) == before
    assert SECRET not in str(raised.value)


@EMULATOR
async def test_a_status_update_naming_an_unknown_task_changes_none(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A bulk status update with one unknown id among real ones is NotFound and changes no
    task."""
    before = _task_snapshot(welkin_emulator)
    ids = list(before)[:3]
    async with connect() as client:
        with pytest.raises(NotFound):
            await client.tasks.update_status([*ids, UID], "CANCELED")
    assert _task_snapshot(welkin_emulator) == before


@EMULATOR
async def test_a_status_the_server_does_not_know_changes_no_task(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A bulk update to a status the SDK passes through but the server does not know is a
    BadRequest and changes no task."""
    before = _task_snapshot(welkin_emulator)
    async with connect() as client:
        with pytest.raises(BadRequest):
            await client.tasks.update_status(list(before)[:2], "BLOCKED")
    assert _task_snapshot(welkin_emulator) == before


@EMULATOR
async def test_an_empty_task_comment_is_refused_and_not_stored(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An empty comment is a BadRequest and the task keeps its comments."""
    before = _task_snapshot(welkin_emulator)
    task_id = next(iter(before))
    async with connect() as client:
        with pytest.raises(BadRequest):
            await client.tasks.add_comment(task_id, "")
    assert _task_snapshot(welkin_emulator) == before


@EMULATOR
async def test_a_huge_task_name_is_stored_or_refused_never_a_500(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A 200,000-character name with NUL and astral characters is stored or a BadRequest."""
    user = _users(welkin_emulator)[0]["id"]
    name = ("\x00\U0001f600" + "x" * 100) * 2000
    async with connect() as client:
        try:
            task = await client.tasks.create(
                name=name, status="TODO", priority="LOW", assignee={"id": user}
            )
        except BadRequest:
            return
    assert task.name == name


@EMULATOR
@pytest.mark.parametrize("text", ["%", "_", "a&b=c", "\u00e9", "*" * 1000])
async def test_task_search_text_of_any_form_lists_without_error(
    welkin_emulator: WelkinEmulator, connect: Connect, text: str
) -> None:
    """Searching tasks by text holding wildcards, query syntax or thousands of characters lists
    (perhaps nothing), never a 500."""
    async with connect() as client:
        found = await _drain(aiter(client.tasks.list(search=text)))
        found += await _drain(aiter(client.tasks.list(description=text[:100])))
    assert isinstance(found, list)


@EMULATOR
async def test_an_unknown_task_status_filter_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A status the server does not know, passed through, is a BadRequest naming the parameter
    when iteration starts."""
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await _drain(aiter(client.tasks.list(status=["TODO", "BLOCKED"])))
    assert raised.value.details.get("parameter") == "status"


@EMULATOR
@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
async def test_a_due_day_at_the_ends_of_the_calendar_lists_without_error(
    welkin_emulator: WelkinEmulator, connect: Connect, day: date
) -> None:
    """Tasks due on the first or last day of the calendar list (nothing), never a 500."""
    async with connect() as client:
        assert await _drain(aiter(client.tasks.list(due_on=day))) == []


def _goal_state(emulator: WelkinEmulator) -> str:
    return json.dumps(acme_live(emulator).goals.rows, sort_keys=True, default=str)


async def _a_goal(emulator: WelkinEmulator, client: WelkinClient) -> tuple[str, str]:
    patient = acme_live(emulator).patients.ids()[0]
    template = next(iter(emulator.tenant("acme").goal_templates))
    name = template if isinstance(template, str) else template["name"]
    goal = await client.care_plan(patient).goals.create(name)
    return patient, str(goal.id)


@EMULATOR
async def test_an_unknown_goal_template_is_refused_and_no_goal_stored(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A goal from a template the formation lacks is a typed refusal and stores no goal."""
    patient = acme_live(welkin_emulator).patients.ids()[0]
    before = _goal_state(welkin_emulator)
    async with connect() as client:
        with pytest.raises(APIError):
            await client.care_plan(patient).goals.create("no-such-template/../x")
    assert _goal_state(welkin_emulator) == before


@EMULATOR
async def test_another_patients_goal_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A goal read under a patient it does not belong to is NotFound, and the text names
    neither patient."""
    async with connect() as client:
        patient, goal = await _a_goal(welkin_emulator, client)
        other = acme_live(welkin_emulator).patients.ids()[1]
        with pytest.raises(NotFound) as raised:
            await client.care_plan(other).goals.get(goal)
    assert other not in str(raised.value)
    assert patient not in str(raised.value)


@EMULATOR
async def test_a_goal_task_about_another_patient_is_refused_and_not_stored(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A goal's task about another patient is a BadRequest and stores no task."""
    async with connect() as client:
        patient, goal = await _a_goal(welkin_emulator, client)
        other = acme_live(welkin_emulator).patients.ids()[1]
        before = _task_snapshot(welkin_emulator)
        user = _users(welkin_emulator)[0]["id"]
        with pytest.raises(BadRequest):
            await client.care_plan(patient).goals.add_task(
                goal,
                name="n",
                status="TODO",
                priority="LOW",
                assignee={"id": user},
                patient={"id": other},
            )
    assert _task_snapshot(welkin_emulator) == before


@EMULATOR
async def test_an_unknown_goal_status_in_an_update_changes_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A goal update to a status the SDK does not know is refused (ValueError or BadRequest)
    and the goal stays as it was."""
    async with connect() as client:
        patient, goal = await _a_goal(welkin_emulator, client)
        before = _goal_state(welkin_emulator)
        with pytest.raises((ValueError, BadRequest)):
            await client.care_plan(patient).goals.update(goal, status="PAUSED")
    assert _goal_state(welkin_emulator) == before


@EMULATOR
async def test_an_overlong_goal_comment_is_refused_without_quoting_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A goal comment over the limit is a BadRequest whose text does not quote the comment."""
    text = SECRET * 5000
    async with connect() as client:
        patient, goal = await _a_goal(welkin_emulator, client)
        with pytest.raises(BadRequest) as raised:
            await client.care_plan(patient).goals.add_comment(goal, text)
        assert await client.care_plan(patient).goals.comments(goal) == []
    assert SECRET not in str(raised.value)


def _records(emulator: WelkinEmulator, name: str) -> str:
    return json.dumps(acme_live(emulator).dictionary_records.of(name), sort_keys=True)


@EMULATOR
async def test_a_dictionary_replacement_with_one_bad_record_keeps_the_old_ones(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Replacing every record with a list whose last names an unknown field is a BadRequest and
    the dictionary keeps the records it had."""
    before = _records(welkin_emulator, "cpt")
    async with connect() as client:
        with pytest.raises(BadRequest):
            await client.dictionaries("cpt").replace_all([{"value": "1"}, {"nope": "2"}])
    assert _records(welkin_emulator, "cpt") == before


@EMULATOR
@pytest.mark.parametrize("name", ["nope", "cpt/../icd-10", "a%2Fb", "x" * 3000])
async def test_an_unknown_dictionary_name_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect, name: str
) -> None:
    """Records of a dictionary name that is unknown, holds a path or is huge are NotFound."""
    async with connect() as client:
        with pytest.raises(NotFound):
            await client.dictionaries(name).list()


@EMULATOR
async def test_a_read_only_dictionary_refuses_writes(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Adding records to the internal ``timezone`` dictionary is a BadRequest and adds none."""
    before = _records(welkin_emulator, "timezone")
    async with connect() as client:
        with pytest.raises(BadRequest):
            await client.dictionaries("timezone").create([{"value": "Mars/Olympus"}])
    assert _records(welkin_emulator, "timezone") == before


@EMULATOR
async def test_a_draft_dictionary_without_fields_is_refused_and_not_stored(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A draft dictionary with no fields is a BadRequest and the draft does not gain it."""
    async with connect() as client:
        before = await client.formations.dictionaries(version="draft")
        with pytest.raises(BadRequest):
            await client.formations.draft.create_dictionary({"name": "newdict", "fields": []})
        after = await client.formations.dictionaries(version="draft")
    assert [d.name for d in after] == [d.name for d in before]


@EMULATOR
async def test_deleting_a_built_in_draft_dictionary_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Deleting the built-in ``cpt`` dictionary from the draft is a BadRequest; it stays."""
    async with connect() as client:
        with pytest.raises(BadRequest):
            await client.formations.draft.delete_dictionary("cpt")
        assert (await client.formations.dictionary("cpt", version="draft")).name == "cpt"


@EMULATOR
async def test_writing_a_formation_that_is_not_the_draft_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A raw POST of a dictionary to the current formation is a 4xx typed refusal, never a
    write to what the tenant runs."""
    body = {"name": "sneaky", "fields": [{"name": "value", "type": "text"}]}
    async with connect() as client:
        with pytest.raises(APIError) as raised:
            await client.request("POST", "formations/current/dictionaries", json=body)
        names = [d.name for d in await client.formations.dictionaries()]
    assert 400 <= raised.value.status < 500
    assert "sneaky" not in names


def _access(emulator: WelkinEmulator, user_id: str) -> str:
    user = emulator.tenant("acme").user(user_id)
    assert user is not None
    keys = ("roles", "policies", "territories", "applicationAccess")
    return json.dumps({key: user.get(key) for key in keys}, sort_keys=True)


@EMULATOR
@pytest.mark.parametrize("kind", ["permissions", "territories", "access"])
async def test_a_user_access_replacement_with_one_unknown_entry_changes_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: str
) -> None:
    """A permissions, territories or application-access replacement whose second entry names
    an unknown role, region or environment is a BadRequest and the user keeps what they had."""
    user = _users(welkin_emulator)[0]["id"]
    before = _access(welkin_emulator, user)
    role: dict[str, Any] = {
        "permissionName": "nurse",
        "instanceName": "live",
        "type": "SECURITY_ROLE",
    }
    region: dict[str, Any] = {"name": "east-coast", "territories": [], "instanceName": "live"}
    entry: dict[str, Any] = {
        "instanceName": "live",
        "workshopAccessEnabled": True,
        "auditDataAccessEnabled": False,
    }
    calls: dict[str, Call] = {
        "permissions": lambda c: c.users.replace_permissions(
            user, [role, {**role, "permissionName": SECRET}]
        ),
        "territories": lambda c: c.users.replace_territories(
            user, [region, {**region, "name": SECRET}]
        ),
        "access": lambda c: c.users.replace_application_access(
            user,
            admin_access_enabled=True,
            audit_security_access_enabled=True,
            instance_accesses=[entry, {**entry, "instanceName": SECRET}],
        ),
    }
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await calls[kind](client)
    assert SECRET not in str(raised.value)
    assert _access(welkin_emulator, user) == before


@EMULATOR
async def test_user_access_of_an_unknown_user_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Reading or replacing the access of an id that is no user is NotFound."""
    async with connect() as client:
        for read in (
            client.users.permissions,
            client.users.territories,
            client.users.application_access,
        ):
            with pytest.raises(NotFound):
                await read(UID)
        with pytest.raises(NotFound):
            await client.users.replace_territories("not-a-user", [])


@EMULATOR
async def test_an_unknown_security_audit_actor_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A subject actor the server does not know is a BadRequest when iteration starts."""
    async with connect() as client:
        with pytest.raises(BadRequest):
            await _drain(aiter(client.audits.security(subject_actor="ROBOT")))


async def test_a_security_audit_window_outside_the_utc_range_is_refused(
    server: HostileServer,
) -> None:
    """A security audit bounded by an instant before year 1 in UTC is a ValueError naming the
    argument before sending, never a bare OverflowError."""
    with pytest.raises(ValueError, match="date_start"):
        await _run(server, lambda c: _drain(aiter(c.audits.security(date_start=EDGE))))
    assert server.seen == []


EDGE_QUERIES = [
    ("admin/audit-security", "dateStart"),
    ("admin/audit-security", "dateEnd"),
    ("dictionaries/cpt", "dateStart"),
    ("tasks", "dueBefore"),
]


@EMULATOR
@pytest.mark.parametrize(("path", "name"), EDGE_QUERIES)
@pytest.mark.parametrize("instant", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_an_instant_filter_at_the_calendar_ends_is_no_500(
    welkin_emulator: WelkinEmulator, path: str, name: str, instant: str
) -> None:
    """An instant filter whose UTC form falls outside years 1-9999 lists or is a 400 error
    array, never a 500."""
    status, body = await _raw(welkin_emulator, "GET", path, params={name: instant})
    assert status < 500, body
    assert status == 200 or _is_error_array(body)


async def _an_encounter(emulator: WelkinEmulator) -> tuple[str, str]:
    live = acme_live(emulator)
    encounter_id, row = next(iter(live.encounters.rows.items()))
    return str(row["patientId"]), str(encounter_id)


@EMULATOR
async def test_an_empty_encounter_comment_is_refused_and_not_stored(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An empty encounter comment is a BadRequest and the encounter gains no comment."""
    patient, encounter = await _an_encounter(welkin_emulator)
    async with connect() as client:
        comments = client.encounters(patient).comments(encounter)
        before = await comments.list()
        with pytest.raises(BadRequest):
            await comments.create("")
        assert await comments.list() == before


@EMULATOR
async def test_an_encounter_comment_under_another_patient_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Comments of an encounter read under a patient it does not belong to are NotFound."""
    patient, encounter = await _an_encounter(welkin_emulator)
    other = next(p for p in acme_live(welkin_emulator).patients.ids() if p != patient)
    async with connect() as client:
        with pytest.raises(NotFound):
            await client.encounters(other).comments(encounter).list()


@EMULATOR
async def test_an_encounter_comment_repr_and_errors_keep_its_text_out(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A created comment's repr does not show its text, nor does the NotFound of its replace
    after deletion."""
    patient, encounter = await _an_encounter(welkin_emulator)
    async with connect() as client:
        comments = client.encounters(patient).comments(encounter)
        comment = await comments.create(SECRET)
        assert SECRET not in repr(comment)
        await comments.delete(str(comment.id))
        with pytest.raises(NotFound) as raised:
            await comments.replace(str(comment.id), SECRET)
    assert SECRET not in str(raised.value)
    assert patient not in str(raised.value)


@EMULATOR
async def test_an_unknown_full_encounter_status_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A full-encounter list filtered by a status the server does not know is a BadRequest."""
    patient, _ = await _an_encounter(welkin_emulator)
    async with connect() as client:
        with pytest.raises(BadRequest):
            await _drain(aiter(client.encounters(patient).list_full(statuses=["NOPE"])))


@EMULATOR
async def test_a_task_repr_shows_no_names_or_comments(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A task's repr shows neither its name, its description, its comments nor its people."""
    user = _users(welkin_emulator)[0]
    async with connect() as client:
        task = await client.tasks.create(
            name=SECRET,
            description=SECRET,
            status="TODO",
            priority="LOW",
            assignee={"id": user["id"]},
            comments=[{"text": SECRET}],
        )
    shown = repr(task)
    assert SECRET not in shown
    assert user["firstName"] not in shown


def _messages(emulator: WelkinEmulator) -> str:
    messages = acme_live(emulator).messages
    tables = {"emails": messages.emails.rows, "sms": messages.sms.rows}
    return json.dumps(tables, sort_keys=True, default=str)


@EMULATOR
async def test_an_sms_to_an_unknown_patient_is_not_found_and_not_stored(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A text message to a patient id that names no one is NotFound, its text out of the error,
    and no message is stored."""
    before = _messages(welkin_emulator)
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.sms(UID).send(SECRET)
    assert SECRET not in str(raised.value)
    assert _messages(welkin_emulator) == before


@EMULATOR
async def test_an_sms_scheduled_in_the_past_is_refused_and_not_stored(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A text message scheduled before now is a BadRequest naming the field, not the text, and
    no message is stored."""
    patient = acme_live(welkin_emulator).patients.ids()[0]
    before = _messages(welkin_emulator)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.sms(patient).send(SECRET, scheduled_at=AWARE)
    assert SECRET not in str(raised.value)
    assert patient not in str(raised.value)
    assert _messages(welkin_emulator) == before


FAR = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-14)))  # year 10000 in UTC
FAR_SENDS: dict[str, Callable[[str], Call]] = {
    "email": lambda patient: lambda c: c.emails(patient).send("s", SECRET, scheduled_at=FAR),
    "sms": lambda patient: lambda c: c.sms(patient).send(SECRET, scheduled_at=FAR),
}


@EMULATOR
@pytest.mark.parametrize(
    "kind",
    ["email", "sms"],
)
async def test_a_message_scheduled_past_the_calendar_is_refused_and_not_stored(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: str
) -> None:
    """A message scheduled at an instant past year 9999 in UTC is a BadRequest, never a 500,
    and no message is stored."""
    patient = acme_live(welkin_emulator).patients.ids()[0]
    before = _messages(welkin_emulator)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await FAR_SENDS[kind](patient)(client)
    assert SECRET not in str(raised.value)
    assert _messages(welkin_emulator) == before


@EMULATOR
async def test_editing_a_sent_email_is_refused_and_changes_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Changing the subject of an email already sent is a BadRequest and the email keeps its
    subject; neither subject is in the error's text."""
    patient = acme_live(welkin_emulator).patients.ids()[0]
    async with connect() as client:
        email = await client.emails(patient).send("first subject", "body")
        before = _messages(welkin_emulator)
        with pytest.raises(BadRequest) as raised:
            await client.emails(patient).update(str(email.id), subject=SECRET)
    assert SECRET not in str(raised.value)
    assert _messages(welkin_emulator) == before


@EMULATOR
@pytest.mark.parametrize("message_id", ["x", UID, "a/b", "..."])
async def test_an_unknown_unrecognized_message_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect, message_id: str
) -> None:
    """Deleting or starring an unrecognized email or text message that does not exist is
    NotFound, and nothing is removed."""
    before = _messages(welkin_emulator)
    async with connect() as client:
        with pytest.raises(NotFound):
            await client.unrecognized.emails.delete(message_id)
        with pytest.raises(NotFound):
            await client.unrecognized.sms.star(message_id, True)
    assert _messages(welkin_emulator) == before


@EMULATOR
@pytest.mark.parametrize("name", ["a/b", "a?b#c", "a%2Fb", " ", "...", "\u00e9" * 500])
async def test_a_draft_item_with_an_awkward_name_round_trips(
    welkin_emulator: WelkinEmulator, connect: Connect, name: str
) -> None:
    """A draft encounter template named with a slash, query syntax, an escape or a long
    non-ASCII name is read and deleted by that name, never another item."""
    async with connect() as client:
        await client.formations.draft.create_encounter_template({"name": name})
        assert (await client.formations.encounter_template(name, version="draft")).name == name
        await client.formations.draft.delete_encounter_template(name)
        with pytest.raises(NotFound):
            await client.formations.encounter_template(name, version="draft")


@EMULATOR
async def test_removing_a_user_who_is_not_watching_is_not_found_and_changes_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Removing a watcher who is not watching is NotFound and the task is unchanged; adding
    one already watching keeps them once."""
    user = _users(welkin_emulator)[0]["id"]
    async with connect() as client:
        task = await client.tasks.create(
            name="n", status="TODO", priority="LOW", assignee={"id": user}, watchers=[{"id": user}]
        )
        before = _task_snapshot(welkin_emulator)
        with pytest.raises(NotFound):
            await client.tasks.remove_watcher(str(task.id), UID)
        assert _task_snapshot(welkin_emulator) == before
        again = await client.tasks.add_watcher(str(task.id), user.upper())
    watchers: Any = again.watchers
    assert [str(w.id) for w in watchers] == [user]


@EMULATOR
async def test_replacing_an_encounter_comment_with_nothing_is_refused_and_keeps_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Replacing a comment's text with an empty one is a BadRequest and the comment keeps its
    text."""
    patient, encounter = await _an_encounter(welkin_emulator)
    async with connect() as client:
        comments = client.encounters(patient).comments(encounter)
        comment = await comments.create("kept")
        with pytest.raises(BadRequest):
            await comments.replace(str(comment.id), "")
        assert (await comments.get(str(comment.id))).text == "kept"


# role: analyst reads patients, encounters, formations and exports only
REFUSED: dict[str, Callable[[WelkinEmulator], Call]] = {
    "task_create": lambda e: (
        lambda c: c.tasks.create(
            name=SECRET, status="TODO", priority="LOW", assignee={"id": _users(e)[0]["id"]}
        )
    ),
    "draft_create": lambda e: (
        lambda c: c.formations.draft.create_dictionary(
            {"name": SECRET, "fields": [{"name": "value", "type": "text"}]}
        )
    ),
    "territories": lambda e: lambda c: c.users.replace_territories(_users(e)[0]["id"], []),
    "dictionary_add": lambda e: lambda c: c.dictionaries("cpt").create([{"value": SECRET}]),
    "comment_create": lambda e: (
        lambda c: (
            c.encounters(next(iter(acme_live(e).encounters.rows.values()))["patientId"])
            .comments(next(iter(acme_live(e).encounters.rows)))
            .create(SECRET)
        )
    ),
    "security_audit": lambda e: lambda c: _drain(aiter(c.audits.security())),
}


def _state(emulator: WelkinEmulator) -> str:
    user = _users(emulator)[0]["id"]
    live = acme_live(emulator)
    return "|".join(
        [
            json.dumps(_task_snapshot(emulator), sort_keys=True),
            _access(emulator, user),
            _records(emulator, "cpt"),
            json.dumps(live.encounter_comments.rows, sort_keys=True, default=str),
            json.dumps(sorted(emulator.tenant("acme").dictionaries)),
        ]
    )


@EMULATOR
@pytest.mark.parametrize("name", sorted(REFUSED))
async def test_a_role_without_the_permission_is_refused_and_nothing_is_written(
    welkin_emulator: WelkinEmulator, connect: Connect, name: str
) -> None:
    """A role without the family's permission gets PermissionDenied, whose text quotes nothing
    sent, and no table changes."""
    call = REFUSED[name](welkin_emulator)
    before = _state(welkin_emulator)
    async with connect(role="analyst") as client:
        with pytest.raises(PermissionDenied) as raised:
            await call(client)
    assert SECRET not in str(raised.value)
    assert _state(welkin_emulator) == before


# --- the emulator, straight: raw requests ---------------------------------------------------------


async def _token(session: aiohttp.ClientSession, emulator: WelkinEmulator) -> str:
    credentials = emulator.credentials("acme", "admin", kind="api_client")
    async with session.post(
        f"{emulator.url}/acme/admin/api_clients/{credentials.client_name}",
        json={"secret": credentials.secret},
    ) as response:
        token: str = (await response.json())["token"]
        return token


async def _raw(
    emulator: WelkinEmulator,
    method: str,
    path: str,
    *,
    params: dict[str, str] | None = None,
    data: bytes | None = None,
    content_type: str = "application/json",
) -> tuple[int, Any]:
    """One raw request to the acme live environment (or its admin API for ``admin/...``)."""
    async with aiohttp.ClientSession() as session:
        token = await _token(session, emulator)
        root = "acme" if path.startswith("admin/") else "acme/live"
        headers = {"Authorization": f"Bearer {token}"}
        if data is not None:
            headers["Content-Type"] = content_type
        async with session.request(
            method, f"{emulator.url}/{root}/{path}", params=params, data=data, headers=headers
        ) as response:
            raw = await response.read()
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
            return response.status, body


def _is_error_array(body: Any) -> bool:
    return (
        isinstance(body, list)
        and len(body) == 1
        and isinstance(body[0], dict)
        and {"errorCode", "componentType", "message", "details"} <= set(body[0])
    )


BAD_QUERIES: list[tuple[str, dict[str, str]]] = [
    ("tasks", {"assigneeId": "me"}),
    ("tasks", {"relatedUserId": "../x"}),
    ("tasks", {"status": ","}),
    ("tasks", {"status": "TODO,BLOCKED"}),
    ("tasks", {"priority": "urgent"}),
    ("tasks", {"dueDate": "tomorrow"}),
    ("tasks", {"dueBefore": "2025-01-01T00:00:00"}),
    ("tasks", {"dueBefore": "2025-13-01T00:00:00Z"}),
    ("tasks", {"page": "-1"}),
    ("tasks", {"size": "many"}),
    ("tasks", {"size": "99999999999999999999999"}),
    ("dictionaries/cpt", {"showDeleted": "maybe"}),
    ("dictionaries/cpt", {"dateStart": "yesterday"}),
    ("admin/audit-security", {"subjectActor": "ROBOT"}),
    ("admin/audit-security", {"dateEnd": "NaN"}),
    ("admin/audit-security", {"page": "NaN"}),
]


@EMULATOR
@pytest.mark.parametrize(("path", "params"), BAD_QUERIES, ids=str)
async def test_a_bad_query_value_is_a_400_error_array(
    welkin_emulator: WelkinEmulator, path: str, params: dict[str, str]
) -> None:
    """A query value the route cannot read is a 400 with the documented error array."""
    status, body = await _raw(welkin_emulator, "GET", path, params=params)
    assert status == 400, body
    assert _is_error_array(body), body


@EMULATOR
@pytest.mark.parametrize("instant", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_a_due_date_filter_at_the_calendar_ends_is_no_500(
    welkin_emulator: WelkinEmulator, instant: str
) -> None:
    """A ``dueDate`` whose UTC day falls outside years 1-9999 is a 400 error array (or an empty
    page), never a 500."""
    status, body = await _raw(welkin_emulator, "GET", "tasks", params={"dueDate": instant})
    assert status < 500, body
    assert status == 200 or _is_error_array(body)


async def _first_goal_path(emulator: WelkinEmulator) -> str:
    patient = acme_live(emulator).patients.ids()[0]
    return f"patients/{patient}/care-plan/goals"


@EMULATOR
async def test_an_unknown_goal_status_query_is_a_400(welkin_emulator: WelkinEmulator) -> None:
    """Goals filtered by an unknown status are a 400 error array."""
    path = await _first_goal_path(welkin_emulator)
    status, body = await _raw(welkin_emulator, "GET", path, params={"status": "PAUSED"})
    assert status == 400, body
    assert _is_error_array(body), body


@EMULATOR
async def test_full_encounters_with_a_bad_flag_is_a_400(welkin_emulator: WelkinEmulator) -> None:
    """A full-encounter list with ``onlyWithCalendarEvent=maybe`` is a 400 error array."""
    patient, _ = await _an_encounter(welkin_emulator)
    status, body = await _raw(
        welkin_emulator,
        "GET",
        f"patients/{patient}/full-encounters",
        params={"onlyWithCalendarEvent": "maybe"},
    )
    assert status == 400, body
    assert _is_error_array(body), body


@EMULATOR
async def test_a_chat_archive_date_that_is_not_a_date_is_a_400(
    welkin_emulator: WelkinEmulator,
) -> None:
    """A chat archive with ``archiveDate=soon`` is a 400 error array."""
    patient = acme_live(welkin_emulator).patients.ids()[0]
    status, body = await _raw(
        welkin_emulator, "POST", f"patients/{patient}/chat/archive", params={"archiveDate": "soon"}
    )
    assert status == 400, body
    assert _is_error_array(body), body


WRONG_BODIES: list[tuple[str, str, bytes, str]] = [
    ("PATCH", "tasks", b"[]", "application/json"),
    ("PATCH", "tasks", b'{"taskIds": "all", "status": "TODO"}', "application/json"),
    ("POST", "tasks", b'{"name": "n"}', "text/plain"),
    ("POST", "tasks", b"name=n&status=TODO", "application/x-www-form-urlencoded"),
    ("POST", "dictionaries/cpt", b"null", "application/json"),
    ("POST", "dictionaries/cpt", b'{"records": [{"values": ["1"]}]}', "application/json"),
    ("PUT", "admin/user-territories/{user}", b'"west"', "application/json"),
    ("PUT", "admin/user-permissions/{user}", b'{"permissions": {}}', "application/json"),
    ("PUT", "admin/application-accesses/{user}", b"{", "application/json"),
    ("POST", "formations/draft/programs", b'{"name": 5, "phases": []}', "application/json"),
    ("PUT", "formations/draft/encounter-disposition", b"[]", "application/json"),
]


@EMULATOR
@pytest.mark.parametrize(
    ("method", "path", "data", "content_type"), WRONG_BODIES, ids=lambda v: str(v)[:40]
)
async def test_a_body_of_the_wrong_shape_or_type_is_a_4xx_error_array(
    welkin_emulator: WelkinEmulator, method: str, path: str, data: bytes, content_type: str
) -> None:
    """A body of the wrong JSON type, not JSON, or sent as another media type is a 4xx with the
    documented error array, never a 500."""
    user = _users(welkin_emulator)[0]["id"]
    status, body = await _raw(
        welkin_emulator,
        method,
        path.format(user=user),
        data=data,
        content_type=content_type,
    )
    assert 400 <= status < 500, body
    assert _is_error_array(body), body


@EMULATOR
async def test_a_goal_patch_with_nothing_to_change_leaves_the_goal_alone(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A raw PATCH of ``{}`` on a goal answers it unchanged, as an empty task PATCH does: not
    even ``updatedAt`` moves."""
    async with connect() as client:
        patient, goal = await _a_goal(welkin_emulator, client)
        before = _goal_state(welkin_emulator)
    status, _ = await _raw(
        welkin_emulator, "PATCH", f"patients/{patient}/care-plan/goals/{goal}", data=b"{}"
    )
    assert status == 200
    assert _goal_state(welkin_emulator) == before


MULTIPART_LIES: dict[str, dict[str, str]] = {
    "scheduled_not_a_date": {"subject": "s", "body": "b", "scheduledAt": "soon"},
    "secure_not_a_flag": {"subject": "s", "body": "b", "secure": "maybe"},
    "send_now_not_a_flag": {"subject": "s", "body": "b", "sendNow": "2"},
    "no_subject": {"body": "b"},
    "unknown_field": {"subject": "s", "body": "b", "colour": "red"},
    "another_receiver": {"subject": "s", "body": "b", "receiver": UID},
}


@EMULATOR
@pytest.mark.parametrize("name", sorted(MULTIPART_LIES))
async def test_a_multipart_email_with_a_bad_field_is_a_400_error_array(
    welkin_emulator: WelkinEmulator, name: str
) -> None:
    """An email sent as multipart with an attachment and a field the route cannot take is a 400
    error array, and no email is stored."""
    patient = acme_live(welkin_emulator).patients.ids()[0]
    fields = {"receiver": patient, **MULTIPART_LIES[name]}
    before = _messages(welkin_emulator)
    form = aiohttp.FormData()
    for key, value in fields.items():
        form.add_field(key, value)
    form.add_field("attachmentsAsFiles", b"%PDF-1.7", filename="a.pdf")
    async with aiohttp.ClientSession() as session:
        token = await _token(session, welkin_emulator)
        async with session.post(
            f"{welkin_emulator.url}/acme/live/patients/{patient}/emails",
            data=form,
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            status, body = response.status, await response.json(content_type=None)
    assert status == 400, body
    assert _is_error_array(body), body
    assert _messages(welkin_emulator) == before


@EMULATOR
@pytest.mark.parametrize(
    "data",
    [b"garbage", b"--xx\r\nContent-Disposition: form-data\r\n\r\nv\r\n--xx--\r\n"],
    ids=["no-boundary", "nameless-part"],
)
async def test_a_malformed_multipart_email_is_a_400_error_array(
    welkin_emulator: WelkinEmulator, data: bytes
) -> None:
    """A multipart email body without a boundary, or with a nameless part, is a 400 error
    array."""
    patient = acme_live(welkin_emulator).patients.ids()[0]
    content_type = "multipart/form-data" + ("; boundary=xx" if data.startswith(b"--") else "")
    status, body = await _raw(
        welkin_emulator,
        "POST",
        f"patients/{patient}/emails",
        data=data,
        content_type=content_type,
    )
    assert status == 400, body
    assert _is_error_array(body), body
