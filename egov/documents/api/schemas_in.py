"""Input schemas of the documents API.

Input field names are the service's keys, so that a 422 from a service names the field the client sent
("number_symbol", "lead", "cooperate.1", "recipients.0"…). Organisations are given by identifier code and people
by username; the routers turn them into the ids the services take.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from egov.documents.models import Direction, FileRole, Secrecy, SignerPrefix, Urgency


class DocumentFilters(Schema):
    direction: Direction | None = None
    state: str | None = Field(None, description="A state code of the direction (draft, issued, registered…)")
    year: int | None = Field(None, ge=1900, le=2999, description="Year of the number or of the incoming number")
    organisation: str | None = Field(None, description="Code of the organisation whose register holds it")


class QueueParams(Schema):
    limit: int = Field(20, ge=0, le=100, description="Items listed per queue (the count is always complete)")


class DuplicateParams(Schema):
    organisation: str | None = Field(None, description="Code of the receiving organisation (default: the key's)")
    number_symbol: str = Field("", description="e.g. 125/UBND-VP")
    issuer_name: str = ""
    issuer_code: str = ""


class RecipientIn(Schema):
    code: str = Field(description="Identifier code of a unit or agency (on this platform or outside it)")
    name: str = Field("", description="Name of an agency outside the platform (required for those)")


class _DraftFields(Schema):
    type_code: str = Field(description="Type code from the table of document types, e.g. quyet_dinh, cong_van")
    subject: str = Field(description="Trích yếu nội dung (at most 500 characters)")
    signer: str = Field(description="Username of the leader who will sign")
    drafting_unit: str | None = Field(None, description="Code of the drafting unit (within the organisation)")
    recipients: list[RecipientIn] = []
    urgency: Urgency = Urgency.NORMAL
    secrecy: Secrecy = Secrecy.NONE
    legal_normative: bool = False
    signer_prefix: SignerPrefix = SignerPrefix.NONE
    signer_position: str = ""
    signer_name: str = ""
    page_count: int | None = None
    copies: int | None = None
    language: str = ""
    description: str = ""
    handling_due_on: dt.date | None = None
    place: str = ""


class DraftIn(_DraftFields):
    organisation: str | None = Field(None, description="Code of the issuing organisation (default: the key's)")


class DraftUpdateIn(_DraftFields):
    """The whole draft again: recipients not listed are removed."""


class VersionIn(Schema):
    role: FileRole = FileRole.MAIN
    position: int = Field(0, ge=0, le=99, description="Order among the appendices")
    note: str = ""


class PaperIn(Schema):
    """A paper document registered from its scan (multipart form)."""

    organisation: str | None = Field(None, description="Code of the receiving organisation (default: the key's)")
    type_code: str
    number_symbol: str = Field("", description="Số, ký hiệu as printed, e.g. 2508/QĐ-UBND (empty for some công văn)")
    issued_on: dt.date
    issuer_name: str
    issuer_code: str = ""
    subject: str
    signer_prefix: SignerPrefix = SignerPrefix.NONE
    signer_position: str = ""
    signer_name: str = ""
    urgency: Urgency = Urgency.NORMAL
    secrecy: Secrecy = Secrecy.NONE
    legal_normative: bool = False
    page_count: int | None = None
    copies: int | None = None
    language: str = ""
    description: str = ""
    handling_due_on: dt.date | None = None
    place: str = ""
    received_on: dt.date | None = Field(None, description="Day it arrived (default: today)")
    grant_to: list[str] = Field([], description="Secret documents: usernames of the leaders it is handed to")
    allow_duplicate: bool = Field(False, description="Register even though a duplicate was reported (409)")


class RegisterIn(Schema):
    allow_duplicate: bool = False
    handling_due_on: dt.date | None = None


class NoteIn(Schema):
    note: str = ""


class DecisionIn(Schema):
    approve: bool = Field(True, description="false sends the draft back; then `note` gives the reason")
    note: str = ""


class CommentIn(Schema):
    text: str


class PinIn(Schema):
    pin: str = Field(description="PIN or passphrase of the signing key")


class ReasonIn(Schema):
    reason: str


class TargetIn(Schema):
    unit: str | None = Field(None, description="Code of a unit of the organisation")
    person: str | None = Field(None, description="Username of a person of the organisation")


class AssignIn(Schema):
    lead: TargetIn | None = Field(None, description="Chủ trì: one unit or person")
    cooperate: list[TargetIn] = Field([], description="Phối hợp")
    inform: list[TargetIn] = Field([], description="Để biết")
    due_on: dt.date | None = None
    due_in_days: int | None = Field(None, description="Working days from today, when due_on is not given")
    instructions: str = Field("", description="Ý kiến chỉ đạo")


class ForwardIn(Schema):
    to: TargetIn
    due_on: dt.date | None = None
    instructions: str = ""


class CompleteIn(Schema):
    result: str = ""


class UrgeIn(Schema):
    message: str = ""


class GrantIn(Schema):
    person: str = Field(description="Username of the person given access")
    reason: str
