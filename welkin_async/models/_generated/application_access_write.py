# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class ApplicationAccessWrite(WelkinModel):
    """The body that replaces a user's application access
    (``PUT admin/application-accesses/{userId}``): every flag, and every environment the user may
    use (one left out is closed to them)."""

    admin_access_enabled: bool = attrs.field(metadata={"wire_name": "adminAccessEnabled"})
    """The admin portal."""
    audit_security_access_enabled: bool = attrs.field(
        metadata={"wire_name": "auditSecurityAccessEnabled"}
    )
    """The security audit in the admin portal."""
    instance_accesses: list[InstanceAccessWrite] = attrs.field(
        metadata={"wire_name": "instanceAccesses"}
    )


@attrs.define(kw_only=True, repr=False)
class InstanceAccessWrite(WelkinModel):
    """The user's access to one environment: its care portal, and optionally Designer and the
    data audit."""

    instance_name: str = attrs.field(metadata={"wire_name": "instanceName"})
    """The environment's name."""
    workshop_access_enabled: bool = attrs.field(metadata={"wire_name": "workshopAccessEnabled"})
    """Designer (the workshop)."""
    audit_data_access_enabled: bool = attrs.field(metadata={"wire_name": "auditDataAccessEnabled"})
    """The environment's data audit."""
