"""``client.formations``: the tenant's Designer configuration, at a version.

``version`` is ``"current"`` (what the tenant runs), ``"draft"`` (being edited) or a number.
Lists are bare JSON arrays (not paged); one item is read by its name. Document types and the
encounter disposition are CDT definitions (``relation`` ``DOCUMENT_TYPE`` and
``ENCOUNTER_DISPOSITION``). Every method raises ``NotFound`` (``FORMATION_NOT_FOUND``) for a
version never published and ``PermissionDenied`` when the client's role may not read formations;
the by-name reads raise ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``) for a name the formation
does not have.
"""

from __future__ import annotations

from typing import TypeVar

from welkin_async.models import (
    AssessmentTemplate,
    CdtDefinition,
    EncounterTemplate,
    GoalTemplate,
    ProgramFormation,
)
from welkin_async.resources._base import Resource

FormationVersion = str | int
T = TypeVar("T")


class Formations(Resource):
    """Read the formation: CDT definitions, programs, encounter and assessment templates,
    document types, goal templates and the encounter disposition."""

    __slots__ = ()

    async def cdts(self, version: FormationVersion = "current") -> list[CdtDefinition]:
        """The CDT definitions (what ``welkin-async codegen`` turns into classes)."""
        return await self._read(list[CdtDefinition], "cdts", version)

    async def programs(self, version: FormationVersion = "current") -> list[ProgramFormation]:
        """The programs and their phases."""
        return await self._read(list[ProgramFormation], "programs", version)

    async def encounter_templates(
        self, version: FormationVersion = "current"
    ) -> list[EncounterTemplate]:
        """The encounter templates (an encounter is created from one, by name)."""
        return await self._read(list[EncounterTemplate], "encounters", version)

    async def assessments(self, version: FormationVersion = "current") -> list[AssessmentTemplate]:
        """The assessment templates and their questions."""
        return await self._read(list[AssessmentTemplate], "assessments", version)

    async def document_types(self, version: FormationVersion = "current") -> list[CdtDefinition]:
        """The document types: CDT definitions whose ``relation`` is ``DOCUMENT_TYPE`` (a
        document summary is created with one's name as its ``type``)."""
        return await self._read(list[CdtDefinition], "document-types", version)

    async def goal_templates(self, version: FormationVersion = "current") -> list[GoalTemplate]:
        """The goal templates (a care-plan goal is created from one, by name)."""
        return await self._read(list[GoalTemplate], "goal-templates", version)

    async def encounter_disposition(self, version: FormationVersion = "current") -> CdtDefinition:
        """The definition of encounter dispositions (CDT ``__encounter_disposition__``, relation
        ``ENCOUNTER_DISPOSITION``): the fields ``encounters(pid).update_disposition`` takes."""
        return await self._read(CdtDefinition, "encounter-disposition", version)

    async def cdt(self, name: str, /, *, version: FormationVersion = "current") -> CdtDefinition:
        """One CDT definition by name."""
        return await self._item(CdtDefinition, "cdts", name, version)

    async def program(
        self, name: str, /, *, version: FormationVersion = "current"
    ) -> ProgramFormation:
        """One program, with its phases, by name."""
        return await self._item(ProgramFormation, "programs", name, version)

    async def encounter_template(
        self, name: str, /, *, version: FormationVersion = "current"
    ) -> EncounterTemplate:
        """One encounter template by name."""
        return await self._item(EncounterTemplate, "encounters", name, version)

    async def assessment(
        self, name: str, /, *, version: FormationVersion = "current"
    ) -> AssessmentTemplate:
        """One assessment template, with its sections of questions, by name."""
        return await self._item(AssessmentTemplate, "assessments", name, version)

    async def document_type(
        self, name: str, /, *, version: FormationVersion = "current"
    ) -> CdtDefinition:
        """One document type (a CDT definition, relation ``DOCUMENT_TYPE``) by name."""
        return await self._item(CdtDefinition, "document-types", name, version)

    async def goal_template(
        self, name: str, /, *, version: FormationVersion = "current"
    ) -> GoalTemplate:
        """One goal template by name."""
        return await self._item(GoalTemplate, "goal-templates", name, version)

    async def _read(self, into: type[T], kind: str, version: FormationVersion) -> T:
        return await self._call(
            into,
            "GET",
            f"formations/{{version}}/{kind}",
            path_params={"version": version},
        )

    async def _item(self, into: type[T], kind: str, name: str, version: FormationVersion) -> T:
        return await self._call(
            into,
            "GET",
            f"formations/{{version}}/{kind}/{{name}}",
            path_params={"version": version, "name": name},
        )
