"""Ids as models hand them out: every family's methods take the ``UUID`` a model carries as
readily as its string, against the emulator."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from tests.conftest import Connect
from welkin_async import WelkinClient
from welkin_async.models import EncounterStatus, Patient
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._documents import SEED_EVERY

# Seeded patient 1 has a document summary with a file (every SEED_EVERY-th from the second).
pytestmark = pytest.mark.welkin_emulator(patients=SEED_EVERY, tenants=["acme"])


async def _patients(client: WelkinClient) -> list[Patient]:
    return [patient async for patient in client.patients.list()]


async def test_patients_take_a_uuid(connect: Connect) -> None:
    """A new patient's ``UUID`` reads, changes and deletes it."""
    async with connect() as client:
        made = await client.patients.create(first_name="Ada")
        assert isinstance(made.id, UUID)
        assert (await client.patients.get(made.id)).id == made.id
        changed = await client.patients.update(made.id, city="Salem")
        await client.patients.delete(made.id)
    assert changed.city == "Salem"


async def test_cdt_records_take_uuids(connect: Connect) -> None:
    """A patient's and a CDT record's ``UUID``s read and change the record, in bulk too."""
    async with connect() as client:
        patient = (await _patients(client))[0]
        records = client.cdts(patient.id, "allergies")
        record = await records.create({"allergen": "cats"})
        assert isinstance(record.id, UUID)
        assert (await records.get(record.id)).id == record.id
        await records.update(record.id, {"allergen": "dust"})
        result = await records.bulk_update({record.id: {"allergen": "pollen"}})
        await records.delete(record.id)
    assert [(row.id, row.result.status) for row in result.rows or ()] == [(str(record.id), "OK")]


async def test_encounters_and_their_links_take_uuids(connect: Connect) -> None:
    """An encounter's and an assessment link's ``UUID``s read and change them."""
    async with connect() as client:
        patient = (await _patients(client))[0]
        templates = await client.formations.encounter_templates()
        encounters = client.encounters(patient.id)
        made = await encounters.create(template_name=templates[0].name)
        assert isinstance(made.id, UUID)
        assert (await encounters.get(made.id)).id == made.id
        assert (await encounters.full(made.id)).encounter.id == made.id
        links = encounters.assessments(made.id)
        for link in await links.list():
            assert (await links.get(link.id)).id == link.id
        done = await encounters.complete(made.id)
    assert done.json_body.status == EncounterStatus.COMPLETED


async def test_documents_take_uuids(connect: Connect, tmp_path: Path) -> None:
    """A summary's and a file's ``UUID``s read the summary and download the file."""
    async with connect() as client:
        for patient in await _patients(client):
            documents = client.documents(patient.id)
            summaries = [s async for s in documents.list()]
            if summaries and summaries[0].json_body.files:
                break
        else:
            pytest.fail("no seeded patient has a document with a file")
        summary = summaries[0]
        files = summary.json_body.files
        assert isinstance(files, list)
        file = files[0]
        assert isinstance(summary.id, UUID)
        assert isinstance(file.id, UUID)
        assert (await documents.get(summary.id)).id == summary.id
        saved = await documents.download(summary.id, file.id, tmp_path / "file")
    assert saved.size == file.size


async def test_messages_take_uuids(connect: Connect) -> None:
    """An email's and a text message's ``UUID``s read them."""
    async with connect() as client:
        for patient in await _patients(client):
            emails = [e async for e in client.emails(patient.id).list()]
            texts = [t async for t in client.sms(patient.id).list()]
            if emails and texts:
                break
        else:
            pytest.fail("no seeded patient has emails and text messages")
        assert (await client.emails(patient.id).get(emails[0].id)).id == emails[0].id
        assert (await client.sms(patient.id).get(texts[0].id)).id == texts[0].id


async def test_users_take_a_uuid(connect: Connect) -> None:
    """A user's ``UUID`` reads the user and their encounters."""
    async with connect() as client:
        user = await anext(aiter(client.users.list()))
        assert isinstance(user.id, UUID)
        assert (await client.users.get(user.id)).id == user.id
        [record async for record in client.users.encounters(user.id)]


async def test_programs_take_a_uuid(connect: Connect) -> None:
    """A patient program's ``UUID`` reads its history."""
    async with connect() as client:
        for patient in await _patients(client):
            assigned = [p async for p in client.programs(patient.id).list() if p.assigned]
            if assigned:
                break
        else:
            pytest.fail("no seeded patient is in a program")
        program = assigned[0]
        assert isinstance(program.id, UUID)
        history = await client.programs(patient.id).history(program.id)
    assert history.id == program.id


async def test_the_data_audit_filters_by_a_patient_uuid(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """audits.data(patient_id=UUID) sends the id as text and keeps that patient's events."""
    async with connect() as client:
        patient = (await _patients(client))[0]
        await client.cdts(patient.id, "allergies").create({"allergen": "cats"})  # one event
        events = [e async for e in client.audits.data(patient_id=patient.id)]
    assert events
    assert {event.patient_id for event in events} == {patient.id}
