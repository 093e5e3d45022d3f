"""A patient's care plan: read it, and write its overview.

``GET .../care-plan`` answers the plan (``patientOverview`` null until one is written).
``POST .../care-plan/overview`` writes the overview whether or not there is one (the recorded
call replaced an existing overview and answered 200, keeping its ``createdAt``); ``PUT`` replaces
an existing one only, and is refused with 404 ``CARE_PLAN_OVERVIEW_NOT_FOUND`` before the first
write. An overview longer than 65,535 characters is refused (400 ``INVALID_REQUEST_BODY``).
"""

from __future__ import annotations

from welkin_async.testing._care_plans import plan_of, write_overview
from welkin_async.testing._errors import not_found
from welkin_async.testing._routing import Call, Reply, Route, json_reply
from welkin_async.testing.routes._common import actor, patient
from welkin_async.testing.routes._shapes import ref

RESOURCE = "care-plans"


def read(call: Call) -> Reply:
    return json_reply(plan_of(call.env, patient(call), call.backend.seed))


def _write(call: Call) -> Reply:
    plan = write_overview(
        call.env,
        patient(call),
        call.json_object()["overview"],
        seed=call.backend.seed,
        stamp=call.stamp(),
        who=actor(call),
    )
    return json_reply(plan["patientOverview"])


def create_overview(call: Call) -> Reply:
    return _write(call)


def replace_overview(call: Call) -> Reply:
    if plan_of(call.env, patient(call), call.backend.seed)["patientOverview"] is None:
        raise not_found(
            "CARE_PLAN_OVERVIEW_NOT_FOUND", "CARE_PLAN", "The care plan has no overview yet"
        )
    return _write(call)


_PATH = "/patients/{patient_id}/care-plan"
_OVERVIEW = {200: ref("care_plan_overview.json")}
ROUTES = (
    Route(
        "GET",
        _PATH,
        read,
        "The patient's care plan and its overview",
        RESOURCE,
        "read",
        responses={200: ref("care_plan.json")},
    ),
    Route(
        "POST",
        _PATH + "/overview",
        create_overview,
        "Write the care plan's overview (made or replaced)",
        RESOURCE,
        "create",
        request_body="care_plan_overview_write.json",
        responses=_OVERVIEW,
    ),
    Route(
        "PUT",
        _PATH + "/overview",
        replace_overview,
        "Replace the care plan's overview",
        RESOURCE,
        "update",
        request_body="care_plan_overview_write.json",
        responses=_OVERVIEW,
    ),
)
