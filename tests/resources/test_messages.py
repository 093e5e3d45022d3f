"""``client.emails(pid)``, ``client.sms(pid)``, ``client.chat(pid)`` and ``client.unrecognized``
against the emulator: listing (with filters), reading, sending, updating, starring, assigning
and deleting emails and text messages, the unrecognized ones, the chat's token pages, its
search, the patient's inbound message, archive and restore, their exports, and the refusals
(403, 404, 400)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from tests.conftest import Connect, acme_live
from welkin_async import RetryPolicy
from welkin_async.errors import BadRequest, NotFound, PermissionDenied, ServerError
from welkin_async.models import (
    ChatClientType,
    ChatMessage,
    ChatParticipant,
    Email,
    EmailAttachment,
    EmailStatus,
    MessageDirection,
    SmsMessage,
    SmsStatus,
)
from welkin_async.testing import Fault, WelkinEmulator

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


# --- sending, changing and deleting emails -------------------------------------------------------

_LATER = timedelta(days=2)
_NOBODY = "0f0e0d0c-0000-4000-8000-00000000000b"


def _stored_email(emulator: WelkinEmulator, email_id: object) -> dict[str, Any]:
    row: dict[str, Any] = acme_live(emulator).messages.emails.rows[str(email_id)]
    return row


def _stored_sms(emulator: WelkinEmulator, sms_id: object) -> dict[str, Any]:
    row: dict[str, Any] = acme_live(emulator).messages.sms.rows[str(sms_id)]
    return row


def _inbound_email(emulator: WelkinEmulator, patient_id: str) -> str:
    """The id of one of the patient's seeded inbound emails."""
    messages = acme_live(emulator).messages
    return next(
        email_id
        for email_id in messages.emails_of.of(patient_id)
        if messages.emails.rows[email_id]["direction"] == "IN"
    )


def _outbound_email(emulator: WelkinEmulator, patient_id: str) -> str:
    """The id of one of the patient's seeded emails the care team sent (DELIVERED)."""
    messages = acme_live(emulator).messages
    return next(
        email_id
        for email_id in messages.emails_of.of(patient_id)
        if messages.emails.rows[email_id]["direction"] == "OUT"
    )


async def test_send_now_stores_an_accepted_email_to_the_patient(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """emails(pid).send(subject, body) stores an ACCEPTED outbound email to the patient."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        sent = await client.emails(patient_id).send("Your results", "All is well.")
    row = _stored_email(welkin_emulator, sent.id)
    assert (sent.status, sent.direction) == (EmailStatus.ACCEPTED, MessageDirection.OUT)
    assert (row["subject"], row["receiver"], row["status"]) == (
        "Your results",
        patient_id,
        "ACCEPTED",
    )
    assert acme_live(welkin_emulator).messages.emails_of.of(patient_id) == [str(sent.id)]
    assert isinstance(sent.sent_at, datetime)


async def test_send_with_scheduled_at_stores_a_scheduled_email(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """send(..., scheduled_at=a later moment) stores a SCHEDULED email, not sent yet."""
    when = datetime.now(UTC).replace(microsecond=0) + _LATER
    async with connect() as client:
        sent = await client.emails(_quiet(welkin_emulator)).send(
            "Later", "Soon.", scheduled_at=when
        )
    assert (sent.status, sent.scheduled_at, sent.sent_at) == (EmailStatus.SCHEDULED, when, None)
    assert _stored_email(welkin_emulator, sent.id)["status"] == "SCHEDULED"


async def test_send_secure_marks_the_email_secure(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """send(..., secure=True) stores the email as secure."""
    async with connect() as client:
        sent = await client.emails(_quiet(welkin_emulator)).send("Private", "x", secure=True)
    assert sent.secure is True
    assert _stored_email(welkin_emulator, sent.id)["secure"] is True


async def test_send_with_attachments_lists_the_files_sent(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """send(..., attachments=[...]) goes as multipart; the email lists each file's name,
    type and size, and keeps its subject."""
    async with connect() as client:
        sent = await client.emails(_quiet(welkin_emulator)).send(
            "Your plan",
            "Attached.",
            attachments=[("plan.pdf", b"%PDF-1.4 plan"), ("note.txt", b"hello", "text/plain")],
        )
    attachments = sent.attachments
    assert isinstance(attachments, list)
    assert all(isinstance(one, EmailAttachment) for one in attachments)
    assert [(a.original_name, a.content_type, a.size) for a in attachments] == [
        ("plan.pdf", "application/pdf", 13),
        ("note.txt", "text/plain", 5),
    ]
    assert _stored_email(welkin_emulator, sent.id)["subject"] == "Your plan"


async def test_update_rewrites_a_scheduled_email(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update() changes the subject and body of a SCHEDULED email, which stays scheduled."""
    when = datetime.now(UTC) + _LATER
    async with connect() as client:
        emails = client.emails(_quiet(welkin_emulator))
        draft = await emails.send("Draft", "first", scheduled_at=when)
        updated = await emails.update(draft.id, subject="Final", body="second")
    row = _stored_email(welkin_emulator, draft.id)
    assert (updated.subject, updated.body, updated.status) == ("Final", "second", "SCHEDULED")
    assert (row["subject"], row["body"]) == ("Final", "second")


async def test_update_with_send_now_sends_a_scheduled_email(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, send_now=True) sends a SCHEDULED email at once (ACCEPTED)."""
    async with connect() as client:
        emails = client.emails(_quiet(welkin_emulator))
        draft = await emails.send("Draft", "x", scheduled_at=datetime.now(UTC) + _LATER)
        sent = await emails.update(draft.id, send_now=True)
    assert sent.status == EmailStatus.ACCEPTED
    assert _stored_email(welkin_emulator, draft.id)["sentAt"] is not None


async def test_star_marks_a_sent_email_important(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """star(id) stars a DELIVERED email; star(id, False) takes the star off again."""
    patient_id = _messaged(welkin_emulator)
    email_id = _outbound_email(welkin_emulator, patient_id)
    async with connect() as client:
        starred = await client.emails(patient_id).star(email_id)
        assert _stored_email(welkin_emulator, email_id)["starred"] is True
        unstarred = await client.emails(patient_id).star(email_id, False)
    assert (starred.starred, unstarred.starred) == (True, False)
    assert _stored_email(welkin_emulator, email_id)["starred"] is False


async def test_assign_moves_an_inbound_email_to_another_patient(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assign(id, other) files a patient's inbound email under the other patient."""
    owner, other = _messaged(welkin_emulator), _quiet(welkin_emulator)
    email_id = _inbound_email(welkin_emulator, owner)
    async with connect() as client:
        moved = await client.emails(owner).assign(email_id, other)
        fetched = await client.emails(other).get(email_id)
    index = acme_live(welkin_emulator).messages.emails_of
    assert (moved.sender, fetched.id) == (UUID(other), UUID(email_id))
    assert email_id not in index.of(owner)
    assert index.of(other) == [email_id]


async def test_delete_removes_a_scheduled_email(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """delete(id) removes a SCHEDULED email from the store and the patient's list."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        emails = client.emails(patient_id)
        draft = await emails.send("Draft", "x", scheduled_at=datetime.now(UTC) + _LATER)
        await emails.delete(draft.id)
    messages = acme_live(welkin_emulator).messages
    assert str(draft.id) not in messages.emails
    assert messages.emails_of.of(patient_id) == []


# --- the list filters ----------------------------------------------------------------------------


async def test_emails_list_with_direction_yields_only_that_direction(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(direction="IN") yields only the inbound emails."""
    patient_id = _messaged(welkin_emulator)
    async with connect() as client:
        listed = [e async for e in client.emails(patient_id).list(direction="IN")]
    assert [str(e.id) for e in listed] == [_inbound_email(welkin_emulator, patient_id)]


async def test_emails_list_with_search_matches_subject_or_body(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(search=...) yields the emails whose subject or body holds the text, in any case."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        emails = client.emails(patient_id)
        wanted = await emails.send("About your INSULIN", "x")
        also = await emails.send("Hello", "the insulin dose")
        await emails.send("Other", "nothing")
        listed = [e async for e in emails.list(search="insulin")]
    assert [e.id for e in listed] == [wanted.id, also.id]


async def test_emails_list_with_starred_yields_the_starred_ones(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(starred=True) yields only the starred emails."""
    patient_id = _messaged(welkin_emulator)
    email_id = _outbound_email(welkin_emulator, patient_id)
    async with connect() as client:
        emails = client.emails(patient_id)
        await emails.star(email_id)
        starred = [str(e.id) async for e in emails.list(starred=True)]
    assert starred == [email_id]


async def test_emails_list_with_statuses_yields_those_in_any_of_them(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(status=[...]) yields the emails in any of the statuses, and none in others."""
    patient_id = _messaged(welkin_emulator)
    stored = acme_live(welkin_emulator).messages.emails_of.of(patient_id)
    async with connect() as client:
        emails = client.emails(patient_id)
        delivered = [str(e.id) async for e in emails.list(status=[EmailStatus.DELIVERED, "FAILED"])]
        scheduled = [e async for e in emails.list(status="SCHEDULED")]
    assert (delivered, scheduled) == (stored, [])


async def test_emails_list_by_address_matches_either_end(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(email=the patient's address) yields the emails from and to the patient."""
    live = acme_live(welkin_emulator)
    patient_id = _messaged(welkin_emulator)
    address = live.patients.rows[patient_id]["email"].upper()
    async with connect() as client:
        listed = [str(e.id) async for e in client.emails(patient_id).list(email=address)]
        none = [e async for e in client.emails(patient_id).list(email="nobody@example.org")]
    assert (listed, none) == (live.messages.emails_of.of(patient_id), [])


async def test_emails_list_sorted_by_date_descending(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(sort="date,desc") yields the newest email first."""
    patient_id = _messaged(welkin_emulator)
    stored = acme_live(welkin_emulator).messages.emails_of.of(patient_id)
    async with connect() as client:
        listed = [str(e.id) async for e in client.emails(patient_id).list(sort="date,desc")]
    assert listed == stored[::-1]


async def test_sms_list_by_phone_matches_either_end(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """sms list(phone=the patient's number) yields the text messages from and to the patient."""
    live = acme_live(welkin_emulator)
    patient_id = _messaged(welkin_emulator)
    phone = live.patients.rows[patient_id]["phone"]
    async with connect() as client:
        listed = [str(m.id) async for m in client.sms(patient_id).list(phone=phone)]
    assert listed == live.messages.sms_of.of(patient_id)


async def test_sms_list_by_sender_name_matches_part_of_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """sms list(sender_name=...) yields the text messages whose sender's name holds the text."""
    live = acme_live(welkin_emulator)
    patient_id = _messaged(welkin_emulator)
    inbound = [
        i
        for i in live.messages.sms_of.of(patient_id)
        if live.messages.sms.rows[i]["direction"] == "IN"
    ]
    first_name = live.patients.rows[patient_id]["firstName"].lower()
    async with connect() as client:
        listed = [str(m.id) async for m in client.sms(patient_id).list(sender_name=first_name)]
    assert listed == inbound


# --- text messages -------------------------------------------------------------------------------


async def test_sms_send_now_stores_an_accepted_text_message(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """sms(pid).send(text) stores an ACCEPTED text message to the patient's number."""
    live = acme_live(welkin_emulator)
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        sent = await client.sms(patient_id).send("Hi there!")
    row = _stored_sms(welkin_emulator, sent.id)
    assert (sent.status, sent.message, sent.parts) == (SmsStatus.ACCEPTED, "Hi there!", 1)
    assert (row["to"], row["receiver"]) == (live.patients.rows[patient_id]["phone"], patient_id)


async def test_sms_update_rewrites_a_scheduled_message_and_its_parts(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, message=...) of a SCHEDULED text message stores the text and its part count."""
    async with connect() as client:
        sms = client.sms(_quiet(welkin_emulator))
        draft = await sms.send("short", scheduled_at=datetime.now(UTC) + _LATER)
        updated = await sms.update(draft.id, message="x" * 200)
    assert (updated.parts, updated.status) == (2, SmsStatus.SCHEDULED)
    assert _stored_sms(welkin_emulator, draft.id)["message"] == "x" * 200


async def test_sms_star_marks_a_scheduled_message(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """sms star(id) stars a SCHEDULED text message."""
    async with connect() as client:
        sms = client.sms(_quiet(welkin_emulator))
        draft = await sms.send("later", scheduled_at=datetime.now(UTC) + _LATER)
        starred = await sms.star(draft.id)
    assert starred.starred is True
    assert _stored_sms(welkin_emulator, draft.id)["starred"] is True


async def test_sms_delete_removes_a_scheduled_message(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """sms delete(id) removes a SCHEDULED text message."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        sms = client.sms(patient_id)
        draft = await sms.send("later", scheduled_at=datetime.now(UTC) + _LATER)
        await sms.delete(draft.id)
    assert str(draft.id) not in acme_live(welkin_emulator).messages.sms
    assert acme_live(welkin_emulator).messages.sms_of.of(patient_id) == []


async def test_sms_assign_moves_an_inbound_message(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """sms assign(id, other) files a patient's inbound text message under the other patient."""
    live = acme_live(welkin_emulator)
    owner, other = _messaged(welkin_emulator), _quiet(welkin_emulator)
    sms_id = next(
        i for i in live.messages.sms_of.of(owner) if live.messages.sms.rows[i]["direction"] == "IN"
    )
    async with connect() as client:
        moved = await client.sms(owner).assign(sms_id, other)
    assert moved.sender == UUID(other)
    assert live.messages.sms_of.of(other) == [sms_id]


# --- unrecognized messages -----------------------------------------------------------------------


async def test_unrecognized_emails_list_and_get(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """unrecognized.emails lists the seeded UNRECOGNISED emails and reads one by id."""
    stored = acme_live(welkin_emulator).messages.emails_of.of(None)
    async with connect() as client:
        listed = [e async for e in client.unrecognized.emails.list()]
        one = await client.unrecognized.emails.get(stored[0])
    assert [str(e.id) for e in listed] == stored
    assert {e.status for e in listed} == {EmailStatus.UNRECOGNISED}
    assert (one.id, one.sender) == (UUID(stored[0]), None)


async def test_assigning_an_unrecognized_email_files_it_under_the_patient(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """unrecognized.emails.assign(id, pid) makes the email the patient's, DELIVERED."""
    messages = acme_live(welkin_emulator).messages
    email_id = messages.emails_of.of(None)[0]
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        assigned = await client.unrecognized.emails.assign(email_id, patient_id)
        theirs = [str(e.id) async for e in client.emails(patient_id).list()]
    assert (assigned.sender, assigned.status) == (UUID(patient_id), EmailStatus.DELIVERED)
    assert theirs == [email_id]
    assert email_id not in messages.emails_of.of(None)


async def test_assigning_an_unrecognized_sms_makes_it_received(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """unrecognized.sms.assign(id, pid) makes the text message the patient's, RECEIVED."""
    messages = acme_live(welkin_emulator).messages
    sms_id = messages.sms_of.of(None)[-1]
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        assigned = await client.unrecognized.sms.assign(sms_id, patient_id)
    assert assigned.status == SmsStatus.RECEIVED
    assert messages.sms_of.of(patient_id) == [sms_id]


async def test_a_starred_unrecognized_sms_is_listed_as_starred(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """unrecognized.sms.star(id) stars the message; list(starred=True) yields it alone."""
    sms_id = acme_live(welkin_emulator).messages.sms_of.of(None)[0]
    async with connect() as client:
        await client.unrecognized.sms.star(sms_id)
        starred = [str(m.id) async for m in client.unrecognized.sms.list(starred=True)]
    assert starred == [sms_id]


async def test_unrecognized_sms_delete_removes_the_message(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """unrecognized.sms.delete(id) removes an UNRECOGNISED text message."""
    messages = acme_live(welkin_emulator).messages
    sms_id = messages.sms_of.of(None)[0]
    async with connect() as client:
        await client.unrecognized.sms.delete(sms_id)
    assert sms_id not in messages.sms
    assert sms_id not in messages.sms_of.of(None)


# --- chat archive and restore --------------------------------------------------------------------


async def test_chat_archive_hides_the_messages_posted_before(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """chat.archive(moment) archives every message posted before it; lists leave them out."""
    patient_id = _messaged(welkin_emulator)
    async with connect() as client:
        chat = client.chat(patient_id)
        await chat.archive(datetime.now(UTC))
        listed = [m async for m in chat.list()]
    assert listed == []
    assert len(_chat_texts(welkin_emulator, patient_id, archived=True)) == 4


async def test_chat_restore_brings_back_the_archived_messages(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """chat.restore() unarchives every message: the plain list yields them all."""
    patient_id = _messaged(welkin_emulator)
    async with connect() as client:
        chat = client.chat(patient_id)
        await chat.restore()
        listed = [m async for m in chat.list()]
    assert _texts(listed) == _chat_texts(welkin_emulator, patient_id, archived=True)
    assert len(listed) == 4


async def test_chat_archive_of_a_naive_moment_is_a_value_error(connect: Connect) -> None:
    """archive() refuses a naive date-time before sending anything."""
    async with connect() as client:
        with pytest.raises(ValueError, match="time zone"):
            await client.chat(_NOBODY).archive(datetime(2025, 1, 1))


# --- refusals of the writes ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["care-coordinator", "analyst"])
async def test_a_role_without_messages_cannot_send(
    welkin_emulator: WelkinEmulator, connect: Connect, role: str
) -> None:
    """Roles whose policy grants no messages are refused a send, and nothing is stored."""
    patient_id = _quiet(welkin_emulator)
    async with connect(role=role) as client:
        with pytest.raises(PermissionDenied) as raised:
            await client.emails(patient_id).send("Hi", "x")
    assert raised.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"
    assert acme_live(welkin_emulator).messages.emails_of.of(patient_id) == []


async def test_a_role_without_messages_cannot_update_delete_or_archive(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The care coordinator is refused star, delete and archive alike."""
    patient_id = _messaged(welkin_emulator)
    sms_id = acme_live(welkin_emulator).messages.sms_of.of(None)[0]
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied):
            await client.sms(patient_id).star(
                acme_live(welkin_emulator).messages.sms_of.of(patient_id)[0]
            )
        with pytest.raises(PermissionDenied):
            await client.unrecognized.sms.delete(sms_id)
        with pytest.raises(PermissionDenied):
            await client.chat(patient_id).archive(datetime.now(UTC))
    assert sms_id in acme_live(welkin_emulator).messages.sms


async def test_changing_a_sent_emails_subject_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A DELIVERED email only takes a star: a subject is EMAIL_NOT_EDITABLE and nothing changes."""
    patient_id = _messaged(welkin_emulator)
    email_id = _outbound_email(welkin_emulator, patient_id)
    before = dict(_stored_email(welkin_emulator, email_id))
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.emails(patient_id).update(email_id, subject="Changed")
    assert raised.value.error_code == "EMAIL_NOT_EDITABLE"
    assert _stored_email(welkin_emulator, email_id) == before


async def test_assigning_an_outbound_sms_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Only an inbound text message can be assigned: an outbound one is SMS_NOT_EDITABLE."""
    live = acme_live(welkin_emulator)
    owner = _messaged(welkin_emulator)
    sms_id = next(
        i for i in live.messages.sms_of.of(owner) if live.messages.sms.rows[i]["direction"] == "OUT"
    )
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.sms(owner).assign(sms_id, _quiet(welkin_emulator))
    assert raised.value.error_code == "SMS_NOT_EDITABLE"
    assert sms_id in live.messages.sms_of.of(owner)


async def test_deleting_a_delivered_email_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Only a SCHEDULED or UNRECOGNISED email can be deleted: EMAIL_NOT_DELETABLE otherwise."""
    patient_id = _messaged(welkin_emulator)
    email_id = _outbound_email(welkin_emulator, patient_id)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.emails(patient_id).delete(email_id)
    assert raised.value.error_code == "EMAIL_NOT_DELETABLE"
    assert email_id in acme_live(welkin_emulator).messages.emails


async def test_a_scheduled_at_that_has_passed_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """send(scheduled_at=a past moment) is BadRequest with SCHEDULED_AT_IN_PAST."""
    patient_id = _quiet(welkin_emulator)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.sms(patient_id).send("x", scheduled_at=datetime.now(UTC) - _LATER)
    assert raised.value.error_code == "SCHEDULED_AT_IN_PAST"
    assert acme_live(welkin_emulator).messages.sms_of.of(patient_id) == []


async def test_an_empty_email_subject_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An empty subject breaks the send schema: BadRequest with INVALID_REQUEST_BODY."""
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.emails(_quiet(welkin_emulator)).send("", "body")
    assert raised.value.error_code == "INVALID_REQUEST_BODY"


async def test_an_unknown_email_id_is_not_found_on_update(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """star() of an email id the patient does not have is NotFound with EMAIL_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.emails(_messaged(welkin_emulator)).star(_NOBODY)
    assert raised.value.error_code == "EMAIL_NOT_FOUND"


async def test_assigning_to_a_missing_patient_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assign() to a patient id that names no one is NotFound with PATIENT_NOT_FOUND."""
    email_id = acme_live(welkin_emulator).messages.emails_of.of(None)[0]
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.unrecognized.emails.assign(email_id, _NOBODY)
    assert raised.value.error_code == "PATIENT_NOT_FOUND"
    assert email_id in acme_live(welkin_emulator).messages.emails_of.of(None)


async def test_sending_to_a_missing_patient_is_not_found(connect: Connect) -> None:
    """send() to a patient that does not exist is NotFound with PATIENT_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.sms(_NOBODY).send("hello")
    assert raised.value.error_code == "PATIENT_NOT_FOUND"


async def test_update_without_a_field_is_a_type_error(connect: Connect) -> None:
    """update() with no field raises TypeError before sending."""
    async with connect() as client:
        with pytest.raises(TypeError, match="at least one field"):
            await client.emails(_NOBODY).update(_NOBODY)


async def test_an_unknown_status_filter_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A status the API does not know is BadRequest with INVALID_PARAMETER."""
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            [m async for m in client.sms(_messaged(welkin_emulator)).list(status="LOST")]
    assert raised.value.error_code == "INVALID_PARAMETER"


async def test_an_unknown_sort_field_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A sort by a field messages do not have is BadRequest with INVALID_SORT."""
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            [m async for m in client.unrecognized.emails.list(sort="firstName,desc")]
    assert raised.value.error_code == "INVALID_SORT"


# --- updates that move or send a message are not retried ----------------------------------------

_QUICK = RetryPolicy(initial_delay=0.001, max_delay=0.01)
_PUT = {"emails": "PUT /patients/{patient_id}/emails/{email_id}"}
_PUT["sms"] = "PUT /patients/{patient_id}/sms/{sms_id}"


def _inbound(emulator: WelkinEmulator, kind: str, patient_id: str) -> str:
    """The id of one of the patient's seeded inbound emails or text messages."""
    messages = acme_live(emulator).messages
    index, rows = (
        (messages.emails_of, messages.emails.rows)
        if kind == "emails"
        else (messages.sms_of, messages.sms.rows)
    )
    return next(i for i in index.of(patient_id) if rows[i]["direction"] == "IN")


async def _scheduled(client: Any, kind: str, patient_id: str) -> str:
    """A new SCHEDULED email or text message of the patient (sent before any fault)."""
    when = datetime.now(UTC) + _LATER
    if kind == "emails":
        return str((await client.emails(patient_id).send("Later", "x", scheduled_at=when)).id)
    return str((await client.sms(patient_id).send("Later", scheduled_at=when)).id)


@pytest.mark.parametrize("kind", ["emails", "sms"])
@pytest.mark.parametrize("change", ["sender", "send_now"])
async def test_an_update_that_moves_or_sends_a_message_is_sent_once(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: str, change: str
) -> None:
    """update() with sender= or send_now=True answered 504 raises at once, sent once: a retry
    after a move or a send that happened would fail."""
    owner, other = _messaged(welkin_emulator), _quiet(welkin_emulator)
    async with connect(retry=_QUICK) as client:
        messages = getattr(client, kind)(owner)
        fields: dict[str, Any]
        if change == "sender":
            message_id, fields = _inbound(welkin_emulator, kind, owner), {"sender": other}
        else:
            message_id, fields = await _scheduled(client, kind, owner), {"send_now": True}
        welkin_emulator.faults = [Fault("status", status=504, route=_PUT[kind])]
        with pytest.raises(ServerError) as raised:
            await messages.update(message_id, **fields)
    assert raised.value.status == 504
    assert welkin_emulator.stats.requests[_PUT[kind]] == 1
    assert client.stats.retries == 0


@pytest.mark.parametrize("kind", ["emails", "sms"])
async def test_an_update_that_only_stars_a_message_is_retried(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: str
) -> None:
    """update(starred=True) answered 504 is retried (a PUT that changes nothing more when
    repeated), so the test above would see a retry if one were made."""
    owner = _messaged(welkin_emulator)
    message_id = _inbound(welkin_emulator, kind, owner)
    welkin_emulator.faults = [Fault("status", status=504, route=_PUT[kind])]
    async with connect(retry=_QUICK) as client:
        with pytest.raises(ServerError):
            await getattr(client, kind)(owner).update(message_id, starred=True)
    assert welkin_emulator.stats.requests[_PUT[kind]] > 1
    assert client.stats.retries > 0


async def test_sending_to_a_patient_id_that_is_no_uuid_is_a_value_error(
    connect: Connect,
) -> None:
    """send() for a patient id that is no UUID raises ValueError naming patient_id, and
    nothing is sent."""
    async with connect() as client:
        with pytest.raises(ValueError, match="patient_id"):
            await client.emails("not-a-uuid").send("Hello", "x")
        with pytest.raises(ValueError, match="patient_id"):
            await client.sms("not-a-uuid").send("Hello")
        assert client.stats.requests == 0


@pytest.mark.parametrize(
    "lone",
    ["scan.pdf", ("scan.pdf", b"%PDF-1.4"), ("scan.pdf", b"%PDF-1.4", "application/pdf")],
    ids=["path", "name-content", "name-content-type"],
)
async def test_a_lone_attachment_is_a_type_error(connect: Connect, lone: Any) -> None:
    """send(attachments=<one file>) raises TypeError (its items would be read as files), and
    nothing is sent."""
    async with connect() as client:
        with pytest.raises(TypeError, match="wrap a single file in a list"):
            await client.emails(_NOBODY).send("Hello", "x", attachments=lone)
        assert client.stats.requests == 0
