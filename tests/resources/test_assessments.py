"""``client.assessment_records(patient_id)`` against the emulator: create (three ways), get,
update (a PUT that replaces answers), answer (merged), delete, list, and the refusals of
unknown questions and assessments."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import Connect, a_patient, acme_live
from welkin_async import WelkinClient
from welkin_async.errors import BadRequest, NotFound
from welkin_async.models import AssessmentRecordWrite, AssessmentStatus, AssessmentTemplate
from welkin_async.resources import question_keys
from welkin_async.testing import WelkinEmulator

pytestmark = pytest.mark.welkin_emulator(patients=3, tenants=["acme"])


async def _template(client: WelkinClient) -> tuple[str, list[str]]:
    """An assessment of the tenant with at least two questions: its name and question keys."""
    templates: list[AssessmentTemplate] = await client.formations.assessments()
    for template in templates:
        if len(question_keys(template)) >= 2:
            return template.name, question_keys(template)
    raise AssertionError("the tenant has no assessment with two questions")


def _answered(answers: Any) -> dict[str, Any]:
    """The answers a record holds: its question keys with a value (not its system fields)."""
    assert isinstance(answers, dict)
    return {
        key: value
        for key, value in answers.items()
        if "__" in key and not key.startswith("_") and value is not None
    }


def _row(emulator: WelkinEmulator, record_id: str) -> dict[str, Any]:
    row: dict[str, Any] = acme_live(emulator).assessments.rows[record_id]
    return row


def _of(emulator: WelkinEmulator, patient_id: str) -> list[str]:
    """The patient's assessment record ids in state, in order."""
    return list(acme_live(emulator).assessments_of.of(patient_id))


def _missing(existing: list[str]) -> str:
    """A name that is none of ``existing``."""
    return "-".join(sorted(existing)) + "-missing"


# --- create ----------------------------------------------------------------------------------


async def test_create_with_keyword_fields_stores_the_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create(assessment_name=..., answers=..., status=...) stores those values for the patient."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, questions = await _template(client)
        made = await client.assessment_records(patient_id).create(
            assessment_name=name,
            answers={questions[0]: 2},
            status=AssessmentStatus.IN_PROGRESS,
        )
    row = _row(welkin_emulator, str(made.id))
    assert (row["assessmentName"], row["patientId"], _answered(row["answers"]), row["status"]) == (
        name,
        patient_id,
        {questions[0]: 2},
        "IN_PROGRESS",
    )
    assert (made.assessment_name, _answered(made.answers), made.status) == (
        name,
        {questions[0]: 2},
        AssessmentStatus.IN_PROGRESS,
    )


async def test_create_accepts_an_assessment_record_write_model(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create(AssessmentRecordWrite(...)) sends the model's fields by their wire names."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, questions = await _template(client)
        made = await client.assessment_records(patient_id).create(
            AssessmentRecordWrite(
                assessment_name=name,
                answers={questions[1]: "yes"},
                status=AssessmentStatus.COMPLETED,
            )
        )
    row = _row(welkin_emulator, str(made.id))
    assert (row["assessmentName"], _answered(row["answers"]), row["status"]) == (
        name,
        {questions[1]: "yes"},
        "COMPLETED",
    )


async def test_create_accepts_a_mapping_of_wire_names(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create({"assessmentName": ..., "answers": ...}) sends the mapping as the body."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, questions = await _template(client)
        made = await client.assessment_records(patient_id).create(
            {"assessmentName": name, "answers": {questions[0]: 0}}
        )
    row = _row(welkin_emulator, str(made.id))
    assert (row["assessmentName"], _answered(row["answers"])) == (name, {questions[0]: 0})
    assert str(made.id) in _of(welkin_emulator, patient_id)


async def test_create_with_both_a_body_and_keywords_is_a_type_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Passing a body and keyword fields together is refused before anything is sent."""
    patient_id = a_patient(welkin_emulator)
    before = _of(welkin_emulator, patient_id)
    async with connect() as client:
        name, _ = await _template(client)
        with pytest.raises(TypeError):
            await client.assessment_records(patient_id).create(  # type: ignore[call-overload]
                {"assessmentName": name}, status=AssessmentStatus.DRAFT
            )
    assert _of(welkin_emulator, patient_id) == before


async def test_unknown_assessment_name_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An assessment the tenant lacks raises BadRequest naming assessmentName; nothing is made."""
    patient_id = a_patient(welkin_emulator)
    before = _of(welkin_emulator, patient_id)
    async with connect() as client:
        names = [a.name for a in await client.formations.assessments()]
        with pytest.raises(BadRequest) as raised:
            await client.assessment_records(patient_id).create(assessment_name=_missing(names))
    assert raised.value.error_code == "ASSESSMENT_NOT_FOUND"
    assert raised.value.field == "assessmentName"
    assert _of(welkin_emulator, patient_id) == before


async def test_create_with_an_answer_that_is_not_a_question_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An answer key the assessment does not ask raises BadRequest naming that key."""
    patient_id = a_patient(welkin_emulator)
    before = _of(welkin_emulator, patient_id)
    async with connect() as client:
        name, questions = await _template(client)
        stray = _missing(questions)
        with pytest.raises(BadRequest) as raised:
            await client.assessment_records(patient_id).create(
                assessment_name=name, answers={questions[0]: 1, stray: 1}
            )
    assert raised.value.field == stray
    assert _of(welkin_emulator, patient_id) == before


# --- get, update, answer, delete -------------------------------------------------------------


async def test_get_returns_the_stored_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get(id) returns the record as stored: name, patient, answers, status, version."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, questions = await _template(client)
        made = await client.assessment_records(patient_id).create(
            assessment_name=name, answers={questions[0]: 3}
        )
        got = await client.assessment_records(patient_id).get(str(made.id))
    row = _row(welkin_emulator, str(made.id))
    assert (str(got.id), str(got.patient_id), got.assessment_name) == (
        row["id"],
        row["patientId"],
        row["assessmentName"],
    )
    assert (got.answers, got.status, got.version) == (row["answers"], row["status"], row["version"])


async def test_get_of_another_patients_record_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A record id read under a patient it does not belong to raises NotFound."""
    owner, other = acme_live(welkin_emulator).patients.ids()[:2]
    async with connect() as client:
        name, _ = await _template(client)
        made = await client.assessment_records(owner).create(assessment_name=name)
        with pytest.raises(NotFound):
            await client.assessment_records(other).get(str(made.id))


async def test_update_replaces_the_answers(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, ...) is a PUT: the stored answers become exactly the given ones (the others
    empty), and the record keeps its assessment's version."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, questions = await _template(client)
        made = await client.assessment_records(patient_id).create(
            assessment_name=name, answers={questions[0]: 1, questions[1]: 2}
        )
        updated = await client.assessment_records(patient_id).update(
            str(made.id), assessment_name=name, answers={questions[1]: 5}
        )
    row = _row(welkin_emulator, str(made.id))
    assert _answered(row["answers"]) == {questions[1]: 5}
    assert row["answers"][questions[0]] is None
    assert updated.answers == row["answers"]
    assert row["version"] == made.version == updated.version


async def test_update_sets_the_given_status(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, AssessmentRecordWrite(status=COMPLETED)) stores COMPLETED and a finalized date."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, questions = await _template(client)
        made = await client.assessment_records(patient_id).create(assessment_name=name)
        await client.assessment_records(patient_id).update(
            str(made.id),
            AssessmentRecordWrite(
                assessment_name=name,
                answers={questions[0]: 1},
                status=AssessmentStatus.COMPLETED,
            ),
        )
    row = _row(welkin_emulator, str(made.id))
    assert (row["status"], _answered(row["answers"])) == ("COMPLETED", {questions[0]: 1})
    assert row["finalizedDate"] is not None


async def test_answer_merges_into_the_existing_answers(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """answer(id, {...}) adds and overwrites the given keys and keeps the others."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, questions = await _template(client)
        made = await client.assessment_records(patient_id).create(
            assessment_name=name, answers={questions[0]: 1, questions[1]: 2}
        )
        answered = await client.assessment_records(patient_id).answer(
            str(made.id), {questions[1]: 7}
        )
    expected = {questions[0]: 1, questions[1]: 7}
    assert _answered(_row(welkin_emulator, str(made.id))["answers"]) == expected
    assert _answered(answered.answers) == expected


async def test_answer_with_a_key_that_is_not_a_question_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An answer key the assessment does not ask raises BadRequest naming it; nothing changes."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, questions = await _template(client)
        made = await client.assessment_records(patient_id).create(
            assessment_name=name, answers={questions[0]: 1}
        )
        before = copy.deepcopy(_row(welkin_emulator, str(made.id)))
        stray = _missing(questions)
        with pytest.raises(BadRequest) as raised:
            await client.assessment_records(patient_id).answer(str(made.id), {stray: 1})
    assert raised.value.error_code == "ASSESSMENT_ANSWER_INVALID"
    assert raised.value.field == stray
    assert _row(welkin_emulator, str(made.id)) == before


async def test_update_with_a_key_that_is_not_a_question_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update() with an answer key the assessment does not ask raises BadRequest naming it."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, questions = await _template(client)
        made = await client.assessment_records(patient_id).create(
            assessment_name=name, answers={questions[0]: 1}
        )
        before = copy.deepcopy(_row(welkin_emulator, str(made.id)))
        stray = _missing(questions)
        with pytest.raises(BadRequest) as raised:
            await client.assessment_records(patient_id).update(
                str(made.id), assessment_name=name, answers={stray: 1}
            )
    assert raised.value.field == stray
    assert _row(welkin_emulator, str(made.id)) == before


async def test_update_cannot_change_the_assessment_name(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update() naming another assessment raises BadRequest naming assessmentName."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        names = [a.name for a in await client.formations.assessments()]
        made = await client.assessment_records(patient_id).create(assessment_name=names[0])
        before = copy.deepcopy(_row(welkin_emulator, str(made.id)))
        with pytest.raises(BadRequest) as raised:
            await client.assessment_records(patient_id).update(
                str(made.id), assessment_name=names[-1]
            )
    assert len(set(names)) > 1
    assert raised.value.field == "assessmentName"
    assert _row(welkin_emulator, str(made.id)) == before


async def test_delete_removes_the_record(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """delete(id) removes the record from state; get(id) is NotFound afterwards."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, _ = await _template(client)
        records = client.assessment_records(patient_id)
        kept = await records.create(assessment_name=name)
        dropped = await records.create(assessment_name=name)
        await records.delete(str(dropped.id))
        with pytest.raises(NotFound):
            await records.get(str(dropped.id))
    live = acme_live(welkin_emulator)
    assert str(dropped.id) not in live.assessments.rows
    assert _of(welkin_emulator, patient_id)[-1] == str(kept.id)
    assert str(dropped.id) not in _of(welkin_emulator, patient_id)


# --- list ------------------------------------------------------------------------------------


async def test_list_yields_exactly_the_patients_records(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list() yields the ids the emulator holds for the patient, in order, and no one else's."""
    first, second = acme_live(welkin_emulator).patients.ids()[:2]
    async with connect() as client:
        name, _ = await _template(client)
        for _ in range(3):
            await client.assessment_records(first).create(assessment_name=name)
        await client.assessment_records(second).create(assessment_name=name)
        listed = [str(r.id) async for r in client.assessment_records(first).list()]
    assert listed == _of(welkin_emulator, first)
    assert len(listed) >= 3
    assert not set(listed) & set(_of(welkin_emulator, second))


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_list_over_many_pages_yields_every_record_once(
    welkin_emulator: WelkinEmulator, connect: Connect, concurrency: int
) -> None:
    """list(size=2, concurrency=N) walks every page and yields each record once, in order."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name, _ = await _template(client)
        for _ in range(7):
            await client.assessment_records(patient_id).create(assessment_name=name)
        listed = [
            str(r.id)
            async for r in client.assessment_records(patient_id).list(
                size=2, concurrency=concurrency
            )
        ]
    expected = _of(welkin_emulator, patient_id)
    assert len(expected) >= 7
    assert listed == expected
