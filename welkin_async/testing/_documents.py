"""Document summaries and their files: the rows the documents routes serve, and their seed.

A document summary is a record of the tenant's system CDT ``_document_summary``: the envelope
``{id, patientId, cdtId, version, jsonBody, cdtName}`` around ``{type, files, ...system fields}``,
where ``type`` names one of the tenant's document types and ``files`` (null until a file is
uploaded) lists ``{id, size, storageKey, contentType, originalName}``. The files' bytes live in
the environment's file store (``Environment.files``), by file id.

The seed gives every :data:`SEED_EVERY`-th patient one summary holding one small file (at most
:data:`SEED_LIMIT` per environment), drawn from its own random stream, so seeding documents
changes no other seeded data and costs nothing per patient beyond those few.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import islice
from typing import Any

from welkin_async.testing._ids import family_rng
from welkin_async.testing._records import Actor, cdt_body, cdt_record_row
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import Environment, Tenant, stable_uuid
from welkin_async.testing._users import display_name

SUMMARY_CDT = "_document_summary"
SEED_EVERY = 8
SEED_LIMIT = 256
_SEED_STEP_MS = 250
# Small, well-formed files of the three kinds the live API accepts (JPEG, PNG and PDF), shared by
# every seeded summary: the bytes exist once however many summaries name them.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ff1f0003000301ffa5b1d6b30000000049454e44ae426082"
)
_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c"
    "0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e"
    "333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405"
    "060708090a0bffda0008010100003f00d2cf20ffd9"
)
SAMPLES: tuple[tuple[str, str, bytes], ...] = (
    ("application/pdf", "referral.pdf", _PDF),
    ("image/png", "insurance-card.png", _PNG),
    ("image/jpeg", "wound-photo.jpg", _JPEG),
)


def summary_definition(tenant: Tenant) -> dict[str, Any]:
    """The ``_document_summary`` CDT as far as its records name it: its id and version."""
    return {
        "id": stable_uuid(tenant.name, "cdt", SUMMARY_CDT),
        "name": SUMMARY_CDT,
        "version": tenant.formation_version,
    }


def file_entry(
    file_id: str, content: bytes, content_type: str, name: str, *, env: Environment, patient: str
) -> Row:
    """A file as a summary lists it; ``storageKey`` is where the live API keeps it."""
    return {
        "id": file_id,
        "size": len(content),
        "storageKey": f"{env.tenant}/{env.name}/patients/{patient}/documents/{file_id}",
        "contentType": content_type,
        "originalName": name,
    }


def summary_row(
    summary_id: str,
    patient_id: str,
    tenant: Tenant,
    document_type: str,
    *,
    files: list[Row] | None,
    stamp: int,
    actor: Actor,
) -> Row:
    """A document summary record of ``document_type``; ``files`` None until one is uploaded."""
    body = cdt_body(summary_id, {"type": document_type, "files": files}, stamp, actor)
    return cdt_record_row(summary_id, patient_id, summary_definition(tenant), body)


def store_summary(env: Environment, row: Row, stamp: int) -> None:
    env.document_summaries.put(row["id"], row, stamp)
    env.summaries_of.add(row["patientId"], row["id"])


def drop_summary(env: Environment, row: Row) -> None:
    """Delete a summary and its files' bytes."""
    env.document_summaries.delete(row["id"])
    env.summaries_of.remove(row["patientId"], row["id"])
    for entry in row["jsonBody"].get("files") or ():
        env.files.pop(entry["id"], None)


def seed_documents(tenant: Tenant, env: Environment, seed: int) -> None:
    """One summary with one small file for every :data:`SEED_EVERY`-th patient of ``env``."""
    types: Mapping[str, Any] = tenant.document_types
    if not types or not tenant.users:
        return
    rng = family_rng(seed, "documents", tenant.name, env.name)
    user = tenant.users[0]
    actor = Actor(id=user["id"], name=display_name(user))
    names = sorted(types)
    patients = islice(env.patients.ids(), 1, 1 + SEED_EVERY * SEED_LIMIT, SEED_EVERY)
    stamp_ms = env.seed_stamp(0)
    for patient_id in patients:
        stamp_ms = env.seed_stamp(stamp_ms + _SEED_STEP_MS)
        summary_id = stable_uuid(seed, tenant.name, env.name, "document-summary", patient_id)
        file_id = stable_uuid(seed, tenant.name, env.name, "document-file", patient_id)
        content_type, name, content = rng.choice(SAMPLES)
        entry = file_entry(file_id, content, content_type, name, env=env, patient=patient_id)
        row = summary_row(
            summary_id,
            patient_id,
            tenant,
            rng.choice(names),
            files=[entry],
            stamp=stamp_ms,
            actor=actor,
        )
        store_summary(env, row, stamp_ms)
        env.files[file_id] = content
