"""Dictionary records: each environment's values of the tenant's (current) dictionaries.

A record is ``{id, createdAt, updatedAt, fullValue, deleted, values}``: ``values`` by the
dictionary's field names, ``fullValue`` those values in the definition's field order, joined by
a space. Deleting a record keeps it, ``deleted`` true (listed only with ``showDeleted``);
replacing a dictionary's records removes the old ones outright. The seed writes the records of
the tenant's ``dictionary-records.json`` into every environment, from its own clock steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from welkin_async.testing._clock import iso_ms
from welkin_async.testing._ids import family_rng, random_uuid
from welkin_async.testing._store import Row

if TYPE_CHECKING:
    from welkin_async.testing._tenants import Environment, Tenant

_SEED_EPOCH_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z, as the rest of the seed
_SEED_STEP_MS = 1000


@attrs.define
class DictionaryStore:
    """An environment's dictionary records: by dictionary name, by id in the order written."""

    records: dict[str, dict[str, Row]] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        return f"DictionaryStore({ {name: len(rows) for name, rows in self.records.items()} })"

    def of(self, name: str) -> dict[str, Row]:
        """The records of dictionary ``name`` (made empty at the first use)."""
        return self.records.setdefault(name, {})

    def last_updated(self, name: str) -> str | None:
        """When a record of ``name`` last changed (deleted ones count), or None."""
        stamps = [row["updatedAt"] for row in self.of(name).values()]
        return max(stamps) if stamps else None


def full_value(definition: Mapping[str, Any], values: Mapping[str, str]) -> str:
    """The values as one text, in the definition's field order."""
    return " ".join(values[f["name"]] for f in definition["fields"] if f["name"] in values)


def record_row(
    definition: Mapping[str, Any], record_id: str, values: Mapping[str, str], stamp: int
) -> Row:
    now = iso_ms(stamp)
    return {
        "id": record_id,
        "createdAt": now,
        "updatedAt": now,
        "fullValue": full_value(definition, values),
        "deleted": False,
        "values": dict(values),
    }


def seed_dictionaries(tenant: Tenant, env: Environment, seed: int) -> None:
    """The tenant's seed records, in every dictionary it defines."""
    rng = family_rng(seed, "dictionaries", tenant.name, env.name)
    step = 0
    for name, rows in tenant.dictionary_seed.items():
        definition = tenant.dictionaries[name]
        records = env.dictionary_records.of(name)
        for values in rows:
            step += 1
            record_id = random_uuid(rng)
            stamp = env.seed_stamp(_SEED_EPOCH_MS + step * _SEED_STEP_MS)
            records[record_id] = record_row(definition, record_id, values, stamp)
