"""Incoming documents: /api/v1/documents/incoming (a paper document and its scan), registering, returning."""

from __future__ import annotations

from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from egov.documents.api.common import document_detail, document_reload, home_organisation, person_by_username, plain
from egov.documents.api.schemas import DocumentDetailOut
from egov.documents.api.schemas_in import PaperIn, ReasonIn, RegisterIn
from egov.documents.selectors.documents import document_get
from egov.documents.services import incoming

router = Router(tags=["documents: incoming"])


@router.post(
    "/incoming",
    response={201: DocumentDetailOut},
    summary="Register a paper document in the incoming register (multipart form with its scan)",
)
def register_paper(
    request,
    payload: Form[PaperIn],
    main_file: File[UploadedFile] = None,
    appendices: File[list[UploadedFile]] = None,
):
    actor = request.actor
    data = payload.dict()
    organisation = home_organisation(actor, data.pop("organisation"))
    allow_duplicate = data.pop("allow_duplicate")
    data["grant_to"] = [person_by_username(name, "grant_to").pk for name in data["grant_to"] if name.strip()]
    document = incoming.document_register_paper(
        actor=actor,
        organisation=organisation,
        values={name: plain(value) for name, value in data.items()},
        main_file=main_file,
        appendices=appendices or (),
        allow_duplicate=allow_duplicate,
    )
    # Built from the new row: a key allowed to register need not be allowed to read the register.
    return Status(201, document_detail(document_reload(document.pk)))


@router.post(
    "/{int:id}/register",
    response=DocumentDetailOut,
    summary="Register an electronic arrival: the next incoming number (409 with field number_symbol on a duplicate)",
)
def register(request, id: int, payload: RegisterIn):
    actor = request.actor
    document = document_get(actor, id)
    values = {"handling_due_on": payload.handling_due_on} if payload.handling_due_on else None
    incoming.document_register(actor=actor, document=document, allow_duplicate=payload.allow_duplicate, values=values)
    return document_detail(document_reload(id))


@router.post("/{int:id}/return", response=DocumentDetailOut, summary="Return a misaddressed or invalid arrival")
def return_document(request, id: int, payload: ReasonIn):
    actor = request.actor
    incoming.document_return(actor=actor, document=document_get(actor, id), reason=payload.reason)
    return document_detail(document_reload(id))
