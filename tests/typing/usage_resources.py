"""How a service uses the resources, written to be type-checked, never run.

``mypy --strict`` checks this file in ``make typecheck``; each ``assert_type`` pins what a
resource promises to return, so a change to a signature shows up here first.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, assert_type

from welkin_async import (
    Checkpoint,
    ExportPage,
    ExportPosition,
    ExportStream,
    Paginator,
    Result,
    UnsetType,
    WelkinClient,
)
from welkin_async.models import (
    AssessmentRecord,
    CdtBulkResult,
    CdtDefinition,
    CdtRecord,
    Encounter,
    EncounterAssessment,
    EncounterComment,
    FullEncounter,
    Patient,
    PatientCreate,
    PatientProgram,
    SecurityAudit,
    Task,
    User,
    WebhookAudit,
    WebhookEvent,
    WelkinModel,
)
from welkin_async.resources import EncounterAssessmentRecord, WebhookSource
from welkin_async.webhooks import verify


class Vitals(WelkinModel):
    """Stands in for a generated tenant class."""

    __cdt_name__ = "cdt-vitals"


async def use(client: WelkinClient, pid: str) -> None:
    assert_type(await client.patients.get(pid), Patient)
    assert_type(await client.patients.update(pid, middle_name=None), Patient)
    assert_type(client.patients.list(concurrency=4), Paginator[Patient])
    by_name = client.cdts(pid, "cdt-vitals")
    assert_type(await by_name.get("r"), CdtRecord[dict[str, Any]])
    typed = client.cdts(pid, Vitals)
    assert_type(await typed.create(Vitals()), CdtRecord[Vitals])
    assert_type(typed.list(), Paginator[CdtRecord[Vitals]])
    assert_type(await typed.bulk_update({"r": {"cdtf-x": 1}}), CdtBulkResult)
    encounters = client.encounters(pid)
    assert_type(await encounters.complete("e"), CdtRecord[Encounter])
    assert_type(await encounters.full("e"), FullEncounter)
    links = encounters.assessments("e")
    assert_type(await links.list(), list[CdtRecord[EncounterAssessment]])
    assert_type(await links.update("l", assessment_record_id="r"), EncounterAssessmentRecord)
    assert_type(await encounters.comments("e").create("note"), EncounterComment)
    assert_type(encounters.list_full(statuses=["OPEN"]), Paginator[FullEncounter])
    assert_type(
        encounters.list(statuses="OPEN", sort="createdAt,desc"), Paginator[CdtRecord[Encounter]]
    )
    assert_type(client.users.full_encounters("u"), Paginator[FullEncounter])
    assert_type(client.users.encounters("u", sort="createdAt,asc"), Paginator[CdtRecord[Encounter]])
    assert_type(client.audits.security(sort="createdAt,desc"), Paginator[SecurityAudit])
    assert_type(await client.tasks.delete_comment("t", "c"), Task)
    assert_type(await client.assessment_records(pid).answer("a", {"q1": 2}), AssessmentRecord)
    programs = client.programs(pid)
    assert_type(await programs.move("prog", "phase"), PatientProgram)
    assert_type(await programs.history("pp"), PatientProgram)
    assert_type(await programs.update("prog", phase_name="p"), PatientProgram)
    assert_type(PatientCreate(birth_date=date(1990, 5, 17)).birth_date, datetime | UnsetType | None)
    assert_type(await client.formations.cdts(), list[CdtDefinition])
    assert_type(client.users.list(), Paginator[User])
    assert_type(client.exports.stream("PATIENT"), ExportStream[Patient])
    assert_type(client.exports.stream("CDT_RECORD"), ExportStream[CdtRecord[Any]])
    assert_type(client.exports.stream("ENCOUNTER"), ExportStream[CdtRecord[Encounter]])
    assert_type(client.exports.stream("TASK"), ExportStream[Task])
    assert_type(client.exports.stream("WIDGET"), ExportStream[Any])
    stream = client.exports.stream("ASSESSMENT", checkpoint=Checkpoint("c.json"))
    async for page in stream.pages():
        assert_type(page, ExportPage[AssessmentRecord])
        assert_type(page.position, ExportPosition)
    async for attempt in client.webhooks.deliveries():
        assert_type(attempt, WebhookAudit)
    event = verify(b"{}", {}, ["whsec_c2VjcmV0"])
    assert_type(event, WebhookEvent)
    assert_type(await client.webhooks.fetch_source(event), WebhookSource)
    async for result in client.map(client.patients.get, [pid], concurrency=8):
        assert_type(result, Result[str, Patient])
        assert_type(result.unwrap(), Patient)
