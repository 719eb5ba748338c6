"""Organisations API: /api/v1/organisations."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.core.api_utils import Page, PageParams, paginate_queryset
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.organisations import selectors, services
from egov.organisations.csvio import export_organisations, import_organisations
from egov.organisations.models import Level, Organisation

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    code: str
    code_style: str
    name: str
    short_name: str
    abbreviation: str
    level: Level
    parent_code: str | None
    depth: int
    address: str
    phone: str
    fax: str
    email: str
    website: str
    active_from: dt.date | None
    active_to: dt.date | None
    is_active: bool


class OrganisationIn(Schema):
    code: str
    name: str
    level: Level
    parent_code: str | None = None
    short_name: str = ""
    abbreviation: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    website: str = ""
    active_from: dt.date | None = None
    active_to: dt.date | None = None


class OrganisationPatch(Schema):
    code: str | None = None
    name: str | None = None
    level: Level | None = None
    parent_code: str | None = None
    short_name: str | None = None
    abbreviation: str | None = None
    address: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    website: str | None = None
    active_from: dt.date | None = None
    active_to: dt.date | None = None


class ImportLineError(Schema):
    line: int
    field: str | None
    message: str


class ImportReportOut(Schema):
    ok: bool
    created: int
    updated: int
    unchanged: int
    errors: list[ImportLineError]


class Filters(Schema):
    search: str = ""
    level: Level | None = None
    parent: str | None = None
    active: bool = False


def _out(orgs: list[Organisation]) -> list[dict]:
    parent_paths = {o.path[: -Organisation.steplen] for o in orgs if o.depth > 1}
    codes = dict(Organisation.objects.filter(path__in=parent_paths).values_list("path", "code")) if parent_paths else {}
    out = []
    for o in orgs:
        data = {f: getattr(o, f) for f in OrganisationOut.model_fields if f not in ("parent_code", "is_active", "id")}
        data.update(
            id=o.pk,
            parent_code=codes.get(o.path[: -Organisation.steplen]) if o.depth > 1 else None,
            is_active=o.is_active,
        )
        out.append(data)
    return out


def _parent(actor, code: str | None) -> Organisation | None:
    if not code:
        return None
    try:
        return selectors.organisation_get(actor=actor, code=code)
    except NotFound:
        raise ValidationFailed({"parent_code": [f"Unknown parent organisation {code}"]}) from None


@router.get("", response=Page[OrganisationOut], summary="List organisations the caller may see")
def list_organisations(request, filters: Query[Filters], paging: Query[PageParams]):
    actor = request.actor
    if not can(actor, Perm.ORG_VIEW):
        raise PermissionDenied("organisations.view required")
    parent = selectors.organisation_get(actor=actor, code=filters.parent) if filters.parent else None
    qs = selectors.organisation_list(
        actor=actor, search=filters.search, level=filters.level or "", parent=parent, active_only=filters.active
    )
    items, meta = paginate_queryset(qs, paging)
    return {**meta, "items": _out(items)}


@router.get("/export.csv", summary="Export the visible tree as CSV")
def export_csv(request):
    if not can(request.actor, Perm.ORG_VIEW):
        raise PermissionDenied("organisations.view required")
    return HttpResponse(export_organisations(actor=request.actor), content_type="text/csv; charset=utf-8")


@router.post(
    "/import", response={200: ImportReportOut, 422: ImportReportOut}, summary="Import a CSV file (all or nothing)"
)
def import_csv(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    if not can(request.actor, Perm.ORG_MANAGE):
        raise PermissionDenied("organisations.manage required")
    report = import_organisations(actor=request.actor, data=file.read(), dry_run=dry_run)
    return Status((200 if report.ok else 422), report.as_dict())


@router.get("/{code}", response=OrganisationOut)
def get_organisation(request, code: str):
    return _out([selectors.organisation_get(actor=request.actor, code=code)])[0]


@router.get("/{code}/children", response=list[OrganisationOut])
def get_children(request, code: str):
    parent = selectors.organisation_get(actor=request.actor, code=code)
    return _out(list(selectors.organisation_children(actor=request.actor, parent=parent)))


@router.post("", response={201: OrganisationOut})
def create_organisation(request, payload: OrganisationIn):
    data = payload.dict()
    parent = _parent(request.actor, data.pop("parent_code"))
    org = services.organisation_create(actor=request.actor, parent=parent, values=data)
    return Status(201, _out([org])[0])


@router.patch("/{code}", response=OrganisationOut)
def update_organisation(request, code: str, payload: OrganisationPatch):
    org = selectors.organisation_get(actor=request.actor, code=code)
    data = payload.dict(exclude_unset=True)
    kwargs = {}
    if "parent_code" in data:
        kwargs["parent"] = _parent(request.actor, data.pop("parent_code"))
    org = services.organisation_update(actor=request.actor, organisation=org, values=data, **kwargs)
    return _out([org])[0]


@router.delete("/{code}", response={204: None})
def delete_organisation(request, code: str):
    org = selectors.organisation_get(actor=request.actor, code=code)
    services.organisation_delete(actor=request.actor, organisation=org)
    return Status(204, None)
