"""``client.cdts(patient_id, cdt)`` against the emulator, with the CDT given by name (dict
bodies) and by a class generated for the acme tenant: create, get, list, PATCH of some fields,
bulk update, delete, validation errors, and the care coordinator's and analyst's policies."""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import Connect, a_patient, acme_live
from welkin_async import UNSET, WelkinClient, unstructure
from welkin_async.errors import BadRequest, Conflict, NotFound, PermissionDenied
from welkin_async.models import CdtRecord, Patient, PatientCreate
from welkin_async.testing import WelkinEmulator

PATIENTS = pytest.mark.welkin_emulator(patients=2, tenants=["acme"])
MISSING = "00000000-0000-4000-8000-000000000000"
SELF_CARE = "cdt-self-care"
# What the server stamps on every change of a record; everything else must stay as it was.
TOUCHED = frozenset({"updated_at", "updated_by", "updated_by_name"})


def record_ids(emulator: WelkinEmulator, patient_id: str, cdt: str) -> list[str]:
    """The patient's records of ``cdt`` in the emulator state, in creation order."""
    return list(acme_live(emulator).records_of.of((patient_id, cdt)))


def stored(emulator: WelkinEmulator, record_id: str) -> dict[str, Any]:
    """A record's jsonBody in the emulator state (wire names)."""
    body: dict[str, Any] = acme_live(emulator).cdt_records.rows[record_id]["jsonBody"]
    return body


def untouched(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in TOUCHED}


async def new_patient(client: WelkinClient) -> str:
    """A patient with no CDT records yet."""
    patient = await client.patients.create(first_name="Cdt", last_name="Holder")
    return str(patient.id)


# --- by name: dict bodies ------------------------------------------------------------------------


@PATIENTS
async def test_create_by_name_returns_a_record_with_a_dict_body(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create() on a CDT given by name stores the mapping and returns a CdtRecord of a dict."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        record = await client.cdts(patient_id, "allergies").create(
            {"allergen": "peanut", "severity": "Severe"}
        )
    assert isinstance(record, CdtRecord)
    assert isinstance(record.json_body, dict)
    record_id = str(record.id)
    assert record_id in record_ids(welkin_emulator, patient_id, "allergies")
    assert record.json_body == stored(welkin_emulator, record_id)
    assert (record.json_body["allergen"], record.json_body["severity"]) == ("peanut", "Severe")
    assert (str(record.patient_id), record.cdt_name) == (patient_id, "allergies")


@PATIENTS
async def test_create_stores_every_defined_field_null_where_not_given(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The values go flat beside the CDT's name, as the live API takes them; the record comes
    back with every field its CDT defines, null where none was given."""
    patient_id = a_patient(welkin_emulator)
    definition = welkin_emulator.tenant("acme").cdts["allergies"]
    editable = {f["name"] for f in definition["fields"] if f.get("editable", True)}
    async with connect() as client:
        record = await client.cdts(patient_id, "allergies").create({"allergen": "dust"})
    assert isinstance(record.json_body, dict)
    assert editable - {"external_id", "external_guid"} <= set(record.json_body)
    assert record.json_body["allergen"] == "dust"
    assert record.json_body["severity"] is None


@PATIENTS
async def test_create_with_a_cdt_name_key_is_refused_before_sending(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A mapping holding ``cdtName`` (which the SDK sends itself, beside the values) raises
    ValueError; nothing is stored."""
    patient_id = a_patient(welkin_emulator)
    before = list(record_ids(welkin_emulator, patient_id, "allergies"))
    async with connect() as client:
        with pytest.raises(ValueError, match="cdtName"):
            await client.cdts(patient_id, "allergies").create(
                {"cdtName": "allergies", "allergen": "dust"}
            )
    assert record_ids(welkin_emulator, patient_id, "allergies") == before


@PATIENTS
async def test_get_by_name_returns_the_stored_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get(id) returns the record whose body is the one in the emulator state."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, "allergies")
        made = await records.create({"allergen": "latex"})
        got = await records.get(str(made.id))
    assert got.id == made.id
    assert got.json_body == stored(welkin_emulator, str(made.id))


@PATIENTS
async def test_get_of_a_record_of_another_cdt_raises_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A record id is looked up within its CDT: asking another CDT for it is NotFound."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        made = await client.cdts(patient_id, "allergies").create({"allergen": "latex"})
        with pytest.raises(NotFound):
            await client.cdts(patient_id, "medications").get(str(made.id))


@PATIENTS
@pytest.mark.parametrize("concurrency", [1, 4])
async def test_list_by_name_yields_every_record_once_in_order(
    welkin_emulator: WelkinEmulator, connect: Connect, concurrency: int
) -> None:
    """list() pages through the patient's records of the CDT, each once, in creation order."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, "allergies")
        for allergen in ("a", "b", "c", "d", "e"):
            await records.create({"allergen": allergen})
        listed = [r async for r in records.list(size=2, concurrency=concurrency)]
    expected = record_ids(welkin_emulator, patient_id, "allergies")
    assert len(expected) >= 5
    assert [str(r.id) for r in listed] == expected
    assert [r.json_body for r in listed] == [stored(welkin_emulator, i) for i in expected]


@PATIENTS
async def test_list_by_name_with_fields_narrows_each_body(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(fields=[...]) returns bodies holding only the named fields, with their values."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, "allergies")
        await records.create({"allergen": "dust", "reaction": "sneezing"})
        await records.create({"allergen": "pollen", "severity": "Mild"})
        listed = [r async for r in records.list(fields=["allergen", "severity"])]
    assert [str(r.id) for r in listed] == record_ids(welkin_emulator, patient_id, "allergies")
    for record in listed:
        full = stored(welkin_emulator, str(record.id))
        assert record.json_body == {k: full[k] for k in ("allergen", "severity") if k in full}
    assert {"allergen", "severity"} in [set(r.json_body) for r in listed]


@PATIENTS
async def test_update_by_name_with_a_mapping_changes_only_those_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, {wire name: value}) PATCHes the given fields; the others keep their values."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, "allergies")
        made = await records.create({"allergen": "peanut", "severity": "Mild", "reaction": "hives"})
        before = copy.deepcopy(stored(welkin_emulator, str(made.id)))
        updated = await records.update(str(made.id), {"severity": "Severe", "reaction": None})
    after = stored(welkin_emulator, str(made.id))
    assert untouched(after) == {**untouched(before), "severity": "Severe", "reaction": None}
    assert updated.json_body == after
    assert (
        welkin_emulator.stats.requests["PATCH /patients/{patient_id}/cdts/{cdt_name}/{record_id}"]
        == 1
    )


@PATIENTS
async def test_update_by_name_with_keywords_changes_only_those_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Keyword fields work for a CDT given by name (its wire names being identifiers)."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, "allergies")
        made = await records.create({"allergen": "peanut", "severity": "Mild"})
        before = copy.deepcopy(stored(welkin_emulator, str(made.id)))
        await records.update(str(made.id), severity="Moderate", allergen=UNSET)
    after = stored(welkin_emulator, str(made.id))
    assert untouched(after) == {**untouched(before), "severity": "Moderate"}


@PATIENTS
async def test_update_with_both_a_mapping_and_keywords_raises_type_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A mapping of changes and keyword fields together are refused before anything is sent."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, "allergies")
        made = await records.create({"allergen": "peanut"})
        with pytest.raises(TypeError, match="not both"):
            await records.update(str(made.id), {"severity": "Mild"}, reaction="hives")
    assert (
        welkin_emulator.stats.requests["PATCH /patients/{patient_id}/cdts/{cdt_name}/{record_id}"]
        == 0
    )


@PATIENTS
async def test_bulk_update_writes_every_row(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """bulk_update({id: changes}) applies each row's changes and reports each row OK."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, "allergies")
        first = str((await records.create({"allergen": "a", "severity": "Mild"})).id)
        second = str((await records.create({"allergen": "b", "severity": "Mild"})).id)
        before = {i: copy.deepcopy(stored(welkin_emulator, i)) for i in (first, second)}
        result = await records.bulk_update(
            {first: {"severity": "Severe"}, second: {"allergen": "b2", "reaction": "rash"}}
        )
    assert untouched(stored(welkin_emulator, first)) == {
        **untouched(before[first]),
        "severity": "Severe",
    }
    assert untouched(stored(welkin_emulator, second)) == {
        **untouched(before[second]),
        "allergen": "b2",
        "reaction": "rash",
    }
    assert [(row.id, row.result.status) for row in result.rows] == [(first, "OK"), (second, "OK")]
    assert [row.json_body for row in result.rows] == [
        stored(welkin_emulator, first),
        stored(welkin_emulator, second),
    ]


@PATIENTS
async def test_bulk_update_reports_a_missing_record_in_its_row(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A row naming no record reports NOT_FOUND in its result; the other rows still apply."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, "allergies")
        made = str((await records.create({"allergen": "a"})).id)
        result = await records.bulk_update(
            [(MISSING, {"allergen": "x"}), (made, {"allergen": "y"})]
        )
    statuses = {row.id: row.result.status for row in result.rows}
    assert statuses == {MISSING: "NOT_FOUND", made: "OK"}
    assert MISSING not in acme_live(welkin_emulator).cdt_records
    assert stored(welkin_emulator, made)["allergen"] == "y"


@PATIENTS
async def test_bulk_update_with_one_bad_row_fails_whole_and_writes_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A bad value in any row fails the whole call with BadRequest naming row and field."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, "allergies")
        first = str((await records.create({"allergen": "a", "severity": "Mild"})).id)
        second = str((await records.create({"allergen": "b", "severity": "Mild"})).id)
        before = {i: copy.deepcopy(stored(welkin_emulator, i)) for i in (first, second)}
        with pytest.raises(BadRequest) as caught:
            await records.bulk_update(
                {first: {"severity": "Severe"}, second: {"severity": "Unbearable"}}
            )
    assert caught.value.field == "severity"
    assert caught.value.details["row"] == 1
    assert caught.value.details["cdtName"] == "allergies"
    assert {i: stored(welkin_emulator, i) for i in (first, second)} == before


@PATIENTS
async def test_delete_removes_the_record(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """After delete(id) the record is gone from the state and get(id) raises NotFound."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, "allergies")
        made = str((await records.create({"allergen": "a"})).id)
        await records.delete(made)
        assert made not in acme_live(welkin_emulator).cdt_records
        assert made not in record_ids(welkin_emulator, patient_id, "allergies")
        with pytest.raises(NotFound):
            await records.get(made)


@PATIENTS
async def test_a_single_record_cdt_refuses_a_second_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A SINGLE_RECORD CDT (preferred_contact) refuses a patient's second record with Conflict."""
    assert welkin_emulator.tenant("acme").cdts["preferred_contact"]["type"] == "SINGLE_RECORD"
    async with connect() as client:
        patient_id = await new_patient(client)
        records = client.cdts(patient_id, "preferred_contact")
        first = await records.create({"channel": ["SMS"], "best_time": "mornings"})
        with pytest.raises(Conflict) as caught:
            await records.create({"channel": ["Email"]})
    assert caught.value.error_code == "CDT_SINGLE_RECORD_EXISTS"
    assert record_ids(welkin_emulator, patient_id, "preferred_contact") == [str(first.id)]


# --- by generated class --------------------------------------------------------------------------


@PATIENTS
async def test_a_typed_record_round_trips_with_hyphenated_wire_names(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A CdtSelfCare instance is stored under its hyphenated wire names and read back equal."""
    self_care: Any = acme.CdtSelfCare
    alone_time: Any = acme.CdtSelfCareCdtfAloneTime
    patient_id = a_patient(welkin_emulator)
    body = self_care(
        cdtf_alone_time=alone_time.SOMETIMES, cdtf_unwind="long walks", cdtf_has_routine=False
    )
    async with connect(models=acme) as client:
        records = client.cdts(patient_id, self_care)
        made = await records.create(body)
        got = await records.get(str(made.id))
        listed = [r async for r in records.list() if r.id == made.id]
    raw = stored(welkin_emulator, str(made.id))
    assert {"cdtf-alone-time", "cdtf-unwind", "cdtf-has-routine"} <= set(raw)
    assert not {"cdtf_alone_time", "cdtf_unwind", "cdtf_has_routine"} & set(raw)
    assert (raw["cdtf-alone-time"], raw["cdtf-unwind"], raw["cdtf-has-routine"]) == (
        "Sometimes",
        "long walks",
        False,
    )
    assert len(listed) == 1
    for record in (made, got, listed[0]):
        assert isinstance(record.json_body, self_care)
        assert record.json_body.cdtf_alone_time is alone_time.SOMETIMES
        assert record.json_body.cdtf_unwind == body.cdtf_unwind
        assert record.json_body.cdtf_has_routine is False
        assert record.json_body.id == str(made.id)
    assert got.json_body == made.json_body == listed[0].json_body


@PATIENTS
@pytest.mark.parametrize("concurrency", [1, 3])
async def test_list_by_class_yields_typed_records_in_order(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType, concurrency: int
) -> None:
    """list() on a class yields every record once, in order, each body an instance of the class."""
    self_care: Any = acme.CdtSelfCare
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, self_care)
        for text in ("one", "two", "three", "four"):
            await records.create(self_care(cdtf_unwind=text))
        listed = [r async for r in records.list(size=1, concurrency=concurrency)]
    expected = record_ids(welkin_emulator, patient_id, SELF_CARE)
    assert [str(r.id) for r in listed] == expected
    assert all(isinstance(r.json_body, self_care) for r in listed)
    assert [r.json_body.cdtf_unwind for r in listed] == [
        stored(welkin_emulator, i).get("cdtf-unwind", UNSET) for i in expected
    ]


@PATIENTS
async def test_list_by_class_with_fields_leaves_the_others_unset(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """list(fields=[wire names]) on a class fills those attributes; the rest are UNSET, not None."""
    self_care: Any = acme.CdtSelfCare
    async with connect() as client:
        patient_id = await new_patient(client)
        records = client.cdts(patient_id, self_care)
        made = await records.create(self_care(cdtf_unwind="tea", cdtf_has_routine=True))
        listed = [r async for r in records.list(fields=["cdtf-unwind"])]
    assert [r.id for r in listed] == [made.id]
    body = listed[0].json_body
    assert body.cdtf_unwind == "tea"
    assert body.cdtf_has_routine is UNSET
    assert body.id is UNSET


@pytest.mark.welkin_emulator(patients=30, tenants=["acme"])
async def test_every_seeded_record_decodes_into_its_class_and_back(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """Each seeded record of each CDT reads into its generated class and unstructures unchanged."""
    live = acme_live(welkin_emulator)
    classes: dict[str, Any] = acme.CDT_CLASSES
    seen: set[str] = set()
    checked = 0
    async with connect(models=acme) as client:
        for patient_id in live.patients.ids():
            for name, cdt_class in classes.items():
                expected = record_ids(welkin_emulator, patient_id, name)
                if not expected:
                    continue
                listed = [r async for r in client.cdts(patient_id, cdt_class).list()]
                assert [str(r.id) for r in listed] == expected
                for record in listed:
                    assert isinstance(record.json_body, cdt_class)
                    assert unstructure(record.json_body) == stored(welkin_emulator, str(record.id))
                    checked += 1
                seen.add(name)
    assert checked == len(live.cdt_records)
    assert len(seen) > len(classes) // 2  # the seed spreads over most CDTs


@PATIENTS
async def test_update_by_class_with_attribute_names_changes_only_those_fields(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """update(id, attribute=value) on a class PATCHes those fields by wire name; None clears."""
    self_care: Any = acme.CdtSelfCare
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, self_care)
        made = await records.create(
            self_care(cdtf_alone_time="Yes", cdtf_unwind="music", cdtf_has_routine=True)
        )
        before = copy.deepcopy(stored(welkin_emulator, str(made.id)))
        updated = await records.update(
            str(made.id), cdtf_alone_time="No", cdtf_unwind=None, cdtf_has_routine=UNSET
        )
    after = stored(welkin_emulator, str(made.id))
    assert untouched(after) == {**untouched(before), "cdtf-alone-time": "No", "cdtf-unwind": None}
    assert updated.json_body.cdtf_alone_time == "No"
    assert updated.json_body.cdtf_unwind is None
    assert updated.json_body.cdtf_has_routine is True


@PATIENTS
async def test_update_by_class_with_a_mapping_of_wire_names(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A class-typed resource also takes a mapping of wire names for update()."""
    self_care: Any = acme.CdtSelfCare
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, self_care)
        made = await records.create(self_care(cdtf_unwind="music"))
        updated = await records.update(str(made.id), {"cdtf-unwind": "painting"})
    assert stored(welkin_emulator, str(made.id))["cdtf-unwind"] == "painting"
    assert updated.json_body.cdtf_unwind == "painting"


@PATIENTS
async def test_update_by_class_with_an_unknown_attribute_raises_type_error(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A keyword that is not an attribute of the class is a TypeError naming it; nothing is sent."""
    self_care: Any = acme.CdtSelfCare
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, self_care)
        made = await records.create(self_care(cdtf_unwind="music"))
        with pytest.raises(TypeError, match="cdtf_unwnd"):
            await records.update(str(made.id), cdtf_unwnd="x")
    assert (
        welkin_emulator.stats.requests["PATCH /patients/{patient_id}/cdts/{cdt_name}/{record_id}"]
        == 0
    )


@PATIENTS
async def test_bulk_update_by_class_takes_instances_and_sends_their_set_fields(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """Rows given as class instances send only their set fields, under wire names."""
    self_care: Any = acme.CdtSelfCare
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, self_care)
        made = str((await records.create(self_care(cdtf_unwind="a", cdtf_has_routine=True))).id)
        before = copy.deepcopy(stored(welkin_emulator, made))
        result = await records.bulk_update({made: self_care(cdtf_unwind="b")})
    assert untouched(stored(welkin_emulator, made)) == {**untouched(before), "cdtf-unwind": "b"}
    assert [(row.id, row.result.status) for row in result.rows] == [(made, "OK")]


@PATIENTS
async def test_delete_by_class_removes_the_record(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """delete(id) on a class-typed resource removes the record; get(id) then raises NotFound."""
    self_care: Any = acme.CdtSelfCare
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, self_care)
        made = str((await records.create(self_care(cdtf_unwind="a"))).id)
        await records.delete(made)
        assert made not in acme_live(welkin_emulator).cdt_records
        with pytest.raises(NotFound):
            await records.get(made)


@PATIENTS
async def test_create_by_class_refuses_an_instance_of_another_class(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A body of the wrong class is a TypeError naming the expected one; nothing is sent."""
    self_care: Any = acme.CdtSelfCare
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        with pytest.raises(TypeError, match="CdtSelfCare"):
            await client.cdts(patient_id, self_care).create(acme.Insurance(payer_name="Acme"))
    assert welkin_emulator.stats.requests["POST /patients/{patient_id}/cdts/{cdt_name}"] == 0


@pytest.mark.parametrize("not_a_cdt", [PatientCreate, Patient, dict, int])
async def test_a_class_that_is_not_a_generated_cdt_raises_type_error(
    connect: Connect, not_a_cdt: type[Any]
) -> None:
    """cdts() with a class that codegen did not make for a CDT raises TypeError naming it."""
    client = connect()
    with pytest.raises(TypeError, match=not_a_cdt.__name__):
        client.cdts("any-patient", not_a_cdt)


# --- validation ----------------------------------------------------------------------------------


@PATIENTS
@pytest.mark.parametrize(
    ("cdt", "values", "field"),
    [
        ("body_weight", {"weight_lbs": "heavy"}, "weight_lbs"),  # a string into an integer
        (SELF_CARE, {"cdtf-alone-time": "Rarely"}, "cdtf-alone-time"),  # undeclared option
        ("diabetes_labs", {"fasting": "yes"}, "fasting"),  # a string into a boolean
        ("blood_pressure", {"systolic": 400}, "systolic"),  # above the maximum
    ],
)
async def test_a_badly_typed_value_raises_bad_request_naming_field_and_cdt(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    cdt: str,
    values: dict[str, Any],
    field: str,
) -> None:
    """A value the field's type refuses is a BadRequest naming field and CDT; none is made."""
    patient_id = a_patient(welkin_emulator)
    before = record_ids(welkin_emulator, patient_id, cdt)
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.cdts(patient_id, cdt).create(values)
    assert caught.value.field == field
    assert caught.value.details["cdtName"] == cdt
    assert caught.value.error_code == "CDT_FIELD_VALIDATION_FAILED"
    assert record_ids(welkin_emulator, patient_id, cdt) == before


@PATIENTS
async def test_a_badly_typed_attribute_of_a_class_raises_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A class instance holding a string in an integer field is refused by the server, named."""
    body_weight: Any = acme.BodyWeight
    patient_id = a_patient(welkin_emulator)
    before = record_ids(welkin_emulator, patient_id, "body_weight")
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.cdts(patient_id, body_weight).create(body_weight(weight_lbs="heavy"))
    assert caught.value.field == "weight_lbs"
    assert caught.value.details["cdtName"] == "body_weight"
    assert record_ids(welkin_emulator, patient_id, "body_weight") == before


@PATIENTS
async def test_a_badly_typed_update_raises_bad_request_and_changes_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """An update with an undeclared select option is a BadRequest naming it; the record stays."""
    self_care: Any = acme.CdtSelfCare
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        records = client.cdts(patient_id, self_care)
        made = str((await records.create(self_care(cdtf_alone_time="Yes"))).id)
        before = copy.deepcopy(stored(welkin_emulator, made))
        with pytest.raises(BadRequest) as caught:
            await records.update(made, {"cdtf-alone-time": "Rarely"})
    assert caught.value.field == "cdtf-alone-time"
    assert caught.value.details["cdtName"] == SELF_CARE
    assert stored(welkin_emulator, made) == before


# --- security policies ---------------------------------------------------------------------------


@PATIENTS
async def test_care_coordinator_writing_member_id_is_denied(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """The care coordinator may not write insurance.member_id: PermissionDenied naming it."""
    insurance: Any = acme.Insurance
    patient_id = a_patient(welkin_emulator)
    before = record_ids(welkin_emulator, patient_id, "insurance")
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied) as caught:
            await client.cdts(patient_id, insurance).create(
                insurance(payer_name="Acme Health", member_id="MEM-1")
            )
    assert caught.value.field == "member_id"
    assert caught.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"
    assert record_ids(welkin_emulator, patient_id, "insurance") == before


@PATIENTS
async def test_care_coordinator_updating_member_id_is_denied_and_writes_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A care coordinator's update of member_id is refused whole: the record is unchanged."""
    insurance: Any = acme.Insurance
    patient_id = a_patient(welkin_emulator)
    async with connect() as admin:
        made = str(
            (
                await admin.cdts(patient_id, insurance).create(
                    insurance(payer_name="Acme Health", member_id="MEM-1")
                )
            ).id
        )
    before = copy.deepcopy(stored(welkin_emulator, made))
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied) as caught:
            await client.cdts(patient_id, insurance).update(
                made, payer_name="Other", member_id="MEM-2"
            )
    assert caught.value.field == "member_id"
    assert stored(welkin_emulator, made) == before


@PATIENTS
async def test_care_coordinator_bulk_update_with_member_id_in_a_row_writes_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A bulk update with member_id in any row is PermissionDenied, and no row is written."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as admin:
        records = admin.cdts(patient_id, "insurance")
        first = str((await records.create({"payer_name": "A"})).id)
        second = str((await records.create({"payer_name": "B"})).id)
    before = {i: copy.deepcopy(stored(welkin_emulator, i)) for i in (first, second)}
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied) as caught:
            await client.cdts(patient_id, "insurance").bulk_update(
                {first: {"payer_name": "A2"}, second: {"member_id": "MEM-9"}}
            )
    assert caught.value.field == "member_id"
    assert {i: stored(welkin_emulator, i) for i in (first, second)} == before


@PATIENTS
async def test_care_coordinator_may_write_other_insurance_fields(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """The member_id restriction leaves the care coordinator's other insurance fields writable."""
    insurance: Any = acme.Insurance
    patient_id = a_patient(welkin_emulator)
    async with connect(role="care-coordinator") as client:
        made = await client.cdts(patient_id, insurance).create(insurance(payer_name="Acme Health"))
    assert stored(welkin_emulator, str(made.id))["payer_name"] == "Acme Health"


@PATIENTS
async def test_analyst_reads_a_hidden_field_as_unset_on_the_class(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """member_id, hidden from the analyst, is UNSET (never None) on get and list, though stored."""
    insurance: Any = acme.Insurance
    patient_id = a_patient(welkin_emulator)
    async with connect() as admin:
        records = admin.cdts(patient_id, insurance)
        with_id = await records.create(insurance(payer_name="Acme Health", member_id="MEM-1"))
        null_id = await records.create(insurance(payer_name="Beta Health", member_id=None))
    assert stored(welkin_emulator, str(with_id.id))["member_id"] == "MEM-1"
    assert "member_id" in stored(welkin_emulator, str(null_id.id))
    async with connect(role="analyst", models=acme) as client:
        records = client.cdts(patient_id, insurance)
        got = await records.get(str(with_id.id))
        listed = [r async for r in records.list()]
    assert got.json_body.member_id is UNSET
    assert got.json_body.payer_name == "Acme Health"
    assert [str(r.id) for r in listed] == record_ids(welkin_emulator, patient_id, "insurance")
    for record in listed:
        assert record.json_body.member_id is UNSET
        assert record.json_body.payer_name == stored(welkin_emulator, str(record.id))["payer_name"]


@PATIENTS
async def test_analyst_reading_by_name_gets_no_hidden_key(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """By name, a field hidden from the analyst is absent from the dict body, not null."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as admin:
        made = await admin.cdts(patient_id, "insurance").create(
            {"payer_name": "Acme Health", "member_id": "MEM-1"}
        )
    async with connect(role="analyst") as client:
        got = await client.cdts(patient_id, "insurance").get(str(made.id))
    expected = {k: v for k, v in stored(welkin_emulator, str(made.id)).items() if k != "member_id"}
    assert got.json_body == expected
