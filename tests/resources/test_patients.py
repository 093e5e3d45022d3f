"""``client.patients`` against the emulator: create (three ways), read (by id and by external
id, GUID or MRN), PATCH semantics of ``None`` and ``UNSET``, delete, list (with filters and
fan-out), duplicate keys, and the analyst's and care coordinator's field-level policies."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import attrs
import pytest

from tests.conftest import Connect, a_patient, acme_live, patient_count
from welkin_async import UNSET, unstructure
from welkin_async.errors import BadRequest, Conflict, NotFound, PermissionDenied
from welkin_async.models import (
    CareTeamAssignment,
    Gender,
    Patient,
    PatientCreate,
    PatientFilter,
    TerritoryAssignment,
)
from welkin_async.models._base import wire_name
from welkin_async.resources.patients import ExternalIdKind
from welkin_async.testing import WelkinEmulator

PATIENTS = pytest.mark.welkin_emulator(patients=5, tenants=["acme"])
UNKNOWN_USER = "00000000-0000-4000-8000-00000000abcd"
MANY = pytest.mark.welkin_emulator(patients=11, tenants=["acme"])
CREATE = "POST /patients"
PATCH = "PATCH /patients/{patient_id}"
# What the server stamps on every change; everything else must stay as it was.
TOUCHED = frozenset({"updatedAt", "updatedBy", "updatedByName"})


def row_of(emulator: WelkinEmulator, patient_id: str) -> dict[str, Any]:
    """The patient's row in the emulator state (wire names)."""
    row: dict[str, Any] = acme_live(emulator).patients.rows[patient_id]
    return row


def untouched(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in TOUCHED}


def attribute_of(wire: str) -> str:
    """The ``Patient`` attribute read from the wire key ``wire``."""
    return next(a.name for a in attrs.fields(Patient) if wire_name(a) == wire)


# --- create --------------------------------------------------------------------------------------


@PATIENTS
async def test_create_from_a_patient_create_model(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A PatientCreate is written under wire names (a birth date as the served date-time) and
    comes back as a Patient."""
    body = PatientCreate(
        first_name="Ada", last_name="Lovelace", birth_date=date(1990, 5, 17), external_id="E-m-1"
    )
    async with connect() as client:
        patient = await client.patients.create(body)
    row = row_of(welkin_emulator, str(patient.id))
    assert (row["firstName"], row["lastName"], row["birthDate"], row["externalId"]) == (
        "Ada",
        "Lovelace",
        "1990-05-17T00:00:00.000Z",
        "E-m-1",
    )
    assert unstructure(patient) == row


@PATIENTS
async def test_create_from_a_mapping_of_wire_names(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A mapping is sent with its wire names as keys, its values unstructured (a birth date
    ``date`` as the served midnight-UTC date-time)."""
    async with connect() as client:
        patient = await client.patients.create(
            {"firstName": "Grace", "addressLine1": "1 Main St", "birthDate": date(1980, 1, 2)}
        )
    row = row_of(welkin_emulator, str(patient.id))
    assert (row["firstName"], row["addressLine1"], row["birthDate"]) == (
        "Grace",
        "1 Main St",
        "1980-01-02T00:00:00.000Z",
    )
    assert patient.address_line1 == row["addressLine1"]


@PATIENTS
async def test_a_seeded_birth_date_reads_in_its_served_form(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A stored birthDate (``YYYY-MM-DDT00:00:00.000Z``) reads as that aware datetime and
    writes back unchanged."""
    patient_id = a_patient(welkin_emulator)
    row = row_of(welkin_emulator, patient_id)
    assert row["birthDate"].endswith("T00:00:00.000Z")
    async with connect() as client:
        patient = await client.patients.get(patient_id)
    assert patient.birth_date == datetime.fromisoformat(row["birthDate"])
    assert unstructure(patient)["birthDate"] == row["birthDate"]


@PATIENTS
async def test_update_with_a_date_sends_the_served_form(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(pid, birth_date=date(...)) sends midnight UTC of that day and reads it back."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        updated = await client.patients.update(patient_id, birth_date=date(2001, 2, 3))
    assert row_of(welkin_emulator, patient_id)["birthDate"] == "2001-02-03T00:00:00.000Z"
    assert updated.birth_date == datetime(2001, 2, 3, tzinfo=UTC)


@PATIENTS
async def test_a_birth_date_time_is_kept_as_the_day_it_falls_on(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A birth date given as a date-time with an offset is stored (as the emulator models the
    field: a day) as midnight UTC of the UTC day it falls on."""
    evening = datetime(1990, 5, 17, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    async with connect() as client:
        patient = await client.patients.create(first_name="Eve", birth_date=evening)
    assert row_of(welkin_emulator, str(patient.id))["birthDate"] == "1990-05-18T00:00:00.000Z"
    assert patient.birth_date == datetime(1990, 5, 18, tzinfo=UTC)


@PATIENTS
async def test_a_naive_birth_date_time_is_refused_before_sending(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A naive datetime for birth_date raises ValueError naming birthDate; nothing is sent."""
    patient_id = a_patient(welkin_emulator)
    before = copy.deepcopy(row_of(welkin_emulator, patient_id))
    async with connect() as client:
        with pytest.raises(ValueError, match="birthDate"):
            await client.patients.update(patient_id, birth_date=datetime(1990, 5, 17))
    assert row_of(welkin_emulator, patient_id) == before


@PATIENTS
async def test_create_with_a_care_team_and_territories(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """careTeam ids and patientTerritories go as the vendor documents them; the care team comes
    back as its users, the first one the point of contact when none is marked."""
    tenant = welkin_emulator.tenant("acme")
    first, second = tenant.users[:2]
    region = next(iter(tenant.regions))
    team = [CareTeamAssignment(id=UUID(first["id"])), CareTeamAssignment(id=UUID(second["id"]))]
    territories = [TerritoryAssignment(name=region, territories=tenant.regions[region][:1])]
    async with connect() as client:
        patient = await client.patients.create(
            first_name="Team", care_team=team, patient_territories=territories
        )
    row = row_of(welkin_emulator, str(patient.id))
    assert [(m["id"], m["pointOfContact"]) for m in row["careTeam"]] == [
        (first["id"], True),
        (second["id"], False),
    ]
    assert row["careTeam"][0]["firstName"] == first["firstName"]
    assert row["patientTerritories"] == [
        {"name": region, "territories": tenant.regions[region][:1]}
    ]
    assert unstructure(patient)["careTeam"] == row["careTeam"]


@PATIENTS
async def test_a_care_team_member_who_is_no_user_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A careTeam id that is no user of the tenant raises BadRequest naming careTeam."""
    before = patient_count(welkin_emulator)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.patients.create(care_team=[{"id": UNKNOWN_USER}])
    assert (raised.value.error_code, raised.value.field) == ("USER_NOT_FOUND", "careTeam")
    assert patient_count(welkin_emulator) == before


@PATIENTS
async def test_create_from_keyword_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Keyword fields named by attribute are written under their wire names, enums as values."""
    async with connect() as client:
        patient = await client.patients.create(
            first_name="Alan", secondary_email="alan@example.org", gender=Gender.MALE
        )
    row = row_of(welkin_emulator, str(patient.id))
    assert (row["firstName"], row["secondaryEmail"], row["gender"]) == (
        "Alan",
        "alan@example.org",
        "MALE",
    )
    assert patient.gender is Gender.MALE


@PATIENTS
async def test_create_with_a_misspelt_keyword_raises_type_error_naming_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A keyword that is not a PatientCreate field is a TypeError naming it, and nothing is sent."""
    before = patient_count(welkin_emulator)
    async with connect() as client:
        with pytest.raises(TypeError, match="frist_name"):
            await client.patients.create(frist_name="Ada")  # type: ignore[call-overload]
    assert welkin_emulator.stats.requests[CREATE] == 0
    assert patient_count(welkin_emulator) == before


@PATIENTS
async def test_create_with_both_a_body_and_fields_raises_type_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A body and keyword fields together are ambiguous: a TypeError, and nothing is sent."""
    async with connect() as client:
        with pytest.raises(TypeError, match="not both"):
            await client.patients.create(  # type: ignore[call-overload]
                PatientCreate(first_name="Ada"), last_name="Lovelace"
            )
    assert welkin_emulator.stats.requests[CREATE] == 0


@PATIENTS
async def test_create_with_a_taken_external_id_raises_conflict(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A patient with an external id already taken is a Conflict naming the field; none is made."""
    taken = row_of(welkin_emulator, a_patient(welkin_emulator))["externalId"]
    before = patient_count(welkin_emulator)
    async with connect() as client:
        with pytest.raises(Conflict) as caught:
            await client.patients.create(first_name="Twin", external_id=taken)
    assert caught.value.field == "externalId"
    assert caught.value.error_code == "PATIENT_ALREADY_EXISTS"
    assert patient_count(welkin_emulator) == before


# --- read ----------------------------------------------------------------------------------------


@PATIENTS
async def test_get_returns_the_patient_as_stored(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get(id) returns a Patient whose wire form is exactly the emulator's row."""
    patient_id = acme_live(welkin_emulator).patients.ids()[2]
    async with connect() as client:
        patient = await client.patients.get(patient_id)
    assert isinstance(patient, Patient)
    assert str(patient.id) == patient_id
    assert unstructure(patient) == row_of(welkin_emulator, patient_id)


@PATIENTS
async def test_get_of_an_unknown_id_raises_not_found(connect: Connect) -> None:
    """get() of an id no patient has raises NotFound."""
    async with connect() as client:
        with pytest.raises(NotFound):
            await client.patients.get("00000000-0000-4000-8000-000000000000")


@PATIENTS
@pytest.mark.parametrize(
    ("kind", "key"), [("EID", "externalId"), ("EGUID", "externalGuid"), ("MRN", "mrn")]
)
async def test_get_by_external_id_finds_the_patient_holding_it(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: ExternalIdKind, key: str
) -> None:
    """get_by_external_id(value, kind=...) finds the one patient whose EID, EGUID or MRN it is."""
    async with connect() as client:
        made = await client.patients.create(
            external_id="E-lookup-1", external_guid="G-lookup-1", mrn="M-lookup-1"
        )
        value = row_of(welkin_emulator, str(made.id))[key]
        found = await client.patients.get_by_external_id(value, kind=kind)
    holders = [
        row_id
        for row_id, row in acme_live(welkin_emulator).patients.rows.items()
        if row[key] == value
    ]
    assert holders == [str(found.id)]


@PATIENTS
async def test_get_by_external_id_defaults_to_eid(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Without a kind, the value is looked up as an external id (EID)."""
    patient_id = acme_live(welkin_emulator).patients.ids()[1]
    external_id = row_of(welkin_emulator, patient_id)["externalId"]
    async with connect() as client:
        found = await client.patients.get_by_external_id(external_id)
    assert str(found.id) == patient_id


@PATIENTS
async def test_get_by_external_id_of_an_mrn_as_eid_raises_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The kind matters: an MRN looked up as an EID is not found."""
    mrn = row_of(welkin_emulator, a_patient(welkin_emulator))["mrn"]
    async with connect() as client:
        with pytest.raises(NotFound):
            await client.patients.get_by_external_id(mrn, kind="EID")


# --- update --------------------------------------------------------------------------------------


@PATIENTS
async def test_update_is_a_patch_of_only_the_given_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update() sends one PATCH; only the given field changes, every other one stays as it was."""
    patient_id = a_patient(welkin_emulator)
    before = copy.deepcopy(row_of(welkin_emulator, patient_id))
    async with connect() as client:
        patient = await client.patients.update(patient_id, city="Salem")
    after = row_of(welkin_emulator, patient_id)
    assert welkin_emulator.stats.requests[PATCH] == 1
    assert untouched(after) == {**untouched(before), "city": "Salem"}
    assert unstructure(patient) == after


@PATIENTS
async def test_update_with_none_sends_null_and_clears_the_field(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A field given as None is sent as null: it is cleared in the state and comes back None."""
    patient_id = a_patient(welkin_emulator)
    before = copy.deepcopy(row_of(welkin_emulator, patient_id))
    assert before["phone"] is not None
    async with connect() as client:
        patient = await client.patients.update(patient_id, phone=None)
    after = row_of(welkin_emulator, patient_id)
    assert "phone" in after
    assert after["phone"] is None
    assert patient.phone is None
    assert untouched(after) == {**untouched(before), "phone": None}


@PATIENTS
async def test_update_with_unset_leaves_the_field_out(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A field given as UNSET is not sent, so it keeps its value while the others change."""
    patient_id = a_patient(welkin_emulator)
    before = copy.deepcopy(row_of(welkin_emulator, patient_id))
    async with connect() as client:
        patient = await client.patients.update(patient_id, phone=UNSET, city="Madison")
    after = row_of(welkin_emulator, patient_id)
    assert after["phone"] == before["phone"]
    assert patient.phone == before["phone"]
    assert untouched(after) == {**untouched(before), "city": "Madison"}


@PATIENTS
async def test_update_with_a_misspelt_field_raises_type_error_and_sends_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An unknown keyword is a TypeError naming it before anything is sent."""
    async with connect() as client:
        with pytest.raises(TypeError, match="cty"):
            await client.patients.update(a_patient(welkin_emulator), cty="Salem")  # type: ignore[call-arg]
    assert welkin_emulator.stats.requests[PATCH] == 0


# --- delete --------------------------------------------------------------------------------------


@PATIENTS
async def test_delete_removes_the_patient(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """After delete(), the patient is gone from the state and get() raises NotFound."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        await client.patients.delete(patient_id)
        assert patient_id not in acme_live(welkin_emulator).patients
        with pytest.raises(NotFound):
            await client.patients.get(patient_id)


# --- list ----------------------------------------------------------------------------------------


@MANY
@pytest.mark.parametrize("concurrency", [1, 4])
async def test_list_yields_every_patient_once_in_creation_order(
    welkin_emulator: WelkinEmulator, connect: Connect, concurrency: int
) -> None:
    """list() pages through all patients, each exactly once, in creation order."""
    async with connect() as client:
        listed = [p async for p in client.patients.list(size=3, concurrency=concurrency)]
    assert all(isinstance(p, Patient) for p in listed)
    assert [str(p.id) for p in listed] == acme_live(welkin_emulator).patients.ids()
    assert welkin_emulator.stats.requests["POST /by-filter/patients"] == 4  # 11 patients, 3 a page


@MANY
@pytest.mark.parametrize("as_model", [True, False], ids=["model", "mapping"])
async def test_list_with_a_last_name_filter_yields_the_matching_patients(
    welkin_emulator: WelkinEmulator, connect: Connect, as_model: bool
) -> None:
    """PatientFilter(last_name=...) or {"lastName": ...} yields exactly the patients so named."""
    rows = acme_live(welkin_emulator).patients.rows
    last_name = rows[a_patient(welkin_emulator)]["lastName"]
    expected = [row_id for row_id, row in rows.items() if row["lastName"] == last_name]
    assert len(expected) < len(rows)  # the filter does narrow the seeded set
    chosen: PatientFilter | dict[str, Any] = (
        PatientFilter(last_name=last_name) if as_model else {"lastName": last_name}
    )
    async with connect() as client:
        listed = [p async for p in client.patients.list(chosen, size=2, concurrency=2)]
    assert [str(p.id) for p in listed] == expected


@MANY
async def test_list_with_an_ids_filter_yields_only_those(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A PatientFilter(ids=...) yields those patients only, in creation order."""
    all_ids = acme_live(welkin_emulator).patients.ids()
    wanted = [all_ids[7], all_ids[2], all_ids[9]]
    async with connect() as client:
        listed = [p async for p in client.patients.list(PatientFilter(ids=wanted))]
    assert [str(p.id) for p in listed] == [i for i in all_ids if i in wanted]


# --- security policies ---------------------------------------------------------------------------


def analyst_hidden(emulator: WelkinEmulator) -> frozenset[str]:
    """The patient fields (wire names) the analyst role may not read, per access.json."""
    return emulator.tenant("acme").roles["analyst"].hidden_fields("patients")


@PATIENTS
async def test_analyst_reads_hidden_fields_as_unset_not_none(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Fields the analyst may not read are UNSET on the Patient (never None), though stored."""
    patient_id = a_patient(welkin_emulator)
    row = row_of(welkin_emulator, patient_id)
    hidden = analyst_hidden(welkin_emulator)
    assert {"firstName", "lastName", "middleName"} <= hidden
    assert row["middleName"] is None  # stored as null: must still read as UNSET, not None
    async with connect(role="analyst") as client:
        patient = await client.patients.get(patient_id)
    for wire in sorted(hidden):
        assert wire in row
        assert getattr(patient, attribute_of(wire)) is UNSET, wire
    assert patient.city == row["city"]
    assert patient.mrn == row["mrn"]


@PATIENTS
async def test_analyst_lists_patients_with_hidden_fields_unset(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Listing as the analyst hides the same fields on every patient, and no others."""
    hidden = analyst_hidden(welkin_emulator)
    rows = acme_live(welkin_emulator).patients.rows
    async with connect(role="analyst") as client:
        listed = [p async for p in client.patients.list(size=2)]
    assert [str(p.id) for p in listed] == list(rows)
    for patient in listed:
        expected = {k: v for k, v in rows[str(patient.id)].items() if k not in hidden}
        assert unstructure(patient) == expected


@PATIENTS
async def test_care_coordinator_updating_mrn_is_denied_naming_the_field(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The care coordinator may not write mrn: PermissionDenied with field, code and client name."""
    patient_id = a_patient(welkin_emulator)
    coordinator = welkin_emulator.tenant("acme").client_for_role("care-coordinator")
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied) as caught:
            await client.patients.update(patient_id, mrn="MRN-NEW-1")
    denied = caught.value
    assert denied.field == "mrn"
    assert denied.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"
    assert denied.details["clientName"] == coordinator.name
    assert denied.status == 403


@PATIENTS
async def test_a_denied_update_writes_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A PATCH refused for mrn leaves the whole patient unchanged, its allowed fields included."""
    patient_id = a_patient(welkin_emulator)
    before = copy.deepcopy(row_of(welkin_emulator, patient_id))
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied):
            await client.patients.update(patient_id, city="Salem", mrn="MRN-NEW-1")
    assert row_of(welkin_emulator, patient_id) == before
    assert acme_live(welkin_emulator).external_ids[("MRN", before["mrn"])] == patient_id


@PATIENTS
async def test_care_coordinator_may_update_other_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The care coordinator's mrn restriction does not extend to the fields it may update."""
    patient_id = a_patient(welkin_emulator)
    async with connect(role="care-coordinator") as client:
        await client.patients.update(patient_id, city="Franklin")
    assert row_of(welkin_emulator, patient_id)["city"] == "Franklin"
