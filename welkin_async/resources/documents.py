"""``client.documents(patient_id)``: a patient's document summaries and their files."""

from __future__ import annotations

from welkin_async.resources._base import PatientResource


class Documents(PatientResource):
    """One patient's documents."""

    __slots__ = ()
