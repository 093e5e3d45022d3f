"""``client.emails(pid)``, ``client.sms(pid)`` and ``client.chat(pid)`` against the emulator:
listing and reading emails and text messages, the chat's token pages, its search and the
patient's inbound message, their exports, and the refusals (403, 404, 400)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.conftest import Connect, acme_live
from welkin_async.errors import BadRequest, NotFound, PermissionDenied
from welkin_async.models import (
    ChatClientType,
    ChatMessage,
    ChatParticipant,
    Email,
    EmailStatus,
    MessageDirection,
    SmsMessage,
)
from welkin_async.testing import WelkinEmulator

# Seeded patients 0 and 5 have messages (one seeded patient in five); patient 0's oldest chat
# message is archived.
pytestmark = pytest.mark.welkin_emulator(patients=6, tenants=["acme"])


def _messaged(emulator: WelkinEmulator) -> str:
    """The first seeded patient, who has emails, text messages and a chat."""
    return acme_live(emulator).patients.ids()[0]


def _quiet(emulator: WelkinEmulator) -> str:
    """A seeded patient without any message."""
    return acme_live(emulator).patients.ids()[1]


def _chat_texts(emulator: WelkinEmulator, patient_id: str, *, archived: bool) -> list[str]:
    """The patient's chat texts as the emulator stores them, newest first."""
    messages = acme_live(emulator).messages
    positions = messages.chat_positions(patient_id, include_archived=archived)
    return [messages.chat.rows[message_id]["message"] for _, message_id in reversed(positions)]


def _texts(messages: list[ChatMessage]) -> list[Any]:
    return [message.message for message in messages]


# --- emails and text messages --------------------------------------------------------------------


async def test_emails_list_yields_the_patients_emails_in_stored_order(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """emails(pid).list() yields every email of the patient, as Email models, in stored order."""
    patient_id = _messaged(welkin_emulator)
    stored = acme_live(welkin_emulator).messages.emails_of.of(patient_id)
    async with connect() as client:
        listed = [email async for email in client.emails(patient_id).list(size=1)]
    assert [str(email.id) for email in listed] == stored
    assert all(isinstance(email, Email) for email in listed)


async def test_emails_get_returns_the_stored_email(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """emails(pid).get(id) answers the email with its subject, direction and status typed."""
    patient_id = _messaged(welkin_emulator)
    live = acme_live(welkin_emulator)
    email_id = live.messages.emails_of.of(patient_id)[0]
    row = live.messages.emails.rows[email_id]
    async with connect() as client:
        email = await client.emails(patient_id).get(email_id)
    assert (email.id, email.subject, email.from_) == (UUID(email_id), row["subject"], row["from"])
    assert (email.direction, email.status) == (MessageDirection.OUT, EmailStatus.DELIVERED)


async def test_emails_get_of_another_patients_email_raises_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An email id of another patient is NotFound with EMAIL_NOT_FOUND."""
    email_id = acme_live(welkin_emulator).messages.emails_of.of(_messaged(welkin_emulator))[0]
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.emails(_quiet(welkin_emulator)).get(email_id)
    assert raised.value.error_code == "EMAIL_NOT_FOUND"


async def test_sms_list_yields_the_patients_text_messages(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """sms(pid).list() yields every text message of the patient as SmsMessage models."""
    patient_id = _messaged(welkin_emulator)
    stored = acme_live(welkin_emulator).messages.sms_of.of(patient_id)
    async with connect() as client:
        listed = [sms async for sms in client.sms(patient_id).list()]
    assert [str(sms.id) for sms in listed] == stored
    assert all(isinstance(sms, SmsMessage) for sms in listed)


async def test_sms_get_returns_the_stored_text_message(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """sms(pid).get(id) answers the text message with its text and parts."""
    patient_id = _messaged(welkin_emulator)
    live = acme_live(welkin_emulator)
    sms_id = live.messages.sms_of.of(patient_id)[-1]
    row = live.messages.sms.rows[sms_id]
    async with connect() as client:
        sms = await client.sms(patient_id).get(sms_id)
    assert (sms.message, sms.parts, sms.direction) == (row["message"], 1, MessageDirection.IN)


async def test_sms_get_of_an_unknown_id_raises_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An unknown text message id is NotFound with SMS_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.sms(_messaged(welkin_emulator)).get("0f0e0d0c-0000-4000-8000-000000000000")
    assert raised.value.error_code == "SMS_NOT_FOUND"


# --- the chat ------------------------------------------------------------------------------------


async def test_chat_list_yields_messages_newest_first_without_archived_ones(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """chat(pid).list() yields the unarchived messages, newest first."""
    patient_id = _messaged(welkin_emulator)
    async with connect() as client:
        listed = [message async for message in client.chat(patient_id).list()]
    assert _texts(listed) == _chat_texts(welkin_emulator, patient_id, archived=False)


async def test_chat_list_with_include_archived_yields_the_archived_too(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """include_archived=True adds the archived messages in their place."""
    patient_id = _messaged(welkin_emulator)
    async with connect() as client:
        listed = [m async for m in client.chat(patient_id).list(include_archived=True)]
    expected = _chat_texts(welkin_emulator, patient_id, archived=True)
    assert _texts(listed) == expected
    assert len(expected) > len(_chat_texts(welkin_emulator, patient_id, archived=False))


async def test_chat_list_pages_through_tokens_to_the_same_messages(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """One message per page, followed by page token, yields what one page does."""
    patient_id = _messaged(welkin_emulator)
    async with connect() as client:
        chat = client.chat(patient_id)
        one_by_one = [m async for m in chat.list(page_size=1, include_archived=True)]
        at_once = [m async for m in chat.list(page_size=50, include_archived=True)]
    assert one_by_one == at_once
    assert len(at_once) > 1


async def test_send_inbound_answers_the_patients_message(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """send_inbound(text) answers a PATIENT message naming the patient, from the patient."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        sent = await client.chat(patient_id).send_inbound("Could we talk tomorrow?")
    sender = sent.sender
    assert isinstance(sender, ChatParticipant)
    assert sent.message == "Could we talk tomorrow?"
    assert (sender.client_type, sender.id) == (ChatClientType.PATIENT, UUID(patient_id))
    assert isinstance(sender.patient_full_name, str)


async def test_an_inbound_message_comes_first_in_the_chat(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The message sent inbound is the newest of the chat, listed by its external id."""
    patient_id = _messaged(welkin_emulator)
    async with connect() as client:
        chat = client.chat(patient_id)
        sent = await chat.send_inbound("Thanks for the update")
        listed = [message async for message in chat.list()]
    assert listed[0].external_id == sent.external_id
    assert listed[0].message == "Thanks for the update"


async def test_search_yields_case_insensitive_matches_newest_first(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """search(query) yields the messages whose text holds the query in any case, newest first."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        chat = client.chat(patient_id)
        for text in ("First APPOINTMENT note", "nothing here", "second appointment note"):
            await chat.send_inbound(text)
        hits = [hit async for hit in chat.search("Appointment")]
    assert [hit.message.message for hit in hits] == [
        "second appointment note",
        "First APPOINTMENT note",
    ]


async def test_search_pages_with_the_token_alone(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """One hit per page (later pages asked for with the token alone) yields every hit."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        chat = client.chat(patient_id)
        for index in range(3):
            await chat.send_inbound(f"reading {index}")
        hits = [hit async for hit in chat.search("reading", page_size=1)]
    assert [hit.message.message for hit in hits] == ["reading 2", "reading 1", "reading 0"]


async def test_untyped_paginate_of_the_search_sends_the_token_alone(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """client.paginate over the search endpoint (the escape hatch) also asks for later pages
    with their token alone, which the API requires there."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        for index in range(3):
            await client.chat(patient_id).send_inbound(f"noting {index}")
        hits = [
            hit
            async for hit in client.paginate(
                "GET",
                "patients/{patient_id}/chat/search",
                path_params={"patient_id": patient_id},
                params={"query": "noting"},
                size=1,
            )
        ]
    assert [hit["message"]["message"] for hit in hits] == ["noting 2", "noting 1", "noting 0"]


async def test_a_hits_next_token_lists_the_messages_before_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(page_token=hit.meta.next_page_token) yields the messages older than the hit."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        chat = client.chat(patient_id)
        for text in ("one", "two", "marker", "three"):
            await chat.send_inbound(text)
        (hit,) = [hit async for hit in chat.search("marker", content_page_size=1)]
        token = hit.meta.next_page_token
        assert isinstance(token, str)
        before = [message async for message in chat.list(page_token=token)]
    assert _texts(before) == ["two", "one"]


async def test_a_hits_previous_token_lists_the_messages_after_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(page_token=hit.meta.prev_page_token) starts with a page of the messages newer than
    the hit (the pages after it lead to older ones, as every next page does)."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        chat = client.chat(patient_id)
        for text in ("one", "marker", "two", "three"):
            await chat.send_inbound(text)
        (hit,) = [hit async for hit in chat.search("marker")]
        token = hit.meta.prev_page_token
        assert isinstance(token, str)
        pages = [page async for page in chat.list(page_token=token).pages()]
    assert [_texts(page.items) for page in pages] == [["three", "two"], ["marker", "one"]]


# --- exports -------------------------------------------------------------------------------------


async def test_the_sms_export_yields_every_text_message_as_a_model(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """exports.stream("SMS") yields every stored text message once, as SmsMessage."""
    stored = set(acme_live(welkin_emulator).messages.sms.ids())
    async with connect() as client:
        exported = [sms async for sms in client.exports.stream("SMS", page_size=3)]
    assert {str(sms.id) for sms in exported} == stored
    assert all(isinstance(sms, SmsMessage) for sms in exported)


async def test_the_email_export_yields_every_email_as_a_model(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """exports.stream("EMAIL") yields every stored email once, as Email."""
    stored = set(acme_live(welkin_emulator).messages.emails.ids())
    async with connect() as client:
        exported = [email async for email in client.exports.stream("EMAIL")]
    assert {str(email.id) for email in exported} == stored
    assert all(isinstance(email, Email) for email in exported)


# --- refusals ------------------------------------------------------------------------------------


async def test_a_role_without_messages_is_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The care coordinator's policy grants no messages: PermissionDenied, the policy's code."""
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied) as raised:
            [message async for message in client.chat(_messaged(welkin_emulator)).list()]
    assert raised.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"


async def test_a_missing_patients_emails_are_not_found(connect: Connect) -> None:
    """Listing the emails of a patient that does not exist is NotFound with PATIENT_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            [email async for email in client.emails("0f0e0d0c-0000-4000-8000-00000000000a").list()]
    assert raised.value.error_code == "PATIENT_NOT_FOUND"


async def test_an_empty_inbound_message_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An empty inbound message is BadRequest with INVALID_REQUEST_BODY, and nothing is added."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.chat(patient_id).send_inbound("")
    assert raised.value.error_code == "INVALID_REQUEST_BODY"
    assert _chat_texts(welkin_emulator, patient_id, archived=True) == []


async def test_an_empty_search_query_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A blank search query is BadRequest with INVALID_PARAMETER."""
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            [hit async for hit in client.chat(_messaged(welkin_emulator)).search(" ")]
    assert raised.value.error_code == "INVALID_PARAMETER"


async def test_a_chat_page_size_below_one_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """page_size=0 is BadRequest with INVALID_PAGE_REQUEST."""
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            [m async for m in client.chat(_messaged(welkin_emulator)).list(page_size=0)]
    assert raised.value.error_code == "INVALID_PAGE_REQUEST"


async def test_a_page_token_not_issued_for_the_chat_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(page_token=...) with a token the API never issued is BadRequest, INVALID_PAGE_TOKEN."""
    async with connect() as client:
        chat = client.chat(_messaged(welkin_emulator))
        with pytest.raises(BadRequest) as raised:
            [m async for m in chat.list(page_token="bm90IGEgdG9rZW4=")]
    assert raised.value.error_code == "INVALID_PAGE_TOKEN"
