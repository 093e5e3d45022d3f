"""The data audit (``admin/audit-data``): CDT record changes and encounter dispositions are
audited in the live shape, seeded entries exist, and the vendor's filters narrow the list."""

from __future__ import annotations

from typing import Any

from tests.testing.conftest import Api, ApiFactory
from welkin_async.testing import WelkinEmulator

ENTRY_KEYS = {
    "eventId",
    "eventEntity",
    "subjectUsername",
    "subjectUserId",
    "subjectActor",
    "subjectFullName",
    "patientFullName",
    "patientId",
    "instance",
    "cdtName",
    "cdtRelation",
    "eventSubtype",
    "sentAt",
    "record",
}
RECORD_KEYS = {"id", "patientId", "cdtId", "version", "jsonBody", "cdtName"}


def _patient(emulator: WelkinEmulator) -> dict[str, Any]:
    patient: dict[str, Any] = (
        emulator.tenant()
        .environments["live"]
        .patients.rows[emulator.tenant().environments["live"].patients.ids()[2]]
    )
    return patient


async def _change_a_record(api: Api, patient_id: str) -> str:
    """Create, update and delete one allergies record; its id."""
    base = f"patients/{patient_id}/cdts/allergies"
    made = await api.call("POST", base, json_body={"cdtName": "allergies", "allergen": "pollen"})
    record_id: str = made.body["id"]
    await api.call("PATCH", f"{base}/{record_id}", json_body={"allergen": "dust"})
    await api.call("DELETE", f"{base}/{record_id}")
    return record_id


async def _listed(api: Api, **params: str) -> list[dict[str, Any]]:
    answer = await api.admin("GET", "audit-data", params={"size": "100", **params})
    assert answer.status == 200, answer.body
    entries: list[dict[str, Any]] = answer.body["data"]
    return entries


async def test_a_records_changes_are_audited_newest_first(
    api: Api, emulator: WelkinEmulator
) -> None:
    """Create, update and delete are CDT_CREATED, CDT_UPDATED, CDT_DELETED entries, newest
    first, naming the API client, the patient and the environment; the record is the envelope
    after the change, and a deleted one keeps only its id and patient."""
    patient = _patient(emulator)
    record_id = await _change_a_record(api, patient["id"])
    mine = [e for e in await _listed(api) if e["record"]["id"] == record_id]
    assert [e["eventSubtype"] for e in mine] == ["CDT_DELETED", "CDT_UPDATED", "CDT_CREATED"]
    for entry in mine:
        assert set(entry) == ENTRY_KEYS
        assert set(entry["record"]) == RECORD_KEYS
        assert (entry["subjectActor"], entry["subjectFullName"]) == (
            "API_CLIENT",
            "API_CLIENT:acme-admin",
        )
        assert entry["patientFullName"] == f"{patient['firstName']} {patient['lastName']}"
        assert (entry["instance"], entry["cdtName"], entry["cdtRelation"]) == (
            "live",
            "allergies",
            "COMMON",
        )
    deleted, updated, created = (e["record"] for e in mine)
    assert (created["jsonBody"]["allergen"], updated["jsonBody"]["allergen"]) == ("pollen", "dust")
    assert deleted == {
        "patientId": patient["id"],
        "jsonBody": None,
        "id": record_id,
        "cdtName": None,
        "cdtId": None,
        "version": None,
    }


async def test_the_seed_audits_some_record_creations(emulator: WelkinEmulator, api: Api) -> None:
    """Before any write the audit holds seeded CDT_CREATED entries of the seeded environment."""
    entries = await _listed(api)
    assert entries
    assert {e["eventSubtype"] for e in entries} == {"CDT_CREATED"}
    assert {e["instance"] for e in entries} == {"live"}
    assert {e["subjectActor"] for e in entries} == {"USER"}


async def test_a_new_encounters_disposition_and_its_change_are_audited(
    api: Api, emulator: WelkinEmulator
) -> None:
    """Creating an encounter audits its disposition's creation; a disposition change is a
    CDT_UPDATED entry, both of relation ENCOUNTER_DISPOSITION."""
    patient_id = _patient(emulator)["id"]
    made = await api.call(
        "POST",
        f"patients/{patient_id}/encounters",
        json_body={"templateName": "etmp-initial-consultation", "title": "Visit"},
    )
    disposition_id = made.body["jsonBody"]["dispositionId"]
    await api.call(
        "PATCH",
        f"patients/{patient_id}/encounters/{made.body['id']}/disposition",
        json_body={"notes": "done"},
    )
    entries = await _listed(api, cdtName="__encounter_disposition__")
    assert [(e["eventSubtype"], e["record"]["id"]) for e in entries] == [
        ("CDT_UPDATED", disposition_id),
        ("CDT_CREATED", disposition_id),
    ]
    assert {e["cdtRelation"] for e in entries} == {"ENCOUNTER_DISPOSITION"}
    assert entries[0]["record"]["jsonBody"]["notes"] == "done"


async def test_filters_narrow_the_list(api: Api, emulator: WelkinEmulator) -> None:
    """patientId, instance, operation, subjectActor and entity filter exactly; includeFormation
    adds each entry's CDT definition."""
    patient_id = _patient(emulator)["id"]
    await _change_a_record(api, patient_id)
    by_patient = await _listed(api, patientId=patient_id)
    assert {e["patientId"] for e in by_patient} == {patient_id}
    updates = await _listed(api, operation="UPDATE", subjectActor="API_CLIENT")
    assert [e["eventSubtype"] for e in updates] == ["CDT_UPDATED"]
    live = await _listed(api, instance="live", entity="CDT")
    assert live
    assert {e["instance"] for e in live} == {"live"}
    assert await _listed(api, instance="sandbox") == []
    assert await _listed(api, entity="PATIENT") == []
    with_cdt = await _listed(api, cdtName="allergies", includeFormation="true")
    assert {e["cdt"]["name"] for e in with_cdt} == {"allergies"}


async def test_time_filters_bound_sent_at(api: Api, emulator: WelkinEmulator) -> None:
    """dateStart and dateEnd keep the entries sent between them."""
    entries = await _listed(api)
    middle = sorted(e["sentAt"] for e in entries)[len(entries) // 2]
    later = await _listed(api, dateStart=middle)
    earlier = await _listed(api, dateEnd=middle)
    assert all(e["sentAt"] >= middle for e in later)
    assert all(e["sentAt"] <= middle for e in earlier)
    assert len(later) + len(earlier) == len(entries) + 1


async def test_refused_filter_values_are_bad_requests(api: Api) -> None:
    """An unknown operation or actor, or a date that is no ISO date-time, answers 400 naming
    the parameter."""
    for params in ({"operation": "MERGE"}, {"subjectActor": "ROBOT"}, {"dateStart": "yesterday"}):
        answer = await api.admin("GET", "audit-data", params=params)
        assert answer.status == 400
        assert answer.error["details"] == {"parameter": next(iter(params))}


async def test_a_role_without_audit_access_is_refused(api_for: ApiFactory) -> None:
    """The care coordinator may not read the data audit: 403."""
    coordinator = await api_for(role="care-coordinator")
    answer = await coordinator.admin("GET", "audit-data")
    assert (answer.status, answer.error["errorCode"]) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")
