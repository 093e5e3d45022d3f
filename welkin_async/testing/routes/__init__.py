"""The emulator's routes, one module per resource; :data:`ROUTES` is the whole table."""

from __future__ import annotations

from welkin_async.testing._routing import Route
from welkin_async.testing.routes import (
    admin,
    assessments,
    auth,
    calendar,
    care_plans,
    cdts,
    dictionaries,
    documents,
    encounters,
    exports,
    formations,
    messages,
    patients,
    programs,
    tasks,
)

ROUTES: tuple[Route, ...] = (
    *auth.ROUTES,
    *admin.ROUTES,
    *patients.ROUTES,
    *cdts.ROUTES,
    *formations.ROUTES,
    *dictionaries.ROUTES,
    *encounters.ROUTES,
    *assessments.ROUTES,
    *programs.ROUTES,
    *exports.ROUTES,
    *calendar.ROUTES,
    *care_plans.ROUTES,
    *documents.ROUTES,
    *messages.ROUTES,
    *tasks.ROUTES,
)
