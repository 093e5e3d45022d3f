"""Encounters and what hangs off them, as stored rows in their live shapes.

An encounter is a record of the internal CDT ``__encounter__``: the CDT-record envelope with the
encounter's fields in ``jsonBody``. Each encounter has a disposition (a record of
``__encounter_disposition__``, with the tenant's disposition fields) and assessment links
(records of ``__encounter_assessment__``): a link names an assessment and, once one is filled in,
the assessment record that answers it. Comments on an encounter are plain rows (camelCase, no
envelope), kept in ``Environment.encounter_comments`` and indexed by encounter in
``comments_of``. The seed and the routes build rows through these functions.

The seed writes :data:`COMMENTS_PER_ENCOUNTER` comments on every :data:`COMMENT_EVERY`-th
encounter of an environment, by a tenant user, from the family's own random stream.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from welkin_async.testing._calendar import local_time
from welkin_async.testing._clock import iso_ms
from welkin_async.testing._ids import family_rng, random_uuid
from welkin_async.testing._records import (
    DISPOSITION_CDT_NAME,
    ENCOUNTER_ASSESSMENT_CDT_NAME,
    ENCOUNTER_CDT_NAME,
    Actor,
    blank_fields,
    cdt_body,
    touch,
)
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import Environment, Tenant, stable_uuid
from welkin_async.testing._users import display_name

# Encounter states: created DRAFT, OPEN once started, then COMPLETED or DELETED for good.
DRAFT, OPEN, COMPLETED, DELETED = "DRAFT", "OPEN", "COMPLETED", "DELETED"
FINAL = frozenset({COMPLETED, DELETED})
_ENCOUNTER_SOURCE = {"source_type": "ENCOUNTER", "source_name": ENCOUNTER_CDT_NAME}
COMMENT_EVERY = 3
COMMENTS_PER_ENCOUNTER = 2
_COMMENT_STEP_MS = 250
_COMMENTS = (
    "Patient arrived on time; vitals taken.",
    "Discussed medication side effects; none reported.",
    "Follow-up call scheduled for next week.",
    "Reviewed home monitoring log with the patient.",
    "Care team notified of the updated plan.",
)


@functools.cache
def _internal_cdt_id(tenant: str, kind: str) -> str:
    """The id of one of a tenant's internal CDTs (seeding makes thousands of rows of each)."""
    return stable_uuid(tenant, kind)


def _envelope(
    row_id: str, patient_id: str, body: Row, *, cdt_id: str, version: int, cdt_name: str
) -> Row:
    return {
        "id": row_id,
        "patientId": patient_id,
        "cdtId": cdt_id,
        "version": version,
        "jsonBody": body,
        "cdtName": cdt_name,
    }


def encounter_row(
    encounter_id: str,
    patient_id: str,
    template: Mapping[str, Any],
    spec: Mapping[str, Any],
    *,
    tenant: Tenant,
    event: Row | None,
    owner: Actor,
    disposition_id: str,
    stamp: int,
    who: Actor,
) -> Row:
    """A new (DRAFT) encounter of ``template``, scheduled as ``event`` when there is one."""
    now = iso_ms(stamp)
    start = event["startDateTime"] if event else None
    end = event["endDateTime"] if event else None
    fields = {
        "title": spec.get("title"),
        "description": spec.get("description"),
        "notes": spec.get("notes"),
        "type": template["name"],
        "templateName": template["name"],
        "templateTitle": None,  # the live API leaves it empty; the template has the title
        "instruction": template.get("encounterInstruction") or "",
        "status": DRAFT,
        "startDatetime": None,
        "endDatetime": None,
        "localStartDatetime": local_time(start),
        "localEndDatetime": local_time(end),
        "calendarEventId": event["id"] if event else spec.get("calendarEventId"),
        "calendarEventStartDatetime": start,
        "localCalendarEventStartDatetime": local_time(start),
        "currentScheduledAppointment": event,
        "calendarEvent": event,
        "dispositionId": disposition_id,
        "ownerUserId": owner.id,
        "ownerUserName": owner.name,
        "activeUserId": None,
        "activeUserName": None,
        "local_created_at": local_time(now),
        "local_updated_at": local_time(now),
    }
    body = cdt_body(encounter_id, fields, stamp, who)
    cdt_id = _internal_cdt_id(tenant.name, "encounter-cdt")
    return _envelope(
        encounter_id,
        patient_id,
        body,
        cdt_id=cdt_id,
        version=tenant.formation_version,
        cdt_name=ENCOUNTER_CDT_NAME,
    )


def started(body: Row, stamp: int, who: Actor) -> None:
    """An encounter moving to OPEN: it starts now, with ``who`` as its active user."""
    body.update(startDatetime=iso_ms(stamp), activeUserId=who.id, activeUserName=who.name)


def ended(body: Row, stamp: int) -> None:
    """An encounter moving to COMPLETED: it ends now."""
    body["endDatetime"] = iso_ms(stamp)


def disposition_row(
    disposition_id: str,
    patient_id: str,
    encounter_id: str,
    *,
    tenant: Tenant,
    stamp: int,
    who: Actor,
) -> Row:
    """An encounter's (empty) disposition: every disposition field of the tenant, null."""
    definition = tenant.encounter_disposition
    body = cdt_body(
        disposition_id,
        {**blank_fields(definition), **_ENCOUNTER_SOURCE, "source_id": encounter_id},
        stamp,
        who,
    )
    return _envelope(
        disposition_id,
        patient_id,
        body,
        cdt_id=definition["id"],
        version=int(definition["version"]),
        cdt_name=DISPOSITION_CDT_NAME,
    )


def link_row(
    link_id: str,
    patient_id: str,
    encounter_id: str,
    assessment: Mapping[str, Any],
    *,
    record_id: str | None,
    from_template: bool,
    tenant: Tenant,
    stamp: int,
    who: Actor,
) -> Row:
    """An assessment link of an encounter, answered by ``record_id`` when there is one."""
    fields = {
        **_ENCOUNTER_SOURCE,
        "source_id": encounter_id,
        "fromTemplate": from_template,
        "relation": "ASSESSMENT",
        "assessmentName": assessment["name"],
        "assessmentTitle": assessment.get("title"),
        "assessmentRecordId": record_id,
    }
    body = cdt_body(link_id, fields, stamp, who)
    cdt_id = _internal_cdt_id(tenant.name, "encounter-assessment-cdt")
    return _envelope(
        link_id,
        patient_id,
        body,
        cdt_id=cdt_id,
        version=tenant.formation_version,
        cdt_name=ENCOUNTER_ASSESSMENT_CDT_NAME,
    )


def store(
    env: Environment,
    tenant: Tenant,
    row: Row,
    links: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    stamp: int,
    who: Actor,
) -> None:
    """Store a new encounter ``row`` with its (empty) disposition and its template's links,
    ``(link id, assessment)`` each, none answered yet."""
    encounter_id, patient_id = row["id"], row["patientId"]
    env.encounters.put(encounter_id, row, stamp)
    env.encounters_of.add(patient_id, encounter_id)
    disposition_id = row["jsonBody"]["dispositionId"]
    disposition = disposition_row(
        disposition_id, patient_id, encounter_id, tenant=tenant, stamp=stamp, who=who
    )
    env.dispositions.put(disposition_id, disposition, stamp)
    for link_id, assessment in links:
        link = link_row(
            link_id,
            patient_id,
            encounter_id,
            assessment,
            record_id=None,
            from_template=True,
            tenant=tenant,
            stamp=stamp,
            who=who,
        )
        env.encounter_links.put(link_id, link, stamp)
        env.links_of.add(encounter_id, link_id)


# --- comments ------------------------------------------------------------------------------------


def comment_row(comment_id: str, encounter_id: str, text: str, *, stamp: int, who: Actor) -> Row:
    """A new comment on an encounter, written by ``who``."""
    now = iso_ms(stamp)
    return {
        "id": comment_id,
        "createdAt": now,
        "updatedAt": now,
        "createdBy": who.id,
        "updatedBy": who.id,
        "createdByName": who.name,
        "updatedByName": who.name,
        "encounterId": encounter_id,
        "text": text,
    }


def add_comment(env: Environment, row: Row, stamp: int) -> None:
    """Store a new comment ``row`` under its encounter."""
    env.encounter_comments.put(row["id"], row, stamp)
    env.comments_of.add(row["encounterId"], row["id"])


def edit_comment(env: Environment, row: Row, text: str, *, stamp: int, who: Actor) -> Row:
    """Replace a comment's text; ``who`` becomes its last editor. Returns the stored row."""
    edited = {**row, "text": text}
    touch(edited, stamp, who)
    env.encounter_comments.put(row["id"], edited, stamp)
    return edited


def remove_comment(env: Environment, row: Row) -> None:
    """Delete a comment for good."""
    env.encounter_comments.delete(row["id"])
    env.comments_of.remove(row["encounterId"], row["id"])


def drop_comments(env: Environment, encounter_id: str) -> None:
    """Delete every comment of an encounter (its patient is being deleted)."""
    for comment_id in env.comments_of.drop(encounter_id):
        env.encounter_comments.delete(comment_id)


def seed_encounter_comments(tenant: Tenant, env: Environment, seed: int) -> None:
    """:data:`COMMENTS_PER_ENCOUNTER` comments, by tenant users, on every
    :data:`COMMENT_EVERY`-th encounter of ``env``."""
    if not tenant.users:
        return
    rng = family_rng(seed, "encounter-comments", tenant.name, env.name)
    stamp = env.seed_stamp(0)
    for encounter_id in env.encounters.ids()[::COMMENT_EVERY]:
        for _ in range(COMMENTS_PER_ENCOUNTER):
            user = rng.choice(tenant.users)
            who = Actor(id=user["id"], name=display_name(user))
            stamp = env.seed_stamp(stamp + _COMMENT_STEP_MS)
            text = rng.choice(_COMMENTS)
            add_comment(
                env, comment_row(random_uuid(rng), encounter_id, text, stamp=stamp, who=who), stamp
            )
