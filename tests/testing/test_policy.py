"""Roles and security policies: per-resource actions and per-field read/update."""

from __future__ import annotations

from tests.testing.conftest import ApiFactory
from welkin_async.testing import WelkinEmulator


async def test_forbidden_action_is_403_with_live_details(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """A role without delete gets 403 ACCESS_FOR_API_CLIENT_RESTRICTED with the live details."""
    coordinator = await api_for(role="care-coordinator")
    patient_id = emulator.tenant().environments["live"].patients.ids()[0]
    answer = await coordinator.call("DELETE", f"patients/{patient_id}")
    assert answer.status == 403
    error = answer.error
    assert (error["errorCode"], error["componentType"]) == (
        "ACCESS_FOR_API_CLIENT_RESTRICTED",
        "AUTH",
    )
    client = emulator.tenant().client_for_role("care-coordinator")
    assert error["details"] == {
        "clientId": client.client_id,
        "clientName": "acme-care-coordinator",
        "clientType": "API_CLIENT",
        "organizationName": "Acme Care Network",
        "requestURI": f"/acme/live/patients/{patient_id}",
    }
    assert patient_id in emulator.tenant().environments["live"].patients


async def test_unreadable_patient_fields_are_left_out(api_for: ApiFactory) -> None:
    """The analyst role cannot read names: they are absent from responses, not null."""
    analyst = await api_for(role="analyst")
    page = (await analyst.call("POST", "by-filter/patients", json_body={})).body
    for patient in page["content"]:
        assert "firstName" not in patient
        assert "lastName" not in patient
        assert "gender" in patient


async def test_unreadable_cdt_fields_are_left_out(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """A CDT field the role may not read is missing from the record's jsonBody."""
    admin = await api_for()
    patient_id = emulator.tenant().environments["live"].patients.ids()[0]
    made = await admin.call(
        "POST",
        f"patients/{patient_id}/cdts/insurance",
        json_body={"payer_name": "Acme Health", "member_id": "M123"},
    )
    assert made.status == 201
    analyst = await api_for(role="analyst")
    seen = await analyst.call("GET", f"patients/{patient_id}/cdts/insurance/{made.body['id']}")
    assert seen.body["jsonBody"]["payer_name"] == "Acme Health"
    assert "member_id" not in seen.body["jsonBody"]


async def test_writing_a_read_only_field_is_403_naming_it(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """The coordinator may read but not update a patient's MRN: 403 naming the field."""
    coordinator = await api_for(role="care-coordinator")
    patient_id = emulator.tenant().environments["live"].patients.ids()[0]
    answer = await coordinator.call("PATCH", f"patients/{patient_id}", json_body={"mrn": "X"})
    assert answer.status == 403
    assert answer.error["details"]["field"] == "mrn"
    allowed = await coordinator.call("PATCH", f"patients/{patient_id}", json_body={"city": "Salem"})
    assert allowed.status == 200


async def test_writing_a_restricted_cdt_field_is_403_naming_it(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """Creating a record with a field the role cannot update is refused, naming the field."""
    coordinator = await api_for(role="care-coordinator")
    patient_id = emulator.tenant().environments["live"].patients.ids()[0]
    answer = await coordinator.call(
        "POST",
        f"patients/{patient_id}/cdts/insurance",
        json_body={"payer_name": "P", "group_number": "G1"},
    )
    assert answer.status == 403
    assert answer.error["details"]["field"] == "group_number"


async def test_read_only_role_cannot_create(api_for: ApiFactory) -> None:
    """The analyst role has no create on patients."""
    analyst = await api_for(role="analyst")
    answer = await analyst.call("POST", "patients", json_body={"firstName": "A"})
    assert (answer.status, answer.error["errorCode"]) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")
