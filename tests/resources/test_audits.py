"""``client.audits`` against the emulator: the data audit of record changes (newest first, the
vendor's filters, the CDT definition on request, the record structured), the security audit
(newest first, each of its filters), the webhook audit as ``client.webhooks.deliveries()``
yields it, and the refusals of a bad filter and of a role without audit access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from tests.conftest import Connect, a_patient, serving, webhook_attempts
from welkin_async import WelkinClient
from welkin_async.errors import BadRequest, PermissionDenied
from welkin_async.models import (
    CdtDefinition,
    CdtRecord,
    DataAudit,
    InstanceAccessWrite,
    SecurityAudit,
    WebhookAudit,
)
from welkin_async.testing import WelkinEmulator

pytestmark = pytest.mark.welkin_emulator(patients=4, tenants=["acme"])
CDT = "allergies"


async def _change_a_record(client: WelkinClient, patient_id: str) -> str:
    """Create, update and delete one allergies record of the patient; its id."""
    records = client.cdts(patient_id, CDT)
    made = await records.create({"allergen": "pollen"})
    await records.update(str(made.id), {"allergen": "dust"})
    await records.delete(str(made.id))
    return str(made.id)


def _about(entries: list[DataAudit], record_id: str) -> list[DataAudit]:
    return [e for e in entries if isinstance(e.record, dict) and e.record["id"] == record_id]


def _stored(emulator: WelkinEmulator) -> list[dict[str, Any]]:
    """The emulator's data audit of acme, oldest first."""
    return emulator.tenant("acme").data_audit


async def test_data_lists_a_records_changes_newest_first(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A record's create, update and delete are audited, listed newest first, each naming the
    API client, the patient, the environment and the CDT, every served key typed."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        record_id = await _change_a_record(client, patient_id)
        listed = [entry async for entry in client.audits.data(size=2)]
    mine = _about(listed, record_id)
    assert [e.event_subtype for e in mine] == ["CDT_DELETED", "CDT_UPDATED", "CDT_CREATED"]
    for entry in mine:
        assert (entry.subject_actor, entry.subject_username) == ("API_CLIENT", "acme-admin")
        assert (str(entry.patient_id), entry.instance, entry.cdt_name) == (patient_id, "live", CDT)
        assert entry.cdt_relation == "COMMON"
        assert entry.wire_extra == {}
    assert [e.event_id for e in listed] == [
        e["eventId"] for e in reversed(_stored(welkin_emulator))
    ]


async def test_data_is_seeded(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """Before any write the audit lists the seeded record creations."""
    async with connect() as client:
        listed = [entry async for entry in client.audits.data()]
    assert listed
    assert {e.event_subtype for e in listed} == {"CDT_CREATED"}
    assert len(listed) == len(_stored(welkin_emulator))


async def test_data_filters_by_operation_and_cdt(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """operation="UPDATE" with cdt_name yields only that CDT's updates."""
    async with connect() as client:
        record_id = await _change_a_record(client, a_patient(welkin_emulator))
        listed = [e async for e in client.audits.data(operation="UPDATE", cdt_name=CDT)]
    assert [e.event_subtype for e in listed] == ["CDT_UPDATED"]
    assert _about(listed, record_id) == listed


async def test_data_filters_by_time(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """date_start yields only the events sent at or after it."""
    async with connect() as client:
        await _change_a_record(client, a_patient(welkin_emulator))
        welkin_emulator.clock.advance(60)
        since = datetime.now(UTC) + timedelta(seconds=30)
        later = await _change_a_record(client, a_patient(welkin_emulator))
        listed = [e async for e in client.audits.data(date_start=since)]
    assert len(listed) == 3
    assert _about(listed, later) == listed


async def test_data_with_the_formation_carries_the_cdt_definition(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """include_formation=True gives each CDT event its CDT's definition, typed."""
    async with connect() as client:
        await _change_a_record(client, a_patient(welkin_emulator))
        listed = [e async for e in client.audits.data(cdt_name=CDT, include_formation=True)]
    assert listed
    for entry in listed:
        assert isinstance(entry.cdt, CdtDefinition)
        assert entry.cdt.name == CDT


async def test_cdt_record_structures_the_audited_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """cdt_record(entry) is the record as it was after the change; None once deleted."""
    async with connect() as client:
        record_id = await _change_a_record(client, a_patient(welkin_emulator))
        deleted, updated, created = _about([e async for e in client.audits.data()], record_id)
        records = [client.audits.cdt_record(entry) for entry in (created, updated, deleted)]
    assert isinstance(records[0], CdtRecord)
    assert isinstance(records[1], CdtRecord)
    assert (records[0].json_body["allergen"], records[1].json_body["allergen"]) == (
        "pollen",
        "dust",
    )
    assert records[2] is None


async def test_data_with_a_naive_date_is_a_value_error(connect: Connect) -> None:
    """A date_start without a time zone raises ValueError before any request."""
    async with connect() as client:
        with pytest.raises(ValueError, match="time zone"):
            client.audits.data(date_start=datetime(2026, 1, 1))


async def test_data_with_an_unknown_operation_is_bad_request(connect: Connect) -> None:
    """An operation the audit does not know raises BadRequest naming the parameter."""
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            [e async for e in client.audits.data(operation="MERGE")]
    assert caught.value.error_code == "INVALID_PARAMETER"
    assert caught.value.details["parameter"] == "operation"


async def test_data_for_a_role_without_audit_access_is_permission_denied(
    connect: Connect,
) -> None:
    """The care coordinator may not read the audit: PermissionDenied."""
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied) as caught:
            [e async for e in client.audits.data()]
    assert caught.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"


async def test_webhooks_are_the_webhook_deliveries(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """audits.webhooks() yields what webhooks.deliveries() yields: the delivery audit."""

    async def receive(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/", receive)
    async with serving(app) as url, connect() as client:
        welkin_emulator.subscribe_webhooks(url)
        await client.patients.create(first_name="Ping", last_name="Pull")
        await welkin_emulator.webhooks.drain()
        audited = [attempt async for attempt in client.audits.webhooks()]
        delivered = [attempt async for attempt in client.webhooks.deliveries()]
    assert audited == delivered
    assert all(isinstance(attempt, WebhookAudit) for attempt in audited)
    assert [a.id for a in audited] == [e["id"] for e in reversed(webhook_attempts(welkin_emulator))]


# --- the security audit --------------------------------------------------------------------------

ADMIN_CLIENT = "acme-admin"


def _security(emulator: WelkinEmulator) -> list[dict[str, Any]]:
    """The emulator's security audit of acme, oldest first."""
    return list(emulator.tenant("acme").security_audit.entries)


async def _open_the_sandbox(client: WelkinClient, emulator: WelkinEmulator) -> dict[str, Any]:
    """Give the second seeded user the sandbox only; that user."""
    user: dict[str, Any] = emulator.tenant("acme").users[1]
    await client.users.replace_application_access(
        user["id"],
        admin_access_enabled=False,
        audit_security_access_enabled=False,
        instance_accesses=[
            InstanceAccessWrite(
                instance_name="sandbox",
                workshop_access_enabled=False,
                audit_data_access_enabled=False,
            )
        ],
    )
    return user


async def test_security_lists_every_event_newest_first(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """security() pages through every stored event, newest first, every served key typed."""
    async with connect() as client:
        listed = [entry async for entry in client.audits.security(size=5)]
    assert all(isinstance(entry, SecurityAudit) for entry in listed)
    assert [e.event_id for e in listed] == [
        e["eventId"] for e in reversed(_security(welkin_emulator))
    ]
    assert all(entry.wire_extra == {} for entry in listed)
    assert listed[0].event_subtype == "TOKEN_ISSUED"


async def test_security_filters_by_event_subtype_and_object(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """event_subtype with object_username yields the user's access change by the API client,
    its record the access as changed."""
    async with connect() as client:
        user = await _open_the_sandbox(client, welkin_emulator)
        listed = [
            e
            async for e in client.audits.security(
                event_subtype="USER_ACCESS_UPDATED", object_username=user["username"]
            )
        ]
    changed, seeded = listed
    assert (changed.subject_username, changed.subject_actor) == (ADMIN_CLIENT, "API_CLIENT")
    assert str(changed.object_user_id) == user["id"]
    assert isinstance(changed.record, dict)
    assert [a["instanceName"] for a in changed.record["instanceAccesses"]] == ["sandbox"]
    assert seeded.subject_actor == "USER"


async def test_security_filters_by_subject(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """subject_username, subject_full_name and subject_actor each match the subject exactly."""
    root = welkin_emulator.tenant("acme").users[0]
    full_name = f"{root['firstName']} {root['lastName']}"
    async with connect() as client:
        by_name = [e async for e in client.audits.security(subject_username=root["username"])]
        by_full = [e async for e in client.audits.security(subject_full_name=full_name)]
        by_actor = [e async for e in client.audits.security(subject_actor="USER")]
    assert by_name == by_full == by_actor
    assert len(by_name) == 3 * len(welkin_emulator.tenant("acme").users)


async def test_security_filters_by_object_actor_and_full_name(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """object_actor="API_CLIENT" yields the token grants; object_full_name names a user."""
    user = welkin_emulator.tenant("acme").users[1]
    async with connect() as client:
        clients = [e async for e in client.audits.security(object_actor="API_CLIENT")]
        about = [
            e
            async for e in client.audits.security(
                object_full_name=f"{user['firstName']} {user['lastName']}"
            )
        ]
    assert {e.event_subtype for e in clients} == {"TOKEN_ISSUED"}
    assert {e.object_username for e in clients} == {ADMIN_CLIENT}
    assert {str(e.object_user_id) for e in about} == {user["id"]}


async def test_security_filters_by_time(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """date_start and date_end bound sent_at: only a change made after date_start is on or
    after it, every other event before it."""
    async with connect() as client:
        await _open_the_sandbox(client, welkin_emulator)
        welkin_emulator.clock.advance(60)
        since = datetime.now(UTC) + timedelta(seconds=30)
        await _open_the_sandbox(client, welkin_emulator)
        later = [e async for e in client.audits.security(date_start=since)]
        earlier = [e async for e in client.audits.security(date_end=since)]
    assert [e.event_subtype for e in later] == ["USER_ACCESS_UPDATED"]
    assert len(earlier) == len(_security(welkin_emulator)) - 1


async def test_security_with_a_naive_date_is_a_value_error(connect: Connect) -> None:
    """A date_end without a time zone raises ValueError before any request."""
    async with connect() as client:
        with pytest.raises(ValueError, match="date_end"):
            client.audits.security(date_end=datetime(2026, 1, 1))


async def test_security_with_an_unknown_actor_is_bad_request(connect: Connect) -> None:
    """An actor the audit does not know raises BadRequest naming the parameter."""
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            [e async for e in client.audits.security(object_actor="ROBOT")]
    assert caught.value.error_code == "INVALID_PARAMETER"
    assert caught.value.details["parameter"] == "objectActor"


async def test_security_for_a_role_without_audit_access_is_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The analyst may not read the security audit: PermissionDenied, itself audited."""
    async with connect(role="analyst") as client:
        with pytest.raises(PermissionDenied) as caught:
            [e async for e in client.audits.security()]
    assert caught.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"
    assert _security(welkin_emulator)[-1]["eventSubtype"] == "ACCESS_DENIED"


@pytest.mark.parametrize("direction", ["asc", "desc"])
async def test_security_is_ordered_as_sort_asks(
    welkin_emulator: WelkinEmulator, connect: Connect, direction: str
) -> None:
    """sort="createdAt,asc" yields the events oldest first, "createdAt,desc" newest first:
    the same events as without sort."""
    async with connect() as client:
        await _open_the_sandbox(client, welkin_emulator)
        welkin_emulator.clock.advance(60)
        await _open_the_sandbox(client, welkin_emulator)
        plain = [e async for e in client.audits.security()]
        ordered = [e async for e in client.audits.security(sort=f"createdAt,{direction}")]
    sent = [e.sent_at for e in ordered if isinstance(e.sent_at, datetime)]
    assert len(sent) == len(ordered)
    assert sorted(str(e.event_id) for e in ordered) == sorted(str(e.event_id) for e in plain)
    assert len(set(sent)) > 1
    assert sent == sorted(sent, reverse=direction == "desc")


async def test_security_with_a_sort_the_server_does_not_take_is_bad_request(
    connect: Connect,
) -> None:
    """sort= naming a field the audit cannot sort by is BadRequest (INVALID_SORT); a sort that
    is not a str is a TypeError before sending."""
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            [e async for e in client.audits.security(sort="shoeSize,asc")]
        with pytest.raises(TypeError, match="sort"):
            client.audits.security(sort=1)  # type: ignore[arg-type]
    assert caught.value.error_code == "INVALID_SORT"
