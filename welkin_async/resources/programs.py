"""``client.programs(patient_id)``: the tenant's programs, and where the patient is in each.

A phase the program does not have is refused (``BadRequest``, ``PHASE_NOT_FOUND``); moving a
program the patient is not in is refused (``Conflict``, ``PROGRAM_NOT_ASSIGNED``).
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from welkin_async._pagination import Paginator
from welkin_async.models import PatientProgram, PhaseChange, ProgramPhase, ProgramUpdate
from welkin_async.resources._base import PatientResource

if TYPE_CHECKING:
    pass

_LIST = "patients/{patient_id}/programs"
_CURRENT = "patients/{patient_id}/programs/current/{program_name}"
_HISTORY = "patients/{patient_id}/programs/history/{program_id}"
_PROGRAM = "patients/{patient_id}/programs/{program_name}"
_PHASES = "patients/{patient_id}/programs/{program_name}/phases"


class Programs(PatientResource):
    """One patient's programs."""

    __slots__ = ()

    def _program(self, name: str) -> dict[str, str]:
        return self._under(program_name=name)

    def list(self, *, size: int = 100) -> Paginator[PatientProgram]:
        """Every program of the tenant, with the patient's state in it (``assigned``, phase)."""
        return self._client.paginate(
            "GET", _LIST, path_params=self._patient, size=size, item_type=PatientProgram
        )

    async def current(self, program_name: str, /) -> PatientProgram:
        """The patient's state in one program (``NotFound`` if they are not in it)."""
        return await self._call(
            PatientProgram, "GET", _CURRENT, path_params=self._program(program_name)
        )

    async def assign(self, program_name: str, /, *, phase: str | None = None) -> PatientProgram:
        """Put the patient in the program, at ``phase`` or at the program's starting phase."""
        body = (
            ProgramUpdate(assigned=True, phase_name=phase)
            if phase
            else ProgramUpdate(assigned=True)
        )
        return await self._call(
            PatientProgram, "PATCH", _PROGRAM, path_params=self._program(program_name), json=body
        )

    async def unassign(self, program_name: str, /) -> PatientProgram:
        """Take the patient out of the program (its status becomes ``CANCELLED``)."""
        return await self._call(
            PatientProgram,
            "PATCH",
            _PROGRAM,
            path_params=self._program(program_name),
            json=ProgramUpdate(assigned=False),
        )

    async def move(self, program_name: str, phase: str, /) -> PatientProgram:
        """Move the patient to another phase of a program they are in."""
        return await self._call(
            PatientProgram,
            "PATCH",
            _PHASES,
            path_params=self._program(program_name),
            json=PhaseChange(phase_name=phase),
        )

    async def history(self, patient_program_id: str, /) -> builtins.list[ProgramPhase]:
        """The phases one patient program went through, oldest first (``PatientProgram.id``)."""
        return await self._call(
            list[ProgramPhase],
            "GET",
            _HISTORY,
            path_params=self._under(program_id=patient_program_id),
        )
