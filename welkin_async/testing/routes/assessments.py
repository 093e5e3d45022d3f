"""Assessment records: list (Spring page), create, get, replace, delete, and answers.

A record's ``answers`` are a CDT-style body: the system fields (``source_type`` ``ASSESSMENT``,
``source_id`` the record's id) and one key per question, ``<cdt>__<field>``, null until answered.
A record an encounter's assessment link points to is locked (status ``LOCKED``) when the encounter
is completed; changing a locked one is refused with 409 ``ASSESSMENT_LOCKED``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from welkin_async.testing._assessments import (
    LOCKED,
    answers_body,
    assessment_row,
    questions,
    restamp,
)
from welkin_async.testing._clock import iso_ms
from welkin_async.testing._errors import bad_request, conflict, not_found
from welkin_async.testing._pagination import page_request, spring_page
from welkin_async.testing._records import touch
from welkin_async.testing._routing import NO_CONTENT, Call, Reply, Route, bytes_reply
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import Environment
from welkin_async.testing.routes._common import actor, emit, patient, render, render_one
from welkin_async.testing.routes._shapes import PAGE_PARAMS, ref
from welkin_async.testing.routes._shapes import spring_page as spring_shape

RESOURCE = "assessment-records"


def _template(call: Call, name: str) -> dict[str, Any]:
    template = call.tenant.assessment_templates.get(name)
    if template is None:
        raise bad_request(
            "ASSESSMENT_NOT_FOUND",
            "ASSESSMENT",
            "No such assessment in the formation",
            field="assessmentName",
        )
    return template


def _check_answers(template: Mapping[str, Any], answers: Mapping[str, Any]) -> None:
    asked = questions(template)
    for key in answers:
        if key not in asked:
            raise bad_request(
                "ASSESSMENT_ANSWER_INVALID",
                "ASSESSMENT",
                f"'{key}' is not a question of assessment '{template['name']}'",
                field=key,
            )


def _new_assessment(
    call: Call,
    patient_id: str,
    template: Mapping[str, Any],
    status: str,
    answers: Mapping[str, Any],
) -> Row:
    """Store a new assessment record and return it."""
    record_id = call.backend.new_id()
    stamp = call.stamp()
    row = assessment_row(
        record_id,
        patient_id,
        template,
        status=status,
        answers=answers,
        answers_id=call.backend.new_id(),
        stamp=stamp,
        who=actor(call),
    )
    call.env.assessments.put(record_id, row, stamp)
    call.env.assessments_of.add(patient_id, record_id)
    return row


def lock(env: Environment, record_ids: list[str], stamp: int) -> None:
    for record_id in record_ids:
        row = env.assessments.rows[record_id]
        env.assessments.put(record_id, {**row, "status": LOCKED}, stamp)


def find(call: Call, record_id: str) -> Row:
    row = call.env.assessments.get(record_id)
    if row is None or row["patientId"] != call.params["patient_id"]:
        raise not_found(
            "ASSESSMENT_RECORD_NOT_FOUND", "ASSESSMENT", "Assessment record doesn't exist"
        )
    return row


def change(
    call: Call, row: Row, *, status: str | None, answers: Mapping[str, Any], replace: bool
) -> Reply:
    """Apply new answers (merged, or replacing) and status; refuse a locked record."""
    if row["status"] == LOCKED:
        raise conflict(
            "ASSESSMENT_LOCKED",
            "ASSESSMENT",
            "The assessment is locked: its encounter is completed",
        )
    template = _template(call, row["assessmentName"])
    _check_answers(template, answers)
    stamp = call.stamp()
    who = actor(call)
    previous = row["answers"]
    if replace:
        body = answers_body(
            row["id"], template, answers, stamp=stamp, who=who, answers_id=previous["id"]
        )
        body.update(created_at=previous["created_at"], created_by=previous["created_by"])
        body["created_by_name"] = previous["created_by_name"]
    else:
        body = {**previous, **answers}
    touch(body, stamp, who, snake=True)
    updated = {**row, "answers": body}
    if status is not None:
        updated["status"] = status
        if status == "COMPLETED" and row["status"] != "COMPLETED":
            updated["finalizedDate"] = iso_ms(stamp)
            emit(
                call,
                "ASSESSMENT_COMPLETED",
                source_name=row["assessmentName"],
                source_id=row["id"],
                patient_id=row["patientId"],
                path=f"patients/{row['patientId']}/assessment-records/{row['id']}",
            )
    restamp(updated, stamp)
    touch(updated, stamp, who)
    call.env.assessments.put(row["id"], updated, stamp)
    return bytes_reply(render_one(call.env.assessments, row["id"]))


def list_records(call: Call) -> Reply:
    patient(call)
    page = page_request(call.query, call.backend.max_page_size)
    ids = call.env.assessments_of.of(call.params["patient_id"])
    chosen = [ids[index] for index in page.slice(len(ids))]
    return bytes_reply(spring_page(render(call.env.assessments, chosen), len(ids), page))


def create(call: Call) -> Reply:
    owner = patient(call)
    body = call.json_object()
    template = _template(call, body["assessmentName"])
    answers = body.get("answers") or {}
    _check_answers(template, answers)
    status = body.get("status") or "DRAFT"
    if status == LOCKED:
        raise bad_request(
            "ASSESSMENT_STATUS_INVALID",
            "ASSESSMENT",
            "Only the server locks assessments",
            field="status",
        )
    row = _new_assessment(call, owner["id"], template, status, answers)
    return bytes_reply(render_one(call.env.assessments, row["id"]), 201)


def get(call: Call) -> Reply:
    patient(call)
    row = find(call, call.params["record_id"])
    return bytes_reply(render_one(call.env.assessments, row["id"]))


def replace(call: Call) -> Reply:
    patient(call)
    row = find(call, call.params["record_id"])
    body = call.json_object()
    if body["assessmentName"] != row["assessmentName"]:
        raise bad_request(
            "ASSESSMENT_NAME_MISMATCH",
            "ASSESSMENT",
            "assessmentName cannot change",
            field="assessmentName",
        )
    if body.get("status") == LOCKED:
        raise bad_request(
            "ASSESSMENT_STATUS_INVALID",
            "ASSESSMENT",
            "Only the server locks assessments",
            field="status",
        )
    return change(
        call, row, status=body.get("status"), answers=body.get("answers") or {}, replace=True
    )


def answer(call: Call) -> Reply:
    patient(call)
    row = find(call, call.params["record_id"])
    return change(call, row, status=None, answers=call.json_object(), replace=False)


def delete(call: Call) -> Reply:
    patient(call)
    row = find(call, call.params["record_id"])
    if row["status"] == LOCKED:
        raise conflict(
            "ASSESSMENT_LOCKED",
            "ASSESSMENT",
            "The assessment is locked: its encounter is completed",
        )
    call.env.assessments.delete(row["id"])
    call.env.assessments_of.remove(row["patientId"], row["id"])
    return NO_CONTENT


_PATH = "/patients/{patient_id}/assessment-records"
_ONE = {200: ref("assessment_record.json")}
ROUTES = (
    Route(
        "GET",
        _PATH,
        list_records,
        "List a patient's assessment records",
        RESOURCE,
        "read",
        responses={200: spring_shape(ref("assessment_record.json"))},
        query=PAGE_PARAMS,
    ),
    Route(
        "POST",
        _PATH,
        create,
        "Create an assessment record",
        RESOURCE,
        "create",
        request_body="assessment_record_write.json",
        responses={201: ref("assessment_record.json")},
    ),
    Route(
        "GET",
        _PATH + "/{record_id}",
        get,
        "Get an assessment record",
        RESOURCE,
        "read",
        responses=_ONE,
    ),
    Route(
        "PUT",
        _PATH + "/{record_id}",
        replace,
        "Replace an assessment record's answers and status",
        RESOURCE,
        "update",
        request_body="assessment_record_write.json",
        responses=_ONE,
    ),
    Route(
        "PUT",
        _PATH + "/{record_id}/answers",
        answer,
        "Record answers",
        RESOURCE,
        "update",
        request_body={"type": "object", "additionalProperties": True},
        responses=_ONE,
    ),
    Route(
        "DELETE",
        _PATH + "/{record_id}",
        delete,
        "Delete an assessment record",
        RESOURCE,
        "delete",
        responses={204: None},
    ),
)
