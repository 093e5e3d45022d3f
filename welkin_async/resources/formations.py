"""``client.formations``: the tenant's Designer configuration, at a version.

``version`` is ``"current"`` (what the tenant runs), ``"draft"`` (being edited) or a number.
"""

from __future__ import annotations

from typing import TypeVar

from welkin_async.models import (
    AssessmentTemplate,
    CdtDefinition,
    EncounterTemplate,
    ProgramFormation,
)
from welkin_async.resources._base import Resource

FormationVersion = str | int
T = TypeVar("T")


class Formations(Resource):
    """Read the formation: CDT definitions, programs, encounter and assessment templates."""

    __slots__ = ()

    async def cdts(self, version: FormationVersion = "current") -> list[CdtDefinition]:
        """The CDT definitions (what ``welkin-async codegen`` turns into classes)."""
        return await self._list(list[CdtDefinition], "cdts", version)

    async def programs(self, version: FormationVersion = "current") -> list[ProgramFormation]:
        """The programs and their phases."""
        return await self._list(list[ProgramFormation], "programs", version)

    async def encounter_templates(
        self, version: FormationVersion = "current"
    ) -> list[EncounterTemplate]:
        """The encounter templates (an encounter is created from one, by name)."""
        return await self._list(list[EncounterTemplate], "encounters", version)

    async def assessments(self, version: FormationVersion = "current") -> list[AssessmentTemplate]:
        """The assessment templates and their questions."""
        return await self._list(list[AssessmentTemplate], "assessments", version)

    async def _list(self, into: type[T], kind: str, version: FormationVersion) -> T:
        return await self._call(
            into,
            "GET",
            f"formations/{{version}}/{kind}",
            path_params={"version": version},
        )
