"""The messages routes of the emulator."""

from __future__ import annotations

from welkin_async.testing._routing import Route

ROUTES: tuple[Route, ...] = ()
