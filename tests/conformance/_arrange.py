"""Seeding the emulator so that a recorded request makes sense to it (the emulator's side).

The recording itself says what must exist: the ids in its path (a patient, a CDT record, an
encounter, an assessment link...), the names in its body (an encounter template, a program and
its phases, the users and patients an appointment names) and the items its answer lists. The
tenant's configuration follows the recording too: a CDT read back with fields ``a`` and ``b`` is
defined with exactly those fields here, an assessment record answering ``cdt-x__f`` belongs to a
form asking exactly that. Values, times and generated ids stay the emulator's own; only the
shapes of its answers are compared with the recording.

Rows are built with the emulator's own row builders (the ones its seed and routes use), under the
recorded ids, in the acme tenant's ``live`` environment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
from aiohttp import web

from tests.conformance._operation import Operation
from tests.conformance._recordings import Recording
from tests.conftest import serving
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._assessments import assessment_row
from welkin_async.testing._calendar import PATIENT_ROLE, event_row, participant
from welkin_async.testing._clock import iso_ms
from welkin_async.testing._data_audit import (
    CDT_DELETED,
    DISPOSITION_RELATION,
    Subject,
    deleted_record,
    record_change,
)
from welkin_async.testing._encounters import (
    COMPLETED,
    OPEN,
    encounter_row,
    ended,
    link_row,
    started,
    store,
)
from welkin_async.testing._records import (
    CDT_SYSTEM_FIELDS,
    DISPOSITION_CDT_NAME,
    Actor,
    assigned_program,
    blank_fields,
    cdt_body,
    cdt_record_row,
    patient_row,
    program_phase,
)
from welkin_async.testing._routing import Route, Scope
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import Environment, Tenant, stable_uuid
from welkin_async.testing._users import display_name, user_row
from welkin_async.testing.routes import ROUTES

TENANT, ENVIRONMENT = "acme", "live"
ADMIN_ROLE = "admin"
_HOUR_MS = 3_600_000
_SYSTEM = ("id", "created_at", "created_by", "created_by_name", "updated_at", "updated_by")
_SYSTEM_FIELDS = (
    *_SYSTEM,
    "updated_by_name",
    "source_name",
    "source_type",
    "source_id",
    "external_id",
    "external_guid",
)
_KINDS: Mapping[type, str] = {
    bool: "checkbox",
    int: "integer",
    float: "float",
    list: "list",
    dict: "text",
    str: "text",
}


def _field(name: str, kind: str, *, editable: bool = True) -> dict[str, Any]:
    """A CDT field definition in the live shape."""
    return {
        "name": name,
        "type": kind,
        "formula": None,
        "dictionary": None,
        "profileDataType": None,
        "editable": editable,
        "searchable": False,
        "bulkEdit": False,
        "phi": False,
        "disable": False,
        "injectedSource": False,
        "displayType": None,
        "valueType": None,
        "meta": {"required": False},
    }


def _like(recorded: Mapping[str, Any]) -> dict[str, Any]:
    """A field definition of the recorded one's name, type and shape (its meta's keys), with
    the emulator's own option."""
    editable = bool(recorded["editable"])
    field = _field(str(recorded["name"]), str(recorded["type"]), editable=editable)
    for key in ("displayType", "valueType"):
        field[key] = recorded.get(key)
    recorded_meta = recorded.get("meta") or {}
    option = {"label": "Yes", "value": "Yes", "refCdtName": None}
    meta: dict[str, Any] = {"required": bool(recorded_meta.get("required"))}
    if "options" in recorded_meta:
        meta["options"] = [option]
    for key in ("multiple", "minValue", "maxValue"):
        if key in recorded_meta:
            meta[key] = recorded_meta[key]
    field["meta"] = meta
    return field


def _kind(value: Any) -> str:
    """The CDT field type a recorded value fits (text where the recording shows null)."""
    return _KINDS.get(type(value), "text")


def _is_field(key: str) -> bool:
    return key not in CDT_SYSTEM_FIELDS and not key.startswith("external_")


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a document, depth first."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item)


def _records(document: Any) -> list[dict[str, Any]]:
    """The CDT-record envelopes in a document (``{id, ..., jsonBody}``)."""
    return [o for o in _objects(document) if "jsonBody" in o and isinstance(o["jsonBody"], dict)]


def _list_items(body: Any) -> list[Any]:
    """The items of a recorded list answer, whatever its envelope."""
    if isinstance(body, list):
        return body
    if not isinstance(body, dict):
        return []
    for key in ("content", "data"):
        inner = body.get(key)
        if isinstance(inner, list):
            return inner
        if isinstance(inner, dict):
            return _list_items(inner)
    return []


def route_of(recording: Recording) -> Route:
    """The emulator's route that serves the recorded request."""
    scope = Scope.ADMIN if recording.scope == "admin" else Scope.ENVIRONMENT
    for route in ROUTES:
        if route.method != recording.method or route.scope is not scope:
            continue
        pattern = re.sub(r"\\\{(\w+)\\\}", "[^/]+", re.escape(route.path.lstrip("/")))
        if re.fullmatch(pattern, recording.relative):
            return route
    raise LookupError(f"the emulator has no route for {recording.method} {recording.relative}")


@attrs.define
class World:
    """The acme tenant's live environment, being made ready for one recording."""

    emulator: WelkinEmulator
    recording: Recording
    params: Mapping[str, str]
    tenant: Tenant = attrs.field(init=False)
    env: Environment = attrs.field(init=False)
    actor: Actor = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.tenant = self.emulator.tenant(TENANT)
        self.env = self.tenant.environments[ENVIRONMENT]
        client = self.tenant.client_for_role(ADMIN_ROLE)
        self.actor = Actor(id=client.client_id, name=client.name)

    # --- plumbing ------------------------------------------------------------------------------

    def new_id(self) -> str:
        return self.emulator.backend.new_id()

    def stamp(self) -> int:
        return self.env.stamp(self.emulator.clock)

    @property
    def body(self) -> Any:
        return self.recording.request_body

    @property
    def answer(self) -> Any:
        return self.recording.response_body

    # --- users and patients --------------------------------------------------------------------

    def user(self, user_id: str, recorded: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The user with this id, added to the tenant when missing; a ``recorded`` user gives
        it the tenant-defined attributes it showed (their names are the tenant's)."""
        found = self.tenant.user(user_id)
        if found is not None:
            return found
        spec = {
            "username": f"user-{user_id[:8]}",
            "email": f"user-{user_id[:8]}@example.org",
            "firstName": "Conformance",
            "lastName": "User",
            "roles": ["health-coach"],
            "territories": [],
        }
        made = user_row(
            user_id,
            spec,
            environments=[(stable_uuid(TENANT, "environment", ENVIRONMENT), ENVIRONMENT)],
            regions={},
            access_id=self.new_id(),
            author=self.tenant.author,
            root=False,
        )
        for key in ("customUserAttributes", "userAttributes"):
            attributes = (recorded or {}).get(key)
            if isinstance(attributes, dict):
                made[key] = dict(attributes)
        self.tenant.users.append(made)
        return made

    def assignments(self, body: Mapping[str, Any]) -> None:
        """The users of a recorded care team and the regions of recorded territories."""
        for member in body.get("careTeam") or ():
            self.user(str(member["id"]))
        for territory in body.get("patientTerritories") or ():
            self.tenant.regions.setdefault(
                territory["name"], list(territory.get("territories") or ())
            )

    def patient(self, patient_id: str) -> Row:
        """The patient with this id, added when missing."""
        found = self.env.patients.get(patient_id)
        if found is not None:
            return found
        fields = {
            "firstName": "Conformance",
            "lastName": "Patient",
            "birthDate": "1990-01-01T00:00:00.000Z",
            "gender": "UNKNOWN",
            "email": f"patient-{patient_id[:8]}@example.org",
            "phone": "+15550100",
        }
        stamp = self.stamp()
        row = patient_row(patient_id, fields, stamp, self.actor)
        self.env.patients.put(patient_id, row, stamp)
        self.env.index_patient(row)
        return row

    # --- CDTs and their records ----------------------------------------------------------------

    def recorded_cdt_values(self) -> dict[str, Any]:
        """Field values the recording shows for the path's CDT, by field name."""
        values: dict[str, Any] = {}
        documents: list[Any] = [self.answer, self.body]
        if isinstance(self.body, dict) and "rows" not in self.body:  # a flat create or update
            documents.append({"jsonBody": self.body})
        for record in _records(documents):
            for key, value in record["jsonBody"].items():
                if _is_field(key) and (key not in values or values[key] is None):
                    values[key] = value
        values.pop("cdtName", None)
        return values

    def cdt(self, name: str, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The CDT ``name``, defined with exactly the fields the recording shows (or the fields
        of ``values``, a record's jsonBody)."""
        if values is None:
            values = self.recorded_cdt_values()
        else:
            values = {key: value for key, value in values.items() if _is_field(key)}
        definition = {
            "id": stable_uuid(TENANT, "cdt", name),
            "name": name,
            "title": name,
            "label": name,
            "version": self.tenant.formation_version,
            "internal": False,
            "readable": True,
            "updatable": True,
            "type": "MULTI_RECORD",
            "relation": "COMMON",
            "_containsPHI": False,
            "fields": [
                *(_field(key, _kind(value)) for key, value in values.items()),
                *(_field(key, "text", editable=False) for key in _SYSTEM_FIELDS),
            ],
        }
        self.tenant.cdts[name] = definition
        return definition

    def cdt_record(self, record_id: str, patient_id: str, cdt: dict[str, Any]) -> None:
        """A record of ``cdt`` with this id, holding the recorded values."""
        if record_id in self.env.cdt_records:
            return
        values = {**blank_fields(cdt), **self.recorded_cdt_values()}
        stamp = self.stamp()
        body = cdt_body(record_id, values, stamp, self.actor)
        self.env.cdt_records.put(record_id, cdt_record_row(record_id, patient_id, cdt, body), stamp)
        self.env.records_of.add((patient_id, cdt["name"]), record_id)

    # --- programs ------------------------------------------------------------------------------

    def recorded_phases(self) -> list[str]:
        """Phase names the recording shows: its path history, current phase and request."""
        names: list[str] = []
        answers = [self.answer, *_list_items(self.answer)]
        for program in (a for a in answers if isinstance(a, dict)):
            for phase in [*(program.get("pathHistory") or ()), program.get("currentPhase")]:
                if isinstance(phase, dict) and phase.get("name") not in names:
                    names.append(phase["name"])
        wanted = self.body.get("phaseName") if isinstance(self.body, dict) else None
        if isinstance(wanted, str) and wanted not in names:
            names.append(wanted)
        return names or ["start", "finish"]

    def program(self, name: str) -> dict[str, Any]:
        """The program ``name``, with at least the phases the recording names."""
        found = self.tenant.programs.get(name)
        names = self.recorded_phases()
        if found is not None and {p["name"] for p in found["phases"]} >= set(names):
            return found
        phases = [
            {
                "name": phase,
                "title": phase.title(),
                "type": "START" if index == 0 else "STEP",
                "description": "",
                "autoFinishProgram": False,
                "navigateTo": [{"name": later} for later in names[index + 1 : index + 2]],
            }
            for index, phase in enumerate(names)
        ]
        answer = self.answer if isinstance(self.answer, dict) else {}
        program = {
            "name": name,
            "title": answer.get("programTitle") or name,
            "description": answer.get("programDescription") or "",
            "phases": phases,
            "nodes": [],
        }
        self.tenant.programs[name] = program
        return program

    def assigned(self, patient_id: str, program: dict[str, Any], row_id: str) -> None:
        """The patient in ``program``, at its first phase, as patient program ``row_id``."""
        key = (patient_id, program["name"])
        if key in self.env.program_of:
            return
        stamp = self.stamp()
        entry = program_phase(program["phases"][0], stamp, self.actor, 1)
        row = assigned_program(
            program,
            self.tenant.author,
            row_id=row_id,
            patient_id=patient_id,
            path=[entry],
            created=(entry["timestamp"], self.actor.name),
            who=self.actor,
        )
        self.env.patient_programs.put(row_id, row, stamp)
        self.env.program_of[key] = row_id

    # --- assessments ---------------------------------------------------------------------------

    def form(self, name: str, keys: Iterable[str]) -> dict[str, Any]:
        """The assessment form ``name``; it asks exactly ``keys`` (``<cdt>__<field>``) when the
        recording names them, else it is kept (or made) as it is."""
        asked = list(keys)
        found = self.tenant.assessment_templates.get(name)
        if found is not None and not asked:
            return found
        fields: list[dict[str, Any]] = [
            {
                "label": key,
                "name": "",
                "refCdtName": key.partition("__")[0],
                "refCdtFieldName": key.partition("__")[2],
                "order": order,
                "viewType": "question",
                "meta": {"type": "text", "required": False},
                "prePopulatedValue": None,
                "attachments": [],
            }
            for order, key in enumerate(asked or ["cdt-conformance__cdtf-answer"])
        ]
        form = {
            "id": stable_uuid(TENANT, "assessment", name),
            "title": name,
            "name": name,
            "version": self.tenant.formation_version,
            "sections": [{"title": name, "name": "section-1", "order": 0, "fields": fields}],
            "scoring": {"formula": "SUM", "groups": []},
            "programs": [],
            "template": None,
            "conditionSettings": {"elements": [], "events": []},
            "displayType": "SECTIONS",
            "autoCompleted": False,
            "_containsPHI": True,
        }
        self.tenant.assessment_templates[name] = form
        return form

    def assessment_record(self, record: Mapping[str, Any], patient_id: str) -> None:
        """An assessment record shaped like the recorded ``record``, under its id."""
        if record["id"] in self.env.assessments:
            return
        answers = {
            key: value
            for key, value in (record.get("answers") or {}).items()
            if "__" in key and _is_field(key)
        }
        form = self.form(record["assessmentName"], answers)
        stamp = self.stamp()
        row = assessment_row(
            record["id"],
            patient_id,
            form,
            status=record.get("status") or "DRAFT",
            answers=answers,
            answers_id=self.new_id(),
            stamp=stamp,
            who=self.actor,
        )
        self.env.assessments.put(record["id"], row, stamp)
        self.env.assessments_of.add(patient_id, record["id"])

    # --- encounters ----------------------------------------------------------------------------

    def template(self, name: str, assessment_names: list[str]) -> dict[str, Any]:
        """The encounter template ``name`` (linking ``assessment_names`` when it is made)."""
        found = self.tenant.encounter_templates.get(name)
        if found is not None:
            return found
        for assessment in assessment_names:
            self.form(assessment, ())
        template = {
            "id": stable_uuid(TENANT, "encounter-template", name),
            "name": name,
            "title": name,
            "encounterDescription": "",
            "encounterInstruction": "",
            "encounterColor": "#00a7be",
            "type": "Sync",
            "deliveryMethod": "VIDEO",
            "defaultDuration": 60,
            "assessmentNames": assessment_names,
        }
        self.tenant.encounter_templates[name] = template
        return template

    def people(self, event: Mapping[str, Any] | None, patient_id: str) -> None:
        """The users and patients a (recorded) appointment names."""
        if not isinstance(event, Mapping):
            return
        if isinstance(event.get("hostId"), str):
            self.user(event["hostId"])
        for person in event.get("participants") or ():
            who = person.get("participantId")
            if not isinstance(who, str):
                continue
            if person.get("participantRole") == PATIENT_ROLE:
                self.patient(who)
            else:
                self.user(who)
        self.patient(patient_id)

    def encounter(
        self,
        encounter_id: str,
        patient_id: str,
        recorded: Mapping[str, Any],
        *,
        editable: bool = False,
    ) -> None:
        """An encounter with this id, shaped like the ``recorded`` one (its jsonBody and, from a
        full encounter, its links): scheduled with a user, with a disposition and links. An
        ``editable`` one is left OPEN whatever the recording ended in (the request changes it)."""
        if encounter_id in self.env.encounters:
            return
        body = recorded.get("jsonBody") or {}
        links = [link["jsonBody"] for link in _records(recorded.get("assessmentLinks") or ())]
        disposition = recorded.get("disposition")
        if isinstance(disposition, dict) and isinstance(disposition.get("jsonBody"), dict):
            self.disposition_fields(disposition["jsonBody"])
        names = [str(link["assessmentName"]) for link in links] or ["asm-conformance"]
        template = self.template(str(body.get("templateName") or "etmp-conformance"), names)
        event_host = (body.get("calendarEvent") or {}).get("hostId")
        host = self.user(
            str(event_host or self.new_id()), recorded.get("userRelatedToCalendarEvent")
        )
        patient = self.patient(patient_id)
        stamp = self.stamp()
        start = stamp + _HOUR_MS
        spec = {"eventTitle": body.get("title"), "hostId": host["id"]}
        spec |= {"startDateTime": iso_ms(start), "endDateTime": iso_ms(start + _HOUR_MS)}
        people = [
            participant(self.new_id(), host["id"], "psm", host),
            participant(self.new_id(), patient_id, PATIENT_ROLE, patient),
        ]
        event = event_row(self.new_id(), spec, people, stamp=stamp, who=self.actor)
        disposition_id = self.new_id()
        owner = Actor(id=host["id"], name=display_name(host))
        row = encounter_row(
            encounter_id,
            patient_id,
            template,
            {"title": body.get("title"), "description": body.get("description")},
            tenant=self.tenant,
            event=event,
            owner=owner,
            disposition_id=disposition_id,
            stamp=stamp,
            who=self.actor,
        )
        status = OPEN if editable else body.get("status")
        if status in (OPEN, COMPLETED):
            started(row["jsonBody"], stamp, owner)
            row["jsonBody"]["status"] = status
        if status == COMPLETED:
            ended(row["jsonBody"], stamp)
        recorded_links = links or [{"id": self.new_id(), "assessmentName": names[0]}]
        pairs = [
            (str(link["id"]), self.form(str(link["assessmentName"]), ())) for link in recorded_links
        ]
        store(self.env, self.tenant, row, pairs, stamp=stamp, who=self.actor)

    def disposition_fields(self, recorded: Mapping[str, Any]) -> None:
        """The tenant's disposition defined with exactly the fields a recorded one shows."""
        fields = [_field(key, _kind(value)) for key, value in recorded.items() if _is_field(key)]
        system = [_field(key, "text", editable=False) for key in _SYSTEM_FIELDS]
        self.tenant.encounter_disposition = {
            **self.tenant.encounter_disposition,
            "fields": [*fields, *system],
        }

    def link(self, link_id: str, encounter_id: str, patient_id: str, assessment: str) -> None:
        """An assessment link with this id, of ``assessment``, under the encounter."""
        if link_id in self.env.encounter_links:
            return
        stamp = self.stamp()
        row = link_row(
            link_id,
            patient_id,
            encounter_id,
            self.form(assessment, ()),
            record_id=None,
            from_template=True,
            tenant=self.tenant,
            stamp=stamp,
            who=self.actor,
        )
        self.env.encounter_links.put(link_id, row, stamp)
        self.env.links_of.add(encounter_id, link_id)

    # --- the audits ----------------------------------------------------------------------------

    def audited(self, recorded: Mapping[str, Any]) -> None:
        """A data-audit entry like the ``recorded`` CDT event: a record of a CDT defined with
        the fields its jsonBody shows (a disposition, of a new encounter, for the disposition
        CDT), changed by the admin client; a recorded deletion audits a deleted record."""
        record = recorded.get("record") or {}
        body = record.get("jsonBody")
        name = str(recorded.get("cdtName") or "cdt-conformance")
        patient_id = str(recorded.get("patientId") or self.new_id())
        self.patient(patient_id)
        if not isinstance(body, dict):  # a deletion: only the record's id and patient remain
            row = {"id": self.new_id(), "patientId": patient_id}
            stored, relation = deleted_record(row), str(recorded.get("cdtRelation") or "COMMON")
        elif name == DISPOSITION_CDT_NAME:
            encounter_id = self.new_id()
            self.encounter(encounter_id, patient_id, {"disposition": record})
            disposition_id = self.env.encounters.rows[encounter_id]["jsonBody"]["dispositionId"]
            stored, relation = self.env.dispositions.rows[disposition_id], DISPOSITION_RELATION
        else:
            cdt = self.cdt(name, body)
            record_id = self.new_id()
            self.cdt_record(record_id, patient_id, cdt)
            stored, relation = self.env.cdt_records.rows[record_id], "COMMON"
        client = self.tenant.client_for_role(ADMIN_ROLE)
        record_change(
            self.tenant,
            ENVIRONMENT,
            str(recorded.get("eventSubtype") or CDT_DELETED),
            stored,
            cdt_name=name,
            relation=relation,
            patient=self.env.patients.get(patient_id),
            subject=Subject.of_client(client),
            sent_ms=self.stamp(),
        )

    # --- the webhook audit ---------------------------------------------------------------------

    async def delivered_webhook(self) -> None:
        """One delivery in the audit: a receiver subscribed, an event emitted, the queue drained."""

        async def receive(_: web.Request) -> web.Response:
            return web.Response(text="Message stored.")

        app = web.Application()
        app.router.add_post("/", receive)
        async with serving(app) as url:
            self.emulator.subscribe_webhooks(url, tenant=TENANT)
            self.emulator.backend.webhooks.emit(
                tenant=TENANT,
                instance=ENVIRONMENT,
                subtype="PATIENT_CREATED",
                source_name="patients",
                source_id=self.new_id(),
                patient_id=self.new_id(),
                path="patients",
            )
            await self.emulator.webhooks.drain()


def _cdts(world: World, operation: str, patient_id: str) -> None:
    cdt = world.cdt(world.params["cdt_name"])
    if operation == "cdts.create":
        return
    ids = [world.params["record_id"]] if "record_id" in world.params else []
    ids += [str(record["id"]) for record in _records(world.answer) if "id" in record]
    if isinstance(world.body, dict):
        ids += [str(row["id"]) for row in world.body.get("rows") or () if "id" in row]
    for record_id in ids:
        world.cdt_record(record_id, patient_id, cdt)


def _programs(world: World, operation: str, patient_id: str) -> None:
    answer = world.answer if isinstance(world.answer, dict) else {}
    if operation == "programs.history":
        program = world.program(str(answer.get("programName") or "prog-conformance"))
        world.assigned(patient_id, program, world.params["program_id"])
        return
    if "program_name" not in world.params:
        return  # the list: the tenant's programs
    program = world.program(world.params["program_name"])
    assigning = isinstance(world.body, dict) and world.body.get("assigned") is True
    if not assigning and 200 <= world.recording.status < 300:  # a move, a status, an unassign
        world.assigned(patient_id, program, str(answer.get("id") or world.new_id()))


def _encounters(world: World, operation: str, patient_id: str) -> None:
    answer = world.answer if isinstance(world.answer, dict) else {}
    body = world.body if isinstance(world.body, dict) else {}
    if operation == "encounters.create":
        world.template(str(body.get("templateName")), ["asm-conformance"])
        world.people(body.get("currentScheduledAppointment"), patient_id)
        return
    if operation == "encounters.list":
        for item in _list_items(world.answer):
            world.encounter(str(item["id"]), patient_id, item)
        return
    encounter_id = world.params["encounter_id"]
    if operation == "encounters.full":
        recorded = {**(answer.get("encounter") or {}), **answer}
    elif operation.startswith("encounters.assessments"):
        recorded = {}  # the answer is a link, not the encounter
    else:
        recorded = answer
    succeeded = 200 <= world.recording.status < 300  # a refused change found it locked
    changing = world.recording.method in ("POST", "PATCH", "PUT", "DELETE") and succeeded
    world.encounter(encounter_id, patient_id, recorded, editable=changing)
    link_body = answer.get("jsonBody") or {}
    name = str(body.get("assessmentName") or link_body.get("assessmentName") or "asm-conformance")
    world.form(name, ())
    if "link_id" in world.params:
        world.link(world.params["link_id"], encounter_id, patient_id, name)
    if isinstance(body.get("assessmentRecordId"), str):
        world.assessment_record(
            {"id": body["assessmentRecordId"], "assessmentName": name}, patient_id
        )


def _assessment_records(world: World, operation: str, patient_id: str) -> None:
    body = world.body if isinstance(world.body, dict) else {}
    if operation in ("assessment_records.create", "assessment_records.update"):
        world.form(str(body.get("assessmentName")), body.get("answers") or {})
    if operation == "assessment_records.list":
        recorded = [item for item in _list_items(world.answer) if isinstance(item, dict)]
    elif "record_id" in world.params and isinstance(world.answer, dict):
        recorded = [{**world.answer, "id": world.params["record_id"]}]
    else:
        recorded = []
    for item in recorded:
        if "assessmentName" in item:
            world.assessment_record(item, patient_id)


async def arrange_disposition(world: World) -> None:
    """An encounter whose disposition has the fields the recording shows (and a PATCH sends)."""
    answer = world.answer if isinstance(world.answer, dict) else {}
    body = world.body if isinstance(world.body, dict) else {}
    recorded = answer.get("jsonBody")
    fields = {**(recorded if isinstance(recorded, dict) else {}), **body}
    disposition = {"jsonBody": fields}
    patient_id, encounter_id = world.params["patient_id"], world.params["encounter_id"]
    world.encounter(encounter_id, patient_id, {"disposition": disposition}, editable=True)


async def arrange_disposition_definition(world: World) -> None:
    """The tenant's disposition defined with fields shaped like the recorded definition's."""
    answer = world.answer if isinstance(world.answer, dict) else {}
    fields = [_like(field) for field in answer.get("fields") or ()]
    world.tenant.encounter_disposition = {**world.tenant.encounter_disposition, "fields": fields}


async def arrange_user_encounters(world: World) -> None:
    """The user, owning an encounter like each recorded one."""
    user_id = world.params["user_id"]
    world.user(user_id)
    for item in _list_items(world.answer):
        encounter_id = str(item["id"])
        world.encounter(encounter_id, str(item["patientId"]), item)
        row = world.env.encounters.rows[encounter_id]
        if row["jsonBody"]["ownerUserId"] != user_id:  # the recording names no host
            owned = {**row, "jsonBody": {**row["jsonBody"], "ownerUserId": user_id}}
            world.env.encounters.put(encounter_id, owned, world.stamp())


async def arrange_audit(world: World) -> None:
    """Only audit entries like the recorded CDT events (one per kind of change and CDT)."""
    world.tenant.data_audit.clear()
    seen: set[tuple[Any, ...]] = set()
    for item in _list_items(world.answer):
        if not isinstance(item, dict) or item.get("eventEntity") != "CDT":
            continue
        record = item.get("record") or {}
        body = record.get("jsonBody")
        kind = (item.get("cdtName"), tuple(sorted(body)) if isinstance(body, dict) else None)
        if kind not in seen:
            seen.add(kind)
            world.audited(item)


async def arrange_formation_item(world: World) -> None:
    """The formation item the path names, shaped like the recorded one when the tenant has none
    of that name."""
    _, _, kind, name = world.recording.relative.split("/", maxsplit=3)
    answer = world.answer if isinstance(world.answer, dict) else {}
    tenant = world.tenant
    if kind == "assessments":
        keys = [
            f"{field['refCdtName']}__{field['refCdtFieldName']}"
            for section in answer.get("sections") or ()
            for field in section.get("fields") or ()
        ]
        world.form(name, keys)
    elif kind == "programs":
        world.program(name)
    elif kind == "encounters":
        world.template(name, list(answer.get("assessmentNames") or ()))
    elif kind == "cdts" and name not in tenant.cdts:
        tenant.cdts[name] = {**next(iter(tenant.cdts.values())), "name": name}
    elif kind == "document-types" and name not in tenant.document_types:
        tenant.document_types[name] = {**next(iter(tenant.document_types.values())), "name": name}
    elif kind == "goal-templates" and name not in tenant.goal_templates:
        tenant.goal_templates[name] = {**next(iter(tenant.goal_templates.values())), "name": name}


async def arrange(world: World, found: Operation) -> None:
    """Make the acme tenant's live environment ready for the recorded request of ``found``.

    A recorded 404 needs nothing: what it did not find is left out. An operation that brings
    its own ``arrange`` (the families under ``tests/conformance/families``) is seeded by it.
    """
    if world.recording.status == 404:
        return
    if found.arrange is not None:
        await found.arrange(world)
        return
    operation = found.name
    patient_id = world.params.get("patient_id")
    if patient_id is not None:
        world.patient(patient_id)
        family = operation.split(".", maxsplit=1)[0]
        by_family = {
            "cdts": _cdts,
            "programs": _programs,
            "encounters": _encounters,
            "assessment_records": _assessment_records,
        }
        if family in by_family:
            by_family[family](world, operation, patient_id)
    elif operation == "patients.list":
        for item in _list_items(world.answer):
            world.patient(str(item["id"]))
    if operation in ("patients.create", "patients.update") and isinstance(world.body, dict):
        world.assignments(world.body)
    elif operation in ("users.get", "users.update", "users.delete"):
        world.user(world.params["user_id"])  # the path names it by id (or, to PATCH, username)
    elif operation == "webhooks.deliveries":
        await world.delivered_webhook()
