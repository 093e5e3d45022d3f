"""Catalog entries of the care plans family (see :mod:`tests.conformance._operation`).

The care plan (``GET .../care-plan``) and its overview (``POST``, and ``PUT`` with no recording
yet, ``.../care-plan/overview``). The emulator is seeded with the path's patient and, where the
recording shows one, an overview written before the request.
"""

from __future__ import annotations

import re
from typing import Any

from tests.conformance._arrange import World
from tests.conformance._operation import Operation, written
from tests.conformance._recordings import Recording, Scope
from welkin_async import WelkinClient
from welkin_async.models import CarePlan, CarePlanOverview, CarePlanOverviewWrite
from welkin_async.testing._care_plans import write_overview

_PLAN = "patients/{patient_id}/care-plan"
_ENV: Scope = "environment"
_FAMILY = "care-plans"


async def _get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.care_plan(m["patient_id"]).get()


async def _create_overview(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    text = written(CarePlanOverviewWrite, r.request_body).overview
    return await client.care_plan(m["patient_id"]).create_overview(text)


async def _replace_overview(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    text = written(CarePlanOverviewWrite, r.request_body).overview
    return await client.care_plan(m["patient_id"]).replace_overview(text)


async def _arrange(world: World) -> None:
    """The patient, with an overview written before the request where the recording needs one:
    a read that shows one, a replacement (``PUT`` replaces an existing overview only)."""
    patient = world.patient(world.params["patient_id"])
    answer = world.answer if isinstance(world.answer, dict) else {}
    if answer.get("patientOverview") is not None or world.recording.method == "PUT":
        seed = world.emulator.backend.seed
        stamp = world.stamp()
        write_overview(
            world.env, patient, "Earlier overview", seed=seed, stamp=stamp, who=world.actor
        )


OPERATIONS: tuple[Operation, ...] = (
    Operation("care_plan.get", "GET", _PLAN, _ENV, _FAMILY, _get, CarePlan, arrange=_arrange),
    Operation(
        "care_plan.create_overview",
        "POST",
        _PLAN + "/overview",
        _ENV,
        _FAMILY,
        _create_overview,
        CarePlanOverview,
        write_model=CarePlanOverviewWrite,
        arrange=_arrange,
    ),
    Operation(
        "care_plan.replace_overview",
        "PUT",
        _PLAN + "/overview",
        _ENV,
        _FAMILY,
        _replace_overview,
        CarePlanOverview,
        write_model=CarePlanOverviewWrite,
        arrange=_arrange,
    ),
)
