"""``client.programs(patient_id)``: the tenant's programs, and where the patient is in each.

A phase the program does not have is refused (``BadRequest``, ``PHASE_NOT_FOUND``); moving a
program the patient is not in is refused (``Conflict``, ``PROGRAM_NOT_ASSIGNED``).

The live API changes a patient program with ``PATCH .../programs/{programName}``, whose body may
assign or unassign it, set its status and move it to a phase (:meth:`Programs.update`; the
recorded phase move is ``{"phaseName": ...}``). The vendor's reference also documents
``PATCH .../programs/{programName}/phases`` for the move, which :meth:`Programs.move` sends.
"""

from __future__ import annotations

from typing import Unpack
from uuid import UUID

from welkin_async._options import RequestOptions
from welkin_async._pagination import Paginator
from welkin_async._unset import UNSET, UnsetType
from welkin_async.models import PatientProgram, PhaseChange, ProgramStatus, ProgramUpdate
from welkin_async.resources._base import PatientResource, some_change

_LIST = "patients/{patient_id}/programs"
_CURRENT = "patients/{patient_id}/programs/current/{program_name}"
_HISTORY = "patients/{patient_id}/programs/history/{program_id}"
_PROGRAM = "patients/{patient_id}/programs/{program_name}"
_PHASES = "patients/{patient_id}/programs/{program_name}/phases"
_ASSIGNMENT = "patients/{patient_id}/programs/{patient_program_id}"


class Programs(PatientResource):
    """One patient's programs."""

    __slots__ = ()

    def _program(self, name: str) -> dict[str, str | UUID]:
        return self._under(program_name=name)

    def list(
        self, *, size: int = 100, **options: Unpack[RequestOptions]
    ) -> Paginator[PatientProgram]:
        """Every program of the tenant, with the patient's state in it (``assigned``, phase)."""
        return self._client.paginate(
            "GET",
            _LIST,
            path_params=self._patient,
            size=size,
            item_type=PatientProgram,
            options=options,
        )

    async def current(
        self, program_name: str, /, **options: Unpack[RequestOptions]
    ) -> PatientProgram:
        """The patient's state in one program (``NotFound`` if they are not in it)."""
        return await self._call(
            PatientProgram,
            "GET",
            _CURRENT,
            path_params=self._program(program_name),
            options=options,
        )

    async def update(
        self,
        program_name: str,
        /,
        *,
        assigned: bool | UnsetType = UNSET,
        status: ProgramStatus | str | UnsetType = UNSET,
        phase_name: str | UnsetType = UNSET,
        **options: Unpack[RequestOptions],
    ) -> PatientProgram:
        """Change the patient's program: only the given fields are sent (a PATCH).

        ``assigned=True`` puts the patient in it (at ``phase_name``, or its starting phase),
        ``assigned=False`` takes them out; ``status`` sets its status (``IN_PROGRESS``,
        ``COMPLETED``, ``CANCELLED``); ``phase_name`` alone moves them to that phase. None of
        them (or ``UNSET`` only) is a ``TypeError``, before anything is sent.
        """
        given = {"assigned": assigned, "status": status, "phase_name": phase_name}
        some_change("Programs.update", {k: v for k, v in given.items() if v is not UNSET})
        if isinstance(status, str) and not isinstance(status, ProgramStatus):
            status = ProgramStatus(status)
        body = ProgramUpdate(assigned=assigned, status=status, phase_name=phase_name)
        return await self._call(
            PatientProgram,
            "PATCH",
            _PROGRAM,
            path_params=self._program(program_name),
            json=body,
            options=options,
        )

    async def assign(
        self, program_name: str, /, *, phase: str | None = None, **options: Unpack[RequestOptions]
    ) -> PatientProgram:
        """Put the patient in the program, at ``phase`` or at the program's starting phase."""
        return await self.update(
            program_name, assigned=True, phase_name=UNSET if phase is None else phase, **options
        )

    async def unassign(
        self, program_name: str, /, **options: Unpack[RequestOptions]
    ) -> PatientProgram:
        """Take the patient out of the program (its status becomes ``CANCELLED``)."""
        return await self.update(program_name, assigned=False, **options)

    async def unassign_by_id(
        self, patient_program_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> None:
        """Remove the patient's assignment with this id (``PatientProgram.id``): a DELETE.

        Unlike :meth:`unassign`, which keeps the assignment as unassigned and ``CANCELLED``,
        this removes it: the program is listed unassigned and its history is gone. Raises
        ``NotFound`` (``PATIENT_PROGRAM_NOT_FOUND``) for an id the patient has no assignment
        under, ``PermissionDenied`` when the role may not delete programs.
        """
        await self._call_no_content(
            "DELETE",
            _ASSIGNMENT,
            path_params=self._under(patient_program_id=patient_program_id),
            options=options,
        )

    async def move(
        self, program_name: str, phase: str, /, **options: Unpack[RequestOptions]
    ) -> PatientProgram:
        """Move the patient to another phase of a program they are in.

        This sends the vendor-documented ``PATCH .../programs/{name}/phases``; ``update(name,
        phase_name=...)`` makes the same move through the general update.
        """
        return await self._call(
            PatientProgram,
            "PATCH",
            _PHASES,
            path_params=self._program(program_name),
            json=PhaseChange(phase_name=phase),
            options=options,
        )

    async def history(
        self, patient_program_id: str | UUID, /, **options: Unpack[RequestOptions]
    ) -> PatientProgram:
        """One patient program by its id (``PatientProgram.id``), with every phase it went
        through in ``path_history``, oldest first."""
        return await self._call(
            PatientProgram,
            "GET",
            _HISTORY,
            path_params=self._under(program_id=patient_program_id),
            options=options,
        )
