"""``client.audits``: the tenant's data audit (``admin/audit-data``) and webhook audit."""

from __future__ import annotations

from welkin_async.resources._base import Resource


class Audits(Resource):
    """The tenant's audit trails."""

    __slots__ = ()
