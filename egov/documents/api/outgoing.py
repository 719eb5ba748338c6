"""Outgoing documents: /api/v1/documents/outgoing, the draft's versions and opinions, its way to issue, recall.

A draft is created from JSON (metadata and recipients); its PDF — the first version and every later one, main
file or appendix — is sent to /{id}/versions as a multipart form. Two plain requests keep the metadata typed in
the OpenAPI document and the file a real upload.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from egov.core.errors import ValidationFailed
from egov.documents.api.common import (
    comment_out,
    document_detail,
    document_reload,
    file_out,
    home_organisation,
    org_by_code,
    person_by_username,
    plain,
)
from egov.documents.api.schemas import CommentOut, DocumentDetailOut, FileOut
from egov.documents.api.schemas_in import (
    CommentIn,
    DecisionIn,
    DraftIn,
    NoteIn,
    PinIn,
    ReasonIn,
    VersionIn,
)
from egov.documents.selectors.documents import document_get
from egov.documents.services import issuing, outgoing

router = Router(tags=["documents: outgoing"])


def draft_values(data: dict) -> dict:
    """The service's values: ids for the signer and the drafting unit, {code, name} per recipient."""
    values = {name: plain(value) for name, value in data.items() if name != "organisation"}
    signer = person_by_username(values.get("signer"), "signer")
    values["signer"] = signer.pk if signer else None
    unit = org_by_code(values.get("drafting_unit"), "drafting_unit")
    values["drafting_unit"] = unit.pk if unit else None
    values["recipients"] = [{"code": r["code"], "name": r["name"]} for r in values.get("recipients") or []]
    return values


def _detail(pk: int) -> dict:
    return document_detail(document_reload(pk))


@router.post("/outgoing", response={201: DocumentDetailOut}, summary="Create a draft outgoing document")
def create_outgoing(request, payload: DraftIn):
    actor = request.actor
    organisation = home_organisation(actor, payload.organisation)
    document = outgoing.document_create_draft(
        actor=actor, organisation=organisation, values=draft_values(payload.dict())
    )
    return Status(201, _detail(document.pk))


@router.post(
    "/{int:id}/versions",
    response={201: FileOut},
    summary="Upload the draft's PDF: a new version of the main file or of an appendix (multipart form)",
)
def add_version(request, id: int, payload: Form[VersionIn], file: File[UploadedFile] = None):
    actor = request.actor
    document = document_get(actor, id)
    if file is None:
        raise ValidationFailed({"file": [_("Chọn tệp PDF.")]})
    row = outgoing.document_add_version(
        actor=actor,
        document=document,
        file=file,
        role=plain(payload.role),
        position=payload.position,
        note=payload.note.strip(),
    )
    return Status(201, file_out(row))


@router.post("/{int:id}/comments", response={201: CommentOut}, summary="Give an opinion (ý kiến) on the document")
def add_comment(request, id: int, payload: CommentIn):
    actor = request.actor
    document = document_get(actor, id)
    comment = outgoing.document_comment(actor=actor, document=document, text=payload.text)
    return Status(201, comment_out(comment))


@router.post("/{int:id}/submit", response=DocumentDetailOut, summary="Submit the draft for review or approval")
def submit(request, id: int, payload: NoteIn):
    actor = request.actor
    outgoing.document_submit(actor=actor, document=document_get(actor, id), note=payload.note)
    return _detail(id)


@router.post("/{int:id}/review", response=DocumentDetailOut, summary="Unit head: pass the draft on, or send it back")
def review(request, id: int, payload: DecisionIn):
    actor = request.actor
    document = document_get(actor, id)
    outgoing.document_review(actor=actor, document=document, approve=payload.approve, note=payload.note)
    return _detail(id)


@router.post("/{int:id}/approve", response=DocumentDetailOut, summary="Leader: approve for signature, or send back")
def approve(request, id: int, payload: DecisionIn):
    actor = request.actor
    document = document_get(actor, id)
    outgoing.document_approve(actor=actor, document=document, approve=payload.approve, note=payload.note)
    return _detail(id)


@router.post("/{int:id}/sign", response=DocumentDetailOut, summary="The designated signer signs the main file")
def sign(request, id: int, payload: PinIn):
    actor = request.actor
    issuing.document_sign(actor=actor, document=document_get(actor, id), pin=payload.pin)
    return _detail(id)


@router.post(
    "/{int:id}/issue",
    response=DocumentDetailOut,
    summary="Clerk: number, seal signature, outgoing register and dispatch, in one step",
)
def issue(request, id: int, payload: PinIn):
    actor = request.actor
    issuing.document_issue(actor=actor, document=document_get(actor, id), pin=payload.pin)
    return _detail(id)


@router.post("/{int:id}/recall", response=DocumentDetailOut, summary="Recall an issued document")
def recall(request, id: int, payload: ReasonIn):
    actor = request.actor
    issuing.document_recall(actor=actor, document=document_get(actor, id), reason=payload.reason)
    return _detail(id)
