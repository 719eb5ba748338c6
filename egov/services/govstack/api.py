"""The GovStack Registration BB API: its own NinjaAPI at /api/govstack/registration/, with its own OpenAPI document.

Thin: each endpoint parses, calls one selector or service, and maps the result (mapping.py). Errors take the
spec's systemError shape (with our `field` and `errors` added): 400 bad input, 401 not signed in, 403 not allowed,
404 not found or not visible, 409 not possible in the dossier's state.
"""

from __future__ import annotations

import logging
import re
import uuid

from django.db.models import F
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from egov.accounts.api_auth import ApiKeyAuth, SessionAuth
from egov.core.errors import DomainError, NotFound, ValidationFailed
from egov.services import permissions, selectors
from egov.services.catalogue.selectors import catalogue_search, procedure_in_force
from egov.services.govstack import applications, documents, mapping, statistics, tasks
from egov.services.govstack import schemas as s
from egov.services.models import DossierFile, ProcedureVersion, VersionState

logger = logging.getLogger(__name__)
CLIENT = "Information-Mediator-Client"
_CLIENT_FORMAT = re.compile(r"^[^/\s]+/[^/\s]+/[^/\s]+/[^/\s]+$")
DEFAULT_PAGE = 50


def _anonymous(request):
    """Open endpoints still read an API key or the session when one is sent (statistics filters need it)."""
    return True


AUTH = [ApiKeyAuth(), SessionAuth()]
OPEN = [ApiKeyAuth(), SessionAuth(), _anonymous]

api = NinjaAPI(
    title="GovStack Registration Building Block API (egov)",
    version="0.1.1",
    description="The GovStack Registration BB API (0.1.1, with the statistics API 1.0.0) over egov's procedures "
    "and dossiers. Mapping and deviations: docs/services-govstack.md. Authenticate with the browser session (and "
    "its CSRF token) or an API key (`Authorization: Bearer <key>`).",
    urls_namespace="govstack-registration",
    auth=AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
)

ERRORS = {400: s.SystemError, 401: s.SystemError, 403: s.SystemError, 404: s.SystemError, 409: s.SystemError}
OUT = {"exclude_none": True, "by_alias": True}


def _error(request, status: int, code: str, message: str, field=None, errors=None):
    body = {
        "traceId": getattr(request, "request_id", None) or uuid.uuid4().hex,
        "code": code,
        "message": message,
        "localizedMessage": message,
        "field": field,
        "errors": errors,
    }
    return api.create_response(request, {k: v for k, v in body.items() if v is not None}, status=status)


_WRAPPERS = {"body", "query", "path", "header", "form", "payload", "filters", "paging"}


def _field_name(loc) -> str | None:
    return ".".join(str(p) for p in loc if p not in _WRAPPERS) or None


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    errors = [{"field": _field_name(e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors]
    first = errors[0] if errors else {"field": None, "message": "invalid input"}
    return _error(request, 400, "validation_error", first["message"], first["field"], errors)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    # Bad input is the spec's 400 (not our /api/v1's 422).
    status = 400 if isinstance(exc, ValidationFailed) else exc.status
    errors = exc.as_dict().get("errors")
    return _error(request, status, exc.code, exc.message, exc.field, errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, 401, "not_authenticated", _("Hãy đăng nhập hoặc gửi khóa API."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("Không tìm thấy."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Exception)
def on_server_error(request, exc):
    logger.exception("GovStack API error")
    return _error(request, 500, "server_error", _("Lỗi hệ thống, hãy liên hệ quản trị."))


def _client(value: str) -> None:
    if not _CLIENT_FORMAT.match(value or ""):
        raise ValidationFailed({CLIENT: [_("Định dạng: INSTANCE/CLASS/MEMBER/SUBSYSTEM.")]})


def _window(items, paging: s.Paging):
    first = paging.firstResult or 0
    return items[first : first + (paging.maxResult or DEFAULT_PAGE)]


def _order(paging: s.Paging, keys: dict):
    if (paging.sortBy is None) != (paging.sortOrder is None):
        field = "sortOrder" if paging.sortOrder is None else "sortBy"
        raise ValidationFailed({field: [_("sortBy và sortOrder phải đi cùng nhau.")]})
    if paging.sortBy is None:
        return None
    if paging.sortBy not in keys:
        raise ValidationFailed({"sortBy": [_("Chỉ sắp xếp theo: %(k)s.") % {"k": ", ".join(keys)}]})
    return keys[paging.sortBy]


# --- Available Services ----------------------------------------------------------------------------------------
def _catalogue_rows(versions) -> list[ProcedureVersion]:
    rows = versions.select_related("procedure__field").prefetch_related("required_documents", "fees")
    latest: dict[str, ProcedureVersion] = {}
    for version in rows:  # two versions in force at once: the later one stands, as procedure_in_force says
        held = latest.get(version.procedure.code)
        if held is None or version.effective_from > held.effective_from:
            latest[version.procedure.code] = version
    return [latest[code] for code in sorted(latest)]


@api.get("/services", response={200: list[s.Service], **ERRORS}, auth=None, tags=["Available Services"], **OUT)
def get_service_list(request, name: str | None = None):
    """Procedures in force; `name` matches every word, with or without diacritics."""
    return [mapping.service_out(v) for v in _catalogue_rows(catalogue_search(q=name or ""))]


@api.get("/services/{serviceId}", response={200: s.Service, **ERRORS}, auth=None, tags=["Available Services"], **OUT)
def get_service(request, serviceId: str):
    return mapping.service_out(procedure_in_force(code=serviceId))


def _is_latest(version: ProcedureVersion) -> bool:
    return not ProcedureVersion.objects.filter(
        procedure_id=version.procedure_id, state=VersionState.PUBLISHED, number__gt=version.number
    ).exists()


@api.get(
    "/services/{serviceId}/eForms",
    response={200: list[s.EFormListItem], **ERRORS},
    auth=None,
    tags=["Available Services"],
    **OUT,
)
def get_service_eforms(request, serviceId: str):
    version = procedure_in_force(code=serviceId)
    return [mapping.eform_out(version, latest=_is_latest(version), with_schema=False)]


@api.get("/eForms/{eFormId}", response={200: s.EForm, **ERRORS}, auth=None, tags=["Available Services"], **OUT)
def get_eform(request, eFormId: str):
    parsed = mapping.parse_eform_id(eFormId)
    version = (
        ProcedureVersion.objects.select_related("procedure")
        .filter(procedure__code=parsed[0], number=parsed[1], state=VersionState.PUBLISHED)
        .first()
        if parsed is not None
        else None
    )
    if version is None:
        raise NotFound(_("Không tìm thấy biểu mẫu “%(id)s”.") % {"id": eFormId})
    return mapping.eform_out(version, latest=_is_latest(version), with_schema=True)


# --- Applicant --------------------------------------------------------------------------------------------------
def _application(request, dossier) -> dict:
    fresh = (
        selectors.dossiers_visible(request.actor)
        .prefetch_related("files")
        .select_related("version__procedure", "applicant")
    )
    dossier = fresh.get(pk=dossier.pk)
    return mapping.application_out(dossier, owner=permissions.is_owner(request.actor, dossier))


@api.post(
    "/services/{serviceId}/applications", response={200: s.ApplicationFileResponse, **ERRORS}, tags=["Applicant"], **OUT
)
def submit_application(
    request,
    serviceId: str,
    payload: s.ApplicationFileSubmit,
    client: str = Header(..., alias=CLIENT),
):
    """An applicant (session) submits for themselves; papers are the urls POST /documents returned."""
    _client(client)
    version = procedure_in_force(code=serviceId)
    dossier = applications.application_submit(
        actor=request.actor,
        version=version,
        payload=payload,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return _application(request, dossier)


@api.post("/documents", response={200: s.UploadResponse, **ERRORS}, tags=["Applicant", "Operator"], **OUT)
def upload_file(request, additionalMetadata: str | None = None):
    """One paper per call (multipart `file`: a file part or its base64 text); `additionalMetadata` is JSON
    `{"serviceId": "<procedure code>", "documentType": "<paper key, or result>"}`."""
    service_id, requirement = documents.parse_metadata(additionalMetadata)
    parts = request.FILES.getlist("file")
    texts = request.POST.getlist("file")
    if len(parts) + len(texts) != 1:
        raise ValidationFailed({"file": [_("Gửi đúng một tệp trong trường “file”.")]})
    if parts:
        if parts[0].size > documents.MAX_BYTES:
            raise ValidationFailed({"file": [_("Tệp quá lớn.")]})
        name, data = parts[0].name, parts[0].read()
    else:
        name, data = requirement, documents.decode_base64(texts[0])
    stored = documents.document_upload(
        actor=request.actor, service_id=service_id, requirement=requirement, name=name, data=data
    )
    return {
        "code": 200,
        "type": stored.upload.content_type,
        "message": _("Đã tải lên “%(name)s” (%(size)d byte).") % {"name": stored.upload.name, "size": len(data)},
        "url": stored.url,
    }


@api.get("/documents/{documentId}", tags=["Applicant", "Operator"], response={200: None, **ERRORS})
def download_file(request, documentId: str):
    """egov extension: the uploader reads back a document they uploaded and have not used yet."""
    try:
        stored = documents.document_get(actor=request.actor, ref=documentId, field="documentId")
    except ValidationFailed as exc:
        raise NotFound(exc.message) from None
    response = HttpResponse(stored.upload.data, content_type=stored.upload.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


APPLICATION_SORT = {
    "id": "code",
    "instanceId": "code",
    "caseInstanceId": "code",
    "executionId": "code",
    "caseExecutionId": "code",
    "created": "submitted_at",
    "dueDate": "due_at",
    "priority": "due_at",
    "name": "version__name",
    "nameCaseInsensitive": "version__name",
    "description": "code",
}


@api.get("/applications", response={200: list[s.ApplicationListItem], **ERRORS}, tags=["Applicant", "Operator"], **OUT)
def get_applicant_file_list(request, filters: Query[s.ApplicationFilters], client: str = Header(..., alias=CLIENT)):
    """The caller's own application files (applicant) or those of the agencies where they work (officer)."""
    _client(client)
    actor = request.actor
    rows = tasks.with_tasks(selectors.dossiers_visible(actor)).prefetch_related("files")
    if filters.serviceId:
        rows = rows.filter(version__procedure__code=filters.serviceId)
    if filters.applicantId:
        rows = rows.filter(applicant__username=filters.applicantId)
    key = _order(filters, APPLICATION_SORT)
    if key is None:
        rows = rows.order_by("-submitted_at", "-pk")
    elif filters.sortOrder == "asc":
        rows = rows.order_by(F(key).asc(nulls_last=True), "pk")
    else:
        rows = rows.order_by(F(key).desc(nulls_last=True), "-pk")
    return [
        mapping.application_list_item(d, owner=permissions.is_owner(actor, d), task=tasks.task_of(d))
        for d in _window(rows, filters)
    ]


def _visible_file(request, file_id: str):
    dossier = (
        selectors.dossiers_visible(request.actor)
        .select_related("agency", "version__procedure", "applicant")
        .filter(code=file_id)
        .first()
    )
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ “%(code)s”.") % {"code": file_id})
    return dossier


@api.get(
    "/applications/{fileId}", response={200: s.ApplicationFileResponse, **ERRORS}, tags=["Applicant", "Operator"], **OUT
)
def get_application_file(request, fileId: str, client: str = Header(..., alias=CLIENT)):
    _client(client)
    return _application(request, _visible_file(request, fileId))


@api.put("/applications/{fileId}", response={200: s.ApplicationFileResponse, **ERRORS}, tags=["Operator"], **OUT)
def update_application_file(
    request,
    fileId: str,
    payload: s.ApplicationFileSubmit,
    client: str = Header(..., alias=CLIENT),
):
    """A supplement (bổ sung hồ sơ) while the dossier awaits one: the applicant, or the agency's one-stop officer."""
    _client(client)
    dossier = _visible_file(request, fileId)
    dossier = applications.application_supplement(actor=request.actor, dossier=dossier, payload=payload)
    return _application(request, dossier)


# --- tasks -----------------------------------------------------------------------------------------------------
def _task_out(task: tasks.Task) -> dict:
    dossier = task.dossier
    return mapping.compact(
        {
            "taskId": task.id,
            "mainTaskId": dossier.code,
            "name": task.name,
            "assigneeId": task.assignee.username if task.assignee is not None else None,
            "roleId": task.role or None,
            "created": mapping.moment(task.created),
            "description": mapping.step_kind_label(task.kind),
            "serviceId": dossier.version.procedure.code,
            "serviceName": dossier.version.name,
            "fileId": dossier.code,
            "eFormId": mapping.eform_id(dossier.version),
            "status": mapping.status_out(dossier.state),
        }
    )


def _never(value):
    return (value is None, value or "")


TASK_SORT = {
    "id": lambda t: t.id,
    "instanceId": lambda t: t.dossier.code,
    "caseInstanceId": lambda t: t.dossier.code,
    "created": lambda t: t.created,
    "dueDate": lambda t: (t.due is None, t.due or t.created),
    "priority": lambda t: (t.due is None, t.due or t.created),
    "name": lambda t: t.name,
    "nameCaseInsensitive": lambda t: t.name.casefold(),
    "assignee": lambda t: _never(t.assignee.username if t.assignee is not None else None),
    "description": lambda t: t.kind,
}


@api.get("/tasks", response={200: list[s.UserTaskResponse], **ERRORS}, tags=["Operator", "Applicant"], **OUT)
def get_tasks(request, filters: Query[s.TaskFilters]):
    """The open tasks the caller may complete (officers); applicants hold none."""
    code = filters.mainTaskId or filters.fileId
    if filters.mainTaskId and filters.fileId and filters.mainTaskId != filters.fileId:
        return []
    held = tasks.tasks_held(request.actor, dossier_code=code, assignee=filters.assigneeId)
    key = _order(filters, TASK_SORT)
    if key is None:
        held.sort(key=lambda t: (t.created, t.id))
    else:
        held.sort(key=key, reverse=filters.sortOrder == "desc")
    return [_task_out(t) for t in _window(held, filters)]


@api.get("/tasks/{taskId}", response={200: s.DataUserTaskResponse, **ERRORS}, tags=["Operator", "Applicant"], **OUT)
def get_task_by_id(request, taskId: str):
    task = tasks.task_get(request.actor, taskId)
    dossier = task.dossier
    out = _task_out(task)
    out.pop("mainTaskId")
    out["taskName"] = out.pop("name")
    out["formVariables"] = mapping.variables(dossier.form_data)
    out["data"] = mapping.variables(
        mapping.compact(
            {
                "action": tasks.action_for(task),
                "kind": task.kind,
                "position": task.step.position if task.step is not None else None,
                "dueAt": mapping.moment(task.due).isoformat() if task.due else None,
                "dossierDueAt": mapping.moment(dossier.due_at).isoformat() if dossier.due_at else None,
                "agencyCode": dossier.agency.code,
                "applicantName": dossier.applicant_name,
                "papers": dossier.files.filter(kind=DossierFile.Kind.SUBMITTED).count(),
            }
        )
    )
    return out


_TASK_FIELDS = {"assignee": "data.assignee", "note": "data.note", "result": "data.result"}


@api.post(
    "/tasks/{taskId}/complete",
    response={200: s.CompletedTaskResponse, **ERRORS},
    tags=["Operator", "Applicant"],
    **OUT,
)
def complete_task_by_id(request, taskId: str, payload: s.AdditionalData):
    """Finish the step: accept (intake), hand over, resolve or return, as the step's place on the route says.

    Variables (`data`, each `{"value": …}`): `assignee` (username, for accept and hand-over), `note`, and `result`
    (a url from POST /documents with documentType `result`, for resolve)."""
    try:
        task, action, dossier = tasks.task_complete(actor=request.actor, task_id=taskId, data=payload.data or {})
    except ValidationFailed as exc:
        raise ValidationFailed({_TASK_FIELDS.get(k, k): v for k, v in exc.errors.items()}) from None
    following = tasks.next_task(dossier)
    return {
        "taskId": task.id,
        "fileId": dossier.code,
        "serviceId": dossier.version.procedure.code,
        "status": mapping.status_out(dossier.state),
        "variables": {
            "result": {
                "data": mapping.variables(
                    mapping.compact(
                        {
                            "action": action,
                            "state": dossier.state,
                            "nextTaskId": following.id if following is not None else None,
                        }
                    )
                )
            }
        },
    }


# --- statistics ------------------------------------------------------------------------------------------------
@api.get("/data/statistics", response={200: list[s.Statistics], **ERRORS}, auth=OPEN, tags=["Statistics API"], **OUT)
def get_statistics(request, filters: Query[s.StatisticsFilters], client: str = Header(..., alias=CLIENT)):
    """Open to anyone; filtering by `operator` or `role` needs the supervise permission (within its agencies)."""
    _client(client)
    return statistics.statistics(
        request.actor,
        statistics.Filters(
            start=filters.startDate,
            end=filters.endDate,
            registration=filters.registrationName or "",
            operator=(filters.operator or "").strip(),
            role=(filters.role or "").strip(),
            timeframe=filters.timeframe,
        ),
    )
