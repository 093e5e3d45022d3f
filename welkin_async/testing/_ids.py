"""Random ids for seed data: drawn from a seeded ``random.Random``, so a seed gives the same ids."""

from __future__ import annotations

import random


def random_uuid(rng: random.Random) -> str:
    """A random version-4 UUID from ``rng`` (formatted by hand: seeding makes millions)."""
    h = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


def family_rng(seed: int, family: str, tenant: str, environment: str) -> random.Random:
    """The random source of one family's seed data in one environment: its own stream, so
    adding a family (or changing one) leaves every other family's seeded data as it was."""
    return random.Random(f"{seed}:{family}:{tenant}:{environment}")
