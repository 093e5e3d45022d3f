"""The API's resources, each a thin typed view over :class:`~welkin_async.WelkinClient`.

One module per resource: it builds the request (method, path template, body), sends it through
the client, and structures the answer into models.
"""

from welkin_async.resources.assessments import AssessmentRecords, question_keys
from welkin_async.resources.audits import Audits
from welkin_async.resources.calendar import Calendar, CalendarEvents
from welkin_async.resources.care_plans import CarePlan, Goals
from welkin_async.resources.cdts import CdtRecords
from welkin_async.resources.dictionaries import Dictionaries
from welkin_async.resources.documents import (
    Documents,
    DocumentSummaryRecord,
    DownloadedFile,
    FileDownload,
)
from welkin_async.resources.encounters import (
    DispositionRecord,
    EncounterAssessmentRecord,
    EncounterAssessments,
    EncounterComments,
    EncounterRecord,
    Encounters,
)
from welkin_async.resources.exports import Exports
from welkin_async.resources.formations import DraftFormations, Formations
from welkin_async.resources.messages import (
    Chat,
    Emails,
    Sms,
    Unrecognized,
    UnrecognizedEmails,
    UnrecognizedSms,
)
from welkin_async.resources.patients import ExternalIdKind, Patients
from welkin_async.resources.programs import Programs
from welkin_async.resources.tasks import Tasks
from welkin_async.resources.users import Users
from welkin_async.resources.webhooks import Webhooks, WebhookSource

__all__ = [
    "AssessmentRecords",
    "Audits",
    "Calendar",
    "CalendarEvents",
    "CarePlan",
    "CdtRecords",
    "Chat",
    "Dictionaries",
    "DispositionRecord",
    "DocumentSummaryRecord",
    "Documents",
    "DownloadedFile",
    "DraftFormations",
    "Emails",
    "EncounterAssessmentRecord",
    "EncounterAssessments",
    "EncounterComments",
    "EncounterRecord",
    "Encounters",
    "Exports",
    "ExternalIdKind",
    "FileDownload",
    "Formations",
    "Goals",
    "Patients",
    "Programs",
    "Sms",
    "Tasks",
    "Unrecognized",
    "UnrecognizedEmails",
    "UnrecognizedSms",
    "Users",
    "WebhookSource",
    "Webhooks",
    "question_keys",
]
