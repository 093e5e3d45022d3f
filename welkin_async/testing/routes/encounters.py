"""Encounters, in the CDT-record envelope with the encounter in ``jsonBody``.

Lifecycle: created ``OPEN`` (with the template's assessments), then ``COMPLETED`` or
``DELETED``. Completing locks the encounter's assessments; a completed or deleted encounter
cannot be changed (409 ``ENCOUNTER_LOCKED``). ``DELETE`` marks it deleted; lists leave it out.
"""

from __future__ import annotations

from typing import Any

from welkin_async.testing._clock import iso_ms
from welkin_async.testing._errors import bad_request, conflict, not_found
from welkin_async.testing._pagination import meta_info_page, page_request
from welkin_async.testing._records import ENCOUNTER_CDT_NAME, Actor, cdt_body, touch
from welkin_async.testing._routing import NO_CONTENT, Call, Reply, Route, bytes_reply, json_reply
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import stable_uuid
from welkin_async.testing.routes import assessments
from welkin_async.testing.routes._common import actor, emit, patient, render, render_one
from welkin_async.testing.routes._shapes import (
    PAGE_PARAMS,
    array,
    ref,
)
from welkin_async.testing.routes._shapes import (
    meta_info_page as meta_shape,
)

RESOURCE = "encounters"
_FINAL = frozenset({"COMPLETED", "DELETED"})


def appointment(call: Call, spec: dict[str, Any] | None, stamp: int, who: Actor) -> Row | None:
    """The calendar event scheduled with a new encounter, as the server fills it in."""
    if spec is None:
        return None
    now = iso_ms(stamp)
    participants = [
        {
            "id": call.backend.new_id(),
            "participantId": p.get("participantId"),
            "participantRole": p.get("participantRole"),
            "participationStatus": "",
            "attended": False,
            "deleted": False,
        }
        for p in spec.get("participants") or ()
    ]
    return {
        "id": call.backend.new_id(),
        "createdBy": who.id,
        "createdAt": now,
        "updatedBy": who.id,
        "updatedAt": now,
        "externalId": None,
        "eventTitle": spec.get("eventTitle"),
        "eventDescription": None,
        "startDateTime": spec.get("startDateTime"),
        "endDateTime": spec.get("endDateTime"),
        "allDayEvent": False,
        "eventType": spec.get("eventType") or "ENCOUNTER",
        "eventStatus": "SCHEDULED",
        "eventMode": "VIDEO",
        "hostId": spec.get("hostId"),
        "timezone": None,
        "participants": participants,
    }


def _find(call: Call) -> Row:
    patient(call)
    row = call.env.encounters.get(call.params["encounter_id"])
    if row is None or row["patientId"] != call.params["patient_id"]:
        raise not_found("ENCOUNTER_NOT_FOUND", "ENCOUNTER", "Encounter doesn't exist")
    return row


def _editable(row: Row) -> None:
    status = row["jsonBody"]["status"]
    if status in _FINAL:
        raise conflict(
            "ENCOUNTER_LOCKED",
            "ENCOUNTER",
            f"The encounter is {status} and cannot change",
            status=status,
        )


def list_encounters(call: Call) -> Reply:
    patient(call)
    page = page_request(call.query, call.backend.max_page_size)
    table = call.env.encounters
    ids = [
        row_id
        for row_id in call.env.encounters_of.of(call.params["patient_id"])
        if table.rows[row_id]["jsonBody"]["status"] != "DELETED"
    ]
    chosen = [ids[index] for index in page.slice(len(ids))]
    return bytes_reply(meta_info_page(render(table, chosen), len(ids), page))


def create(call: Call) -> Reply:
    owner = patient(call)
    spec = call.json_object()
    template = call.tenant.encounter_templates.get(spec["templateName"])
    if template is None:
        raise bad_request(
            "ENCOUNTER_TEMPLATE_NOT_FOUND",
            "ENCOUNTER",
            "No such encounter template",
            field="templateName",
        )
    for name in template.get("assessments", ()):  # check before writing anything
        if name not in call.tenant.assessment_templates:
            raise bad_request(
                "ASSESSMENT_NOT_FOUND", "ENCOUNTER", "The template's assessment is missing"
            )
    who = actor(call)
    encounter_id = call.backend.new_id()
    stamp = call.stamp()
    event = appointment(call, spec.get("currentScheduledAppointment"), stamp, who)
    fields = {
        "title": spec.get("title"),
        "description": spec.get("description"),
        "notes": spec.get("notes"),
        "type": template["name"],
        "templateName": template["name"],
        "templateTitle": template.get("title"),
        "status": "OPEN",
        "startDatetime": event["startDateTime"] if event else None,
        "endDatetime": event["endDateTime"] if event else None,
        "calendarEventId": event["id"] if event else None,
        "currentScheduledAppointment": event,
        "ownerUserId": who.id,
        "ownerUserName": who.name,
    }
    row = {
        "id": encounter_id,
        "patientId": owner["id"],
        "cdtId": stable_uuid(call.tenant.name, "encounter-cdt"),
        "version": 1,
        "jsonBody": cdt_body(encounter_id, fields, stamp, who),
        "cdtName": ENCOUNTER_CDT_NAME,
    }
    call.env.encounters.put(encounter_id, row, stamp)
    call.env.encounters_of.add(owner["id"], encounter_id)
    for name in template.get("assessments", ()):
        made = assessments.new_assessment(
            call, owner["id"], call.tenant.assessment_templates[name], "DRAFT", {}
        )
        call.env.encounter_assessments.add(encounter_id, made["id"])
    return bytes_reply(render_one(call.env.encounters, encounter_id), 201)


def get(call: Call) -> Reply:
    return bytes_reply(render_one(call.env.encounters, _find(call)["id"]))


def _set(call: Call, row: Row, changes: dict[str, Any]) -> int:
    stamp = call.stamp()
    body = {**row["jsonBody"], **changes}
    touch(body, stamp, actor(call), snake=True)
    call.env.encounters.put(
        row["id"], {**row, "jsonBody": body, "version": row["version"] + 1}, stamp
    )
    return stamp


def update(call: Call) -> Reply:
    row = _find(call)
    _editable(row)
    changes = call.json_object()
    if changes.get("status") is None:
        changes.pop("status", None)
    stamp = _set(call, row, changes)
    if changes.get("status") == "COMPLETED":
        assessments.lock(call.env, call.env.encounter_assessments.of(row["id"]), stamp)
        emit(
            call,
            "ENCOUNTER_COMPLETED",
            source_name=ENCOUNTER_CDT_NAME,
            source_id=row["id"],
            patient_id=row["patientId"],
            path=f"patients/{row['patientId']}/encounters/{row['id']}",
        )
    return bytes_reply(render_one(call.env.encounters, row["id"]))


def delete(call: Call) -> Reply:
    row = _find(call)
    _editable(row)
    _set(call, row, {"status": "DELETED"})
    return NO_CONTENT


def full(call: Call) -> Reply:
    row = _find(call)
    links = []
    for record_id in call.env.encounter_assessments.of(row["id"]):
        record = call.env.assessments.rows.get(record_id)
        if record is not None:
            links.append(
                {
                    "assessmentRecordId": record_id,
                    "assessmentName": record["assessmentName"],
                    "status": record["status"],
                    "locked": record["status"] == assessments.LOCKED,
                }
            )
    return json_reply(
        {
            "encounter": row,
            "disposition": None,
            "calendarEvent": row["jsonBody"].get("currentScheduledAppointment"),
            "assessmentLinks": links,
            "comments": [],
        }
    )


def list_assessments(call: Call) -> Reply:
    row = _find(call)
    ids = [i for i in call.env.encounter_assessments.of(row["id"]) if i in call.env.assessments]
    return bytes_reply(b"[" + b",".join(render(call.env.assessments, ids)) + b"]")


def add_assessment(call: Call) -> Reply:
    row = _find(call)
    _editable(row)
    body = call.json_object()
    template = call.tenant.assessment_templates.get(body["assessmentName"])
    if template is None:
        raise bad_request(
            "ASSESSMENT_NOT_FOUND", "ASSESSMENT", "No such assessment", field="assessmentName"
        )
    made = assessments.new_assessment(call, row["patientId"], template, "DRAFT", {})
    call.env.encounter_assessments.add(row["id"], made["id"])
    record = assessments.find(call, made["id"])
    if body.get("answers") or body.get("status"):
        return assessments.change(
            call, record, status=body.get("status"), answers=body.get("answers") or {}, replace=True
        )
    return bytes_reply(render_one(call.env.assessments, made["id"]), 201)


def _linked(call: Call) -> Row:
    row = _find(call)
    record_id = call.params["record_id"]
    if record_id not in call.env.encounter_assessments.of(row["id"]):
        raise not_found(
            "ASSESSMENT_RECORD_NOT_FOUND", "ASSESSMENT", "Assessment record doesn't exist"
        )
    return assessments.find(call, record_id)


def get_assessment(call: Call) -> Reply:
    return bytes_reply(render_one(call.env.assessments, _linked(call)["id"]))


def put_assessment(call: Call) -> Reply:
    record = _linked(call)
    body = call.json_object()
    return assessments.change(
        call, record, status=body.get("status"), answers=body.get("answers") or {}, replace=True
    )


_PATH = "/patients/{patient_id}/encounters"
_ENCOUNTER = ref("cdt_record.json")
_ASSESSMENT = ref("assessment_record.json")
ROUTES = (
    Route(
        "GET",
        _PATH,
        list_encounters,
        "List a patient's encounters",
        RESOURCE,
        "read",
        responses={200: meta_shape(_ENCOUNTER)},
        query=PAGE_PARAMS,
    ),
    Route(
        "POST",
        _PATH,
        create,
        "Create an encounter from a template",
        RESOURCE,
        "create",
        request_body="encounter_create.json",
        responses={201: _ENCOUNTER},
    ),
    Route(
        "GET",
        _PATH + "/{encounter_id}",
        get,
        "Get an encounter",
        RESOURCE,
        "read",
        responses={200: _ENCOUNTER},
    ),
    Route(
        "PATCH",
        _PATH + "/{encounter_id}",
        update,
        "Change an encounter or move its status",
        RESOURCE,
        "update",
        request_body="encounter_update.json",
        responses={200: _ENCOUNTER},
    ),
    Route(
        "DELETE",
        _PATH + "/{encounter_id}",
        delete,
        "Mark an encounter deleted",
        RESOURCE,
        "delete",
        responses={204: None},
    ),
    Route(
        "GET",
        "/patients/{patient_id}/full-encounters/{encounter_id}",
        full,
        "Get an encounter with its disposition, calendar event and assessment links",
        RESOURCE,
        "read",
        responses={200: ref("full_encounter.json")},
    ),
    Route(
        "GET",
        _PATH + "/{encounter_id}/assessments",
        list_assessments,
        "List the encounter's assessment records",
        RESOURCE,
        "read",
        responses={200: array(_ASSESSMENT)},
    ),
    Route(
        "POST",
        _PATH + "/{encounter_id}/assessments",
        add_assessment,
        "Add an assessment record to the encounter",
        RESOURCE,
        "update",
        request_body="assessment_record_write.json",
        responses={200: _ASSESSMENT, 201: _ASSESSMENT},
    ),
    Route(
        "GET",
        _PATH + "/{encounter_id}/assessments/{record_id}",
        get_assessment,
        "Get one of the encounter's assessment records",
        RESOURCE,
        "read",
        responses={200: _ASSESSMENT},
    ),
    Route(
        "PUT",
        _PATH + "/{encounter_id}/assessments/{record_id}",
        put_assessment,
        "Replace one of the encounter's assessment records",
        RESOURCE,
        "update",
        request_body="assessment_record_write.json",
        responses={200: _ASSESSMENT},
    ),
)
