"""``update()`` without a field to change is refused alike by every resource: a ``TypeError``
naming the method, before anything is sent (never a request that changes nothing)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import pytest

from tests.conftest import Connect
from welkin_async import UNSET, WelkinClient

PID = UUID(int=1)
ID = UUID(int=2)

Update = Callable[[WelkinClient], Awaitable[Any]]
UPDATES: dict[str, Update] = {
    "Patients.update": lambda c: c.patients.update(PID),
    "Users.update": lambda c: c.users.update("jdoe"),
    "CalendarEvents.update": lambda c: c.calendar.events.update(ID),
    "Encounters.update": lambda c: c.encounters(PID).update(ID),
    "EncounterAssessments.update": lambda c: c.encounters(PID).assessments(ID).update(ID),
    "CdtRecords.update": lambda c: c.cdts(PID, "allergies").update(ID),
    "Programs.update": lambda c: c.programs(PID).update("diabetes-care"),
    # A PUT of a whole record, which neither a record nor fields give (a type error as well).
    "AssessmentRecords.update": lambda c: c.assessment_records(PID).update(ID),  # type: ignore[call-overload]
}


@pytest.mark.welkin_emulator(patients=0)
@pytest.mark.parametrize("method", sorted(UPDATES))
async def test_an_update_without_fields_is_a_type_error_naming_the_method(
    connect: Connect, method: str
) -> None:
    """Each resource's update() with no field raises TypeError naming it and sends nothing."""
    async with connect() as client:
        with pytest.raises(TypeError, match=rf"^{method}\(\) needs "):
            await UPDATES[method](client)
    assert client.stats.requests == 0


@pytest.mark.welkin_emulator(patients=0)
async def test_an_update_of_unset_fields_only_is_refused_too(connect: Connect) -> None:
    """UNSET fields are not sent, so an update of UNSET ones only changes nothing: refused."""
    async with connect() as client:
        with pytest.raises(TypeError, match=r"^Patients\.update\(\) needs "):
            await client.patients.update(PID, phone=UNSET)
        with pytest.raises(TypeError, match=r"^CdtRecords\.update\(\) needs "):
            await client.cdts(PID, "allergies").update(ID, {})
    assert client.stats.requests == 0
