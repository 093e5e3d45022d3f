"""``client.care_plan(patient_id)``: a patient's care plan and its overview."""

from __future__ import annotations

from welkin_async.resources._base import PatientResource


class CarePlan(PatientResource):
    """One patient's care plan."""

    __slots__ = ()
