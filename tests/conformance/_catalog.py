"""The table of operations: which public SDK method answers which recorded exchange.

A recording is matched to an operation by HTTP method, scope (environment or admin), a path
pattern (anchored, trailing slash significant) and, for a few, the query; never by file name.
``invoke`` calls the public method with the recorded arguments and returns what it returns (for
list methods, the items gathered with ``async for``); ``answer`` is the type the recorded body
structures into (for list methods, the page envelope).

A recording no operation matches is "not covered"; :func:`family_of` still names its family.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable
from datetime import datetime
from typing import Any

from tests.conformance._arrange import (
    arrange_audit,
    arrange_disposition,
    arrange_disposition_definition,
    arrange_formation_item,
    arrange_user_encounters,
)
from tests.conformance._operation import (
    Operation,
    UntypedRequest,
    body_of,
    keywords,
    listing,
    page_items,
    with_,
    without,
    written,
)
from tests.conformance._recordings import Recording, Scope
from tests.conformance.families import FAMILY_OPERATIONS
from welkin_async import WelkinClient
from welkin_async.models import (
    ApiClientToken,
    ApiClientTokenRequest,
    AssessmentRecord,
    AssessmentRecordWrite,
    AssessmentTemplate,
    CdtBulkResult,
    CdtBulkUpdate,
    CdtDefinition,
    CdtRecord,
    DataAudit,
    EncounterAssessmentCreate,
    EncounterAssessmentUpdate,
    EncounterCreate,
    EncounterTemplate,
    EncounterUpdate,
    FullEncounter,
    GoalTemplate,
    MetaInfoPage,
    NamedPage,
    Patient,
    PatientCreate,
    PatientFilter,
    PatientProgram,
    PhaseChange,
    ProgramFormation,
    ProgramUpdate,
    SpringPage,
    User,
    UserCreate,
    UserUpdate,
    WebhookAudit,
)
from welkin_async.resources import (
    DispositionRecord,
    EncounterAssessmentRecord,
    EncounterRecord,
    ExternalIdKind,
)

_EXTERNAL_ID_KINDS: dict[str, ExternalIdKind] = {"EID": "EID", "EGUID": "EGUID", "MRN": "MRN"}
CdtRecordOfDict = CdtRecord[dict[str, Any]]
"""What ``client.cdts(patient_id, "<cdt name>")`` reads records as."""


# --- the invocations -----------------------------------------------------------------------------


async def _patient_get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.patients.get(m["patient_id"])


async def _patient_by_external_id(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    kind = _EXTERNAL_ID_KINDS[r.query["type"]]  # the operation's query test allows these
    return await client.patients.get_by_external_id(m["patient_id"], kind=kind)


async def _patient_create(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.patients.create(written(PatientCreate, r.request_body))


async def _patient_update(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.patients.update(m["patient_id"], **keywords(PatientCreate, body_of(r)))


async def _patient_delete(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.patients.delete(m["patient_id"])


def _patients(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    body = r.request_body
    chosen = written(PatientFilter, body) if body not in (None, {}) else None
    return client.patients.list(chosen)


def _cdt_records(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    query = r.query
    fields = query["fields"].split(",") if "fields" in query else None
    starts, ends = query.get("dateStart"), query.get("dateEnd")
    return client.cdts(m["patient_id"], m["cdt_name"]).list(
        fields=fields,
        date_start=datetime.fromisoformat(starts) if starts is not None else None,
        date_end=datetime.fromisoformat(ends) if ends is not None else None,
    )


async def _cdt_create(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    values = {key: value for key, value in body_of(r).items() if key != "cdtName"}
    return await client.cdts(m["patient_id"], m["cdt_name"]).create(values)


async def _cdt_get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.cdts(m["patient_id"], m["cdt_name"]).get(m["record_id"])


async def _cdt_update(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    records = client.cdts(m["patient_id"], m["cdt_name"])
    return await records.update(m["record_id"], body_of(r))


async def _cdt_delete(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.cdts(m["patient_id"], m["cdt_name"]).delete(m["record_id"])


async def _cdt_bulk_update(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    rows = {str(row.id): row.json_body for row in written(CdtBulkUpdate, r.request_body).rows}
    return await client.cdts(m["patient_id"], m["cdt_name"]).bulk_update(rows)


def _programs(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    return client.programs(m["patient_id"]).list()


async def _program_current(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.programs(m["patient_id"]).current(m["program_name"])


async def _program_history(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.programs(m["patient_id"]).history(m["program_id"])


async def _program_update(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    given = keywords(ProgramUpdate, body_of(r))
    return await client.programs(m["patient_id"]).update(m["program_name"], **given)


async def _program_unassign_by_id(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.programs(m["patient_id"]).unassign_by_id(m["patient_program_id"])


async def _program_move(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    phase = written(PhaseChange, r.request_body).phase_name
    return await client.programs(m["patient_id"]).move(m["program_name"], phase)


def _encounters(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    return client.encounters(m["patient_id"]).list()


async def _encounter_create(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.encounters(m["patient_id"]).create(written(EncounterCreate, r.request_body))


async def _encounter_get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.encounters(m["patient_id"]).get(m["encounter_id"])


async def _encounter_update(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    given = keywords(EncounterUpdate, body_of(r))
    return await client.encounters(m["patient_id"]).update(m["encounter_id"], **given)


async def _encounter_delete(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.encounters(m["patient_id"]).delete(m["encounter_id"])


async def _encounter_full(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.encounters(m["patient_id"]).full(m["encounter_id"])


async def _disposition_get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.encounters(m["patient_id"]).disposition(m["encounter_id"])


async def _disposition_update(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    encounters = client.encounters(m["patient_id"])
    return await encounters.update_disposition(m["encounter_id"], body_of(r))


def _links(client: WelkinClient, m: re.Match[str]) -> Any:
    return client.encounters(m["patient_id"]).assessments(m["encounter_id"])


async def _link_list(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await _links(client, m).list()


async def _link_get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await _links(client, m).get(m["link_id"])


async def _link_create(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await _links(client, m).create(written(EncounterAssessmentCreate, r.request_body))


async def _link_update(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    given = keywords(EncounterAssessmentUpdate, body_of(r))
    return await _links(client, m).update(m["link_id"], **given)


async def _link_delete(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await _links(client, m).delete(m["link_id"])


def _assessment_records(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    return client.assessment_records(m["patient_id"]).list()


async def _assessment_create(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    record = written(AssessmentRecordWrite, r.request_body)
    return await client.assessment_records(m["patient_id"]).create(record)


async def _assessment_get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.assessment_records(m["patient_id"]).get(m["record_id"])


async def _assessment_update(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    record = written(AssessmentRecordWrite, r.request_body)
    return await client.assessment_records(m["patient_id"]).update(m["record_id"], record)


async def _assessment_answer(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.assessment_records(m["patient_id"]).answer(m["record_id"], body_of(r))


async def _assessment_delete(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.assessment_records(m["patient_id"]).delete(m["record_id"])


async def _formation_cdts(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.cdts(m["version"])


async def _formation_programs(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.programs(m["version"])


async def _formation_encounters(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.encounter_templates(m["version"])


async def _formation_assessments(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.assessments(m["version"])


async def _formation_document_types(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.document_types(m["version"])


async def _formation_goal_templates(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.goal_templates(m["version"])


async def _formation_disposition(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.encounter_disposition(m["version"])


async def _formation_cdt(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.cdt(m["name"], version=m["version"])


async def _formation_program(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.program(m["name"], version=m["version"])


async def _formation_template(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.encounter_template(m["name"], version=m["version"])


async def _formation_assessment(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.assessment(m["name"], version=m["version"])


async def _formation_document_type(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.document_type(m["name"], version=m["version"])


async def _formation_goal_template(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.formations.goal_template(m["name"], version=m["version"])


def _users(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    return client.users.list()


async def _user_get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.users.get(m["user_id"])


async def _user_by_username(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.users.get_by_username(m["username"])


async def _user_create(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.users.create(written(UserCreate, r.request_body))


async def _user_update(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.users.update(m["user_id"], **keywords(UserUpdate, body_of(r)))


async def _user_delete(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.users.delete(m["user_id"])


def _user_encounters(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    care_team = r.query.get("withCareTeam", "false").lower() == "true"
    return client.users.encounters(m["user_id"], with_care_team=care_team)


def _data_audit(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    query = r.query
    starts, ends = query.get("dateStart"), query.get("dateEnd")
    formation = query.get("includeFormation")
    return client.audits.data(
        entity=query.get("entity"),
        cdt_name=query.get("cdtName"),
        patient_id=query.get("patientId"),
        patient_full_name=query.get("patientFullName"),
        subject_username=query.get("subjectUsername"),
        subject_full_name=query.get("subjectFullName"),
        subject_actor=query.get("subjectActor"),
        instance=query.get("instance"),
        operation=query.get("operation"),
        date_start=datetime.fromisoformat(starts) if starts is not None else None,
        date_end=datetime.fromisoformat(ends) if ends is not None else None,
        include_formation=formation.lower() == "true" if formation is not None else None,
    )


def _deliveries(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    return client.webhooks.deliveries()


async def _token_exchange(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    """Any call makes the client exchange its secret first; this one reads the answer raw."""
    return await client.request("GET", "formations/{version}/cdts", path_params={"version": "1"})


# --- the table -----------------------------------------------------------------------------------

_P = "patients/{patient_id}"
_ENV: Scope = "environment"
_ADMIN: Scope = "admin"

_CORE: tuple[Operation, ...] = (
    # patients
    Operation(
        "patients.get", "GET", _P, _ENV, "patients", _patient_get, Patient, query=without("type")
    ),
    Operation(
        "patients.get_by_external_id",
        "GET",
        _P,
        _ENV,
        "patients",
        _patient_by_external_id,
        Patient,
        query=with_("type", *_EXTERNAL_ID_KINDS),
    ),
    Operation(
        "patients.create",
        "POST",
        "patients",
        _ENV,
        "patients",
        _patient_create,
        Patient,
        write_model=PatientCreate,
    ),
    Operation(
        "patients.update",
        "PATCH",
        _P,
        _ENV,
        "patients",
        _patient_update,
        Patient,
        write_model=PatientCreate,
    ),
    Operation("patients.delete", "DELETE", _P, _ENV, "patients", _patient_delete),
    Operation(
        "patients.list",
        "POST",
        "by-filter/patients",
        _ENV,
        "patients",
        listing(SpringPage[Patient], _patients),
        SpringPage[Patient],
        listing=True,
        write_model=PatientFilter,
    ),
    # CDT records
    Operation(
        "cdts.list",
        "GET",
        _P + "/cdts/{cdt_name}",
        _ENV,
        "cdts",
        listing(NamedPage[CdtRecordOfDict], _cdt_records),
        NamedPage[CdtRecordOfDict],
        listing=True,
    ),
    Operation(
        "cdts.create", "POST", _P + "/cdts/{cdt_name}", _ENV, "cdts", _cdt_create, CdtRecordOfDict
    ),
    Operation(
        "cdts.bulk_update",
        "PATCH",
        _P + "/cdts/{cdt_name}",
        _ENV,
        "cdts",
        _cdt_bulk_update,
        CdtBulkResult,
        write_model=CdtBulkUpdate,
    ),
    Operation(
        "cdts.get",
        "GET",
        _P + "/cdts/{cdt_name}/{record_id}",
        _ENV,
        "cdts",
        _cdt_get,
        CdtRecordOfDict,
    ),
    Operation(
        "cdts.update",
        "PATCH",
        _P + "/cdts/{cdt_name}/{record_id}",
        _ENV,
        "cdts",
        _cdt_update,
        CdtRecordOfDict,
    ),
    Operation(
        "cdts.delete", "DELETE", _P + "/cdts/{cdt_name}/{record_id}", _ENV, "cdts", _cdt_delete
    ),
    # programs
    Operation(
        "programs.list",
        "GET",
        _P + "/programs",
        _ENV,
        "programs",
        listing(MetaInfoPage[PatientProgram], _programs),
        MetaInfoPage[PatientProgram],
        listing=True,
    ),
    Operation(
        "programs.current",
        "GET",
        _P + "/programs/current/{program_name}",
        _ENV,
        "programs",
        _program_current,
        PatientProgram,
    ),
    Operation(
        "programs.history",
        "GET",
        _P + "/programs/history/{program_id}",
        _ENV,
        "programs",
        _program_history,
        PatientProgram,
    ),
    Operation(
        "programs.update",
        "PATCH",
        _P + "/programs/{program_name}",
        _ENV,
        "programs",
        _program_update,
        PatientProgram,
        write_model=ProgramUpdate,
    ),
    Operation(
        "programs.unassign_by_id",
        "DELETE",
        _P + "/programs/{patient_program_id}",
        _ENV,
        "programs",
        _program_unassign_by_id,
    ),
    Operation(
        "programs.move",
        "PATCH",
        _P + "/programs/{program_name}/phases",
        _ENV,
        "programs",
        _program_move,
        PatientProgram,
        write_model=PhaseChange,
    ),
    # encounters
    Operation(
        "encounters.list",
        "GET",
        _P + "/encounters",
        _ENV,
        "encounters",
        listing(MetaInfoPage[EncounterRecord], _encounters),
        MetaInfoPage[EncounterRecord],
        listing=True,
    ),
    Operation(
        "encounters.create",
        "POST",
        _P + "/encounters",
        _ENV,
        "encounters",
        _encounter_create,
        EncounterRecord,
        write_model=EncounterCreate,
    ),
    Operation(
        "encounters.get",
        "GET",
        _P + "/encounters/{encounter_id}",
        _ENV,
        "encounters",
        _encounter_get,
        EncounterRecord,
    ),
    Operation(
        "encounters.update",
        "PATCH",
        _P + "/encounters/{encounter_id}",
        _ENV,
        "encounters",
        _encounter_update,
        EncounterRecord,
        write_model=EncounterUpdate,
    ),
    Operation(
        "encounters.delete",
        "DELETE",
        _P + "/encounters/{encounter_id}",
        _ENV,
        "encounters",
        _encounter_delete,
    ),
    Operation(
        "encounters.full",
        "GET",
        _P + "/full-encounters/{encounter_id}",
        _ENV,
        "encounters",
        _encounter_full,
        FullEncounter,
    ),
    Operation(
        "encounters.disposition",
        "GET",
        _P + "/encounters/{encounter_id}/disposition",
        _ENV,
        "encounters",
        _disposition_get,
        DispositionRecord,
        arrange=arrange_disposition,
    ),
    Operation(
        "encounters.update_disposition",
        "PATCH",
        _P + "/encounters/{encounter_id}/disposition",
        _ENV,
        "encounters",
        _disposition_update,
        DispositionRecord,
        arrange=arrange_disposition,
    ),
    Operation(
        "encounters.assessments.list",
        "GET",
        _P + "/encounters/{encounter_id}/assessments",
        _ENV,
        "encounters",
        _link_list,
        list[EncounterAssessmentRecord],
    ),
    Operation(
        "encounters.assessments.create",
        "POST",
        _P + "/encounters/{encounter_id}/assessments",
        _ENV,
        "encounters",
        _link_create,
        EncounterAssessmentRecord,
        write_model=EncounterAssessmentCreate,
    ),
    Operation(
        "encounters.assessments.get",
        "GET",
        _P + "/encounters/{encounter_id}/assessments/{link_id}",
        _ENV,
        "encounters",
        _link_get,
        EncounterAssessmentRecord,
    ),
    Operation(
        "encounters.assessments.update",
        "PATCH",
        _P + "/encounters/{encounter_id}/assessments/{link_id}",
        _ENV,
        "encounters",
        _link_update,
        EncounterAssessmentRecord,
        write_model=EncounterAssessmentUpdate,
    ),
    Operation(
        "encounters.assessments.delete",
        "DELETE",
        _P + "/encounters/{encounter_id}/assessments/{link_id}",
        _ENV,
        "encounters",
        _link_delete,
    ),
    # assessment records
    Operation(
        "assessment_records.list",
        "GET",
        _P + "/assessment-records",
        _ENV,
        "assessment-records",
        listing(SpringPage[AssessmentRecord], _assessment_records),
        SpringPage[AssessmentRecord],
        listing=True,
    ),
    Operation(
        "assessment_records.create",
        "POST",
        _P + "/assessment-records",
        _ENV,
        "assessment-records",
        _assessment_create,
        AssessmentRecord,
        write_model=AssessmentRecordWrite,
    ),
    Operation(
        "assessment_records.get",
        "GET",
        _P + "/assessment-records/{record_id}",
        _ENV,
        "assessment-records",
        _assessment_get,
        AssessmentRecord,
    ),
    Operation(
        "assessment_records.update",
        "PUT",
        _P + "/assessment-records/{record_id}",
        _ENV,
        "assessment-records",
        _assessment_update,
        AssessmentRecord,
        write_model=AssessmentRecordWrite,
    ),
    Operation(
        "assessment_records.answer",
        "PUT",
        _P + "/assessment-records/{record_id}/answers",
        _ENV,
        "assessment-records",
        _assessment_answer,
        AssessmentRecord,
    ),
    Operation(
        "assessment_records.delete",
        "DELETE",
        _P + "/assessment-records/{record_id}",
        _ENV,
        "assessment-records",
        _assessment_delete,
    ),
    # formations: lists, the disposition's definition, and items by name
    Operation(
        "formations.cdts",
        "GET",
        "formations/{version}/cdts",
        _ENV,
        "formations",
        _formation_cdts,
        list[CdtDefinition],
    ),
    Operation(
        "formations.programs",
        "GET",
        "formations/{version}/programs",
        _ENV,
        "formations",
        _formation_programs,
        list[ProgramFormation],
    ),
    Operation(
        "formations.encounter_templates",
        "GET",
        "formations/{version}/encounters",
        _ENV,
        "formations",
        _formation_encounters,
        list[EncounterTemplate],
    ),
    Operation(
        "formations.assessments",
        "GET",
        "formations/{version}/assessments",
        _ENV,
        "formations",
        _formation_assessments,
        list[AssessmentTemplate],
    ),
    Operation(
        "formations.document_types",
        "GET",
        "formations/{version}/document-types",
        _ENV,
        "formations",
        _formation_document_types,
        list[CdtDefinition],
    ),
    Operation(
        "formations.goal_templates",
        "GET",
        "formations/{version}/goal-templates",
        _ENV,
        "formations",
        _formation_goal_templates,
        list[GoalTemplate],
    ),
    Operation(
        "formations.encounter_disposition",
        "GET",
        "formations/{version}/encounter-disposition",
        _ENV,
        "formations",
        _formation_disposition,
        CdtDefinition,
        arrange=arrange_disposition_definition,
    ),
    *(
        Operation(
            f"formations.{method}",
            "GET",
            f"formations/{{version}}/{kind}/{{name}}",
            _ENV,
            "formations",
            invoke,
            answer,
            arrange=arrange_formation_item,
        )
        for method, kind, invoke, answer in (
            ("cdt", "cdts", _formation_cdt, CdtDefinition),
            ("program", "programs", _formation_program, ProgramFormation),
            ("encounter_template", "encounters", _formation_template, EncounterTemplate),
            ("assessment", "assessments", _formation_assessment, AssessmentTemplate),
            ("document_type", "document-types", _formation_document_type, CdtDefinition),
            ("goal_template", "goal-templates", _formation_goal_template, GoalTemplate),
        )
    ),
    # the tenant's admin API
    Operation(
        "users.list",
        "GET",
        "users",
        _ADMIN,
        "users",
        listing(MetaInfoPage[User], _users),
        MetaInfoPage[User],
        listing=True,
    ),
    Operation(
        "users.get",
        "GET",
        "users/{user_id}",
        _ADMIN,
        "users",
        _user_get,
        User,
        query=with_("type", "ID"),
    ),
    Operation(
        "users.get_by_username",
        "GET",
        "users/{username}",
        _ADMIN,
        "users",
        _user_by_username,
        User,
        query=without("type"),
    ),
    Operation(
        "users.create",
        "POST",
        "users",
        _ADMIN,
        "users",
        _user_create,
        User,
        write_model=UserCreate,
    ),
    Operation(
        "users.update",
        "PATCH",
        "users/{user_id}",
        _ADMIN,
        "users",
        _user_update,
        User,
        write_model=UserUpdate,
    ),
    Operation(
        "users.delete",
        "DELETE",
        "users/{user_id}",
        _ADMIN,
        "users",
        _user_delete,
        query=with_("type", "ID"),
    ),
    Operation(
        "users.encounters",
        "GET",
        "users/{user_id}/encounters",
        _ENV,
        "users",
        listing(MetaInfoPage[EncounterRecord], _user_encounters),
        MetaInfoPage[EncounterRecord],
        listing=True,
        arrange=arrange_user_encounters,
    ),
    Operation(
        "audits.data",
        "GET",
        "audit-data",
        _ADMIN,
        "audits",
        listing(MetaInfoPage[DataAudit], _data_audit),
        MetaInfoPage[DataAudit],
        listing=True,
        arrange=arrange_audit,
    ),
    Operation(
        "webhooks.deliveries",
        "GET",
        "audit-webhook",
        _ADMIN,
        "audits",
        listing(MetaInfoPage[WebhookAudit], _deliveries),
        MetaInfoPage[WebhookAudit],
        listing=True,
    ),
    Operation(
        "credentials (the secret exchange)",
        "POST",
        "api_clients/{client_name}",
        _ADMIN,
        "auth",
        _token_exchange,
        ApiClientToken,
        write_model=ApiClientTokenRequest,
        token_exchange=True,
    ),
)


OPERATIONS: tuple[Operation, ...] = (*_CORE, *FAMILY_OPERATIONS)
__all__ = ["OPERATIONS", "UntypedRequest", "family_of", "find_operation", "page_items"]


class AmbiguousCatalog(Exception):
    """More than one operation matches a recording: the table must be fixed."""


def find_operation(recording: Recording) -> tuple[Operation, re.Match[str]] | None:
    """The one operation that makes ``recording``'s exchange, and its path match; or None."""
    found = [(op, m) for op in OPERATIONS if (m := op.match(recording)) is not None]
    if len(found) > 1:
        names = ", ".join(op.name for op, _ in found)
        raise AmbiguousCatalog(f"{recording.name} matches several operations: {names}")
    return found[0] if found else None


# --- families of recordings with no operation ----------------------------------------------------

_PATIENT_PARTS = {
    "care-plan": "care-plans",
    "document-summary": "documents",
    "emails": "messages",
    "sms": "messages",
    "chat": "messages",
    "cdts": "cdts",
    "programs": "programs",
    "encounters": "encounters",
    "full-encounters": "encounters",
    "assessment-records": "assessment-records",
}
_ADMIN_FAMILIES = {
    "api_clients": "auth",
    "audit-data": "audits",
    "audit-webhook": "audits",
    "users": "users",
}
_ENVIRONMENT_FAMILIES = {
    "calendar": "calendar",
    "formations": "formations",
    "users": "users",
    "by-filter": "patients",
    "export": "exports",
    "patients": "patients",
}


def family_of(recording: Recording) -> str:
    """The resource family of a recording: its operation's, else one named by its path."""
    found = find_operation(recording)
    if found is not None:
        return found[0].family
    segments = [s for s in recording.relative.split("/") if s]
    if not segments:
        return "unknown"
    first = segments[0]
    if recording.scope == "admin":
        return _ADMIN_FAMILIES.get(first, first)
    if first == "patients" and len(segments) > 2:
        return _PATIENT_PARTS.get(segments[2], segments[2])
    return _ENVIRONMENT_FAMILIES.get(first, first)
