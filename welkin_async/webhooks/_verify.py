"""Standard Webhooks signature verification, then the typed event.

A delivery carries ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and
``webhook-signature`` (space-separated ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``
entries). The secrets are ``whsec_`` + base64.

The reference ``standardwebhooks`` library decodes the secrets and computes the signature here.
Its ``Webhook.verify`` is not used, because it does not meet four needs:
- its 5-minute tolerance and its clock (the wall clock) are fixed;
- its failures are English messages, not reasons a caller can branch on;
- a malformed signature entry or a non-UTF-8 body raises ``ValueError`` or
  ``UnicodeDecodeError`` rather than its verification error;
- it compares decoded signature bytes, so base64 spellings that differ only in their unused
  padding bits verify too.
This module keeps those checks. It compares the signature text exactly, in constant time,
before the body is parsed.
"""

from __future__ import annotations

import hmac
import math
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from standardwebhooks import Webhook
from standardwebhooks.webhooks import EmptyWebhookSecretError

from welkin_async._serde import loads
from welkin_async.errors import ConfigurationError, WebhookFailure, WebhookVerificationError
from welkin_async.models import WebhookEvent

DEFAULT_TOLERANCE = 300.0
"""Seconds a delivery's timestamp may lie before or after now (the Standard Webhooks default)."""

_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
_MAX_TIMESTAMP_DIGITS = 12  # a longer one is not worth converting
_LAST_TIMESTAMP = 253402300799  # 9999-12-31T23:59:59Z, the last second a datetime can hold


def _signers(secrets: str | Sequence[str]) -> tuple[Webhook, ...]:
    listed = [secrets] if isinstance(secrets, str) else list(secrets)
    if not listed:
        raise ConfigurationError("webhook verification needs at least one secret")
    signers = []
    for index, secret in enumerate(listed):
        # The library accepts anything base64 decodes to bytes; a secret not in whsec_ form is
        # almost always a pasted placeholder, so it is refused here rather than never verifying.
        if not isinstance(secret, str) or not secret.startswith("whsec_"):
            raise ConfigurationError(f"webhook secret {index} is not of the form whsec_<base64>")
        try:
            signers.append(Webhook(secret))
        except (EmptyWebhookSecretError, ValueError):
            raise ConfigurationError(
                f"webhook secret {index} is not of the form whsec_<base64>"
            ) from None
    return tuple(signers)


class WebhookVerifier:
    """Verifies deliveries against one or more secrets (several during a rotation).

    ``tolerance`` is how many seconds a timestamp may lie in the past or in the future;
    ``clock`` returns the current Unix time (``time.time`` unless a test moves it).
    """

    def __init__(
        self,
        secrets: str | Sequence[str],
        *,
        tolerance: float = DEFAULT_TOLERANCE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not (math.isfinite(tolerance) and tolerance >= 0):  # NaN would pass every check
            raise ConfigurationError("the webhook timestamp tolerance must be finite and >= 0")
        self._signers = _signers(secrets)
        self.tolerance = tolerance
        self._clock = clock

    def __repr__(self) -> str:
        return f"WebhookVerifier(<{len(self._signers)} secrets>, tolerance={self.tolerance})"

    def verify(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """The delivery's event; :class:`WebhookVerificationError` if any check fails.

        The body is parsed only after a signature has matched: a ``DecodeError`` then means a
        signed body that is not a webhook event.
        """
        self.check(body, headers)
        return self.event(body)

    @staticmethod
    def event(body: bytes) -> WebhookEvent:
        """The event in a verified body; ``DecodeError`` with a path if it is not one."""
        return loads(body, WebhookEvent)

    def check(self, body: bytes, headers: Mapping[str, str]) -> str:
        """Verify the signature of ``body`` and return its ``webhook-id``, without parsing."""
        message_id, timestamp, signatures = _read_headers(headers)
        self._check_time(timestamp)
        try:
            text = body.decode()
        except UnicodeDecodeError:  # Standard Webhooks signs text, so no signer made this one
            text = None
        # A header byte that is not UTF-8 reaches here as a surrogate (aiohttp decodes headers
        # with surrogateescape): such an entry cannot match, and such an id was never signed.
        offered = [e.encode(errors="surrogateescape") for e in signatures.split(" ") if e]
        if text is not None:
            moment = datetime.fromtimestamp(timestamp, UTC)
            for signer in self._signers:
                try:
                    expected = signer.sign(message_id, moment, text).encode()
                except UnicodeEncodeError:
                    break
                # Every offered entry is compared, so the time taken does not say which matched.
                if sum(hmac.compare_digest(expected, entry) for entry in offered):
                    return message_id
        raise WebhookVerificationError(
            WebhookFailure.NO_MATCHING_SIGNATURE,
            "webhook rejected: no v1 signature matches under any of the secrets",
        )

    def _check_time(self, timestamp: int) -> None:
        age = self._clock() - timestamp
        if age > self.tolerance:
            raise WebhookVerificationError(
                WebhookFailure.TOO_OLD,
                f"webhook rejected: timestamp more than {self.tolerance:g} s in the past",
            )
        if -age > self.tolerance:
            raise WebhookVerificationError(
                WebhookFailure.TOO_NEW,
                f"webhook rejected: timestamp more than {self.tolerance:g} s in the future",
            )


def _read_headers(headers: Mapping[str, str]) -> tuple[str, int, str]:
    found = {name.lower(): value for name, value in headers.items()}
    values = []
    for name in _HEADERS:
        value = found.get(name)
        if not value:
            raise WebhookVerificationError(
                WebhookFailure.MISSING_HEADER,
                f"webhook rejected: header {name} is missing",
                header=name,
            )
        values.append(value)
    message_id, stamp, signatures = values
    # Whole seconds, written the one way a signer writes them: the text is what was signed.
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= _MAX_TIMESTAMP_DIGITS) or (
        stamp != str(int(stamp)) or int(stamp) > _LAST_TIMESTAMP
    ):
        raise WebhookVerificationError(
            WebhookFailure.BAD_TIMESTAMP,
            "webhook rejected: webhook-timestamp is not whole Unix seconds",
            header="webhook-timestamp",
        )
    return message_id, int(stamp), signatures


def verify(
    body: bytes,
    headers: Mapping[str, str],
    secrets: str | Sequence[str],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
) -> WebhookEvent:
    """Verify a delivery's raw ``body`` against its ``headers`` and return the typed event.

    ``secrets`` is one ``whsec_`` secret or several (during a rotation, any one verifies).
    Raises :class:`~welkin_async.errors.WebhookVerificationError`, whose ``reason`` is a
    :class:`~welkin_async.errors.WebhookFailure`.
    """
    return WebhookVerifier(secrets, tolerance=tolerance).verify(body, headers)
