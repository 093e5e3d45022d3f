"""Random ids for seed data: drawn from a seeded ``random.Random``, so a seed gives the same ids."""

from __future__ import annotations

import random


def random_uuid(rng: random.Random) -> str:
    """A random version-4 UUID from ``rng`` (formatted by hand: seeding makes millions)."""
    h = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"
