"""Sealing what the fleet stores: AES-GCM under a key derived from a secret with HKDF.

Nothing the fleet writes to Redis can be read without the secret: the token and the export
positions (which hold record ids) are sealed; webhook ids are kept as keyed digests. The key is
HKDF-SHA256 of the secret, with a fixed salt and a ``purpose`` (so the token's key is not the
checkpoints' key); each value is sealed with a fresh 96-bit nonce and the Redis key it is stored
under as associated data, so a sealed value moved to another key does not open.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_SALT = b"welkin-async fleet v1"
_NONCE = 12  # bytes: AES-GCM's standard nonce


class Unsealable(Exception):
    """A stored value that does not open with this key: another secret, or tampered with."""


class Sealer:
    """Seals and opens values with one derived key; the secret is not kept."""

    def __init__(self, secret: str | bytes, purpose: str) -> None:
        material = secret.encode() if isinstance(secret, str) else bytes(secret)
        if not material:
            raise ValueError("the fleet's secret must not be empty")
        # 64 bytes: the AES-256 key, then a separate key for the digests.
        hkdf = HKDF(algorithm=hashes.SHA256(), length=64, salt=_SALT, info=purpose.encode())
        keys = hkdf.derive(material)
        self._aead = AESGCM(keys[:32])
        self._mac_key = keys[32:]

    def __repr__(self) -> str:
        return "<Sealer>"

    def seal(self, plaintext: bytes, where: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext, where.encode())

    def open(self, sealed: bytes, where: str) -> bytes:
        if len(sealed) <= _NONCE:
            raise Unsealable(where)
        try:
            return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], where.encode())
        except InvalidTag:
            raise Unsealable(where) from None

    def digest(self, value: str) -> str:
        """A keyed digest (HMAC-SHA256, hex): the same value, the same digest; no way back."""
        # surrogatepass: any str has a digest (a lone surrogate too), never an encoding error.
        return hmac.new(
            self._mac_key, value.encode("utf-8", "surrogatepass"), hashlib.sha256
        ).hexdigest()
