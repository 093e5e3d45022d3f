"""Tenants, their environments and API clients: the emulator's state.

A tenant's configuration (CDT definitions, programs, encounter templates, assessments, roles) is
shared by its environments; each environment keeps its own patients and records.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from welkin_async.testing._clock import Clock
from welkin_async.testing._config import schemas_root
from welkin_async.testing._dictionaries import DictionaryStore
from welkin_async.testing._formations import FormationDrafts
from welkin_async.testing._messages import Messages
from welkin_async.testing._policy import Role
from welkin_async.testing._security_audit import SecurityAudit
from welkin_async.testing._store import ChildIndex, Row, Table
from welkin_async.testing._users import user_row

TENANT_AUTHOR = "Designer"
# A fixed namespace so the same seed gives the same ids everywhere.
_NAMESPACE = uuid.UUID("5b0f3c9e-8f0e-4c55-9d4e-3a1f4e2b7c10")


def stable_uuid(*parts: object) -> str:
    """A UUID derived from ``parts``: deterministic for a seed, distinct across inputs."""
    return str(uuid.uuid5(_NAMESPACE, ":".join(str(part) for part in parts)))


def environment_id(seed: int, tenant: str, environment: str) -> str:
    """The id of a tenant's environment (an application access's ``instanceId``)."""
    return stable_uuid(seed, tenant, "environment", environment)


@attrs.frozen
class ApiClient:
    """A seeded API client: one per role of each tenant, usable with either kind of credentials."""

    tenant: str
    name: str
    client_id: str
    secret: str = attrs.field(repr=False)
    role: Role


@attrs.define
class Environment:
    """One environment (``live``, ``sandbox``) of a tenant: its own patient data."""

    tenant: str
    name: str
    patients: Table = attrs.field(factory=Table)
    cdt_records: Table = attrs.field(factory=Table)
    encounters: Table = attrs.field(factory=Table)
    assessments: Table = attrs.field(factory=Table)
    patient_programs: Table = attrs.field(factory=Table)
    # An encounter's assessment links and its disposition: CDT-record envelopes of their own.
    encounter_links: Table = attrs.field(factory=Table)
    dispositions: Table = attrs.field(factory=Table)
    # patient id -> ..., or (patient id, CDT name) -> record ids
    records_of: ChildIndex = attrs.field(factory=ChildIndex)
    encounters_of: ChildIndex = attrs.field(factory=ChildIndex)
    assessments_of: ChildIndex = attrs.field(factory=ChildIndex)
    # encounter id -> its assessment links' ids (their records lock when it completes)
    links_of: ChildIndex = attrs.field(factory=ChildIndex)
    # encounter comments (plain rows, see ._encounters), and encounter id -> its comments' ids
    encounter_comments: Table = attrs.field(factory=Table)
    comments_of: ChildIndex = attrs.field(factory=ChildIndex)
    # (patient id, program name) -> patient-program id
    program_of: dict[tuple[str, str], str] = attrs.field(factory=dict)
    # (kind, value) -> patient id, for ?type=EID|EGUID|MRN
    external_ids: dict[tuple[str, str], str] = attrs.field(factory=dict)
    # calendar events (see routes/calendar.py); user id -> that user's work-hour rules
    calendar_events: Table = attrs.field(factory=Table)
    work_hours: dict[str, list[Row]] = attrs.field(factory=dict)
    # emails, text messages and chat (see ._messages)
    messages: Messages = attrs.field(factory=Messages)
    # document summaries (``_document_summary`` records), a patient's by patient id, and the
    # bytes of their files by file id (see routes/documents.py)
    document_summaries: Table = attrs.field(factory=Table)
    summaries_of: ChildIndex = attrs.field(factory=ChildIndex)
    files: dict[str, bytes] = attrs.field(factory=dict)
    # patient id -> the patient's care plan, once its overview is written (routes/care_plans.py)
    care_plans: dict[str, Row] = attrs.field(factory=dict)
    # care-plan goals (see ._care_plans): rows by id, a patient's goal ids, a goal's comments
    # (oldest first) and the ids of the tasks added to a goal (rows of the tasks store)
    goals: Table = attrs.field(factory=Table)
    goals_of: ChildIndex = attrs.field(factory=ChildIndex)
    goal_comments: dict[str, list[Row]] = attrs.field(factory=dict)
    goal_tasks: ChildIndex = attrs.field(factory=ChildIndex)
    # tasks by id (see ._tasks and routes/tasks.py)
    tasks: Table = attrs.field(factory=Table)
    # dictionary records by dictionary name (see ._dictionaries and routes/dictionaries.py)
    dictionary_records: DictionaryStore = attrs.field(factory=DictionaryStore)
    _last_stamp: int = 0

    def __repr__(self) -> str:
        # How much it holds, never what: its rows are patients' data.
        return (
            f"Environment(tenant={self.tenant!r}, name={self.name!r}, "
            f"patients={len(self.patients)}, cdt_records={len(self.cdt_records)}, "
            f"encounters={len(self.encounters)}, assessments={len(self.assessments)})"
        )

    def stamp(self, clock: Clock) -> int:
        """A write time in epoch ms, strictly after every earlier one in this environment."""
        self._last_stamp = max(clock.now_ms(), self._last_stamp + 1)
        return self._last_stamp

    def seed_stamp(self, epoch_ms: int) -> int:
        """Seed data's write time: fixed by the seed, still strictly increasing."""
        self._last_stamp = max(epoch_ms, self._last_stamp + 1)
        return self._last_stamp

    def index_patient(self, row: Row) -> None:
        for kind, key in (("EID", "externalId"), ("EGUID", "externalGuid"), ("MRN", "mrn")):
            value = row.get(key)
            if value:
                self.external_ids[(kind, value)] = row["id"]

    def unindex_patient(self, row: Row) -> None:
        for kind, key in (("EID", "externalId"), ("EGUID", "externalGuid"), ("MRN", "mrn")):
            value = row.get(key)
            if value and self.external_ids.get((kind, value)) == row["id"]:
                del self.external_ids[(kind, value)]


@attrs.define
class Tenant:
    """A tenant: shared configuration, API clients, users, webhook subscriptions, environments."""

    name: str
    organization_name: str
    formation_version: int
    cdts: dict[str, dict[str, Any]]
    programs: dict[str, dict[str, Any]]
    encounter_templates: dict[str, dict[str, Any]]
    assessment_templates: dict[str, dict[str, Any]]
    # The CDT definition of encounter dispositions (``__encounter_disposition__``).
    encounter_disposition: dict[str, Any]
    # Document types by name: CDT definitions whose relation is DOCUMENT_TYPE.
    document_types: dict[str, dict[str, Any]]
    # Goal templates by name (``formations/{version}/goal-templates``).
    goal_templates: dict[str, dict[str, Any]]
    roles: dict[str, Role]
    api_clients: dict[str, ApiClient]
    users: list[dict[str, Any]]
    environments: dict[str, Environment]
    # region name -> its territories (what a patient's or a user's territories name)
    regions: dict[str, list[str]] = attrs.field(factory=dict)
    # Who configured the tenant: created/updated names of its users and (unassigned) programs.
    author: str = TENANT_AUTHOR
    # Designer's unpublished edits; ``formations/draft`` serves these when set, else current.
    draft_cdts: dict[str, dict[str, Any]] | None = None
    # Dictionary definitions by name (``formations/{version}/dictionaries``), and the records
    # the seed writes into every environment (dictionary name -> each record's values).
    dictionaries: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    dictionary_seed: dict[str, list[dict[str, str]]] = attrs.field(factory=dict)
    # Draft programs, templates, assessments, dictionaries and disposition (see ._formations).
    drafts: FormationDrafts = attrs.field(factory=FormationDrafts)
    # The data audit (``admin/audit-data``) of every environment, oldest first.
    data_audit: list[dict[str, Any]] = attrs.field(factory=list)
    # Designer's security roles (the API clients' and the users') and policies, what users may
    # be given (see ._user_access), and when (and by whom) a user's permissions or territories
    # were last replaced: (kind, user id) -> (updatedAt, updatedBy).
    security_roles: frozenset[str] = frozenset()
    security_policies: frozenset[str] = frozenset()
    access_replaced: dict[tuple[str, str], tuple[str, str]] = attrs.field(factory=dict)
    # The security audit (``admin/audit-security``), oldest first.
    security_audit: SecurityAudit = attrs.field(factory=SecurityAudit)

    def __repr__(self) -> str:
        # The configuration by name, for a test's failure output: its definitions are long, and
        # its users, environments and data audit hold people's data (counted or named only).
        draft = list(self.draft_cdts) if self.draft_cdts is not None else None
        return (
            f"Tenant(name={self.name!r}, organization_name={self.organization_name!r}, "
            f"formation_version={self.formation_version}, cdts={list(self.cdts)}, "
            f"draft_cdts={draft}, programs={list(self.programs)}, "
            f"encounter_templates={list(self.encounter_templates)}, "
            f"assessment_templates={list(self.assessment_templates)}, "
            f"document_types={list(self.document_types)}, "
            f"goal_templates={list(self.goal_templates)}, roles={list(self.roles)}, "
            f"api_clients={list(self.api_clients)}, users={len(self.users)}, "
            f"environments={list(self.environments)})"
        )

    def environment(self, name: str) -> Environment | None:
        return self.environments.get(name)

    def user(self, user_id: str) -> dict[str, Any] | None:
        return next((user for user in self.users if user["id"] == user_id), None)

    def client_for_role(self, role: str) -> ApiClient:
        for client in self.api_clients.values():
            if client.role.name == role:
                return client
        raise KeyError(f"tenant {self.name!r} has no role {role!r}; roles: {sorted(self.roles)}")

    def bump_cdt_version(self, cdt_name: str) -> int:
        """Publish a new version of a CDT definition (as a Designer edit would); returns it."""
        definition = self.cdts[cdt_name]
        definition["version"] = int(definition["version"]) + 1
        return int(definition["version"])


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_tenant(name: str, *, seed: int, directory: Path | None = None) -> Tenant:
    """A tenant from ``schemas/tenants/<name>/``; API-client secrets are derived from ``seed``."""
    folder = directory or schemas_root() / "tenants" / name
    access: Mapping[str, Any] = _read(folder / "access.json")
    roles = {role: Role.from_json(role, spec) for role, spec in access["roles"].items()}
    clients = {}
    for role in roles.values():
        client_name = f"{name}-{role.name}"
        secret = hashlib.sha256(f"welkin-emulator:{seed}:{client_name}".encode()).hexdigest()
        clients[client_name] = ApiClient(
            tenant=name,
            name=client_name,
            client_id=stable_uuid(seed, "api-client", client_name),
            secret=secret,
            role=role,
        )
    environments = [(environment_id(seed, name, env), env) for env in access["environments"]]
    users = [
        user_row(
            stable_uuid(seed, name, "user", user["username"]),
            user,
            environments=environments,
            regions=access.get("regions", {}),
            access_id=stable_uuid(seed, name, "application-access", user["username"]),
            author=TENANT_AUTHOR,
            root=index == 0,
        )
        for index, user in enumerate(access["users"])
    ]
    return Tenant(
        name=name,
        organization_name=access["organizationName"],
        formation_version=int(access["formationVersion"]),
        cdts={cdt["name"]: cdt for cdt in _read(folder / "cdts.json")},
        programs={program["name"]: program for program in _read(folder / "programs.json")},
        encounter_templates={t["name"]: t for t in _read(folder / "encounters.json")},
        assessment_templates={a["name"]: a for a in _read(folder / "assessments.json")},
        encounter_disposition=_read(folder / "encounter-disposition.json"),
        document_types={d["name"]: d for d in _read(folder / "document-types.json")},
        goal_templates={g["name"]: g for g in _read(folder / "goal-templates.json")},
        dictionaries={d["name"]: d for d in _read(folder / "dictionaries.json")},
        dictionary_seed=_read(folder / "dictionary-records.json"),
        regions={name: list(states) for name, states in access.get("regions", {}).items()},
        security_roles=frozenset(access["roles"]).union(access.get("securityRoles", ())),
        security_policies=frozenset(access.get("securityPolicies", ())),
        roles=roles,
        api_clients=clients,
        users=users,
        environments={env: Environment(tenant=name, name=env) for env in access["environments"]},
    )
