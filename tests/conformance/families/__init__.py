"""Catalog entries of the families added after the core table, one module per family.

Each module defines ``OPERATIONS`` (its :class:`~tests.conformance._operation.Operation` entries,
with an ``arrange`` coroutine where the emulator must be seeded for the recorded request).
"""

from __future__ import annotations

from tests.conformance._operation import Operation
from tests.conformance.families import calendar, care_plans, documents, messages

FAMILY_OPERATIONS: tuple[Operation, ...] = (
    *calendar.OPERATIONS,
    *care_plans.OPERATIONS,
    *documents.OPERATIONS,
    *messages.OPERATIONS,
)
