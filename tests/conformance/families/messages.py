"""Catalog entries of the messages family (see :mod:`tests.conformance._operation`).

Emails and text messages (Spring pages, one by id) and the chat: its token-paged list, its
search and the patient's inbound message. The emulator is seeded with the recorded chat
messages (their text, times, senders and whether they name a receiver) under ids of its own.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable
from typing import Any

from tests.conformance._arrange import World, _list_items
from tests.conformance._operation import Operation, listing, written
from tests.conformance._recordings import Recording, Scope
from welkin_async import WelkinClient
from welkin_async.models import (
    ChatInbound,
    ChatMessage,
    ChatSearchHit,
    Email,
    SmsMessage,
    SpringPage,
    TokenPage,
)
from welkin_async.testing._clock import parse_iso_ms
from welkin_async.testing._messages import PATIENT, USER, chat_row, participant

_P = "patients/{patient_id}"
_ENV: Scope = "environment"
_FAMILY = "messages"


def _flag(r: Recording, name: str) -> bool:
    return r.query.get(name, "false").lower() == "true"


def _size(r: Recording, name: str) -> int:
    return int(r.query.get(name, "20"))


# --- the invocations -----------------------------------------------------------------------------


def _emails(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    return client.emails(m["patient_id"]).list()


async def _email_get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.emails(m["patient_id"]).get(m["email_id"])


def _smses(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    return client.sms(m["patient_id"]).list()


async def _sms_get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.sms(m["patient_id"]).get(m["sms_id"])


def _chat(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    return client.chat(m["patient_id"]).list(
        include_archived=_flag(r, "includeArchived"),
        page_size=_size(r, "pageSize"),
        page_token=r.query.get("pageToken"),
    )


def _search(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    return client.chat(m["patient_id"]).search(
        r.query["query"],
        include_archived=_flag(r, "includeArchived"),
        page_size=_size(r, "pageSize"),
        content_page_size=_size(r, "contentPageSize"),
    )


async def _inbound(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    message = written(ChatInbound, r.request_body).message
    return await client.chat(m["patient_id"]).send_inbound(message)


# --- seeding the emulator ------------------------------------------------------------------------


def _end(world: World, recorded: Any, patient_id: str) -> dict[str, Any]:
    """A recorded sender or receiver: the path's patient, or a user of the tenant."""
    if isinstance(recorded, dict) and recorded.get("clientType") == USER:
        user = world.user(str(recorded["id"]))
        return participant(USER, user["id"], title_name=f"{user['firstName']} {user['lastName']}")
    return participant(PATIENT, patient_id)


def _recorded_chat(world: World, messages: list[Any]) -> None:
    """The recorded chat messages, in the path patient's chat under new ids."""
    patient_id = world.params["patient_id"]
    chat = world.env.messages
    for recorded in messages:
        if not isinstance(recorded, dict):
            continue
        at_ms = parse_iso_ms(str(recorded["createdAt"]))
        sender = _end(world, recorded.get("sender"), patient_id)
        receiver = _end(world, recorded["receiver"], patient_id) if "receiver" in recorded else None
        message_id = "IM" + world.new_id().replace("-", "")
        row = chat_row(message_id, str(recorded.get("message") or ""), at_ms, sender, receiver)
        chat.add_chat(patient_id, row, at_ms, world.stamp())


async def _arrange_patient(world: World) -> None:
    world.patient(world.params["patient_id"])


async def _arrange_chat(world: World) -> None:
    world.patient(world.params["patient_id"])
    _recorded_chat(world, _list_items(world.answer))


async def _arrange_search(world: World) -> None:
    world.patient(world.params["patient_id"])
    hits = _list_items(world.answer)
    _recorded_chat(world, [hit["message"] for hit in hits if isinstance(hit, dict)])


# --- the table -----------------------------------------------------------------------------------

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "emails.list",
        "GET",
        _P + "/emails",
        _ENV,
        _FAMILY,
        listing(SpringPage[Email], _emails),
        SpringPage[Email],
        listing=True,
        arrange=_arrange_patient,
    ),
    Operation(
        "emails.get",
        "GET",
        _P + "/emails/{email_id}",
        _ENV,
        _FAMILY,
        _email_get,
        Email,
        arrange=_arrange_patient,
    ),
    Operation(
        "sms.list",
        "GET",
        _P + "/sms",
        _ENV,
        _FAMILY,
        listing(SpringPage[SmsMessage], _smses),
        SpringPage[SmsMessage],
        listing=True,
        arrange=_arrange_patient,
    ),
    Operation(
        "sms.get",
        "GET",
        _P + "/sms/{sms_id}",
        _ENV,
        _FAMILY,
        _sms_get,
        SmsMessage,
        arrange=_arrange_patient,
    ),
    Operation(
        "chat.list",
        "GET",
        _P + "/chat",
        _ENV,
        _FAMILY,
        listing(TokenPage[ChatMessage], _chat),
        TokenPage[ChatMessage],
        listing=True,
        arrange=_arrange_chat,
    ),
    Operation(
        "chat.search",
        "GET",
        _P + "/chat/search",
        _ENV,
        _FAMILY,
        listing(TokenPage[ChatSearchHit], _search),
        TokenPage[ChatSearchHit],
        listing=True,
        arrange=_arrange_search,
    ),
    Operation(
        "chat.send_inbound",
        "POST",
        _P + "/chat/inbound",
        _ENV,
        _FAMILY,
        _inbound,
        ChatMessage,
        write_model=ChatInbound,
        arrange=_arrange_patient,
    ),
)
