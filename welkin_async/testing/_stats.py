"""What the emulator has done, for assertions: requests per route, tokens, 429s, faults."""

from __future__ import annotations

from collections import Counter

import attrs


@attrs.define
class EmulatorStats:
    """Counters since the emulator started (or since :meth:`reset`).

    ``requests`` is keyed by route template (``"GET /patients/{id}"``), never by filled path;
    ``faults`` by fault kind (``"status"``, ``"reset-before"``, ...); ``webhooks`` by outcome
    (``"attempted"``, ``"delivered"``, ``"failed"``).
    """

    requests: Counter[str] = attrs.field(factory=Counter)
    tokens_issued: int = 0
    token_requests_refused: int = 0
    rate_limited: int = 0  # every 429 sent: rate limit, 429 storms, blocked token requests
    faults: Counter[str] = attrs.field(factory=Counter)
    webhooks: Counter[str] = attrs.field(factory=Counter)

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def faults_injected(self) -> int:
        return sum(self.faults.values())

    def reset(self) -> None:
        self.requests.clear()
        self.tokens_issued = self.token_requests_refused = self.rate_limited = 0
        self.faults.clear()
        self.webhooks.clear()
