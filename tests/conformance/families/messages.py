"""Catalog entries of the messages family (see :mod:`tests.conformance._operation`)."""

from __future__ import annotations

from tests.conformance._operation import Operation

OPERATIONS: tuple[Operation, ...] = ()
