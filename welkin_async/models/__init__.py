"""The API's entities as attrs classes, generated from schemas/core (see ``_generated/``).

Absent fields are ``UNSET``; JSON ``null`` is ``None``. Page envelopes are generic in their item
type: ``SpringPage[Patient]``, ``MetaInfoPage[PatientProgram]``, ``CdtRecord[MyCdt]``.

Each write model the resources build from keyword fields has a ``TypedDict`` of them beside it
(``PatientCreateFields`` for ``client.patients.create(**fields)``): type checkers and editors
read a call's field names and value types from it.
"""

from welkin_async.models._base import OpenIntEnum, OpenStrEnum, WelkinModel
from welkin_async.models._generated.api_client_token import ApiClientToken
from welkin_async.models._generated.api_client_token_request import ApiClientTokenRequest
from welkin_async.models._generated.assessment_record import AssessmentRecord, AssessmentStatus
from welkin_async.models._generated.assessment_record_write import (
    AssessmentRecordWrite,
    AssessmentRecordWriteFields,
)
from welkin_async.models._generated.assessment_template import (
    AnswerScore,
    AssessmentField,
    AssessmentFieldMeta,
    AssessmentProgram,
    AssessmentScoring,
    AssessmentSection,
    AssessmentTemplate,
    ConditionSettings,
    PrePopulatedValue,
    ScoredField,
    ScoringGroup,
)
from welkin_async.models._generated.calendar_event import CalendarEvent, Participant
from welkin_async.models._generated.calendar_event_create import (
    CalendarEventCreate,
    CalendarEventCreateFields,
    EventMode,
    EventParticipantCreate,
    EventStatus,
    EventType,
    ParticipantRole,
)
from welkin_async.models._generated.calendar_event_update import (
    CalendarEventUpdate,
    CalendarEventUpdateFields,
)
from welkin_async.models._generated.care_plan import CarePlan
from welkin_async.models._generated.care_plan_overview import CarePlanOverview
from welkin_async.models._generated.care_plan_overview_write import CarePlanOverviewWrite
from welkin_async.models._generated.cdt_bulk_result import (
    CdtBulkResult,
    CdtBulkResultRow,
    CdtRowResult,
)
from welkin_async.models._generated.cdt_bulk_update import CdtBulkRow, CdtBulkUpdate
from welkin_async.models._generated.cdt_definition import (
    CdtDefinition,
    CdtFieldDefinition,
    CdtFieldMeta,
    CdtFieldOption,
    CdtFieldType,
    CdtType,
)
from welkin_async.models._generated.cdt_record import CdtRecord
from welkin_async.models._generated.chat_inbound import ChatInbound
from welkin_async.models._generated.chat_message import ChatClientType, ChatMessage, ChatParticipant
from welkin_async.models._generated.chat_search_hit import ChatSearchHit
from welkin_async.models._generated.cursor_page import Cursor, CursorPage
from welkin_async.models._generated.data_audit import DataAudit
from welkin_async.models._generated.document_file import DocumentFile
from welkin_async.models._generated.document_summary import DocumentSummary
from welkin_async.models._generated.document_summary_create import DocumentSummaryCreate
from welkin_async.models._generated.email import Email, EmailStatus, MessageDirection
from welkin_async.models._generated.encounter import Encounter, EncounterStatus, PatientInfo
from welkin_async.models._generated.encounter_assessment import EncounterAssessment
from welkin_async.models._generated.encounter_assessment_create import (
    EncounterAssessmentCreate,
    EncounterAssessmentCreateFields,
)
from welkin_async.models._generated.encounter_assessment_update import (
    EncounterAssessmentUpdate,
    EncounterAssessmentUpdateFields,
)
from welkin_async.models._generated.encounter_create import (
    AppointmentCreate,
    EncounterCreate,
    EncounterCreateFields,
    ParticipantCreate,
)
from welkin_async.models._generated.encounter_template import EncounterTemplate
from welkin_async.models._generated.encounter_update import EncounterUpdate, EncounterUpdateFields
from welkin_async.models._generated.error_item import ErrorItem
from welkin_async.models._generated.full_encounter import FullEncounter
from welkin_async.models._generated.goal_template import (
    GoalTaskSubject,
    GoalTaskTemplate,
    GoalTemplate,
)
from welkin_async.models._generated.meta_info_page import MetaInfo, MetaInfoPage
from welkin_async.models._generated.named_page import NamedPage
from welkin_async.models._generated.oauth_error import OAuthError
from welkin_async.models._generated.oauth_token import OAuthToken
from welkin_async.models._generated.patient import Gender, Patient
from welkin_async.models._generated.patient_create import (
    CareTeamAssignment,
    PatientCreate,
    PatientCreateFields,
    TerritoryAssignment,
)
from welkin_async.models._generated.patient_filter import PatientFilter
from welkin_async.models._generated.patient_program import PatientProgram, ProgramStatus
from welkin_async.models._generated.phase_change import PhaseChange
from welkin_async.models._generated.program_formation import (
    PhaseFormation,
    PhaseLink,
    ProgramFormation,
)
from welkin_async.models._generated.program_phase import ProgramPhase
from welkin_async.models._generated.program_update import ProgramUpdate
from welkin_async.models._generated.sms_message import SmsMessage, SmsStatus
from welkin_async.models._generated.spring_page import Pageable, Sort, SpringPage
from welkin_async.models._generated.token_page import TokenMeta, TokenPage
from welkin_async.models._generated.user import (
    ApplicationAccess,
    InstanceAccess,
    User,
    UserPolicy,
    UserRole,
    UserTerritory,
)
from welkin_async.models._generated.user_create import UserCreate, UserCreateFields
from welkin_async.models._generated.user_schedule import ScheduleEvent, UserSchedule
from welkin_async.models._generated.user_update import UserUpdate, UserUpdateFields
from welkin_async.models._generated.user_work_hours import (
    UserWorkHours,
    WorkDay,
    WorkHours,
    WorkHoursRule,
    WorkHoursType,
)
from welkin_async.models._generated.webhook_audit import WebhookAudit
from welkin_async.models._generated.webhook_event import (
    WebhookEvent,
    WebhookEventEntity,
    WebhookEventSubtype,
)

__all__ = [
    "AnswerScore",
    "ApiClientToken",
    "ApiClientTokenRequest",
    "ApplicationAccess",
    "AppointmentCreate",
    "AssessmentField",
    "AssessmentFieldMeta",
    "AssessmentProgram",
    "AssessmentRecord",
    "AssessmentRecordWrite",
    "AssessmentRecordWriteFields",
    "AssessmentScoring",
    "AssessmentSection",
    "AssessmentStatus",
    "AssessmentTemplate",
    "CalendarEvent",
    "CalendarEventCreate",
    "CalendarEventCreateFields",
    "CalendarEventUpdate",
    "CalendarEventUpdateFields",
    "CarePlan",
    "CarePlanOverview",
    "CarePlanOverviewWrite",
    "CareTeamAssignment",
    "CdtBulkResult",
    "CdtBulkResultRow",
    "CdtBulkRow",
    "CdtBulkUpdate",
    "CdtDefinition",
    "CdtFieldDefinition",
    "CdtFieldMeta",
    "CdtFieldOption",
    "CdtFieldType",
    "CdtRecord",
    "CdtRowResult",
    "CdtType",
    "ChatClientType",
    "ChatInbound",
    "ChatMessage",
    "ChatParticipant",
    "ChatSearchHit",
    "ConditionSettings",
    "Cursor",
    "CursorPage",
    "DataAudit",
    "DocumentFile",
    "DocumentSummary",
    "DocumentSummaryCreate",
    "Email",
    "EmailStatus",
    "Encounter",
    "EncounterAssessment",
    "EncounterAssessmentCreate",
    "EncounterAssessmentCreateFields",
    "EncounterAssessmentUpdate",
    "EncounterAssessmentUpdateFields",
    "EncounterCreate",
    "EncounterCreateFields",
    "EncounterStatus",
    "EncounterTemplate",
    "EncounterUpdate",
    "EncounterUpdateFields",
    "ErrorItem",
    "EventMode",
    "EventParticipantCreate",
    "EventStatus",
    "EventType",
    "FullEncounter",
    "Gender",
    "GoalTaskSubject",
    "GoalTaskTemplate",
    "GoalTemplate",
    "InstanceAccess",
    "MessageDirection",
    "MetaInfo",
    "MetaInfoPage",
    "NamedPage",
    "OAuthError",
    "OAuthToken",
    "OpenIntEnum",
    "OpenStrEnum",
    "Pageable",
    "Participant",
    "ParticipantCreate",
    "ParticipantRole",
    "Patient",
    "PatientCreate",
    "PatientCreateFields",
    "PatientFilter",
    "PatientInfo",
    "PatientProgram",
    "PhaseChange",
    "PhaseFormation",
    "PhaseLink",
    "PrePopulatedValue",
    "ProgramFormation",
    "ProgramPhase",
    "ProgramStatus",
    "ProgramUpdate",
    "ScheduleEvent",
    "ScoredField",
    "ScoringGroup",
    "SmsMessage",
    "SmsStatus",
    "Sort",
    "SpringPage",
    "TerritoryAssignment",
    "TokenMeta",
    "TokenPage",
    "User",
    "UserCreate",
    "UserCreateFields",
    "UserPolicy",
    "UserRole",
    "UserSchedule",
    "UserTerritory",
    "UserUpdate",
    "UserUpdateFields",
    "UserWorkHours",
    "WebhookAudit",
    "WebhookEvent",
    "WebhookEventEntity",
    "WebhookEventSubtype",
    "WelkinModel",
    "WorkDay",
    "WorkHours",
    "WorkHoursRule",
    "WorkHoursType",
]
