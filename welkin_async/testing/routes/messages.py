"""A patient's messages: emails and text messages (Spring pages, one by id), and the chat.

- ``GET .../emails`` and ``.../sms`` list the patient's messages in the order they were stored,
  or as ``sort=field[,asc|desc]`` asks (nulls last; 400 ``INVALID_SORT`` for another field),
  kept by the filters given: ``search`` (text in the subject or body, the message), ``sender``
  and ``receiver`` (ids), ``from``, ``to`` and ``email``/``phone`` (either address; any case),
  ``senderName`` and ``receiverName`` (text in them), ``direction`` and ``status``
  (comma-separated; 400 ``INVALID_PARAMETER`` for a value they cannot take), ``starred``.
  ``.../emails/{id}`` and ``.../sms/{id}`` answer one, or 404 ``EMAIL_NOT_FOUND`` /
  ``SMS_NOT_FOUND`` (also for another patient's).
- ``POST .../emails`` (JSON, or ``multipart/form-data`` with the same fields as text and files
  under ``attachmentsAsFiles``) and ``POST .../sms`` send a message to the patient from the API
  client (201): at once with ``sendNow`` (``ACCEPTED``), else ``SCHEDULED`` for a
  ``scheduledAt`` to come (400 ``MISSING_SCHEDULED_AT``, ``SCHEDULED_AT_IN_PAST``). The
  ``receiver`` is the path's patient (400 ``INVALID_RECEIVER`` otherwise), who needs an address
  or number (400 ``PATIENT_HAS_NO_EMAIL`` / ``_PHONE``). ``sendNow`` is a trigger: the stored
  message says false, as the vendor's answers do. A SCHEDULED message stays so (nothing here
  delivers it) until an update sends it.
- ``PUT .../emails/{id}`` and ``.../sms/{id}`` change the fields given, as the message's state
  allows (:meth:`~welkin_async.testing._messages.Kind.editable`; 400 ``EMAIL_NOT_EDITABLE`` /
  ``SMS_NOT_EDITABLE`` naming the status and fields otherwise): ``sender`` assigns an inbound
  message to that patient (404 ``PATIENT_NOT_FOUND`` if there is none), moving it to their
  list; an UNRECOGNISED one becomes DELIVERED (an email) or RECEIVED (a text message).
  ``DELETE`` removes a SCHEDULED or UNRECOGNISED one (204; 400 ``EMAIL_NOT_DELETABLE`` /
  ``SMS_NOT_DELETABLE`` otherwise).
- ``/unrecognized-patients/emails`` and ``/unrecognized-patients/sms`` (and ``/{id}``) list,
  read, update (assign) and delete the messages no patient's address or number matched, alike.
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

- ``POST .../chat/archive?archiveDate=`` archives the messages posted before that instant,
  ``POST .../chat/restore`` brings every archived one back (both 204; the vendor answers no body
  it documents).

A token this emulator did not issue for the list, or given with the parameters it replaces, is
a 400 (``INVALID_PAGE_TOKEN``, ``INVALID_PAGE_REQUEST``), as is a missing ``query`` or
``archiveDate``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from welkin_async.testing._clock import iso_ms, parse_iso_ms
from welkin_async.testing._errors import ApiFailure, bad_request, not_found
from welkin_async.testing._messages import (
    ACCEPTED,
    EMAIL,
    FIND,
    IN,
    OUT,
    OUTBOUND_NUMBER,
    PATIENT,
    SCHEDULED,
    SEARCH,
    SMS,
    UNRECOGNISED,
    UNRECOGNIZED,
    BadToken,
    Exchange,
    Kind,
    attachment_entry,
    chat_row,
    decode_token,
    email_row,
    encode_token,
    neighbours,
    participant,
    sms_parts,
    sms_row,
    window,
)
from welkin_async.testing._pagination import (
    DEFAULT_PAGE_SIZE,
    page_request,
    page_size,
    spring_page,
)
from welkin_async.testing._query import flag, instant, one_of, sort_by
from welkin_async.testing._records import full_name
from welkin_async.testing._routing import (
    NO_CONTENT,
    Call,
    QueryParam,
    Reply,
    Route,
    bytes_reply,
    json_reply,
)
from welkin_async.testing._schemas import validate
from welkin_async.testing._store import Row
from welkin_async.testing.routes._common import actor, form_parts, patient, render
from welkin_async.testing.routes._shapes import PAGE_PARAMS, array, ref
from welkin_async.testing.routes._shapes import spring_page as spring_shape

RESOURCE = "messages"
Position = tuple[int, str]
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_EMAIL_BYTES = 25 * 1024 * 1024
# What ``sort`` may name, besides the kind's texts.
_SORTABLE = (
    "date",
    "scheduledAt",
    "sentAt",
    "receivedAt",
    "status",
    "direction",
    "starred",
    "from",
    "to",
    "senderName",
    "receiverName",
)


# --- emails and text messages --------------------------------------------------------------------


def _owner(call: Call) -> str | None:
    """The patient the path names (a 404 if there is none), or ``UNRECOGNIZED``."""
    return patient(call)["id"] if "patient_id" in call.params else UNRECOGNIZED


def _message(call: Call, kind: Kind, param: str) -> tuple[str | None, Row]:
    """The message the path names and whose it is: a 404 if it is not under that patient (or
    among the unrecognized ones)."""
    owner = _owner(call)
    row_id = call.params[param]
    row = kind.table(call.env.messages).get(row_id)
    if row is None or row_id not in kind.index(call.env.messages).of(owner):
        raise not_found(f"{kind.component}_NOT_FOUND", kind.component, "No such message here")
    return owner, row


def _contains(wanted: str) -> Callable[[Any], bool]:
    folded = wanted.casefold()
    return lambda value: isinstance(value, str) and folded in value.casefold()


def _equals(wanted: str) -> Callable[[Any], bool]:
    folded = wanted.casefold()
    return lambda value: isinstance(value, str) and value.casefold() == folded


def _filters(call: Call, kind: Kind) -> list[Callable[[Row], bool]]:
    """One test per filter the query gives (every one must hold)."""
    query = call.query
    tests: list[Callable[[Row], bool]] = []

    def on(fields: tuple[str, ...], match: Callable[[Any], bool]) -> None:
        tests.append(lambda row: any(match(row.get(field)) for field in fields))

    if "search" in query:
        on(kind.texts, _contains(query["search"]))
    for name in ("sender", "receiver", "from", "to"):
        if name in query:
            on((name,), _equals(query[name]))
    if kind.contact in query:
        on(("from", "to"), _equals(query[kind.contact]))
    for name in ("senderName", "receiverName"):
        if name in query:
            on((name,), _contains(query[name]))
    directions = one_of(query, "direction", (IN, OUT), kind.component)
    if directions is not None:
        tests.append(lambda row: row["direction"] in directions)
    statuses = one_of(query, "status", sorted(kind.statuses), kind.component)
    if statuses is not None:
        tests.append(lambda row: row["status"] in statuses)
    if "starred" in query:
        starred = flag(query, "starred", kind.component)
        tests.append(lambda row: bool(row["starred"]) is starred)
    return tests


def _sort_keys(kind: Kind) -> dict[str, Callable[[Row], Any]]:
    """What ``sort`` may name on the kind's list, each with the row's value of it."""
    return {field: _value_of(field) for field in (*_SORTABLE, *kind.texts)}


def _value_of(field: str) -> Callable[[Row], Any]:
    return lambda row: row.get(field)


def _listing(kind: Kind) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        owner = _owner(call)
        messages = call.env.messages
        table = kind.table(messages)
        page = page_request(call.query, call.backend.max_page_size)
        tests = _filters(call, kind)
        rows = [table.rows[i] for i in kind.index(messages).of(owner)]
        kept = [row for row in rows if all(t(row) for t in tests)]
        chosen = sort_by(call.query, kept, _sort_keys(kind), kind.component)
        ids = [chosen[i]["id"] for i in page.slice(len(chosen))]
        return bytes_reply(spring_page(render(table, ids), len(chosen), page))

    return handler


def _one(kind: Kind, param: str) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        _, row = _message(call, kind, param)
        return bytes_reply(kind.table(call.env.messages).render(row["id"]))

    return handler


def _when(call: Call, kind: Kind, body: Mapping[str, Any]) -> tuple[bool, str | None]:
    """Whether the body sends now, and when it schedules the message otherwise: a time to come
    (a 400 for one past, or for neither)."""
    if body.get("sendNow") is True:
        return True, None
    text = body.get("scheduledAt")
    if text is None:
        raise bad_request(
            "MISSING_SCHEDULED_AT",
            kind.component,
            "Give sendNow true, or a scheduledAt to send the message at",
            field="scheduledAt",
        )
    try:
        at_ms = parse_iso_ms(str(text))  # the schema checked the format, not the range
    except ValueError:
        raise bad_request(
            "INVALID_REQUEST_BODY",
            kind.component,
            "scheduledAt must be an instant of years 1 to 9999 in UTC",
            field="scheduledAt",
        ) from None
    if at_ms <= call.backend.clock.now_ms():
        raise bad_request(
            "SCHEDULED_AT_IN_PAST", kind.component, "scheduledAt has passed", field="scheduledAt"
        )
    return False, iso_ms(at_ms)


def _check_receiver(kind: Kind, body: Mapping[str, Any], patient_row: Row) -> None:
    """A message goes to the patient of its path, who needs an address (a number) for it."""
    if body.get("receiver", patient_row["id"]) != patient_row["id"]:
        raise bad_request(
            "INVALID_RECEIVER",
            kind.component,
            "The receiver is the path's patient",
            field="receiver",
        )
    if not patient_row.get(kind.contact):
        raise bad_request(
            f"PATIENT_HAS_NO_{kind.contact.upper()}",
            kind.component,
            f"The patient has no {kind.contact} to send to",
            field="receiver",
        )


def _timed(row: Row, send_now: bool, scheduled_at: str | None, now: str) -> Row:
    """``row`` sent at ``now`` (ACCEPTED), or waiting for ``scheduled_at`` (SCHEDULED)."""
    if send_now:
        return {**row, "status": ACCEPTED, "scheduledAt": now, "sentAt": now, "date": now}
    return {**row, "status": SCHEDULED, "scheduledAt": scheduled_at, "sentAt": None, "date": None}


def _written(
    call: Call, kind: Kind, body: Mapping[str, Any], attachments: list[Row] | None, row_id: str
) -> Row:
    """A new outbound message of the path's patient from the body, not yet stored."""
    patient_row = patient(call)
    _check_receiver(kind, body, patient_row)
    send_now, scheduled_at = _when(call, kind, body)
    now_ms = call.backend.clock.now_ms()
    exchange = Exchange(patient_row, actor(call), outbound=True, at_ms=now_ms)
    new_id = call.backend.new_id()
    if kind is EMAIL:
        row = email_row(
            row_id,
            exchange,
            subject=body["subject"],
            body=body["body"],
            external_id=f"{new_id}@{call.tenant.name}.example.org",
            care_address=f"care@{call.tenant.name}.example.org",
            status=ACCEPTED,
            secure=bool(body.get("secure", False)),
            attachments=attachments,
        )
    else:
        external_id = "SM" + new_id.replace("-", "")
        row = sms_row(
            row_id,
            exchange,
            text=body["message"],
            external_id=external_id,
            number=OUTBOUND_NUMBER,
            status=ACCEPTED,
        )
    return _timed(row, send_now, scheduled_at, iso_ms(now_ms))


_ATTACHMENTS = "attachmentsAsFiles"
_FORM_FLAGS = ("sendNow", "secure")


async def _email_form(call: Call, email_id: str) -> tuple[dict[str, Any], list[Row]]:
    """The fields and attachments of an email sent as ``multipart/form-data``: every file under
    ``attachmentsAsFiles``, the fields as text (``true``/``false`` for the flags)."""
    fields: dict[str, Any] = {}
    attachments: list[Row] = []
    parts = form_parts(
        call,
        field=_ATTACHMENTS,
        component=EMAIL.component,
        max_part=MAX_ATTACHMENT_BYTES,
        max_total=MAX_EMAIL_BYTES,
    )
    async for part in parts:
        if part.name == _ATTACHMENTS and part.filename is not None:
            if not part.content:
                raise bad_request(
                    "EMPTY_FILE", "EMAIL", "An attachment is empty", field=_ATTACHMENTS
                )
            attachments.append(
                attachment_entry(
                    call.backend.new_id(),
                    email_id,
                    name=part.filename,
                    content_type=part.content_type,
                    size=len(part.content),
                    env=call.env,
                )
            )
            continue
        text = part.content.decode("utf-8", "replace")
        if part.name in _FORM_FLAGS and text.lower() in ("true", "false"):
            fields[part.name] = text.lower() == "true"
        else:  # as sent: the schema refuses a field the send does not take, or a bad value
            fields[str(part.name)] = text
    return fields, attachments


async def send_email(call: Call) -> Reply:
    patient(call)
    email_id = call.backend.new_id()
    attachments: list[Row] | None = None
    if call.request.content_type == "multipart/form-data":
        body, attachments = await _email_form(call, email_id)
    else:
        try:
            call.body = await call.request.read()
        except web.RequestPayloadError:
            raise bad_request("MALFORMED_JSON", "REQUEST", "The body cannot be read") from None
        body = call.json_object()
    validate("email_send.json", body)
    row = _written(call, EMAIL, body, attachments or None, email_id)
    call.env.messages.add(EMAIL, call.params["patient_id"], row, call.stamp())
    return json_reply(row, 201)


def send_sms(call: Call) -> Reply:
    row = _written(call, SMS, call.json_object(), None, call.backend.new_id())
    call.env.messages.add(SMS, call.params["patient_id"], row, call.stamp())
    return json_reply(row, 201)


# What an update copies as given (once the message's state allows it).
_COPIED = frozenset({"subject", "body", "secure", "message", "starred"})


def _not_editable(kind: Kind, row: Row, names: list[str]) -> ApiFailure:
    return bad_request(
        f"{kind.component}_NOT_EDITABLE",
        kind.component,
        f"A {row['status']} {row['direction']} message cannot change {', '.join(names)}",
        status=row["status"],
        fields=names,
    )


def _assigned(call: Call, kind: Kind, row: Row, owner: str | None, patient_id: str) -> Row:
    """``row`` filed under the patient of ``patient_id`` (a 404 if there is none)."""
    target = call.env.patients.get(patient_id)
    if target is None:
        raise not_found("PATIENT_NOT_FOUND", "PATIENT", "Patient doesn't exist")
    call.env.messages.move(kind, row["id"], owner, patient_id)
    status = kind.received if row["status"] == UNRECOGNISED else row["status"]
    name = full_name(target)
    return {
        **row,
        "sender": patient_id,
        "senderName": name,
        "patientInfo": name,
        "timezone": target.get("timezone"),
        "status": status,
    }


def _update(kind: Kind, param: str) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        owner, row = _message(call, kind, param)
        body = call.json_object()  # the schema checked the names and formats
        refused = sorted(set(body) - kind.editable(row))
        if refused:
            raise _not_editable(kind, row, refused)
        updated = {**row, **{name: body[name] for name in body if name in _COPIED}}
        if row["status"] == SCHEDULED:
            _check_receiver(kind, body, patient(call))
            if "message" in body:
                updated["parts"] = sms_parts(body["message"])
            if body.get("sendNow") is True or "scheduledAt" in body:
                send_now, scheduled_at = _when(call, kind, body)
                now = iso_ms(call.backend.clock.now_ms())
                updated = _timed(updated, send_now, scheduled_at, now)
        if "sender" in body:
            updated = _assigned(call, kind, updated, owner, body["sender"])
        kind.table(call.env.messages).put(row["id"], updated, call.stamp())
        return json_reply(updated)

    return handler


def _delete(kind: Kind, param: str) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        owner, row = _message(call, kind, param)
        if not kind.deletable(row):
            raise bad_request(
                f"{kind.component}_NOT_DELETABLE",
                kind.component,
                "Only a SCHEDULED or UNRECOGNISED message can be deleted",
                status=row["status"],
            )
        call.env.messages.delete(kind, row["id"], owner)
        return NO_CONTENT

    return handler


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


def archive_chat(call: Call) -> Reply:
    patient_id = patient(call)["id"]
    before = instant(call.query, "archiveDate", "CHAT")
    if before is None:
        raise bad_request(
            "MISSING_PARAMETER", "CHAT", "'archiveDate' is required", parameter="archiveDate"
        )
    call.env.messages.archive_chat(patient_id, before)
    return NO_CONTENT


def restore_chat(call: Call) -> Reply:
    call.env.messages.restore_chat(patient(call)["id"])
    return NO_CONTENT


# --- the table -----------------------------------------------------------------------------------

_P = "/patients/{patient_id}"
_UNRECOGNIZED = "/unrecognized-patients"


def _token_page(item: Mapping[str, Any]) -> Mapping[str, Any]:
    return {"allOf": [ref("token_page.json"), {"properties": {"content": array(item)}}]}


_BOOLEAN = {"type": "boolean"}
_DATE_TIME = {"type": "string", "format": "date-time"}
_SIZE = {"type": "integer", "minimum": 1}
_TOKEN = QueryParam(
    "pageToken", {"type": "string"}, "a token of an earlier page (without the other parameters)"
)
_TEXT = {"type": "string"}


def _filter_params(kind: Kind) -> tuple[QueryParam, ...]:
    return (
        QueryParam("search", _TEXT, f"text in the message's {' or '.join(kind.texts)}"),
        QueryParam("sender", _TEXT, "the sender's id"),
        QueryParam("receiver", _TEXT, "the receiver's id"),
        QueryParam("direction", _TEXT, "IN or OUT (comma-separated)"),
        QueryParam("starred", _BOOLEAN, "starred (important) messages only, or none of them"),
        QueryParam("from", _TEXT, "the sending address (any case)"),
        QueryParam("to", _TEXT, "the receiving address (any case)"),
        QueryParam(kind.contact, _TEXT, "either address (any case)"),
        QueryParam("senderName", _TEXT, "text in the sender's name"),
        QueryParam("receiverName", _TEXT, "text in the receiver's name"),
        QueryParam("status", _TEXT, "statuses, comma-separated"),
        QueryParam("sort", _TEXT, "a message field, then ',asc' or ',desc' (nulls last)"),
        *PAGE_PARAMS,
    )


def _message_routes(
    kind: Kind, noun: str, collection: str, param: str, schema: str
) -> tuple[Route, ...]:
    """The routes of one kind of message, under a patient and among the unrecognized ones:
    list, read, update, delete."""
    one = {200: ref(schema)}
    routes = []
    for base, whose in ((_P, "the patient's"), (_UNRECOGNIZED, "an unrecognized sender's")):
        path, item = f"{base}/{collection}", f"{base}/{collection}/{{{param}}}"
        routes += [
            Route(
                "GET",
                path,
                _listing(kind),
                f"List {whose} {noun}s",
                RESOURCE,
                "read",
                responses={200: spring_shape(ref(schema))},
                query=_filter_params(kind),
            ),
            Route(
                "GET", item, _one(kind, param), f"One of {whose} {noun}s", RESOURCE, responses=one
            ),
            Route(
                "PUT",
                item,
                _update(kind, param),
                f"Star, assign or (while SCHEDULED) rewrite one of {whose} {noun}s",
                RESOURCE,
                "update",
                request_body=f"{kind.component.lower()}_update.json",
                responses=one,
            ),
            Route(
                "DELETE",
                item,
                _delete(kind, param),
                f"Delete a SCHEDULED or UNRECOGNISED {noun} of {whose}",
                RESOURCE,
                "delete",
                responses={204: None},
            ),
        ]
    return tuple(routes)


ROUTES = (
    Route(
        "POST",
        _P + "/emails",
        send_email,
        "Send or schedule an email to the patient (JSON, or multipart/form-data with files "
        "under 'attachmentsAsFiles')",
        RESOURCE,
        "create",
        request_body="email_send.json",
        streams_body=True,
        responses={201: ref("email.json")},
    ),
    *_message_routes(EMAIL, "email", "emails", "email_id", "email.json"),
    Route(
        "POST",
        _P + "/sms",
        send_sms,
        "Send or schedule a text message to the patient",
        RESOURCE,
        "create",
        request_body="sms_send.json",
        responses={201: ref("sms_message.json")},
    ),
    *_message_routes(SMS, "text message", "sms", "sms_id", "sms_message.json"),
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
    Route(
        "POST",
        _P + "/chat/archive",
        archive_chat,
        "Archive the patient's chat messages posted before archiveDate",
        RESOURCE,
        "update",
        responses={204: None},
        query=(QueryParam("archiveDate", _DATE_TIME, "archive what was posted before this"),),
    ),
    Route(
        "POST",
        _P + "/chat/restore",
        restore_chat,
        "Restore the patient's archived chat messages",
        RESOURCE,
        "update",
        responses={204: None},
    ),
)
