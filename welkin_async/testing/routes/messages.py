"""A patient's messages: emails and text messages (Spring pages, one by id), and the chat.

- ``GET .../emails`` and ``.../sms`` list the patient's messages in the order they were stored;
  ``.../emails/{id}`` and ``.../sms/{id}`` answer one, or 404 ``EMAIL_NOT_FOUND`` /
  ``SMS_NOT_FOUND`` (also for another patient's).
- ``GET .../chat?includeArchived&pageSize`` pages the chat newest first. ``nextPageToken`` leads
  to older messages, ``prevPageToken`` to newer ones; a token names the border message of the
  page it came from, so a scan only ever moves away from where it started and ends. A token
  goes instead of ``pageSize`` (it carries the size), beside ``includeArchived``.
- ``GET .../chat/search?query&pageSize&contentPageSize&includeArchived`` pages the messages whose
  text holds ``query`` (case-insensitively), newest first; each hit carries the tokens of the
  chat pages around it (``contentPageSize`` messages), for ``GET .../chat?pageToken=``. A search
  token goes alone: it carries the query and the sizes.
- ``POST .../chat/inbound`` ``{"message": ...}`` adds a message from the patient; the answer
  names the patient (``patientFullName``), the chat lists it without the name, as recorded.

A token this emulator did not issue for the list, or given with the parameters it replaces, is
a 400 (``INVALID_PAGE_TOKEN``, ``INVALID_PAGE_REQUEST``), as is a missing ``query``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from welkin_async.testing._errors import ApiFailure, bad_request, not_found
from welkin_async.testing._messages import (
    FIND,
    PATIENT,
    SEARCH,
    BadToken,
    Messages,
    chat_row,
    decode_token,
    encode_token,
    neighbours,
    participant,
    window,
)
from welkin_async.testing._pagination import (
    DEFAULT_PAGE_SIZE,
    page_request,
    page_size,
    spring_page,
)
from welkin_async.testing._query import flag
from welkin_async.testing._records import full_name
from welkin_async.testing._routing import Call, QueryParam, Reply, Route, bytes_reply, json_reply
from welkin_async.testing._store import ChildIndex, Row, Table
from welkin_async.testing.routes._common import patient, render
from welkin_async.testing.routes._shapes import PAGE_PARAMS, array, ref
from welkin_async.testing.routes._shapes import spring_page as spring_shape

RESOURCE = "messages"
Position = tuple[int, str]


# --- emails and text messages --------------------------------------------------------------------


def _listing(pick: Callable[[Messages], tuple[Table, ChildIndex]]) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        patient_id = patient(call)["id"]
        table, index = pick(call.env.messages)
        page = page_request(call.query, call.backend.max_page_size)
        ids = index.of(patient_id)
        chosen = [ids[i] for i in page.slice(len(ids))]
        return bytes_reply(spring_page(render(table, chosen), len(ids), page))

    return handler


def _one(
    pick: Callable[[Messages], tuple[Table, ChildIndex]], param: str, code: str, component: str
) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        patient_id = patient(call)["id"]
        table, index = pick(call.env.messages)
        row_id = call.params[param]
        if row_id not in table or row_id not in index.of(patient_id):
            raise not_found(code, component, f"No such {component.lower()} of the patient")
        return bytes_reply(table.render(row_id))

    return handler


def _emails(messages: Messages) -> tuple[Table, ChildIndex]:
    return messages.emails, messages.emails_of


def _sms(messages: Messages) -> tuple[Table, ChildIndex]:
    return messages.sms, messages.sms_of


# --- chat ----------------------------------------------------------------------------------------


def _exclusive(call: Call, token_name: str, others: tuple[str, ...]) -> None:
    given = [name for name in others if name in call.query]
    if token_name in call.query and given:
        raise bad_request(
            "INVALID_PAGE_REQUEST",
            "PAGINATION",
            f"'{token_name}' goes without {', '.join(given)}",
            parameter=token_name,
        )


def _bad_token() -> ApiFailure:
    return bad_request(
        "INVALID_PAGE_TOKEN", "PAGINATION", "The page token is not valid", parameter="pageToken"
    )


def _decoded(token: str, kind: str) -> tuple[dict[str, Any], Position]:
    """A token's fields and its border position; a 400 for a token not issued for this list."""
    try:
        fields = decode_token(token, kind)
    except BadToken:
        raise _bad_token() from None
    at_ms, message_id = fields["border"]
    return fields, (at_ms, message_id)


def _find_token(border: Position | None, before: bool, size: int) -> str | None:
    if border is None:
        return None
    return encode_token({"type": FIND, "pageSize": size, "border": list(border), "before": before})


def _token_meta(
    positions: list[Position], page: list[Position], size: int, make: Callable[..., str | None]
) -> dict[str, Any]:
    older, newer = neighbours(positions, page)
    return {
        "nextPageToken": make(older, True, size),
        "prevPageToken": make(newer, False, size),
        "pageSize": size,
        "found": bool(page),
    }


def _listed(row: Row) -> Row:
    """A chat message as the chat list serves it: without its receiver."""
    return {key: value for key, value in row.items() if key != "receiver"}


def list_chat(call: Call) -> Reply:
    patient_id = patient(call)["id"]
    _exclusive(call, "pageToken", ("pageSize",))
    include_archived = flag(call.query, "includeArchived", "CHAT")
    token = call.query.get("pageToken")
    if token is None:
        size = page_size(call.query, "pageSize", DEFAULT_PAGE_SIZE, call.backend.max_page_size)
        border: Position | None = None
        before = True
    else:
        fields, border = _decoded(token, FIND)
        size = min(fields["pageSize"], call.backend.max_page_size)
        before = fields["before"]
    messages = call.env.messages
    positions = messages.chat_positions(patient_id, include_archived=include_archived)
    page = window(positions, border, before, size)
    rows = messages.chat.rows
    return json_reply(
        {
            "meta": _token_meta(positions, page, size, _find_token),
            "content": [_listed(rows[message_id]) for _, message_id in page],
        }
    )


def _search_request(call: Call) -> dict[str, Any]:
    """The search's query, sizes and archive flag: from its token, or from the parameters."""
    _exclusive(call, "pageToken", ("query", "pageSize", "contentPageSize", "includeArchived"))
    token = call.query.get("pageToken")
    if token is not None:
        fields, border = _decoded(token, SEARCH)
        valid = (
            isinstance(fields.get("query"), str)
            and type(fields.get("contentPageSize")) is int
            and fields["contentPageSize"] >= 1
            and isinstance(fields.get("archived"), bool)
        )
        if not valid:
            raise _bad_token()
        return {**fields, "border": border}
    query = (call.query.get("query") or "").strip()
    if not query:
        raise bad_request("INVALID_PARAMETER", "CHAT", "'query' is required", parameter="query")
    maximum = call.backend.max_page_size
    return {
        "query": query,
        "pageSize": page_size(call.query, "pageSize", DEFAULT_PAGE_SIZE, maximum),
        "contentPageSize": page_size(call.query, "contentPageSize", DEFAULT_PAGE_SIZE, maximum),
        "archived": flag(call.query, "includeArchived", "CHAT"),
        "border": None,
        "before": True,
    }


def search_chat(call: Call) -> Reply:
    patient_id = patient(call)["id"]
    search = _search_request(call)
    messages = call.env.messages
    rows = messages.chat.rows
    wanted = search["query"].casefold()
    positions = [
        position
        for position in messages.chat_positions(patient_id, include_archived=search["archived"])
        if wanted in str(rows[position[1]].get("message") or "").casefold()
    ]
    size = min(search["pageSize"], call.backend.max_page_size)
    page = window(positions, search["border"], search["before"], size)
    around = min(search["contentPageSize"], call.backend.max_page_size)

    def search_token(at: Position | None, before: bool, size: int) -> str | None:
        if at is None:
            return None
        fields = {
            "type": SEARCH,
            "pageSize": size,
            "border": list(at),
            "before": before,
            "query": search["query"],
            "contentPageSize": around,
            "archived": search["archived"],
        }
        return encode_token(fields)

    hits = [
        {
            "meta": {
                "nextPageToken": _find_token(position, True, around),
                "prevPageToken": _find_token(position, False, around),
            },
            "message": rows[position[1]],
        }
        for position in page
    ]
    return json_reply({"meta": _token_meta(positions, page, size, search_token), "content": hits})


def send_inbound(call: Call) -> Reply:
    row = patient(call)
    body = call.json_object()
    text = body.get("message")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("INVALID_REQUEST_BODY", "REQUEST", "$.message is empty", path="$.message")
    stamp = call.stamp()
    message_id = "IM" + call.backend.new_id().replace("-", "")
    stored = chat_row(message_id, text, stamp, participant(PATIENT, row["id"]))
    call.env.messages.add_chat(row["id"], stored, stamp, stamp)
    sender = {**stored["sender"], "patientFullName": full_name(row)}
    return json_reply({**stored, "sender": sender})


# --- the table -----------------------------------------------------------------------------------

_P = "/patients/{patient_id}"


def _token_page(item: Mapping[str, Any]) -> Mapping[str, Any]:
    return {"allOf": [ref("token_page.json"), {"properties": {"content": array(item)}}]}


_BOOLEAN = {"type": "boolean"}
_SIZE = {"type": "integer", "minimum": 1}
_TOKEN = QueryParam(
    "pageToken", {"type": "string"}, "a token of an earlier page (without the other parameters)"
)
ROUTES = (
    Route(
        "GET",
        _P + "/emails",
        _listing(_emails),
        "List the patient's emails",
        RESOURCE,
        "read",
        responses={200: spring_shape(ref("email.json"))},
        query=PAGE_PARAMS,
    ),
    Route(
        "GET",
        _P + "/emails/{email_id}",
        _one(_emails, "email_id", "EMAIL_NOT_FOUND", "EMAIL"),
        "One of the patient's emails",
        RESOURCE,
        "read",
        responses={200: ref("email.json")},
    ),
    Route(
        "GET",
        _P + "/sms",
        _listing(_sms),
        "List the patient's text messages",
        RESOURCE,
        "read",
        responses={200: spring_shape(ref("sms_message.json"))},
        query=PAGE_PARAMS,
    ),
    Route(
        "GET",
        _P + "/sms/{sms_id}",
        _one(_sms, "sms_id", "SMS_NOT_FOUND", "SMS"),
        "One of the patient's text messages",
        RESOURCE,
        "read",
        responses={200: ref("sms_message.json")},
    ),
    Route(
        "GET",
        _P + "/chat",
        list_chat,
        "The patient's chat, newest first",
        RESOURCE,
        "read",
        responses={200: _token_page(ref("chat_message.json"))},
        query=(
            QueryParam("includeArchived", _BOOLEAN, "include archived messages"),
            QueryParam("pageSize", _SIZE, "messages per page (default 20)"),
            _TOKEN,
        ),
    ),
    Route(
        "GET",
        _P + "/chat/search",
        search_chat,
        "Search the patient's chat, newest first",
        RESOURCE,
        "read",
        responses={200: _token_page(ref("chat_search_hit.json"))},
        query=(
            QueryParam("query", {"type": "string"}, "text to find (case-insensitive)"),
            QueryParam("pageSize", _SIZE, "hits per page (default 20)"),
            QueryParam("contentPageSize", _SIZE, "messages per page around each hit"),
            QueryParam("includeArchived", _BOOLEAN, "include archived messages"),
            _TOKEN,
        ),
    ),
    Route(
        "POST",
        _P + "/chat/inbound",
        send_inbound,
        "Send a message from the patient to the care team",
        RESOURCE,
        "create",
        request_body="chat_inbound.json",
        responses={200: ref("chat_message.json")},
    ),
)
