"""Encounters, in the CDT-record envelope with the encounter in ``jsonBody``, and their links.

Lifecycle: created ``DRAFT`` (with an assessment link per assessment of the template, and an
empty disposition), ``OPEN`` once started, then ``COMPLETED`` or ``DELETED``. Completing locks the
assessment records the encounter's links point to; a completed or deleted encounter cannot be
changed (409 ``ENCOUNTER_LOCKED``). ``DELETE`` marks it deleted; lists leave it out.

An encounter's disposition (``.../{id}/disposition``) is read and changed like a CDT record:
flat field values, checked against the tenant's disposition definition (400
``CDT_FIELD_VALIDATION_FAILED`` for a field it does not define). It is a record of its own and
stays editable once the encounter is completed (a disposition is what is filled in at the end;
no recording shows a refusal). Creating an encounter and
changing its disposition are entries of the data audit. ``users/{id}/encounters`` lists the
encounters a user owns (with ``withCareTeam=true``, also those of the patients whose care team
the user is on), each in the envelope without a CDT and with the patient's name in
``patientInfo`` instead of the record's system fields.

``full-encounters`` lists (a patient's, and a user's chosen as ``users/{id}/encounters`` chooses)
serve each encounter as ``full-encounters/{id}`` does, in metaInfo pages; with
``onlyWithCalendarEvent=true`` an item keeps the encounter, its calendar event and that event's
user, and its disposition, assessment links and comments are null. Every encounter list takes
``statuses`` (comma-separated): without it, deleted encounters are left out; with it, exactly the
encounters in those statuses are listed. Besides the lifecycle's, it takes the vendor's
documented ``ACTIVE`` and ``FINALIZED``, which no encounter here is in; another value is a 400
``INVALID_PARAMETER`` listing those it takes. They are served oldest first, or as
``sort=field[,asc|desc]`` asks (nulls last; the fields are ``createdAt``, ``updatedAt`` and some
of the encounter's own, see ``_SORTS``; another is a 400 ``INVALID_SORT`` naming it).

Comments (``.../{id}/comments``) list as a bare array, oldest first. Writing one needs the
``encounters`` create, update or delete permission by method (whoever wrote it: the role decides,
as it does for every other write); its text is 1 to 65,535 characters, not all blank (400
``INVALID_REQUEST_BODY`` otherwise). A completed encounter still takes comments; a deleted one
refuses their changes (409 ``ENCOUNTER_LOCKED``). An unknown comment is 404
``ENCOUNTER_COMMENT_NOT_FOUND``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from welkin_async.testing import _json
from welkin_async.testing._calendar import PATIENT_ROLE, event_row, participant
from welkin_async.testing._cdt_values import check_values
from welkin_async.testing._data_audit import (
    CDT_CREATED,
    CDT_UPDATED,
    DISPOSITION_RELATION,
    audit,
)
from welkin_async.testing._encounters import (
    COMPLETED,
    DELETED,
    DRAFT,
    FINAL,
    OPEN,
    add_comment,
    comment_row,
    edit_comment,
    encounter_row,
    ended,
    link_row,
    remove_comment,
    started,
    store,
)
from welkin_async.testing._errors import bad_request, conflict, not_found
from welkin_async.testing._query import flag, one_of, sort_by
from welkin_async.testing._records import (
    CDT_SYSTEM_FIELDS,
    DISPOSITION_CDT_NAME,
    ENCOUNTER_CDT_NAME,
    Actor,
    touch,
)
from welkin_async.testing._routing import (
    NO_CONTENT,
    Call,
    QueryParam,
    Reply,
    Route,
    bytes_reply,
)
from welkin_async.testing._store import Row
from welkin_async.testing._users import as_related_user, display_name
from welkin_async.testing.routes import assessments
from welkin_async.testing.routes._common import (
    actor,
    emit,
    meta_info_list,
    patient,
    render,
    render_one,
)
from welkin_async.testing.routes._shapes import PAGE_PARAMS, array, ref
from welkin_async.testing.routes._shapes import meta_info_page as meta_shape

RESOURCE = "encounters"
# What ``statuses`` takes: the lifecycle's, and the vendor's documented ACTIVE and FINALIZED,
# which no encounter here is in (asking for them lists nothing).
_STATUSES = (DRAFT, OPEN, "ACTIVE", "FINALIZED", COMPLETED, DELETED)
_LISTED = frozenset({DRAFT, OPEN, COMPLETED})  # what a list holds when no status is asked for


def _person(call: Call, participant_id: str | None, role: str) -> dict[str, Any]:
    """The patient or user a participant names; an unknown one is refused."""
    found: dict[str, Any] | None
    if role == PATIENT_ROLE:
        found = call.env.patients.get(participant_id or "")
    else:
        found = call.tenant.user(participant_id or "")
    if found is None:
        raise bad_request(
            "PARTICIPANT_NOT_FOUND",
            "CALENDAR",
            f"No {role} with the participant's id",
            field="currentScheduledAppointment.participants",
        )
    return found


def _appointment(call: Call, spec: dict[str, Any] | None, stamp: int, who: Actor) -> Row | None:
    """The calendar event scheduled with a new encounter, as the server fills it in."""
    if spec is None:
        return None
    participants = [
        participant(
            call.backend.new_id(),
            item.get("participantId"),
            item.get("participantRole") or "",
            _person(call, item.get("participantId"), item.get("participantRole") or ""),
        )
        for item in spec.get("participants") or ()
    ]
    host = spec.get("hostId")
    if host is not None and call.tenant.user(host) is None:
        raise bad_request(
            "USER_NOT_FOUND",
            "CALENDAR",
            "The event's host is not a user of the tenant",
            field="currentScheduledAppointment.hostId",
        )
    return event_row(call.backend.new_id(), spec, participants, stamp=stamp, who=who)


def _owner(call: Call, event: Row | None, who: Actor) -> Actor:
    """Who owns a new encounter: its appointment's host, else whoever created it."""
    host = call.tenant.user(event["hostId"]) if event and event.get("hostId") else None
    return Actor(id=host["id"], name=display_name(host)) if host else who


def _find(call: Call) -> Row:
    patient(call)
    row = call.env.encounters.get(call.params["encounter_id"])
    if row is None or row["patientId"] != call.params["patient_id"]:
        raise not_found("ENCOUNTER_NOT_FOUND", "ENCOUNTER", "Encounter doesn't exist")
    return row


def _editable(row: Row, locked: frozenset[str] = FINAL) -> None:
    """Refuse a change to an encounter in a ``locked`` status (409 ``ENCOUNTER_LOCKED``)."""
    status = row["jsonBody"]["status"]
    if status in locked:
        raise conflict(
            "ENCOUNTER_LOCKED",
            "ENCOUNTER",
            f"The encounter is {status} and cannot change",
            status=status,
        )


def _template(call: Call, name: Any) -> dict[str, Any]:
    template = call.tenant.encounter_templates.get(name) if isinstance(name, str) else None
    if template is None:
        raise bad_request(
            "ENCOUNTER_TEMPLATE_NOT_FOUND",
            "ENCOUNTER",
            "No such encounter template",
            field="templateName",
        )
    return template


def _assessment(call: Call, name: Any) -> dict[str, Any]:
    template = call.tenant.assessment_templates.get(name) if isinstance(name, str) else None
    if template is None:
        raise bad_request(
            "ASSESSMENT_NOT_FOUND", "ASSESSMENT", "No such assessment", field="assessmentName"
        )
    return template


def _statuses(call: Call) -> frozenset[str]:
    """The statuses a list keeps: those ``statuses`` names (comma-separated), else all but
    DELETED; an unknown one is a 400 naming the parameter and the statuses it takes."""
    return one_of(call.query, "statuses", _STATUSES, "ENCOUNTER") or _LISTED


def _body_value(name: str) -> Callable[[Row], Any]:
    return lambda row: row["jsonBody"].get(name)


# What ``sort`` may name, and where an encounter keeps it.
_SORTS = {
    "createdAt": _body_value("created_at"),
    "updatedAt": _body_value("updated_at"),
    **{
        name: _body_value(name)
        for name in (
            "title",
            "status",
            "templateName",
            "startDatetime",
            "endDatetime",
            "calendarEventStartDatetime",
            "ownerUserName",
        )
    },
}


def _patients_encounters(call: Call) -> Sequence[Row]:
    """The patient's encounters a list holds, oldest first or as ``sort`` asks."""
    patient(call)
    statuses = _statuses(call)
    rows = call.env.encounters.rows
    chosen = [
        rows[row_id]
        for row_id in call.env.encounters_of.of(call.params["patient_id"])
        if rows[row_id]["jsonBody"]["status"] in statuses
    ]
    return sort_by(call.query, chosen, _SORTS, "ENCOUNTER")


def list_encounters(call: Call) -> Reply:
    table = call.env.encounters
    return meta_info_list(call, _patients_encounters(call), lambda row: table.render(row["id"]))


def create(call: Call) -> Reply:
    owner = patient(call)
    spec = call.json_object()
    template = _template(call, spec["templateName"])
    forms = [_assessment(call, name) for name in template.get("assessmentNames") or ()]
    who = actor(call)
    stamp = call.stamp()
    event = _appointment(call, spec.get("currentScheduledAppointment"), stamp, who)
    encounter_id, disposition_id = call.backend.new_id(), call.backend.new_id()
    env, tenant = call.env, call.tenant
    row = encounter_row(
        encounter_id,
        owner["id"],
        template,
        spec,
        tenant=tenant,
        event=event,
        owner=_owner(call, event, who),
        disposition_id=disposition_id,
        stamp=stamp,
        who=who,
    )
    links = [(call.backend.new_id(), form) for form in forms]
    store(env, tenant, row, links, stamp=stamp, who=who)
    _audit_disposition(call, CDT_CREATED, env.dispositions.rows[disposition_id])
    return bytes_reply(render_one(env.encounters, encounter_id), 201)


def get(call: Call) -> Reply:
    return bytes_reply(render_one(call.env.encounters, _find(call)["id"]))


def _set(call: Call, row: Row, changes: dict[str, Any]) -> int:
    stamp = call.stamp()
    who = actor(call)
    body = {**row["jsonBody"], **changes}
    status = changes.get("status")
    if status == OPEN and row["jsonBody"]["status"] != OPEN:
        started(body, stamp, who)
    elif status == COMPLETED:
        ended(body, stamp)
    touch(body, stamp, who, snake=True)
    call.env.encounters.put(row["id"], {**row, "jsonBody": body}, stamp)
    return stamp


def _linked_records(call: Call, encounter_id: str) -> list[str]:
    """The assessment records the encounter's links point to."""
    links = call.env.encounter_links.rows
    return [
        record_id
        for link_id in call.env.links_of.of(encounter_id)
        if (record_id := links[link_id]["jsonBody"]["assessmentRecordId"]) is not None
        and record_id in call.env.assessments
    ]


def update(call: Call) -> Reply:
    row = _find(call)
    _editable(row)
    changes = call.json_object()
    if changes.get("status") is None:
        changes.pop("status", None)
    if changes.get("templateName") is not None:
        changes["type"] = _template(call, changes["templateName"])["name"]
    stamp = _set(call, row, changes)
    if changes.get("status") == COMPLETED:
        assessments.lock(call.env, _linked_records(call, row["id"]), stamp)
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
    _set(call, row, {"status": DELETED})
    return NO_CONTENT


def _array(items: Iterable[bytes]) -> bytes:
    return b"[" + b",".join(items) + b"]"


def _full_item(call: Call, row: Row, *, calendar_only: bool = False) -> bytes:
    """The encounter with what hangs off it, as ``full-encounters`` serves it; ``calendar_only``
    leaves out (as null) what is not about its calendar event."""
    env, body = call.env, row["jsonBody"]
    event = body.get("calendarEvent")
    host = call.tenant.user(event["hostId"]) if event and event.get("hostId") else None
    parts = {
        "encounter": render_one(env.encounters, row["id"]),
        "disposition": (
            render_one(env.dispositions, body["dispositionId"])
            if body.get("dispositionId") in env.dispositions and not calendar_only
            else b"null"
        ),
        "calendarEvent": _json.dumps(event),
        "userRelatedToCalendarEvent": _json.dumps(as_related_user(host) if host else None),
        "assessmentLinks": (
            b"null"
            if calendar_only
            else _array(render(env.encounter_links, env.links_of.of(row["id"])))
        ),
        "comments": (
            b"null"
            if calendar_only
            else _array(render(env.encounter_comments, env.comments_of.of(row["id"])))
        ),
    }
    return b"{" + b",".join(_json.dumps(key) + b":" + value for key, value in parts.items()) + b"}"


def _full_items(call: Call, rows: Sequence[Row]) -> Reply:
    """One metaInfo page of full encounters."""
    calendar_only = flag(call.query, "onlyWithCalendarEvent", "ENCOUNTER")
    return meta_info_list(
        call, rows, lambda row: _full_item(call, row, calendar_only=calendar_only)
    )


def full(call: Call) -> Reply:
    return bytes_reply(_full_item(call, _find(call)))


def list_full(call: Call) -> Reply:
    return _full_items(call, _patients_encounters(call))


# --- dispositions --------------------------------------------------------------------------------


def _audit_disposition(call: Call, subtype: str, row: Row) -> None:
    audit(call, subtype, row, cdt_name=DISPOSITION_CDT_NAME, relation=DISPOSITION_RELATION)


def _disposition(call: Call) -> Row:
    row = _find(call)
    found = call.env.dispositions.get(row["jsonBody"].get("dispositionId") or "")
    if found is None:
        raise not_found("DISPOSITION_NOT_FOUND", "ENCOUNTER", "The encounter has no disposition")
    return found


def get_disposition(call: Call) -> Reply:
    return bytes_reply(render_one(call.env.dispositions, _disposition(call)["id"]))


def update_disposition(call: Call) -> Reply:
    row = _disposition(call)
    values = call.json_object()
    check_values(call.tenant.encounter_disposition, values, creating=False)
    stamp = call.stamp()
    body = {**row["jsonBody"], **values}
    touch(body, stamp, actor(call), snake=True)
    updated = {**row, "jsonBody": body}
    call.env.dispositions.put(row["id"], updated, stamp)
    _audit_disposition(call, CDT_UPDATED, updated)
    return bytes_reply(render_one(call.env.dispositions, row["id"]))


# --- a user's encounters --------------------------------------------------------------------------

_HIDDEN_FOR_USERS = CDT_SYSTEM_FIELDS | {"external_id", "external_guid"}


def _on_care_team(patient_row: Row | None, user_id: str) -> bool:
    team = patient_row.get("careTeam") if patient_row is not None else None
    return any(isinstance(m, dict) and m.get("id") == user_id for m in team or ())


def _as_users(row: Row, patient_row: Row | None) -> Row:
    """An encounter as a user's list serves it: no CDT, no system fields, the patient named."""
    body = {k: v for k, v in row["jsonBody"].items() if k not in _HIDDEN_FOR_USERS}
    body["patientInfo"] = {
        "patientId": row["patientId"],
        "firstName": patient_row.get("firstName") if patient_row else None,
        "lastName": patient_row.get("lastName") if patient_row else None,
    }
    return {
        "id": row["id"],
        "patientId": row["patientId"],
        "cdtId": None,
        "version": None,
        "jsonBody": body,
        "cdtName": None,
    }


def _users_encounters(call: Call) -> Sequence[tuple[Row, Row | None]]:
    """The encounters a user's lists hold, each with its patient (None once deleted): those the
    user owns and, with ``withCareTeam=true``, those of the patients whose care team has them;
    in stored order or as ``sort`` asks."""
    user_id = call.params["user_id"]
    if call.tenant.user(user_id) is None:
        raise not_found("USER_NOT_FOUND", "USER", "User doesn't exist")
    care_team = flag(call.query, "withCareTeam", "ENCOUNTER")
    statuses = _statuses(call)
    env = call.env
    chosen = []
    for row in env.encounters.rows.values():
        body = row["jsonBody"]
        if body["status"] not in statuses:
            continue
        owned = body.get("ownerUserId") == user_id
        if owned or care_team:
            patient_row = env.patients.get(row["patientId"])
            if owned or _on_care_team(patient_row, user_id):
                chosen.append((row, patient_row))
    return sort_by(call.query, chosen, _PAIR_SORTS, "ENCOUNTER")


def _of_encounter(key: Callable[[Row], Any]) -> Callable[[tuple[Row, Row | None]], Any]:
    return lambda pair: key(pair[0])


_PAIR_SORTS = {name: _of_encounter(key) for name, key in _SORTS.items()}


def user_encounters(call: Call) -> Reply:
    return meta_info_list(call, _users_encounters(call), lambda pair: _json.dumps(_as_users(*pair)))


def user_full_encounters(call: Call) -> Reply:
    return _full_items(call, [row for row, _ in _users_encounters(call)])


# --- assessment links -------------------------------------------------------------------------


def _answering(call: Call, row: Row, form: dict[str, Any], record_id: Any) -> str | None:
    """The assessment record a link may point to: the patient's, of the link's assessment."""
    if record_id is None:
        return None
    record = call.env.assessments.get(record_id) if isinstance(record_id, str) else None
    if record is None or record["patientId"] != row["patientId"]:
        raise not_found(
            "ASSESSMENT_RECORD_NOT_FOUND", "ASSESSMENT", "Assessment record doesn't exist"
        )
    if record["assessmentName"] != form["name"]:
        raise bad_request(
            "ASSESSMENT_NAME_MISMATCH",
            "ASSESSMENT",
            "The record answers another assessment",
            field="assessmentRecordId",
        )
    return str(record_id)


def _link(call: Call) -> tuple[Row, Row]:
    row = _find(call)
    link_id = call.params["link_id"]
    if link_id not in call.env.links_of.of(row["id"]):
        raise not_found(
            "ENCOUNTER_ASSESSMENT_NOT_FOUND", "ENCOUNTER", "Encounter assessment doesn't exist"
        )
    return row, call.env.encounter_links.rows[link_id]


def list_links(call: Call) -> Reply:
    row = _find(call)
    ids = call.env.links_of.of(row["id"])
    return bytes_reply(_array(render(call.env.encounter_links, ids)))


def add_link(call: Call) -> Reply:
    row = _find(call)
    _editable(row)
    body = call.json_object()
    form = _assessment(call, body["assessmentName"])
    record_id = _answering(call, row, form, body.get("assessmentRecordId"))
    link_id = call.backend.new_id()
    stamp = call.stamp()
    link = link_row(
        link_id,
        row["patientId"],
        row["id"],
        form,
        record_id=record_id,
        from_template=False,
        tenant=call.tenant,
        stamp=stamp,
        who=actor(call),
    )
    call.env.encounter_links.put(link_id, link, stamp)
    call.env.links_of.add(row["id"], link_id)
    return bytes_reply(render_one(call.env.encounter_links, link_id), 201)


def get_link(call: Call) -> Reply:
    _, link = _link(call)
    return bytes_reply(render_one(call.env.encounter_links, link["id"]))


def update_link(call: Call) -> Reply:
    row, link = _link(call)
    _editable(row)
    changes = call.json_object()
    body = dict(link["jsonBody"])
    if "assessmentRecordId" in changes:
        form = _assessment(call, body["assessmentName"])
        body["assessmentRecordId"] = _answering(call, row, form, changes["assessmentRecordId"])
    stamp = call.stamp()
    touch(body, stamp, actor(call), snake=True)
    call.env.encounter_links.put(link["id"], {**link, "jsonBody": body}, stamp)
    return bytes_reply(render_one(call.env.encounter_links, link["id"]))


def delete_link(call: Call) -> Reply:
    row, link = _link(call)
    _editable(row)
    call.env.encounter_links.delete(link["id"])
    call.env.links_of.remove(row["id"], link["id"])
    return NO_CONTENT


# --- comments ------------------------------------------------------------------------------------

_NOT_COMMENTABLE = frozenset({DELETED})  # a completed encounter still takes comments


def _comment(call: Call) -> tuple[Row, Row]:
    row = _find(call)
    comment_id = call.params["comment_id"]
    if comment_id not in call.env.comments_of.of(row["id"]):
        raise not_found(
            "ENCOUNTER_COMMENT_NOT_FOUND", "ENCOUNTER", "Encounter comment doesn't exist"
        )
    return row, call.env.encounter_comments.rows[comment_id]


def list_comments(call: Call) -> Reply:
    row = _find(call)
    return bytes_reply(
        _array(render(call.env.encounter_comments, call.env.comments_of.of(row["id"])))
    )


def get_comment(call: Call) -> Reply:
    _, comment = _comment(call)
    return bytes_reply(render_one(call.env.encounter_comments, comment["id"]))


def add_comment_to(call: Call) -> Reply:
    row = _find(call)
    _editable(row, _NOT_COMMENTABLE)
    text = call.json_object()["text"]
    stamp = call.stamp()
    comment = comment_row(call.backend.new_id(), row["id"], text, stamp=stamp, who=actor(call))
    add_comment(call.env, comment, stamp)
    return bytes_reply(render_one(call.env.encounter_comments, comment["id"]), 201)


def replace_comment(call: Call) -> Reply:
    row, comment = _comment(call)
    _editable(row, _NOT_COMMENTABLE)
    text = call.json_object()["text"]
    edit_comment(call.env, comment, text, stamp=call.stamp(), who=actor(call))
    return bytes_reply(render_one(call.env.encounter_comments, comment["id"]))


def delete_comment(call: Call) -> Reply:
    row, comment = _comment(call)
    _editable(row, _NOT_COMMENTABLE)
    remove_comment(call.env, comment)
    return NO_CONTENT


_PATH = "/patients/{patient_id}/encounters"
_RECORD = ref("cdt_record.json")
_LINK = _PATH + "/{encounter_id}/assessments/{link_id}"
_COMMENTS = _PATH + "/{encounter_id}/comments"
_COMMENT_SHAPE = ref("encounter_comment.json")
_FULL = ref("full_encounter.json")
_STATUS_PARAM = QueryParam(
    "statuses",
    {"type": "string"},
    f"comma-separated statuses to list ({', '.join(_STATUSES)}); default all but DELETED",
)
_SORT_PARAM = QueryParam(
    "sort",
    {"type": "string"},
    f"one of {', '.join(_SORTS)}, then ',asc' or ',desc' (nulls last); default oldest first",
)
_CALENDAR_ONLY = QueryParam(
    "onlyWithCalendarEvent",
    {"type": "boolean"},
    "keep the encounter, its calendar event and its user only (the rest null)",
)
_CARE_TEAM = QueryParam("withCareTeam", {"type": "boolean"}, "add the care team's patients'")
# Checked by the handler against the tenant's disposition definition, not by a core schema.
_FLAT_VALUES = {
    "type": "object",
    "description": "The changed disposition field values, by field name",
    "additionalProperties": True,
}
ROUTES = (
    Route(
        "GET",
        _PATH,
        list_encounters,
        "List a patient's encounters",
        RESOURCE,
        "read",
        responses={200: meta_shape(_RECORD)},
        query=(*PAGE_PARAMS, _STATUS_PARAM, _SORT_PARAM),
    ),
    Route(
        "POST",
        _PATH,
        create,
        "Create an encounter from a template",
        RESOURCE,
        "create",
        request_body="encounter_create.json",
        responses={201: _RECORD},
    ),
    Route(
        "GET",
        _PATH + "/{encounter_id}",
        get,
        "Get an encounter",
        RESOURCE,
        "read",
        responses={200: _RECORD},
    ),
    Route(
        "PATCH",
        _PATH + "/{encounter_id}",
        update,
        "Change an encounter or move its status",
        RESOURCE,
        "update",
        request_body="encounter_update.json",
        responses={200: _RECORD},
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
        "Get an encounter with its disposition, calendar event, host, links and comments",
        RESOURCE,
        "read",
        responses={200: _FULL},
    ),
    Route(
        "GET",
        "/patients/{patient_id}/full-encounters",
        list_full,
        "List a patient's encounters, each with what hangs off it",
        RESOURCE,
        "read",
        responses={200: meta_shape(_FULL)},
        query=(*PAGE_PARAMS, _STATUS_PARAM, _SORT_PARAM, _CALENDAR_ONLY),
    ),
    Route(
        "GET",
        _PATH + "/{encounter_id}/disposition",
        get_disposition,
        "Get the encounter's disposition",
        RESOURCE,
        "read",
        responses={200: _RECORD},
    ),
    Route(
        "PATCH",
        _PATH + "/{encounter_id}/disposition",
        update_disposition,
        "Set some fields of the encounter's disposition",
        RESOURCE,
        "update",
        request_body=_FLAT_VALUES,
        responses={200: _RECORD},
    ),
    Route(
        "GET",
        "/users/{user_id}/encounters",
        user_encounters,
        "List the encounters of a user (and of their care-team patients)",
        RESOURCE,
        "read",
        responses={200: meta_shape(_RECORD)},
        query=(*PAGE_PARAMS, _CARE_TEAM, _STATUS_PARAM, _SORT_PARAM),
    ),
    Route(
        "GET",
        "/users/{user_id}/full-encounters",
        user_full_encounters,
        "List the encounters of a user, each with what hangs off it",
        RESOURCE,
        "read",
        responses={200: meta_shape(_FULL)},
        query=(*PAGE_PARAMS, _CARE_TEAM, _STATUS_PARAM, _SORT_PARAM, _CALENDAR_ONLY),
    ),
    Route(
        "GET",
        _PATH + "/{encounter_id}/assessments",
        list_links,
        "List the encounter's assessment links",
        RESOURCE,
        "read",
        responses={200: array(_RECORD)},
    ),
    Route(
        "POST",
        _PATH + "/{encounter_id}/assessments",
        add_link,
        "Link an assessment to the encounter",
        RESOURCE,
        "update",
        request_body="encounter_assessment_create.json",
        responses={201: _RECORD},
    ),
    Route(
        "GET",
        _LINK,
        get_link,
        "Get one of the encounter's assessment links",
        RESOURCE,
        "read",
        responses={200: _RECORD},
    ),
    Route(
        "PATCH",
        _LINK,
        update_link,
        "Point an assessment link at the record that answers it",
        RESOURCE,
        "update",
        request_body="encounter_assessment_update.json",
        responses={200: _RECORD},
    ),
    Route(
        "DELETE",
        _LINK,
        delete_link,
        "Remove an assessment link from the encounter",
        RESOURCE,
        "update",
        responses={204: None},
    ),
    Route(
        "GET",
        _COMMENTS,
        list_comments,
        "List the encounter's comments, oldest first",
        RESOURCE,
        "read",
        responses={200: array(_COMMENT_SHAPE)},
    ),
    Route(
        "POST",
        _COMMENTS,
        add_comment_to,
        "Comment on the encounter",
        RESOURCE,
        "create",
        request_body="encounter_comment_write.json",
        responses={201: _COMMENT_SHAPE},
    ),
    Route(
        "GET",
        _COMMENTS + "/{comment_id}",
        get_comment,
        "Get one of the encounter's comments",
        RESOURCE,
        "read",
        responses={200: _COMMENT_SHAPE},
    ),
    Route(
        "PUT",
        _COMMENTS + "/{comment_id}",
        replace_comment,
        "Replace a comment's text",
        RESOURCE,
        "update",
        request_body="encounter_comment_write.json",
        responses={200: _COMMENT_SHAPE},
    ),
    Route(
        "DELETE",
        _COMMENTS + "/{comment_id}",
        delete_comment,
        "Delete a comment of the encounter",
        RESOURCE,
        "delete",
        responses={204: None},
    ),
)
