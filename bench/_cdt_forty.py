"""The 40-field CDT of the export scenario: defined in the server's tenant, generated on the client.

- Server side, :func:`seed`: the CDT ``cdt-forty`` with the 40 fields of the structuring
  micro's ``CdtForty`` (text, integer, float, date, date-time, select, checkbox and textarea), each
  in the shape the tenant's Designer serves a field, plus the system fields every CDT of the
  tenant has (``id``, ``created_at``, ...), which the emulator writes into every record's body;
  then records of it, seeded by the emulator (``seed_cdt_records``) and nothing else, so that
  ``GET export/CDT_RECORD`` serves these records alone.
- Client side, :func:`tenant_module`: what a user does, ``welkin-async codegen --tenant acme
  --from-api``: the tenant's CDT definitions as its formation serves them, rendered into a module
  that is passed to the client as ``models=``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from structuring import _cdt40_definition

from welkin_async import WelkinClient
from welkin_async._tenant_models import import_tenant_module
from welkin_async.cli._codegen import definitions_from_api, render
from welkin_async.testing import Tenant
from welkin_async.testing._records import CDT_SYSTEM_FIELDS
from welkin_async.testing._seed import seed_cdt_records

NAME = "cdt-forty"
_ID = "00000000-0000-4000-8000-0000000cd740"
_TEMPLATE = "allergies"  # an acme CDT whose definition gives the shape of a definition and a field
PER_PATIENT = 50  # records of the CDT per patient


def seed(tenant: Tenant, records: int) -> None:
    """Define ``cdt-forty`` in ``tenant`` and seed ``records`` records of it (a multiple of
    :data:`PER_PATIENT`) for new patients of its live environment."""
    patients, rest = divmod(records, PER_PATIENT)
    if rest:
        raise ValueError(f"records must be a multiple of {PER_PATIENT}")
    define(tenant)
    live = tenant.environments["live"]
    seed_cdt_records(tenant, live, NAME, patients=patients, per_patient=PER_PATIENT, seed=0)


def define(tenant: Tenant) -> None:
    """Add ``cdt-forty`` (version 1) to ``tenant``'s CDT definitions."""
    template = tenant.cdts[_TEMPLATE]
    system = [f for f in template["fields"] if _is_system(f["name"])]
    user_field = next(f for f in template["fields"] if not _is_system(f["name"]))
    fields = [
        {
            **user_field,
            "name": field["name"],
            "type": field["type"],
            "phi": False,
            "meta": {"required": False, **field.get("meta", {})},
        }
        for field in _cdt40_definition()["fields"]
    ]
    tenant.cdts[NAME] = {
        **template,
        "id": _ID,
        "name": NAME,
        "title": "Forty fields",
        "label": "Forty fields",
        "version": 1,
        "fields": fields + system,
    }


def _is_system(name: str) -> bool:
    return name in CDT_SYSTEM_FIELDS or name.startswith("external_")


async def tenant_module(client: WelkinClient) -> ModuleType:
    """The tenant's module as ``welkin-async codegen --from-api`` makes it (imported once: it
    stays in ``sys.modules``, where its annotations resolve, so its file is not kept)."""
    definitions: Any = await definitions_from_api(client)
    command = ["welkin-async", "codegen", "--tenant", client.tenant, "--from-api"]
    module = render(client.tenant, definitions, command, lenient=False)
    with tempfile.TemporaryDirectory() as folder:
        return import_tenant_module(module.write(Path(folder)))
