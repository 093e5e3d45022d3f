"""A patient's messages: emails and text messages (their writes, state rules, filters and the
unrecognized ones), the chat's token pages, its search, the inbound message, archive and
restore, the seed, the exports and the refusals."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from tests.testing.conftest import Api, ApiFactory
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._tenants import Environment

_SPRING_KEYS = {
    "content",
    "pageable",
    "last",
    "totalPages",
    "totalElements",
    "first",
    "number",
    "sort",
    "numberOfElements",
    "size",
    "empty",
}
_MESSAGE_KEYS = {"sender", "message", "externalId", "createdAt"}
_MISSING = "0f0e0d0c-0000-4000-8000-000000000000"


def _live(emulator: WelkinEmulator) -> Environment:
    return emulator.tenant().environments["live"]


def _messaged(emulator: WelkinEmulator) -> str:
    """The first seeded patient: one seeded patient in five has messages."""
    return _live(emulator).patients.ids()[0]


def _quiet(emulator: WelkinEmulator) -> str:
    return _live(emulator).patients.ids()[1]


async def _chat(api: Api, patient_id: str, **params: str) -> Any:
    answer = await api.call("GET", f"patients/{patient_id}/chat", params=params)
    assert answer.status == 200, answer.body
    return answer.body


async def _post(api: Api, patient_id: str, text: str) -> Any:
    answer = await api.call(
        "POST", f"patients/{patient_id}/chat/inbound", json_body={"message": text}
    )
    assert answer.status == 200, answer.body
    return answer.body


# --- the seed ------------------------------------------------------------------------------------


def test_the_seed_gives_some_patients_messages_and_others_none(emulator: WelkinEmulator) -> None:
    """One seeded patient in five has two emails, two text messages and four chat messages."""
    live = _live(emulator)
    messages = live.messages
    ids = live.patients.ids()
    for index, patient_id in enumerate(ids):
        counts = (
            len(messages.emails_of.of(patient_id)),
            len(messages.sms_of.of(patient_id)),
            len(messages.chat_of.get(patient_id, [])),
        )
        assert counts == ((2, 2, 4) if index % 5 == 0 else (0, 0, 0))


def test_the_seed_is_the_same_for_the_same_seed() -> None:
    """Two emulators of one seed hold the same messages."""
    first, second = WelkinEmulator(seed=3, patients=10), WelkinEmulator(seed=3, patients=10)
    first.seed_data()
    second.seed_data()
    one, other = _live(first).messages, _live(second).messages
    assert one.emails.rows == other.emails.rows
    assert one.sms.rows == other.sms.rows
    assert one.chat.rows == other.chat.rows
    assert one.archived == other.archived


# --- emails and text messages --------------------------------------------------------------------


async def test_emails_list_as_a_spring_page(api: Api, emulator: WelkinEmulator) -> None:
    """emails answers a Spring page of the patient's emails in the vendor reference's shape."""
    patient_id = _messaged(emulator)
    answer = await api.call("GET", f"patients/{patient_id}/emails", params={"size": "1"})
    assert set(answer.body) == _SPRING_KEYS
    assert (answer.body["totalElements"], answer.body["totalPages"]) == (2, 2)
    (email,) = answer.body["content"]
    assert email["id"] == _live(emulator).messages.emails_of.of(patient_id)[0]
    assert (email["direction"], email["status"], email["receiver"]) == (
        "OUT",
        "DELIVERED",
        patient_id,
    )


async def test_an_email_by_id(api: Api, emulator: WelkinEmulator) -> None:
    """emails/{id} answers the stored email."""
    patient_id = _messaged(emulator)
    messages = _live(emulator).messages
    email_id = messages.emails_of.of(patient_id)[1]
    answer = await api.call("GET", f"patients/{patient_id}/emails/{email_id}")
    assert answer.body == messages.emails.rows[email_id]
    assert (answer.body["direction"], answer.body["sender"]) == ("IN", patient_id)


async def test_another_patients_email_is_not_found(api: Api, emulator: WelkinEmulator) -> None:
    """An email of another patient is 404 EMAIL_NOT_FOUND."""
    email_id = _live(emulator).messages.emails_of.of(_messaged(emulator))[0]
    answer = await api.call("GET", f"patients/{_quiet(emulator)}/emails/{email_id}")
    assert (answer.status, answer.error["errorCode"]) == (404, "EMAIL_NOT_FOUND")


async def test_sms_list_and_one_by_id(api: Api, emulator: WelkinEmulator) -> None:
    """sms lists the patient's text messages; sms/{id} answers one; an unknown id is 404."""
    patient_id = _messaged(emulator)
    listed = await api.call("GET", f"patients/{patient_id}/sms")
    ids = [sms["id"] for sms in listed.body["content"]]
    assert ids == _live(emulator).messages.sms_of.of(patient_id)
    one = await api.call("GET", f"patients/{patient_id}/sms/{ids[1]}")
    assert (one.body["direction"], one.body["status"]) == ("IN", "RECEIVED")
    missing = await api.call("GET", f"patients/{patient_id}/sms/{_MISSING}")
    assert (missing.status, missing.error["errorCode"]) == (404, "SMS_NOT_FOUND")


# --- the chat ------------------------------------------------------------------------------------


async def test_chat_lists_newest_first_without_receivers(
    api: Api, emulator: WelkinEmulator
) -> None:
    """The chat is a token page, newest first, each message without its receiver."""
    patient_id = _messaged(emulator)
    body = await _chat(api, patient_id, includeArchived="True", pageSize="20")
    assert body["meta"] == {
        "nextPageToken": None,
        "prevPageToken": None,
        "pageSize": 20,
        "found": True,
    }
    times = [message["createdAt"] for message in body["content"]]
    assert times == sorted(times, reverse=True)
    assert all(set(message) == _MESSAGE_KEYS for message in body["content"])
    assert len(times) == 4


async def test_archived_messages_are_left_out_unless_asked_for(
    api: Api, emulator: WelkinEmulator
) -> None:
    """Without includeArchived the seeded archived message is not listed."""
    patient_id = _messaged(emulator)
    listed = await _chat(api, patient_id)
    everything = await _chat(api, patient_id, includeArchived="true")
    assert everything["content"][:-1] == listed["content"]


async def test_following_next_tokens_visits_each_message_once(
    api: Api, emulator: WelkinEmulator
) -> None:
    """Next tokens lead to older pages until one has none; every message comes once."""
    patient_id = _messaged(emulator)
    seen: list[str] = []
    body = await _chat(api, patient_id, includeArchived="true", pageSize="1")
    while True:
        seen += [message["externalId"] for message in body["content"]]
        token = body["meta"]["nextPageToken"]
        if token is None:
            break
        body = await _chat(api, patient_id, includeArchived="true", pageToken=token)
    assert len(seen) == len(set(seen)) == 4


async def test_a_previous_token_leads_back_to_the_newer_page(
    api: Api, emulator: WelkinEmulator
) -> None:
    """The second page's prevPageToken answers the first page again."""
    patient_id = _messaged(emulator)
    first = await _chat(api, patient_id, pageSize="2")
    second = await _chat(api, patient_id, pageToken=first["meta"]["nextPageToken"])
    back = await _chat(api, patient_id, pageToken=second["meta"]["prevPageToken"])
    assert back["content"] == first["content"]
    assert first["meta"]["prevPageToken"] is None


async def test_a_page_token_with_a_page_size_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """pageToken and pageSize are exclusive: 400 INVALID_PAGE_REQUEST naming pageToken."""
    patient_id = _messaged(emulator)
    first = await _chat(api, patient_id, pageSize="1")
    token = first["meta"]["nextPageToken"]
    answer = await api.call(
        "GET", f"patients/{patient_id}/chat", params={"pageToken": token, "pageSize": "1"}
    )
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_PAGE_REQUEST")
    assert answer.error["details"] == {"parameter": "pageToken"}


async def test_a_token_not_issued_for_the_chat_is_refused(
    api: Api, emulator: WelkinEmulator
) -> None:
    """Garbage, a forged token and a search token are all 400 INVALID_PAGE_TOKEN on the chat."""
    patient_id = _messaged(emulator)
    forged = base64.b64encode(json.dumps({"type": "LOCAL_FIND"}).encode()).decode()
    await _post(api, patient_id, "marker")
    search = await api.call(
        "GET",
        f"patients/{patient_id}/chat/search",
        params={"query": "e", "pageSize": "1"},
    )
    search_token = search.body["meta"]["nextPageToken"]
    assert isinstance(search_token, str)
    for token in ("%%%", forged, search_token):
        answer = await api.call("GET", f"patients/{patient_id}/chat", params={"pageToken": token})
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_PAGE_TOKEN")


async def test_include_archived_must_be_a_boolean(api: Api, emulator: WelkinEmulator) -> None:
    """includeArchived=maybe is 400 INVALID_PARAMETER."""
    answer = await api.call(
        "GET", f"patients/{_messaged(emulator)}/chat", params={"includeArchived": "maybe"}
    )
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_PARAMETER")


async def test_an_empty_chat_is_an_empty_page(api: Api, emulator: WelkinEmulator) -> None:
    """A patient without messages has an empty chat page, found false, no tokens."""
    body = await _chat(api, _quiet(emulator))
    assert body == {
        "meta": {"nextPageToken": None, "prevPageToken": None, "pageSize": 20, "found": False},
        "content": [],
    }


# --- the search ----------------------------------------------------------------------------------


async def test_search_matches_case_insensitively_with_tokens_around_each_hit(
    api: Api, emulator: WelkinEmulator
) -> None:
    """search finds the query in any case, newest first; each hit has both chat tokens."""
    patient_id = _quiet(emulator)
    for text in ("Test one", "other", "a TEST two"):
        await _post(api, patient_id, text)
    answer = await api.call(
        "GET", f"patients/{patient_id}/chat/search", params={"query": "test", "pageSize": "20"}
    )
    hits = answer.body["content"]
    assert [hit["message"]["message"] for hit in hits] == ["a TEST two", "Test one"]
    assert all(set(hit["meta"]) == {"nextPageToken", "prevPageToken"} for hit in hits)
    around = await _chat(api, patient_id, pageToken=hits[0]["meta"]["nextPageToken"])
    assert [message["message"] for message in around["content"]] == ["other", "Test one"]


async def test_search_hits_name_the_receiver_of_a_users_message(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A care-team message found by search names its receiver, the patient's own does not."""
    patient_id = _messaged(emulator)
    found = await api.call(
        "GET",
        f"patients/{patient_id}/chat/search",
        params={"query": "E", "includeArchived": "true"},
    )
    hits = [hit["message"] for hit in found.body["content"]]
    assert {message["sender"]["clientType"] for message in hits} == {"USER", "PATIENT"}
    for message in hits:
        assert ("receiver" in message) == (message["sender"]["clientType"] == "USER")


async def test_search_without_a_query_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """A search without query is 400 INVALID_PARAMETER naming query."""
    answer = await api.call("GET", f"patients/{_messaged(emulator)}/chat/search")
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_PARAMETER")
    assert answer.error["details"] == {"parameter": "query"}


async def test_a_search_token_goes_alone(api: Api, emulator: WelkinEmulator) -> None:
    """A search's next page is asked for with its token alone; another parameter is a 400."""
    patient_id = _quiet(emulator)
    for index in range(3):
        await _post(api, patient_id, f"note {index}")
    path = f"patients/{patient_id}/chat/search"
    first = await api.call("GET", path, params={"query": "note", "pageSize": "2"})
    token = first.body["meta"]["nextPageToken"]
    second = await api.call("GET", path, params={"pageToken": token})
    assert [hit["message"]["message"] for hit in second.body["content"]] == ["note 0"]
    assert second.body["meta"]["nextPageToken"] is None
    mixed = await api.call("GET", path, params={"pageToken": token, "query": "note"})
    assert (mixed.status, mixed.error["errorCode"]) == (400, "INVALID_PAGE_REQUEST")


# --- the inbound message -------------------------------------------------------------------------


async def test_inbound_adds_a_patient_message(api: Api, emulator: WelkinEmulator) -> None:
    """inbound answers the patient's message with the patient's name; the chat lists it first,
    with the name null, as recorded."""
    patient_id = _quiet(emulator)
    sent = await _post(api, patient_id, "Hello from the patient")
    assert set(sent) == _MESSAGE_KEYS
    assert (sent["sender"]["clientType"], sent["sender"]["id"]) == ("PATIENT", patient_id)
    assert sent["sender"]["titleName"] is None
    assert isinstance(sent["sender"]["patientFullName"], str)
    listed = (await _chat(api, patient_id))["content"]
    assert listed[0] == {**sent, "sender": {**sent["sender"], "patientFullName": None}}


async def test_an_empty_inbound_message_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """An empty or blank message, or none, is 400 INVALID_REQUEST_BODY; nothing is added."""
    patient_id = _quiet(emulator)
    for body in ({"message": ""}, {"message": "  "}, {}):
        answer = await api.call("POST", f"patients/{patient_id}/chat/inbound", json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY")
    assert _live(emulator).messages.chat_of.get(patient_id, []) == []


# --- refusals and exports ------------------------------------------------------------------------


async def test_a_role_without_messages_is_refused(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """The care coordinator's policy grants no messages: 403 ACCESS_FOR_API_CLIENT_RESTRICTED."""
    api = await api_for(role="care-coordinator")
    patient_id = _messaged(emulator)
    for path in ("emails", "sms", "chat", "chat/search?query=a"):
        answer = await api.call("GET", f"patients/{patient_id}/{path}")
        assert (answer.status, answer.error["errorCode"]) == (
            403,
            "ACCESS_FOR_API_CLIENT_RESTRICTED",
        )


async def test_a_missing_patient_is_not_found(api: Api) -> None:
    """Every messages route of a patient that does not exist is 404 PATIENT_NOT_FOUND."""
    for method, path in (("GET", "emails"), ("GET", "sms"), ("GET", "chat")):
        answer = await api.call(method, f"patients/{_MISSING}/{path}")
        assert (answer.status, answer.error["errorCode"]) == (404, "PATIENT_NOT_FOUND")
    posted = await api.call(
        "POST", f"patients/{_MISSING}/chat/inbound", json_body={"message": "hi"}
    )
    assert (posted.status, posted.error["errorCode"]) == (404, "PATIENT_NOT_FOUND")


async def test_sms_and_emails_export(api: Api, emulator: WelkinEmulator) -> None:
    """export/SMS and export/EMAIL serve every stored text message and email."""
    messages = _live(emulator).messages
    for export_type, table in (("SMS", messages.sms), ("EMAIL", messages.emails)):
        answer = await api.call("GET", f"export/{export_type}", params={"pageSize": "1000"})
        assert [row["id"] for row in answer.body["data"]] == table.ids()
        assert answer.body["cursor"]["hasNext"] is False


# --- the unrecognized seed -----------------------------------------------------------------------


def test_the_seed_has_unrecognized_emails_and_text_messages(emulator: WelkinEmulator) -> None:
    """Each environment has three inbound emails and three text messages from senders no patient
    matched: UNRECOGNISED, with no sender or patient, from addresses no patient has."""
    live = _live(emulator)
    messages = live.messages
    addresses = {row.get("email") for row in live.patients.rows.values()}
    addresses |= {row.get("phone") for row in live.patients.rows.values()}
    for table, index in ((messages.emails, messages.emails_of), (messages.sms, messages.sms_of)):
        rows = [table.rows[row_id] for row_id in index.of(None)]
        assert len(rows) == 3
        for row in rows:
            assert (row["status"], row["direction"], row["sender"]) == ("UNRECOGNISED", "IN", None)
            assert row["patientInfo"] is None
            assert row["from"] not in addresses


def test_the_unrecognized_seed_is_the_same_for_the_same_seed() -> None:
    """Two emulators of one seed hold the same unrecognized messages."""
    first, second = WelkinEmulator(seed=5, patients=3), WelkinEmulator(seed=5, patients=3)
    first.seed_data()
    second.seed_data()
    one, other = _live(first).messages, _live(second).messages
    assert [one.emails.rows[i] for i in one.emails_of.of(None)] == [
        other.emails.rows[i] for i in other.emails_of.of(None)
    ]


# --- sending -------------------------------------------------------------------------------------


def _later() -> str:
    return (datetime.now(UTC) + timedelta(days=1)).isoformat()


async def _send(api: Api, patient_id: str, kind: str, **body: Any) -> Any:
    answer = await api.call("POST", f"patients/{patient_id}/{kind}", json_body=body)
    assert answer.status == 201, answer.body
    return answer.body


async def test_a_sent_email_comes_from_the_api_client(api: Api, emulator: WelkinEmulator) -> None:
    """POST emails answers 201 with an ACCEPTED OUT email from the API client to the patient,
    sendNow stored false (a trigger), and lists it."""
    patient_id = _quiet(emulator)
    row = _live(emulator).patients.rows[patient_id]
    email = await _send(api, patient_id, "emails", subject="Hi", body="x", sendNow=True)
    assert (email["status"], email["direction"], email["sendNow"]) == ("ACCEPTED", "OUT", False)
    assert (email["receiver"], email["to"]) == (patient_id, row["email"])
    clients = {client.client_id for client in emulator.tenant().api_clients.values()}
    assert email["sender"] in clients
    listed = await api.call("GET", f"patients/{patient_id}/emails")
    assert [e["id"] for e in listed.body["content"]] == [email["id"]]


async def test_neither_send_now_nor_scheduled_at_is_refused(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A send with neither sendNow true nor a scheduledAt is 400 MISSING_SCHEDULED_AT."""
    answer = await api.call(
        "POST", f"patients/{_quiet(emulator)}/sms", json_body={"message": "hi", "sendNow": False}
    )
    assert (answer.status, answer.error["errorCode"]) == (400, "MISSING_SCHEDULED_AT")


async def test_a_receiver_other_than_the_patient_is_refused(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A receiver that is not the path's patient is 400 INVALID_RECEIVER."""
    body = {"message": "hi", "sendNow": True, "receiver": _messaged(emulator)}
    answer = await api.call("POST", f"patients/{_quiet(emulator)}/sms", json_body=body)
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_RECEIVER")


async def test_a_patient_without_an_address_cannot_be_emailed(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A patient with no email address is 400 PATIENT_HAS_NO_EMAIL, and nothing is stored."""
    patient_id = _quiet(emulator)
    _live(emulator).patients.rows[patient_id]["email"] = None
    body = {"subject": "Hi", "body": "x", "sendNow": True}
    answer = await api.call("POST", f"patients/{patient_id}/emails", json_body=body)
    assert (answer.status, answer.error["errorCode"]) == (400, "PATIENT_HAS_NO_EMAIL")
    assert _live(emulator).messages.emails_of.of(patient_id) == []


async def test_a_multipart_email_reads_its_fields_and_attachments(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A multipart send takes the fields as text (flags as true/false) and each file under
    attachmentsAsFiles, listed with its name, type, size and storage key."""
    form = aiohttp.FormData()
    for name, value in (("subject", "Files"), ("body", "see"), ("sendNow", "true")):
        form.add_field(name, value)
    form.add_field("secure", "TRUE")
    form.add_field("attachmentsAsFiles", b"abc", filename="a.txt", content_type="text/plain")
    answer = await api.call("POST", f"patients/{_quiet(emulator)}/emails", data=form)
    assert answer.status == 201, answer.body
    (attachment,) = answer.body["attachments"]
    assert (answer.body["secure"], answer.body["status"]) == (True, "ACCEPTED")
    assert (attachment["originalName"], attachment["contentType"], attachment["size"]) == (
        "a.txt",
        "text/plain",
        3,
    )
    assert answer.body["id"] in attachment["storageKey"]


async def test_a_multipart_email_with_an_empty_attachment_is_refused(
    api: Api, emulator: WelkinEmulator
) -> None:
    """An empty attachment is 400 EMPTY_FILE."""
    form = aiohttp.FormData()
    for name, value in (("subject", "Files"), ("body", "see"), ("sendNow", "true")):
        form.add_field(name, value)
    form.add_field("attachmentsAsFiles", b"", filename="a.txt")
    answer = await api.call("POST", f"patients/{_quiet(emulator)}/emails", data=form)
    assert (answer.status, answer.error["errorCode"]) == (400, "EMPTY_FILE")


async def test_a_multipart_email_with_an_unknown_field_is_refused(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A form field the send does not take is 400 INVALID_REQUEST_BODY."""
    form = aiohttp.FormData()
    for name, value in (("subject", "Files"), ("body", "see"), ("sendNow", "true")):
        form.add_field(name, value)
    form.add_field("cc", "someone@example.org")
    form.add_field("attachmentsAsFiles", b"abc", filename="a.txt")
    answer = await api.call("POST", f"patients/{_quiet(emulator)}/emails", data=form)
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY")


async def test_an_unreadable_json_email_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """A send body that is not JSON is 400, before anything is stored."""
    answer = await api.call(
        "POST",
        f"patients/{_quiet(emulator)}/emails",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 400
    assert _live(emulator).messages.emails_of.of(_quiet(emulator)) == []


# --- the state rules -----------------------------------------------------------------------------


async def test_a_sent_messages_refusal_names_its_status_and_the_fields(
    api: Api, emulator: WelkinEmulator
) -> None:
    """PUT of a body on a DELIVERED email is 400 EMAIL_NOT_EDITABLE naming the status and the
    fields it may not change."""
    patient_id = _messaged(emulator)
    email_id = _live(emulator).messages.emails_of.of(patient_id)[0]
    answer = await api.call(
        "PUT",
        f"patients/{patient_id}/emails/{email_id}",
        json_body={"subject": "x", "body": "y", "starred": True},
    )
    assert (answer.status, answer.error["errorCode"]) == (400, "EMAIL_NOT_EDITABLE")
    assert answer.error["details"] == {"status": "DELIVERED", "fields": ["body", "subject"]}


async def test_an_unknown_update_field_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """A PUT naming a field no message has is 400 INVALID_REQUEST_BODY."""
    patient_id = _messaged(emulator)
    sms_id = _live(emulator).messages.sms_of.of(patient_id)[0]
    answer = await api.call(
        "PUT", f"patients/{patient_id}/sms/{sms_id}", json_body={"status": "FAILED"}
    )
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY")


async def test_a_scheduled_email_may_be_rescheduled_but_not_assigned(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A SCHEDULED email takes a new scheduledAt, but not a sender (400 EMAIL_NOT_EDITABLE)."""
    patient_id = _quiet(emulator)
    email = await _send(api, patient_id, "emails", subject="s", body="b", scheduledAt=_later())
    path = f"patients/{patient_id}/emails/{email['id']}"
    when = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    moved = await api.call("PUT", path, json_body={"scheduledAt": when.isoformat()})
    assert (moved.body["status"], moved.body["scheduledAt"]) == (
        "SCHEDULED",
        when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    )
    refused = await api.call("PUT", path, json_body={"sender": patient_id})
    assert (refused.status, refused.error["errorCode"]) == (400, "EMAIL_NOT_EDITABLE")


async def test_only_scheduled_and_unrecognized_messages_can_be_deleted(
    api: Api, emulator: WelkinEmulator
) -> None:
    """DELETE answers 204 for a SCHEDULED and an UNRECOGNISED text message, 400
    SMS_NOT_DELETABLE naming the status for a RECEIVED one."""
    messages = _live(emulator).messages
    patient_id = _messaged(emulator)
    scheduled = await _send(api, patient_id, "sms", message="later", scheduledAt=_later())
    received = messages.sms_of.of(patient_id)[1]
    unrecognized = messages.sms_of.of(None)[0]
    assert (await api.call("DELETE", f"patients/{patient_id}/sms/{scheduled['id']}")).status == 204
    assert (await api.call("DELETE", f"unrecognized-patients/sms/{unrecognized}")).status == 204
    refused = await api.call("DELETE", f"patients/{patient_id}/sms/{received}")
    assert (refused.status, refused.error["errorCode"]) == (400, "SMS_NOT_DELETABLE")
    assert refused.error["details"] == {"status": "RECEIVED"}


async def test_unrecognized_and_patient_messages_are_not_found_in_each_others_paths(
    api: Api, emulator: WelkinEmulator
) -> None:
    """An unrecognized email is 404 under a patient, a patient's 404 among the unrecognized."""
    messages = _live(emulator).messages
    patient_id = _messaged(emulator)
    theirs, unrecognized = messages.emails_of.of(patient_id)[0], messages.emails_of.of(None)[0]
    one = await api.call("GET", f"patients/{patient_id}/emails/{unrecognized}")
    other = await api.call("GET", f"unrecognized-patients/emails/{theirs}")
    assert (one.status, one.error["errorCode"]) == (404, "EMAIL_NOT_FOUND")
    assert (other.status, other.error["errorCode"]) == (404, "EMAIL_NOT_FOUND")


# --- the list filters ----------------------------------------------------------------------------


async def test_sorting_puts_nulls_last(api: Api, emulator: WelkinEmulator) -> None:
    """sort=sentAt, ascending or descending, lists the sent email first and the received one
    (no sentAt) last."""
    patient_id = _messaged(emulator)
    stored = _live(emulator).messages.emails_of.of(patient_id)
    for order in ("asc", "desc"):
        answer = await api.call(
            "GET", f"patients/{patient_id}/emails", params={"sort": f"sentAt,{order}"}
        )
        assert [e["id"] for e in answer.body["content"]] == stored


async def test_an_unknown_sort_field_is_refused_naming_it(
    api: Api, emulator: WelkinEmulator
) -> None:
    """sort= by a field messages do not have is 400 INVALID_SORT naming the field."""
    answer = await api.call(
        "GET", f"patients/{_messaged(emulator)}/emails", params={"sort": "colour,asc"}
    )
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_SORT")
    assert "'colour'" in answer.error["message"]


async def test_a_status_list_reads_as_every_list_reads_one(
    api: Api, emulator: WelkinEmulator
) -> None:
    """status= ignores blanks and an empty item, as the other comma lists do; a value a text
    message cannot have is 400 listing the values it can."""
    padded = await api.call("GET", "unrecognized-patients/sms", params={"status": " RECEIVED,"})
    plain = await api.call("GET", "unrecognized-patients/sms", params={"status": "RECEIVED"})
    assert padded.status == 200
    assert padded.body["content"] == plain.body["content"]
    refused = await api.call("GET", "unrecognized-patients/sms", params={"status": "LOST"})
    assert (refused.status, refused.error["details"]) == (400, {"parameter": "status"})
    assert "RECEIVED" in refused.error["message"]


async def test_a_direction_filter_takes_in_or_out_only(api: Api, emulator: WelkinEmulator) -> None:
    """direction=SIDEWAYS is 400 INVALID_PARAMETER naming the parameter."""
    answer = await api.call(
        "GET", f"patients/{_messaged(emulator)}/sms", params={"direction": "SIDEWAYS"}
    )
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_PARAMETER")
    assert answer.error["details"]["parameter"] == "direction"


async def test_a_filtered_page_counts_only_the_matches(api: Api, emulator: WelkinEmulator) -> None:
    """The Spring page of a filtered list counts the matching messages only."""
    answer = await api.call(
        "GET", "unrecognized-patients/sms", params={"status": "UNRECOGNISED,RECEIVED", "size": "2"}
    )
    assert (answer.body["totalElements"], answer.body["totalPages"]) == (3, 2)
    none = await api.call("GET", "unrecognized-patients/sms", params={"status": "DELIVERED"})
    assert none.body["totalElements"] == 0


# --- chat archive and restore --------------------------------------------------------------------


async def test_archive_takes_the_messages_before_the_date_only(
    api: Api, emulator: WelkinEmulator
) -> None:
    """archive?archiveDate= archives the messages posted before it and leaves later ones."""
    patient_id = _quiet(emulator)
    first = await _post(api, patient_id, "first")
    await _post(api, patient_id, "second")
    answer = await api.call(
        "POST", f"patients/{patient_id}/chat/archive", params={"archiveDate": first["createdAt"]}
    )
    assert answer.status == 204
    await api.call(
        "POST",
        f"patients/{patient_id}/chat/archive",
        params={"archiveDate": "2030-01-01T00:00:00.000Z"},
    )
    listed = await _chat(api, patient_id, includeArchived="true")
    hidden = await _chat(api, patient_id)
    assert [m["message"] for m in listed["content"]] == ["second", "first"]
    assert hidden["content"] == []


async def test_restore_unarchives_the_patients_chat(api: Api, emulator: WelkinEmulator) -> None:
    """restore answers 204 and every archived message of the patient is listed again."""
    patient_id = _messaged(emulator)
    answer = await api.call("POST", f"patients/{patient_id}/chat/restore")
    assert answer.status == 204
    listed = await _chat(api, patient_id)
    assert len(listed["content"]) == 4


async def test_archive_needs_a_date_time(api: Api, emulator: WelkinEmulator) -> None:
    """archive without archiveDate is 400 MISSING_PARAMETER, with one that is no date-time 400
    INVALID_DATE_TIME."""
    path = f"patients/{_messaged(emulator)}/chat/archive"
    missing = await api.call("POST", path)
    wrong = await api.call("POST", path, params={"archiveDate": "yesterday"})
    assert (missing.status, missing.error["errorCode"]) == (400, "MISSING_PARAMETER")
    assert (wrong.status, wrong.error["errorCode"]) == (400, "INVALID_DATE_TIME")


async def test_a_role_without_messages_is_refused_the_writes(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """The analyst is refused every message write with 403."""
    api = await api_for(role="analyst")
    patient_id = _messaged(emulator)
    sms_id = _live(emulator).messages.sms_of.of(None)[0]
    for method, path, body in (
        ("POST", f"patients/{patient_id}/sms", {"message": "x", "sendNow": True}),
        ("PUT", f"unrecognized-patients/sms/{sms_id}", {"starred": True}),
        ("DELETE", f"unrecognized-patients/sms/{sms_id}", None),
        ("POST", f"patients/{patient_id}/chat/restore", None),
    ):
        answer = await api.call(method, path, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (
            403,
            "ACCESS_FOR_API_CLIENT_RESTRICTED",
        )
