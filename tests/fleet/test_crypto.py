"""Sealing with AES-GCM under HKDF-derived keys: what opens, what does not."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from welkin_async.fleet._crypto import Sealer, Unsealable


def test_a_sealed_value_opens_with_the_same_secret_purpose_and_place() -> None:
    """What is sealed opens again, and the sealed bytes do not hold the plaintext."""
    sealer = Sealer("secret", "token")
    sealed = sealer.seal(b"bearer-value", "k:token")
    assert b"bearer-value" not in sealed
    assert Sealer("secret", "token").open(sealed, "k:token") == b"bearer-value"


@pytest.mark.parametrize(
    ("secret", "purpose", "where"),
    [
        ("other", "token", "k:token"),
        ("secret", "checkpoint", "k:token"),
        ("secret", "token", "k:x"),
    ],
)
def test_another_secret_purpose_or_place_does_not_open(
    secret: str, purpose: str, where: str
) -> None:
    """A value does not open under another secret, another purpose, or at another key."""
    sealed = Sealer("secret", "token").seal(b"value", "k:token")
    with pytest.raises(Unsealable):
        Sealer(secret, purpose).open(sealed, where)


@pytest.mark.parametrize(
    "damage", [lambda b: b[:-1], lambda b: b[:5], lambda b: bytes([b[0] ^ 1]) + b[1:]]
)
def test_damaged_values_do_not_open(damage: Callable[[bytes], bytes]) -> None:
    """A truncated or altered value is refused, not opened into garbage."""
    sealer = Sealer("secret", "token")
    sealed = sealer.seal(b"value", "k")
    with pytest.raises(Unsealable):
        sealer.open(damage(sealed), "k")


def test_two_seals_of_one_value_differ() -> None:
    """Each seal takes a fresh nonce: equal values are not equal in the store."""
    sealer = Sealer("secret", "token")
    assert sealer.seal(b"value", "k") != sealer.seal(b"value", "k")


def test_digests_are_keyed_and_stable() -> None:
    """The same id gives the same digest under one secret, another under another secret."""
    assert Sealer("a", "webhook").digest("msg_1") == Sealer("a", "webhook").digest("msg_1")
    assert Sealer("a", "webhook").digest("msg_1") != Sealer("b", "webhook").digest("msg_1")
    assert "msg_1" not in Sealer("a", "webhook").digest("msg_1")


def test_an_empty_secret_is_refused_and_reprs_show_nothing() -> None:
    """No key from an empty secret; a sealer's repr holds no key material."""
    with pytest.raises(ValueError, match="must not be empty"):
        Sealer("", "token")
    assert repr(Sealer("secret", "token")) == "<Sealer>"
