"""``client.formations``: the tenant's Designer configuration, at a version.

``version`` is ``"current"`` (what the tenant runs), ``"draft"`` (being edited) or a number.
Lists are bare JSON arrays (not paged); one item is read by its name. Document types and the
encounter disposition are CDT definitions (``relation`` ``DOCUMENT_TYPE`` and
``ENCOUNTER_DISPOSITION``). Every read raises ``NotFound`` (``FORMATION_NOT_FOUND``) for a
version never published and ``PermissionDenied`` when the client's role may not read formations;
the by-name reads raise ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``) for a name the formation
does not have.

``client.formations.draft`` writes the draft, the only version that is written: programs,
encounter templates, assessments and dictionaries are created, replaced and deleted by name, and
the encounter disposition's fields replaced. What it writes is what the draft reads
(``version="draft"``) and ``welkin-async codegen --formation draft`` return, until Designer
publishes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Unpack

from welkin_async._options import RequestOptions
from welkin_async.models import (
    AssessmentTemplate,
    CdtDefinition,
    CdtFieldDefinition,
    DictionaryDefinition,
    EncounterTemplate,
    GoalTemplate,
    ProgramFormation,
    WelkinModel,
)
from welkin_async.resources._base import Resource, new_body

if TYPE_CHECKING:
    from welkin_async._client import WelkinClient

FormationVersion = str | int
T = TypeVar("T")
M = TypeVar("M", bound=WelkinModel)
# The name of the CDT that defines encounter dispositions.
ENCOUNTER_DISPOSITION = "__encounter_disposition__"


def _named(model: type[M], item: M | Mapping[str, Any]) -> tuple[str, Any]:
    """The body of ``item`` and the name it is written under (its ``name``)."""
    body = new_body(model, item, {})
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f"a {model.__name__} needs its name (a non-empty string)")
    return name, body


class DraftFormations(Resource):
    """Write the draft formation: create, replace and delete its programs, encounter templates,
    assessments and dictionaries by name, and replace the encounter disposition's fields.

    An item is given as its model or a mapping of wire names, and written under its ``name``
    (a replace cannot rename: create the new name and delete the old). Every method raises
    ``PermissionDenied`` when the client's role may not create, update or delete formations
    (roles that only read them), and ``BadRequest`` for a body the server refuses (a required
    field missing; the emulator also refuses, as ``INVALID_FORMATION_ITEM``, a program's move
    to a phase it lacks, an assessment question on a field no draft CDT has, an encounter
    template naming an assessment the draft lacks, a field given twice). Creating a name the
    draft has raises ``Conflict`` (``FORMATION_ITEM_ALREADY_EXISTS``); replacing or deleting one
    it lacks ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``).
    """

    __slots__ = ()

    async def create_program(
        self, program: ProgramFormation | Mapping[str, Any], /, **options: Unpack[RequestOptions]
    ) -> ProgramFormation:
        """Add a program, with its phases, to the draft; returns it as stored.

        Raises ``Conflict`` (``FORMATION_ITEM_ALREADY_EXISTS``) for a name the draft has,
        ``BadRequest`` for a body the server refuses, ``PermissionDenied`` for a role that may
        not create formations; ``TypeError`` or ``ValueError`` before sending for an item that
        is no model or mapping, or has no name.
        """
        return await self._create(ProgramFormation, "programs", program, options)

    async def replace_program(
        self, program: ProgramFormation | Mapping[str, Any], /, **options: Unpack[RequestOptions]
    ) -> ProgramFormation:
        """Replace the draft's program of ``program``'s name; returns it as stored.

        Raises ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``) for a name the draft lacks,
        ``BadRequest`` for a body the server refuses, ``PermissionDenied`` for a role that may
        not update formations; ``TypeError`` or ``ValueError`` before sending as
        :meth:`create_program` raises them.
        """
        return await self._replace(ProgramFormation, "programs", program, options)

    async def delete_program(self, name: str, /, **options: Unpack[RequestOptions]) -> None:
        """Remove a program from the draft.

        Raises ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``) for a name the draft lacks and
        ``PermissionDenied`` for a role that may not delete formations. A DELETE is
        retried after a lost answer, so a retry may raise ``NotFound`` although the first
        attempt removed it.
        """
        await self._delete("programs", name, options)

    async def create_encounter_template(
        self, template: EncounterTemplate | Mapping[str, Any], /, **options: Unpack[RequestOptions]
    ) -> EncounterTemplate:
        """Add an encounter template to the draft; returns it as stored, with its ``id``.

        Raises ``Conflict`` (``FORMATION_ITEM_ALREADY_EXISTS``) for a name the draft has,
        ``BadRequest`` for a body the server refuses, ``PermissionDenied`` for a role that may
        not create formations; ``TypeError`` or ``ValueError`` before sending for an item that
        is no model or mapping, or has no name.
        """
        return await self._create(EncounterTemplate, "encounters", template, options)

    async def replace_encounter_template(
        self, template: EncounterTemplate | Mapping[str, Any], /, **options: Unpack[RequestOptions]
    ) -> EncounterTemplate:
        """Replace the draft's encounter template of ``template``'s name (it keeps its id).

        Raises ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``) for a name the draft lacks,
        ``BadRequest`` for a body the server refuses, ``PermissionDenied`` for a role that may
        not update formations; ``TypeError`` or ``ValueError`` before sending as
        :meth:`create_encounter_template` raises them.
        """
        return await self._replace(EncounterTemplate, "encounters", template, options)

    async def delete_encounter_template(
        self, name: str, /, **options: Unpack[RequestOptions]
    ) -> None:
        """Remove an encounter template from the draft.

        Raises ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``) for a name the draft lacks and
        ``PermissionDenied`` for a role that may not delete formations. A DELETE is
        retried after a lost answer, so a retry may raise ``NotFound`` although the first
        attempt removed it.
        """
        await self._delete("encounters", name, options)

    async def create_assessment(
        self,
        assessment: AssessmentTemplate | Mapping[str, Any],
        /,
        **options: Unpack[RequestOptions],
    ) -> AssessmentTemplate:
        """Add an assessment, with its sections of questions, to the draft; returns it as
        stored, with its ``id``.

        Raises ``Conflict`` (``FORMATION_ITEM_ALREADY_EXISTS``) for a name the draft has,
        ``BadRequest`` for a body the server refuses, ``PermissionDenied`` for a role that may
        not create formations; ``TypeError`` or ``ValueError`` before sending for an item that
        is no model or mapping, or has no name.
        """
        return await self._create(AssessmentTemplate, "assessments", assessment, options)

    async def replace_assessment(
        self,
        assessment: AssessmentTemplate | Mapping[str, Any],
        /,
        **options: Unpack[RequestOptions],
    ) -> AssessmentTemplate:
        """Replace the draft's assessment of ``assessment``'s name (it keeps its id).

        Raises ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``) for a name the draft lacks,
        ``BadRequest`` for a body the server refuses, ``PermissionDenied`` for a role that may
        not update formations; ``TypeError`` or ``ValueError`` before sending as
        :meth:`create_assessment` raises them.
        """
        return await self._replace(AssessmentTemplate, "assessments", assessment, options)

    async def delete_assessment(self, name: str, /, **options: Unpack[RequestOptions]) -> None:
        """Remove an assessment from the draft.

        Raises ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``) for a name the draft lacks and
        ``PermissionDenied`` for a role that may not delete formations. A DELETE is
        retried after a lost answer, so a retry may raise ``NotFound`` although the first
        attempt removed it.
        """
        await self._delete("assessments", name, options)

    async def create_dictionary(
        self,
        dictionary: DictionaryDefinition | Mapping[str, Any],
        /,
        **options: Unpack[RequestOptions],
    ) -> DictionaryDefinition:
        """Add a dictionary definition (its fields) to the draft; its records can be written
        once the draft is published.

        Raises ``Conflict`` (``FORMATION_ITEM_ALREADY_EXISTS``) for a name the draft has,
        ``BadRequest`` for a body the server refuses, ``PermissionDenied`` for a role that may
        not create formations; ``TypeError`` or ``ValueError`` before sending for an item that
        is no model or mapping, or has no name.
        """
        return await self._create(DictionaryDefinition, "dictionaries", dictionary, options)

    async def replace_dictionary(
        self,
        dictionary: DictionaryDefinition | Mapping[str, Any],
        /,
        **options: Unpack[RequestOptions],
    ) -> DictionaryDefinition:
        """Replace the draft's dictionary definition of ``dictionary``'s name. The built-in
        dictionaries (``cpt``, ``icd-10``, ``timezone``) cannot be changed: ``BadRequest``.

        Raises ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``) for a name the draft lacks,
        ``BadRequest`` for a body the server refuses, ``PermissionDenied`` for a role that may
        not update formations; ``TypeError`` or ``ValueError`` before sending as
        :meth:`create_dictionary` raises them.
        """
        return await self._replace(DictionaryDefinition, "dictionaries", dictionary, options)

    async def delete_dictionary(self, name: str, /, **options: Unpack[RequestOptions]) -> None:
        """Remove a dictionary definition from the draft (not a built-in one: ``BadRequest``).

        Raises ``NotFound`` (``FORMATION_ITEM_NOT_FOUND``) for a name the draft lacks and
        ``PermissionDenied`` for a role that may not delete formations. A DELETE is
        retried after a lost answer, so a retry may raise ``NotFound`` although the first
        attempt removed it.
        """
        await self._delete("dictionaries", name, options)

    async def replace_encounter_disposition(
        self,
        fields: Iterable[CdtFieldDefinition | Mapping[str, Any]],
        /,
        **options: Unpack[RequestOptions],
    ) -> CdtDefinition:
        """Replace the fields of the draft's encounter disposition (the system fields, ``id``,
        ``created_at``..., stay); returns the whole definition. A field drawing its values
        from a dictionary names it as ``dictionary={"name": ..., "field": ...}``.

        Raises ``BadRequest`` for fields the server refuses (the emulator: a field given twice,
        a dictionary the draft lacks), ``PermissionDenied`` for a role that may not update
        formations; ``TypeError`` before sending for fields that are not an iterable of
        definitions or mappings.
        """
        if isinstance(fields, (str, Mapping)):
            raise TypeError("fields must be an iterable of CdtFieldDefinition or mappings")
        body = new_body(CdtDefinition, {"name": ENCOUNTER_DISPOSITION, "fields": list(fields)}, {})
        return await self._call(
            CdtDefinition,
            "PUT",
            "formations/draft/encounter-disposition",
            json=body,
            options=options,
        )

    async def _create(
        self, model: type[M], kind: str, item: M | Mapping[str, Any], options: RequestOptions
    ) -> M:
        _, body = _named(model, item)
        return await self._call(
            model, "POST", f"formations/draft/{kind}", json=body, options=options
        )

    async def _replace(
        self, model: type[M], kind: str, item: M | Mapping[str, Any], options: RequestOptions
    ) -> M:
        name, body = _named(model, item)
        return await self._call(
            model,
            "PUT",
            f"formations/draft/{kind}/{{name}}",
            path_params={"name": name},
            json=body,
            options=options,
        )

    async def _delete(self, kind: str, name: str, options: RequestOptions) -> None:
        await self._call_no_content(
            "DELETE",
            f"formations/draft/{kind}/{{name}}",
            path_params={"name": name},
            options=options,
        )


class Formations(Resource):
    """Read the formation: CDT definitions, programs, encounter and assessment templates,
    document types, goal templates, dictionaries and the encounter disposition; write its
    draft through :attr:`draft`."""

    __slots__ = ("draft",)

    def __init__(self, client: WelkinClient) -> None:
        super().__init__(client)
        self.draft = DraftFormations(client)
        """The draft formation's writes."""

    async def dictionaries(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[DictionaryDefinition]:
        """The dictionary definitions (their records: ``client.dictionaries(name)``).

        Raises ``NotFound`` (``FORMATION_NOT_FOUND``) for a version never published and
        ``PermissionDenied`` when the role may not read formations.
        """
        return await self._read(list[DictionaryDefinition], "dictionaries", version, options)

    async def dictionary(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> DictionaryDefinition:
        """One dictionary definition by name.

        Raises ``NotFound`` (``FORMATION_NOT_FOUND``; ``FORMATION_ITEM_NOT_FOUND`` for a name
        the formation lacks) and ``PermissionDenied`` when the role may not read formations.
        """
        return await self._item(DictionaryDefinition, "dictionaries", name, version, options)

    async def cdts(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[CdtDefinition]:
        """The CDT definitions (what ``welkin-async codegen`` turns into classes)."""
        return await self._read(list[CdtDefinition], "cdts", version, options)

    async def programs(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[ProgramFormation]:
        """The programs and their phases."""
        return await self._read(list[ProgramFormation], "programs", version, options)

    async def encounter_templates(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[EncounterTemplate]:
        """The encounter templates (an encounter is created from one, by name)."""
        return await self._read(list[EncounterTemplate], "encounters", version, options)

    async def assessments(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[AssessmentTemplate]:
        """The assessment templates and their questions."""
        return await self._read(list[AssessmentTemplate], "assessments", version, options)

    async def document_types(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[CdtDefinition]:
        """The document types: CDT definitions whose ``relation`` is ``DOCUMENT_TYPE`` (a
        document summary is created with one's name as its ``type``)."""
        return await self._read(list[CdtDefinition], "document-types", version, options)

    async def goal_templates(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> list[GoalTemplate]:
        """The goal templates (a care-plan goal is created from one, by name)."""
        return await self._read(list[GoalTemplate], "goal-templates", version, options)

    async def encounter_disposition(
        self, version: FormationVersion = "current", **options: Unpack[RequestOptions]
    ) -> CdtDefinition:
        """The definition of encounter dispositions (CDT ``__encounter_disposition__``, relation
        ``ENCOUNTER_DISPOSITION``): the fields ``encounters(pid).update_disposition`` takes."""
        return await self._read(CdtDefinition, "encounter-disposition", version, options)

    async def cdt(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> CdtDefinition:
        """One CDT definition by name."""
        return await self._item(CdtDefinition, "cdts", name, version, options)

    async def program(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> ProgramFormation:
        """One program, with its phases, by name."""
        return await self._item(ProgramFormation, "programs", name, version, options)

    async def encounter_template(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> EncounterTemplate:
        """One encounter template by name."""
        return await self._item(EncounterTemplate, "encounters", name, version, options)

    async def assessment(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> AssessmentTemplate:
        """One assessment template, with its sections of questions, by name."""
        return await self._item(AssessmentTemplate, "assessments", name, version, options)

    async def document_type(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> CdtDefinition:
        """One document type (a CDT definition, relation ``DOCUMENT_TYPE``) by name."""
        return await self._item(CdtDefinition, "document-types", name, version, options)

    async def goal_template(
        self,
        name: str,
        /,
        *,
        version: FormationVersion = "current",
        **options: Unpack[RequestOptions],
    ) -> GoalTemplate:
        """One goal template by name."""
        return await self._item(GoalTemplate, "goal-templates", name, version, options)

    async def _read(
        self, into: type[T], kind: str, version: FormationVersion, options: RequestOptions
    ) -> T:
        return await self._call(
            into,
            "GET",
            f"formations/{{version}}/{kind}",
            path_params={"version": version},
            options=options,
        )

    async def _item(
        self,
        into: type[T],
        kind: str,
        name: str,
        version: FormationVersion,
        options: RequestOptions,
    ) -> T:
        return await self._call(
            into,
            "GET",
            f"formations/{{version}}/{kind}/{{name}}",
            path_params={"version": version, "name": name},
            options=options,
        )
