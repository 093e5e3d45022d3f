"""``client.care_plan(patient_id)``: a patient's care plan and its overview.

Every patient has one care plan; its overview is a text that is written (``POST
.../care-plan/overview``, as recorded: it also replaces an existing overview, keeping when it was
first written) and replaced (``PUT``). Errors: a patient that does not exist is
:class:`~welkin_async.errors.NotFound` (``PATIENT_NOT_FOUND``); a role without access to care
plans is :class:`~welkin_async.errors.PermissionDenied` (``ACCESS_FOR_API_CLIENT_RESTRICTED``).
"""

from __future__ import annotations

from typing import Unpack

from welkin_async._options import RequestOptions
from welkin_async.models import CarePlan as CarePlanModel
from welkin_async.models import CarePlanOverview, CarePlanOverviewWrite
from welkin_async.resources._base import PatientResource

_PLAN = "patients/{patient_id}/care-plan"
_OVERVIEW = "patients/{patient_id}/care-plan/overview"


class CarePlan(PatientResource):
    """One patient's care plan."""

    __slots__ = ()

    async def get(self, **options: Unpack[RequestOptions]) -> CarePlanModel:
        """The care plan, with its overview (``patient_overview`` is None until one is written).

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``) for a patient that does not exist and
        ``PermissionDenied`` for a role without access to care plans.
        """
        return await self._call(
            CarePlanModel, "GET", _PLAN, path_params=self._patient, options=options
        )

    async def create_overview(
        self, text: str, /, **options: Unpack[RequestOptions]
    ) -> CarePlanOverview:
        """Write the care plan's overview; an existing one is replaced (it keeps its
        ``created_at``). Returns the overview as stored.

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``), ``PermissionDenied``, and ``BadRequest``
        for a text the server refuses (the emulator: over 65,535 characters).
        """
        return await self._write("POST", text, options)

    async def replace_overview(
        self, text: str, /, **options: Unpack[RequestOptions]
    ) -> CarePlanOverview:
        """Replace the care plan's overview. Returns the overview as stored.

        Raises ``NotFound`` (``PATIENT_NOT_FOUND``; the emulator also answers
        ``CARE_PLAN_OVERVIEW_NOT_FOUND`` when there is no overview yet: use
        :meth:`create_overview`), ``PermissionDenied`` and ``BadRequest`` as
        :meth:`create_overview` does.
        """
        return await self._write("PUT", text, options)

    async def _write(self, method: str, text: str, options: RequestOptions) -> CarePlanOverview:
        if not isinstance(text, str):
            raise TypeError(f"an overview is text, not {type(text).__name__}")
        return await self._call(
            CarePlanOverview,
            method,
            _OVERVIEW,
            path_params=self._patient,
            json=CarePlanOverviewWrite(overview=text),
            options=options,
        )
