"""Assessment records as stored rows, in the live shape; the seed, the routes and tests build
them through these functions.

A record names its assessment (form) and holds its ``answers`` as a CDT-style body: the system
fields (``source_type`` ``ASSESSMENT``, ``source_id`` the record's id) and one key per question,
``<cdt>__<field>``, null until answered. ``questions`` maps the same keys to their labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from welkin_async.testing._calendar import local_time
from welkin_async.testing._clock import iso_ms
from welkin_async.testing._records import Actor, cdt_body
from welkin_async.testing._store import Row

LOCKED = "LOCKED"  # a record an encounter's link points to, once the encounter is completed
COMPLETED = "COMPLETED"


def questions(assessment: Mapping[str, Any]) -> dict[str, str]:
    """An assessment form's questions, keyed as its records' answers are: ``<cdt>__<field>``."""
    return {
        f"{field['refCdtName']}__{field['refCdtFieldName']}": field.get("label") or ""
        for section in assessment.get("sections") or ()
        for field in section.get("fields") or ()
        if field.get("viewType") == "question"
        and field.get("refCdtName")
        and field.get("refCdtFieldName")
    }


def answers_body(
    record_id: str,
    assessment: Mapping[str, Any],
    answers: Mapping[str, Any],
    *,
    stamp: int,
    who: Actor,
    answers_id: str,
) -> Row:
    """A record's answers as served: system fields, then every question (null if unanswered)."""
    values = {
        "source_type": "ASSESSMENT",
        "source_id": record_id,
        "source_name": assessment["name"],
        **dict.fromkeys(questions(assessment)),
        **answers,
    }
    return cdt_body(answers_id, values, stamp, who)


def restamp(row: Row, stamp: int) -> None:
    """The record's own times (UTC and local) after a change at ``stamp``."""
    row["updatedAt"] = iso_ms(stamp)
    row["localUpdatedDate"] = local_time(row["updatedAt"])
    row["localFinalizedDate"] = local_time(row["finalizedDate"])


def assessment_row(
    record_id: str,
    patient_id: str,
    assessment: Mapping[str, Any],
    *,
    status: str,
    answers: Mapping[str, Any],
    answers_id: str,
    stamp: int,
    who: Actor,
) -> Row:
    """A new assessment record of ``assessment`` for the patient."""
    now = iso_ms(stamp)
    row = {
        "id": record_id,
        "createdAt": now,
        "updatedAt": now,
        "createdBy": who.id,
        "updatedBy": who.id,
        "createdByName": who.name,
        "updatedByName": who.name,
        "finalizedDate": now if status == COMPLETED else None,
        "localFinalizedDate": None,
        "localCreatedDate": local_time(now),
        "localUpdatedDate": None,
        "assessmentName": assessment["name"],
        "assessmentTitle": assessment.get("title"),
        "assessmentCdtName": f"_{assessment['name']}",
        "version": int(assessment.get("version") or 1),
        "patientId": patient_id,
        "status": status,
        "answers": answers_body(
            record_id, assessment, answers, stamp=stamp, who=who, answers_id=answers_id
        ),
        "scoring": {},
        "folderId": None,
        "expirationDate": None,
        "questions": questions(assessment),
        "resolvedCdtValues": {},
        "pfa": False,
    }
    restamp(row, stamp)
    return row
