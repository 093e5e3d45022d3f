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
from welkin_async.models._generated.application_access_write import (
    ApplicationAccessWrite,
    InstanceAccessWrite,
)
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
from welkin_async.models._generated.dictionary_definition import (
    DictionaryDefinition,
    DictionaryField,
)
from welkin_async.models._generated.dictionary_record import DictionaryRecord
from welkin_async.models._generated.dictionary_record_write import DictionaryRecordWrite
from welkin_async.models._generated.dictionary_records import DictionaryRecords
from welkin_async.models._generated.dictionary_records_write import DictionaryRecordsWrite
from welkin_async.models._generated.document_file import DocumentFile
from welkin_async.models._generated.document_summary import DocumentSummary
from welkin_async.models._generated.document_summary_create import DocumentSummaryCreate
from welkin_async.models._generated.email import (
    Email,
    EmailAttachment,
    EmailStatus,
    MessageDirection,
)
from welkin_async.models._generated.email_send import EmailSend
from welkin_async.models._generated.email_update import EmailUpdate, EmailUpdateFields
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
from welkin_async.models._generated.encounter_comment import EncounterComment
from welkin_async.models._generated.encounter_comment_write import EncounterCommentWrite
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
from welkin_async.models._generated.goal import Goal, GoalPriority, GoalStatus
from welkin_async.models._generated.goal_comment import GoalComment
from welkin_async.models._generated.goal_comment_create import GoalCommentCreate
from welkin_async.models._generated.goal_create import GoalCreate
from welkin_async.models._generated.goal_details import GoalDetails
from welkin_async.models._generated.goal_template import (
    GoalTaskSubject,
    GoalTaskTemplate,
    GoalTemplate,
)
from welkin_async.models._generated.goal_update import GoalUpdate, GoalUpdateFields
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
from welkin_async.models._generated.security_audit import SecurityAudit
from welkin_async.models._generated.sms_message import SmsMessage, SmsStatus
from welkin_async.models._generated.sms_send import SmsSend
from welkin_async.models._generated.sms_update import SmsUpdate, SmsUpdateFields
from welkin_async.models._generated.spring_page import Pageable, Sort, SpringPage
from welkin_async.models._generated.task import (
    Task,
    TaskComment,
    TaskPerson,
    TaskPriority,
    TaskStatus,
)
from welkin_async.models._generated.task_comment_create import TaskCommentCreate
from welkin_async.models._generated.task_create import TaskCreate, TaskCreateFields
from welkin_async.models._generated.task_ref import TaskRef
from welkin_async.models._generated.task_status_update import TaskStatusUpdate
from welkin_async.models._generated.task_update import TaskUpdate, TaskUpdateFields
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
from welkin_async.models._generated.user_permissions import (
    PermissionType,
    UserPermission,
    UserPermissions,
)
from welkin_async.models._generated.user_permissions_write import (
    UserPermissionsWrite,
    UserPermissionWrite,
)
from welkin_async.models._generated.user_schedule import ScheduleEvent, UserSchedule
from welkin_async.models._generated.user_territories import UserTerritories
from welkin_async.models._generated.user_territories_write import (
    UserTerritoriesWrite,
    UserTerritoryWrite,
)
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
    "ApplicationAccessWrite",
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
    "DictionaryDefinition",
    "DictionaryField",
    "DictionaryRecord",
    "DictionaryRecordWrite",
    "DictionaryRecords",
    "DictionaryRecordsWrite",
    "DocumentFile",
    "DocumentSummary",
    "DocumentSummaryCreate",
    "Email",
    "EmailAttachment",
    "EmailSend",
    "EmailStatus",
    "EmailUpdate",
    "EmailUpdateFields",
    "Encounter",
    "EncounterAssessment",
    "EncounterAssessmentCreate",
    "EncounterAssessmentCreateFields",
    "EncounterAssessmentUpdate",
    "EncounterAssessmentUpdateFields",
    "EncounterComment",
    "EncounterCommentWrite",
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
    "Goal",
    "GoalComment",
    "GoalCommentCreate",
    "GoalCreate",
    "GoalDetails",
    "GoalPriority",
    "GoalStatus",
    "GoalTaskSubject",
    "GoalTaskTemplate",
    "GoalTemplate",
    "GoalUpdate",
    "GoalUpdateFields",
    "InstanceAccess",
    "InstanceAccessWrite",
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
    "PermissionType",
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
    "SecurityAudit",
    "SmsMessage",
    "SmsSend",
    "SmsStatus",
    "SmsUpdate",
    "SmsUpdateFields",
    "Sort",
    "SpringPage",
    "Task",
    "TaskComment",
    "TaskCommentCreate",
    "TaskCreate",
    "TaskCreateFields",
    "TaskPerson",
    "TaskPriority",
    "TaskRef",
    "TaskStatus",
    "TaskStatusUpdate",
    "TaskUpdate",
    "TaskUpdateFields",
    "TerritoryAssignment",
    "TokenMeta",
    "TokenPage",
    "User",
    "UserCreate",
    "UserCreateFields",
    "UserPermission",
    "UserPermissionWrite",
    "UserPermissions",
    "UserPermissionsWrite",
    "UserPolicy",
    "UserRole",
    "UserSchedule",
    "UserTerritories",
    "UserTerritoriesWrite",
    "UserTerritory",
    "UserTerritoryWrite",
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
