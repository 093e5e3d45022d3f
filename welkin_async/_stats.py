"""What a client has done, for dashboards and assertions: one mutable record per client."""

from __future__ import annotations

from collections import Counter

import attrs


@attrs.define
class ClientStats:
    """Counters since the client was opened.

    - ``requests``: calls made (one per ``request()`` and per page), however many attempts each.
    - ``attempts``: HTTP requests sent for those calls: first tries, retries and 401 replays.
    - ``responses``: every answer by status, the token endpoint's included.
    - ``rate_limited``: 429 answers; ``pauses``: how many of them paused the whole client
      (``Retry-After``); ``rate_decreases``: multiplicative steps down of the adaptive rate.
    - ``retry_budget_exhausted``: retries refused because the budget was empty.
    - ``token_requests``: requests to the token endpoint; ``token_refreshes``: tokens obtained;
      ``token_lifetime_floored``: tokens that came already expired and were kept
      ``MIN_LIFETIME`` (60 s) all the same.
    - ``rate_per_second``: the current client-side rate (``None``: not limited); in a fleet,
      the fleet's shared rate.
    - ``fleet_shared``: in a fleet (``coordination=``), whether the last exchange with the
      shared store succeeded (``False``: this process works alone for now); ``None`` outside
      one. ``fleet_outages``: how many times the shared store could not be reached.
    """

    requests: int = 0
    attempts: int = 0
    retries: int = 0
    replays: int = 0
    responses: Counter[int] = attrs.field(factory=Counter)
    transport_errors: int = 0
    rate_limited: int = 0
    pauses: int = 0
    rate_decreases: int = 0
    retry_budget_exhausted: int = 0
    token_requests: int = 0
    token_refreshes: int = 0
    token_failures: int = 0
    token_lifetime_floored: int = 0
    rate_per_second: float | None = None
    fleet_shared: bool | None = None
    fleet_outages: int = 0
