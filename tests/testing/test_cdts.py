"""CDT records over HTTP: list envelope, CRUD, bulk update, validation against definitions."""

from __future__ import annotations

from tests.testing.conftest import Api
from welkin_async.testing import WelkinEmulator


def _patient(emulator: WelkinEmulator) -> str:
    return emulator.tenant().environments["live"].patients.ids()[0]


async def _make(api: Api, patient_id: str, body: dict[str, object]) -> dict[str, object]:
    made = await api.call("POST", f"patients/{patient_id}/cdts/cdt-self-care", json_body=body)
    assert made.status == 201, made.body
    record: dict[str, object] = made.body
    return record


async def test_create_returns_the_record_envelope(api: Api, emulator: WelkinEmulator) -> None:
    """A new record has id, patientId, cdtId, version, cdtName and system fields in jsonBody."""
    patient_id = _patient(emulator)
    record = await _make(api, patient_id, {"cdtf-alone-time": "Yes"})
    cdt = emulator.tenant().cdts["cdt-self-care"]
    assert record["patientId"] == patient_id
    assert (record["cdtId"], record["version"], record["cdtName"]) == (
        cdt["id"],
        cdt["version"],
        "cdt-self-care",
    )
    body = record["jsonBody"]
    assert isinstance(body, dict)
    assert body["cdtf-alone-time"] == "Yes"
    assert body["id"] == record["id"]
    assert body["created_by_name"] == "acme-admin"


async def test_create_takes_the_values_flat_beside_the_cdt_name(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A create body is the field values flat beside ``cdtName`` (the live form); the record
    serves every field the CDT defines, null where none was given."""
    patient_id = _patient(emulator)
    record = await _make(api, patient_id, {"cdtName": "cdt-self-care", "cdtf-alone-time": "Yes"})
    body = record["jsonBody"]
    assert isinstance(body, dict)
    assert (body["cdtf-alone-time"], body["cdtf-unwind"], body["cdtf-has-routine"]) == (
        "Yes",
        None,
        None,
    )
    assert "cdtName" not in body


async def test_create_wrapped_in_json_body_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """The wrapped form ``{"jsonBody": {...}}`` is not the live API's: 400 naming jsonBody."""
    patient_id = _patient(emulator)
    before = len(emulator.tenant().environments["live"].cdt_records)
    answer = await api.call(
        "POST",
        f"patients/{patient_id}/cdts/cdt-self-care",
        json_body={"jsonBody": {"cdtf-alone-time": "Yes"}},
    )
    assert answer.status == 400
    assert (answer.error["errorCode"], answer.error["details"]["field"]) == (
        "CDT_FIELD_VALIDATION_FAILED",
        "jsonBody",
    )
    assert len(emulator.tenant().environments["live"].cdt_records) == before


async def test_create_naming_another_cdt_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """A ``cdtName`` beside the values that is not the path's CDT answers 400 naming cdtName."""
    answer = await api.call(
        "POST",
        f"patients/{_patient(emulator)}/cdts/cdt-self-care",
        json_body={"cdtName": "allergies", "cdtf-alone-time": "Yes"},
    )
    assert answer.status == 400
    assert (answer.error["errorCode"], answer.error["details"]["field"]) == (
        "CDT_NAME_MISMATCH",
        "cdtName",
    )


async def test_single_record_update_takes_the_values_flat(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A single-record PATCH body is the changed values flat; the wrapped form is refused."""
    patient_id = _patient(emulator)
    record = await _make(api, patient_id, {"cdtf-alone-time": "No"})
    path = f"patients/{patient_id}/cdts/cdt-self-care/{record['id']}"
    wrapped = await api.call("PATCH", path, json_body={"jsonBody": {"cdtf-alone-time": "Yes"}})
    assert wrapped.status == 400
    patched = await api.call("PATCH", path, json_body={"cdtf-alone-time": "Yes"})
    assert patched.status == 200
    assert patched.body["jsonBody"]["cdtf-alone-time"] == "Yes"


async def test_list_is_a_named_spring_page(api: Api, emulator: WelkinEmulator) -> None:
    """GET cdts/{name} answers {name, data: Spring page} of that patient's records."""
    patient_id = _patient(emulator)
    await _make(api, patient_id, {"cdtf-alone-time": "No"})
    await _make(api, patient_id, {"cdtf-alone-time": "Sometimes"})
    listed = await api.call(
        "GET", f"patients/{patient_id}/cdts/cdt-self-care", params={"size": "1"}
    )
    assert listed.body["name"] == "cdt-self-care"
    page = listed.body["data"]
    assert page["size"] == 1
    assert page["totalElements"] >= 2
    assert page["content"][0]["cdtName"] == "cdt-self-care"


async def test_list_fields_parameter_projects_the_body(api: Api, emulator: WelkinEmulator) -> None:
    """?fields= keeps only the named fields in each jsonBody."""
    patient_id = _patient(emulator)
    await _make(api, patient_id, {"cdtf-alone-time": "No", "cdtf-unwind": "walks"})
    listed = await api.call(
        "GET", f"patients/{patient_id}/cdts/cdt-self-care", params={"fields": "cdtf-unwind"}
    )
    assert all(set(r["jsonBody"]) == {"cdtf-unwind"} for r in listed.body["data"]["content"])


async def test_get_update_delete_a_record(api: Api, emulator: WelkinEmulator) -> None:
    """A record is fetched, patched (only the given fields), and deleted (then 404)."""
    patient_id = _patient(emulator)
    record = await _make(api, patient_id, {"cdtf-alone-time": "No"})
    path = f"patients/{patient_id}/cdts/cdt-self-care/{record['id']}"
    patched = await api.call("PATCH", path, json_body={"cdtf-has-routine": True})
    assert patched.body["jsonBody"]["cdtf-has-routine"] is True
    assert patched.body["jsonBody"]["cdtf-alone-time"] == "No"
    assert (await api.call("GET", path)).body == patched.body
    assert (await api.call("DELETE", path)).status == 204
    gone = await api.call("GET", path)
    assert (gone.status, gone.error["errorCode"]) == (404, "CDT_RECORD_NOT_FOUND")


async def test_bad_select_value_is_400_naming_the_field(api: Api, emulator: WelkinEmulator) -> None:
    """A value outside a select's options answers 400 naming CDT and field, not the value."""
    answer = await api.call(
        "POST",
        f"patients/{_patient(emulator)}/cdts/cdt-self-care",
        json_body={"cdtf-alone-time": "Never"},
    )
    assert answer.status == 400
    error = answer.error
    assert error["errorCode"] == "CDT_FIELD_VALIDATION_FAILED"
    assert error["details"]["field"] == "cdtf-alone-time"
    assert error["details"]["cdtName"] == "cdt-self-care"
    assert "Never" not in error["message"]


async def test_values_are_checked_by_field_type(api: Api, emulator: WelkinEmulator) -> None:
    """Integers within bounds, booleans, dates and unknown fields are each checked."""
    patient_id = _patient(emulator)
    cases = [
        ("blood_pressure", {"systolic": 400}, "systolic"),
        ("blood_pressure", {"systolic": "120"}, "systolic"),
        ("diabetes_labs", {"fasting": "yes"}, "fasting"),
        ("diabetes_labs", {"lab_date": "2024-13-01"}, "lab_date"),
        ("emergency_contacts", {"contact_email": "not-an-email"}, "contact_email"),
        ("allergies", {"no_such_field": "x"}, "no_such_field"),
        ("allergies", {"created_at": "2024-01-01T00:00:00Z"}, "created_at"),
    ]
    for cdt, values, field in cases:
        answer = await api.call("POST", f"patients/{patient_id}/cdts/{cdt}", json_body=values)
        assert answer.status == 400, (cdt, values)
        assert answer.error["details"]["field"] == field


async def test_valid_values_of_every_type_are_accepted(api: Api, emulator: WelkinEmulator) -> None:
    """Well-typed values for integer, float, checkbox, date and datetime fields are stored."""
    answer = await api.call(
        "POST",
        f"patients/{_patient(emulator)}/cdts/blood_pressure",
        json_body={"systolic": 120, "diastolic": 80, "measured_at": "2025-03-01T10:00:00Z"},
    )
    assert answer.status == 201
    assert answer.body["jsonBody"]["systolic"] == 120


async def test_bulk_update_reports_each_row(api: Api, emulator: WelkinEmulator) -> None:
    """PATCH on the CDT updates several records and answers rows with result OK or NOT_FOUND."""
    patient_id = _patient(emulator)
    first = await _make(api, patient_id, {"cdtf-alone-time": "No"})
    second = await _make(api, patient_id, {"cdtf-alone-time": "No"})
    missing = "00000000-0000-4000-8000-000000000000"
    answer = await api.call(
        "PATCH",
        f"patients/{patient_id}/cdts/cdt-self-care",
        json_body={
            "rows": [
                {"id": first["id"], "jsonBody": {"cdtf-alone-time": "Yes"}},
                {"id": second["id"], "jsonBody": {"cdtf-alone-time": "Yes"}},
                {"id": missing, "jsonBody": {"cdtf-alone-time": "Yes"}},
            ]
        },
    )
    assert answer.status == 200
    results = {row["id"]: row for row in answer.body["rows"]}
    assert results[first["id"]]["result"] == {"status": "OK", "content": None}
    assert results[first["id"]]["jsonBody"]["cdtf-alone-time"] == "Yes"
    assert results[missing]["result"]["status"] == "NOT_FOUND"


async def test_bulk_update_with_one_bad_row_writes_nothing(
    api: Api, emulator: WelkinEmulator
) -> None:
    """One invalid row refuses the whole request (naming row and field); no row changes."""
    patient_id = _patient(emulator)
    first = await _make(api, patient_id, {"cdtf-alone-time": "No"})
    answer = await api.call(
        "PATCH",
        f"patients/{patient_id}/cdts/cdt-self-care",
        json_body={
            "rows": [
                {"id": first["id"], "jsonBody": {"cdtf-alone-time": "Yes"}},
                {"id": first["id"], "jsonBody": {"cdtf-alone-time": "Often"}},
            ]
        },
    )
    assert answer.status == 400
    assert answer.error["details"]["row"] == 1
    assert answer.error["details"]["field"] == "cdtf-alone-time"
    stored = emulator.tenant().environments["live"].cdt_records.rows[str(first["id"])]
    assert stored["jsonBody"]["cdtf-alone-time"] == "No"


async def test_single_record_cdt_holds_one_record(api: Api, emulator: WelkinEmulator) -> None:
    """A SINGLE_RECORD CDT refuses a second record for the same patient with 409."""
    patient_id = _patient(emulator)
    path = f"patients/{patient_id}/cdts/preferred_contact"
    live = emulator.tenant().environments["live"]
    existing = live.records_of.of((patient_id, "preferred_contact"))
    if not existing:
        assert (await api.call("POST", path, json_body={"best_time": "am"})).status == 201
    answer = await api.call("POST", path, json_body={"best_time": "pm"})
    assert (answer.status, answer.error["errorCode"]) == (409, "CDT_SINGLE_RECORD_EXISTS")


async def test_unknown_cdt_is_not_found(api: Api, emulator: WelkinEmulator) -> None:
    """A CDT name the tenant does not define answers 404 CDT_NOT_FOUND."""
    answer = await api.call("GET", f"patients/{_patient(emulator)}/cdts/no-such-cdt")
    assert (answer.status, answer.error["errorCode"]) == (404, "CDT_NOT_FOUND")
