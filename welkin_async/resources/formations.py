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

from typing import TypeVar, Unpack

from welkin_async._options import RequestOptions
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

    async def cdts(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[CdtDefinition]:
        """The CDT definitions (what ``welkin-async codegen`` turns into classes)."""
        return await self._read(list[CdtDefinition], "cdts", version, options)

    async def programs(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[ProgramFormation]:
        """The programs and their phases."""
        return await self._read(list[ProgramFormation], "programs", version, options)

    async def encounter_templates(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[EncounterTemplate]:
        """The encounter templates (an encounter is created from one, by name)."""
        return await self._read(list[EncounterTemplate], "encounters", version, options)

    async def assessments(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[AssessmentTemplate]:
        """The assessment templates and their questions."""
        return await self._read(list[AssessmentTemplate], "assessments", version, options)

    async def document_types(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[CdtDefinition]:
        """The document types: CDT definitions whose ``relation`` is ``DOCUMENT_TYPE`` (a
        document summary is created with one's name as its ``type``)."""
        return await self._read(list[CdtDefinition], "document-types", version, options)

    async def goal_templates(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[GoalTemplate]:
        """The goal templates (a care-plan goal is created from one, by name)."""
        return await self._read(list[GoalTemplate], "goal-templates", version, options)

    async def encounter_disposition(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> CdtDefinition:
        """The definition of encounter dispositions (CDT ``__encounter_disposition__``, relation
        ``ENCOUNTER_DISPOSITION``): the fields ``encounters(pid).update_disposition`` takes."""
        return await self._read(CdtDefinition, "encounter-disposition", version, options)

    async def cdt(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> CdtDefinition:
        """One CDT definition by name."""
        return await self._item(CdtDefinition, "cdts", name, version, options)

    async def program(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> ProgramFormation:
        """One program, with its phases, by name."""
        return await self._item(ProgramFormation, "programs", name, version, options)

    async def encounter_template(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> EncounterTemplate:
        """One encounter template by name."""
        return await self._item(EncounterTemplate, "encounters", name, version, options)

    async def assessment(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> AssessmentTemplate:
        """One assessment template, with its sections of questions, by name."""
        return await self._item(AssessmentTemplate, "assessments", name, version, options)

    async def document_type(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> CdtDefinition:
        """One document type (a CDT definition, relation ``DOCUMENT_TYPE``) by name."""
        return await self._item(CdtDefinition, "document-types", name, version, options)

    async def goal_template(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> GoalTemplate:
        """One goal template by name."""
        return await self._item(GoalTemplate, "goal-templates", name, version, options)

    async def _read(
        self, into: type[T], kind: str, version: FormationVersion, options: RequestOptions
    ) -> T:
        return await self._call(
            into,
            "GET",
            f"formations/{{version}}/{kind}",
            path_params={"version": version},
            options=options,
        )

    async def _item(
        self,
        into: type[T],
        kind: str,
        name: str,
        version: FormationVersion,
        options: RequestOptions,
    ) -> T:
        return await self._call(
            into,
            "GET",
            f"formations/{{version}}/{kind}/{{name}}",
            path_params={"version": version, "name": name},
            options=options,
        )
