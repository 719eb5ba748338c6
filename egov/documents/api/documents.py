"""Documents: the list, one document (read, or a draft replaced), its files and signatures, work, queues, duplicates."""

from __future__ import annotations

from dataclasses import asdict

from django.db.models import prefetch_related_objects
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from egov.accounts.roles import Perm
from egov.core.api_utils import Page, PageParams, paginate_queryset
from egov.core.errors import NotFound, ValidationFailed
from egov.documents.api.common import (
    assignment_out,
    document_detail,
    document_out,
    document_reload,
    home_organisation,
    org_by_code,
    plain,
)
from egov.documents.api.outgoing import draft_values
from egov.documents.api.schemas import (
    DocumentDetailOut,
    DocumentOut,
    QueuesOut,
    SignatureReportOut,
    WorkItemOut,
)
from egov.documents.api.schemas_in import DocumentFilters, DraftUpdateIn, DuplicateParams, QueueParams
from egov.documents.models import AccessAction, Document, FileRole, IncomingState, OutgoingState
from egov.documents.permissions import require_at, require_documents_access
from egov.documents.selectors import documents as selectors
from egov.documents.services import common as services_common
from egov.documents.services.access import access_log
from egov.documents.services.incoming import duplicates_of
from egov.documents.services.outgoing import document_update_draft

# Tags per operation: the routers hung below this one keep their own tags.
router = Router()
TAGS = ["documents"]
STATES = frozenset(OutgoingState.values) | frozenset(IncomingState.values)


@router.get("", tags=TAGS, response=Page[DocumentOut], summary="List the documents the caller may see")
def list_documents(request, filters: Query[DocumentFilters], paging: Query[PageParams]):
    actor = request.actor
    require_documents_access(actor)
    if filters.state and filters.state not in STATES:
        raise ValidationFailed({"state": [_("Trạng thái “%(v)s” không hợp lệ.") % {"v": filters.state}]})
    qs = selectors.documents_list(
        actor,
        direction=plain(filters.direction),
        states=(filters.state,) if filters.state else (),
        organisation=org_by_code(filters.organisation, "organisation"),
        year=filters.year,
    )
    items, meta = paginate_queryset(qs, paging)
    return {**meta, "items": [document_out(d) for d in items]}


@router.get("/work", tags=TAGS, response=list[WorkItemOut], summary="My work: open assignments, overdue first")
def my_work(request):
    actor = request.actor
    require_documents_access(actor)
    return [
        {
            "assignment": assignment_out(item.assignment),
            "document": document_out(item.assignment.document),
            "overdue": item.overdue,
            "due_soon": item.due_soon,
        }
        for item in _with_organisations(selectors.my_work(actor))
    ]


def _with_organisations(items):
    # my_work joins the document but not its organisation, which every line shows.
    prefetch_related_objects([i.assignment.document for i in items], "organisation")
    prefetch_related_objects([i.assignment for i in items], "completed_by")
    return items


@router.get("/queues", tags=TAGS, response=QueuesOut, summary="Waiting for the caller: register, issue, assign, review")
def queues(request, params: Query[QueueParams]):
    actor = request.actor
    require_documents_access(actor)

    def queue(qs) -> dict:
        return {
            "count": qs.count(),
            "items": [document_out(d) for d in qs.select_related("organisation")[: params.limit]],
        }

    return {
        "to_register": queue(selectors.to_register(actor)),
        "to_issue": queue(selectors.to_issue(actor)),
        "to_assign": queue(selectors.to_assign(actor)),
        "to_review": queue(selectors.to_review(actor)),
    }


@router.get(
    "/duplicates", tags=TAGS, response=list[DocumentOut], summary="Registered incoming documents this one may repeat"
)
def duplicates(request, params: Query[DuplicateParams]):
    actor = request.actor
    organisation = home_organisation(actor, params.organisation)
    require_at(
        actor,
        Perm.DOCS_REGISTER,
        organisation,
        _("Chỉ văn thư của %(org)s được vào sổ văn bản đến.") % {"org": organisation.name},
    )
    # Only what the caller may see: a secret document is never listed for someone without a grant.
    found = duplicates_of(
        organisation=organisation,
        actor=actor,
        number_symbol=params.number_symbol.strip(),
        issuer_name=params.issuer_name.strip(),
        issuer_code=params.issuer_code.strip(),
    )
    return [document_out(d) for d in found]


@router.get("/{int:id}", tags=TAGS, response=DocumentDetailOut, summary="One document with its whole record")
def get_document(request, id: int):
    actor = request.actor
    document = selectors.document_get(actor, id)
    access_log(actor=actor, document=document, action=AccessAction.VIEW)
    return document_detail(document)


# In this router rather than the outgoing one: one path is one Django URL, so GET and PUT must share a router.
@router.put(
    "/{int:id}",
    tags=["documents: outgoing"],
    response=DocumentDetailOut,
    summary="Replace the metadata and recipients of a draft",
)
def update_draft(request, id: int, payload: DraftUpdateIn):
    actor = request.actor
    document = selectors.document_get(actor, id)
    document_update_draft(actor=actor, document=document, values=draft_values(payload.dict()))
    return document_detail(document_reload(id))


@router.get(
    "/{int:id}/files/{int:file_id}",
    tags=TAGS,
    response={200: None},
    url_name="document_file",
    summary="Download one file of the document (recorded in its access history)",
    openapi_extra={"responses": {200: {"description": "The file", "content": {"application/pdf": {}}}}},
)
def download_file(request, id: int, file_id: int):
    actor = request.actor
    document = selectors.document_get(actor, id)
    row = document.files.filter(pk=file_id).first()
    if row is None:
        raise NotFound(_("Không tìm thấy tệp văn bản."))
    try:
        handle = row.file.open("rb")
    except OSError:
        raise NotFound(_("Không tìm thấy tệp văn bản.")) from None
    access_log(actor=actor, document=document, action=AccessAction.DOWNLOAD, file=row)
    return FileResponse(handle, as_attachment=True, filename=row.original_name, content_type=row.content_type)


@router.get(
    "/{int:id}/signatures",
    tags=TAGS,
    response=SignatureReportOut,
    summary="Validation of the signatures in the current main file",
)
def signatures(request, id: int):
    from egov.documents.signing.validate import validate_pdf

    document: Document = selectors.document_get(request.actor, id)
    main = services_common.current_files(document, FileRole.MAIN)
    if not main:
        return {"file": None, "error": "", "signed": False, "all_valid": False, "signatures": []}
    try:
        data = services_common.read_file(main[0])
    except OSError:
        raise NotFound(_("Không tìm thấy tệp văn bản.")) from None
    report = validate_pdf(data)
    return {
        "file": main[0].pk,
        "error": report.error,
        "signed": report.signed,
        "all_valid": report.all_valid,
        "signatures": [asdict(s) for s in report.signatures],
    }
