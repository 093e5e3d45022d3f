"""Encounters and what hangs off them, as stored rows in their live shapes.

An encounter is a record of the internal CDT ``__encounter__``: the CDT-record envelope with the
encounter's fields in ``jsonBody``. Each encounter has a disposition (a record of
``__encounter_disposition__``, with the tenant's disposition fields) and assessment links
(records of ``__encounter_assessment__``): a link names an assessment and, once one is filled in,
the assessment record that answers it. The seed and the routes build rows through these functions.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from welkin_async.testing._calendar import local_time
from welkin_async.testing._clock import iso_ms
from welkin_async.testing._records import (
    DISPOSITION_CDT_NAME,
    ENCOUNTER_ASSESSMENT_CDT_NAME,
    ENCOUNTER_CDT_NAME,
    Actor,
    blank_fields,
    cdt_body,
)
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import Environment, Tenant, stable_uuid

# Encounter states: created DRAFT, OPEN once started, then COMPLETED or DELETED for good.
DRAFT, OPEN, COMPLETED, DELETED = "DRAFT", "OPEN", "COMPLETED", "DELETED"
FINAL = frozenset({COMPLETED, DELETED})
_ENCOUNTER_SOURCE = {"source_type": "ENCOUNTER", "source_name": ENCOUNTER_CDT_NAME}


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
