"""Catalog entries of the care plans family (see :mod:`tests.conformance._operation`)."""

from __future__ import annotations

from tests.conformance._operation import Operation

OPERATIONS: tuple[Operation, ...] = ()
