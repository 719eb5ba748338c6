"""Output schemas of the documents API.

Organisations are named by their identifier code and people by their username, as in the rest of the API;
field names are the model's. States, urgency and secrecy are given by their codes (`draft`, `registered`,
`flash`, `secret`…); their Vietnamese labels are in the model's choices.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from egov.documents.models import (
    AssignmentRole,
    AssignmentState,
    Channel,
    DeliveryState,
    Direction,
    FileRole,
    FileStage,
    RecipientKind,
    Secrecy,
    SignerPrefix,
    Urgency,
)


class DocumentOut(Schema):
    id: int
    uid: str
    direction: Direction
    state: str = Field(description="Outgoing: draft … issued, recalled; incoming: arrived … completed, returned")
    channel: Channel
    organisation: str = Field(description="Code of the organisation whose register holds the document")
    organisation_name: str
    type_code: str
    type_name: str
    number_symbol: str = Field(description="Số, ký hiệu, e.g. 05/QĐ-UBND; empty before an outgoing is issued")
    number_text: str
    symbol: str
    issued_on: dt.date | None
    issuer_code: str
    issuer_name: str
    subject: str
    urgency: Urgency
    secrecy: Secrecy
    arrival_year: int | None = Field(description="Incoming: the year of the incoming number")
    arrival_number: int | None = Field(description="Incoming: số đến, continuous within the year")
    received_at: dt.datetime | None
    registered_at: dt.datetime | None
    handling_due_on: dt.date | None
    recalled_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class FileOut(Schema):
    id: int
    role: FileRole
    stage: FileStage
    version: int
    position: int
    is_current: bool
    name: str
    content_type: str
    size: int
    sha256: str
    page_count: int | None
    note: str
    created_by: str | None
    created_at: dt.datetime
    url: str = Field(description="Download address (the download is recorded in the access history)")


class RecipientOut(Schema):
    id: int
    kind: RecipientKind
    organisation: str = Field(description="Identifier code of the recipient (on this platform or outside)")
    organisation_name: str
    delivery_state: DeliveryState
    state_changed_at: dt.datetime | None
    note: str


class AssignmentOut(Schema):
    id: int
    document: int
    parent: int | None
    role: AssignmentRole
    unit: str | None
    unit_name: str | None
    person: str | None
    person_name: str | None
    due_on: dt.date | None
    instructions: str
    state: AssignmentState
    result: str
    assigned_by: str | None
    assigned_at: dt.datetime
    completed_by: str | None
    completed_at: dt.datetime | None


class CommentOut(Schema):
    id: int
    document: int
    author: str | None
    author_name: str | None
    text: str
    file: int | None = Field(description="The main file (version) the opinion was given on")
    created_at: dt.datetime


class FindingOut(Schema):
    code: str
    severity: str = Field(description="error, warning or info")
    message: str
    field: str | None


class EventOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    actor: str | None
    actor_label: str
    note: str
    data: dict[str, Any]


class DocumentDetailOut(DocumentOut):
    legal_normative: bool
    series: str
    year: int | None
    number: int | None
    place: str
    drafting_unit: str | None
    drafting_unit_name: str | None
    signer: str | None = Field(description="Username of the designated signer on this platform")
    signer_prefix: SignerPrefix
    signer_position: str
    signer_name: str
    page_count: int | None
    copies: int | None
    language: str
    description: str
    recall_reason: str
    source_uid: str | None
    created_by: str | None
    format_findings: list[FindingOut]
    format_checked_at: dt.datetime | None
    files: list[FileOut]
    recipients: list[RecipientOut]
    assignments: list[AssignmentOut]
    comments: list[CommentOut]
    timeline: list[EventOut]


class SignatureOut(Schema):
    field_name: str
    intact: bool
    trusted: bool
    trust_problem: str
    signer_common_name: str
    signer_organisation: str
    signer_organisation_code: str
    is_organisation: bool
    signed_at: dt.datetime | None
    timestamped: bool
    covers_whole_file: bool
    modification_level: str
    certificate_not_after: dt.datetime | None


class SignatureReportOut(Schema):
    file: int | None = Field(description="The current main file that was validated; null when there is none")
    error: str = Field(description="Why the file could not be read at all; empty when it was read")
    signed: bool
    all_valid: bool
    signatures: list[SignatureOut]


class WorkItemOut(Schema):
    assignment: AssignmentOut
    document: DocumentOut
    overdue: bool
    due_soon: bool


class QueueOut(Schema):
    count: int
    items: list[DocumentOut]


class QueuesOut(Schema):
    to_register: QueueOut
    to_issue: QueueOut
    to_assign: QueueOut
    to_review: QueueOut


class UrgeOut(Schema):
    document: int
    notified: int = Field(description="How many people were sent the notice")


class GrantOut(Schema):
    id: int
    document: int
    person: str
    person_name: str
    reason: str
    granted_by: str | None
    granted_at: dt.datetime
    revoked_by: str | None
    revoked_at: dt.datetime | None
    confirmed_by: str | None
    confirmed_at: dt.datetime | None
