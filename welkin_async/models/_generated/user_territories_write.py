# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class UserTerritoriesWrite(WelkinModel):
    """The body that replaces a user's regions and territories
    (``PUT admin/user-territories/{userId}``): the full list."""

    territories: list[UserTerritoryWrite]


@attrs.define(kw_only=True, repr=False)
class UserTerritoryWrite(WelkinModel):
    """One region of the user in one environment, with the territories of it they cover; the
    region and its territories must exist in Designer."""

    name: str
    """The region's name."""
    territories: list[str]
    instance_name: str = attrs.field(metadata={"wire_name": "instanceName"})
    """The environment's name."""
