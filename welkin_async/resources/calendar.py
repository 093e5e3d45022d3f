"""``client.calendar``: calendar events, users' work hours and their schedules."""

from __future__ import annotations

from welkin_async.resources._base import Resource


class Calendar(Resource):
    """The environment's calendar."""

    __slots__ = ()
