"""Pages of the organisation tree: browse, search, detail, create, edit, delete, import and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.accounts.selectors import unit_memberships
from egov.core.errors import DomainError, PermissionDenied
from egov.core.views_helpers import apply_error, paginate
from egov.organisations import selectors, services
from egov.organisations.csvio import export_organisations, import_organisations
from egov.organisations.forms import ImportForm, OrganisationForm
from egov.organisations.models import Level, Organisation


def _require_view(actor):
    if not can(actor, Perm.ORG_VIEW):
        raise PermissionDenied(_("Bạn không có quyền xem danh mục cơ quan, đơn vị."))


def _show_on_form(form, exc: DomainError) -> None:
    """A refusal to manage the chosen parent belongs to the parent field; other errors to their own."""
    apply_error(form, DomainError(exc.message, field="parent") if isinstance(exc, PermissionDenied) else exc)


def _manageable(actor):
    return selectors.organisations_where(actor=actor, perm=Perm.ORG_MANAGE)


@login_required
def organisation_index(request):
    actor = request.actor
    _require_view(actor)
    q, level = request.GET.get("q", ""), request.GET.get("level", "")
    context = {"q": q, "level": level, "levels": Level.choices, "can_manage": can(actor, Perm.ORG_MANAGE)}
    if q or level:
        context["page_obj"] = paginate(request, selectors.organisation_list(actor=actor, search=q, level=level), 50)
        template = "organisations/_results.html" if request.headers.get("HX-Request") else "organisations/index.html"
    else:
        context["roots"] = selectors.organisation_roots(actor=actor)
        template = "organisations/index.html"
    return render(request, template, context)


@login_required
def organisation_children(request, pk: int):
    """HTMX fragment: the next level of the tree under one unit."""
    actor = request.actor
    parent = selectors.organisation_get(actor=actor, pk=pk)
    return render(
        request,
        "organisations/_tree_level.html",
        {"nodes": selectors.organisation_children(actor=actor, parent=parent)},
    )


@login_required
def organisation_detail(request, pk: int):
    actor = request.actor
    org = selectors.organisation_get(actor=actor, pk=pk)
    people = unit_memberships(actor=actor, organisation=org)
    return render(
        request,
        "organisations/detail.html",
        {
            "org": org,
            "ancestors": selectors.organisation_ancestors(organisation=org),
            "children": selectors.organisation_children(actor=actor, parent=org),
            "memberships": people,
            "can_manage": can(actor, Perm.ORG_MANAGE, org),
            "can_view_audit": can(actor, Perm.AUDIT_VIEW, org),
            "today": timezone.localdate(),
        },
    )


@login_required
def organisation_create(request):
    actor = request.actor
    if not can(actor, Perm.ORG_MANAGE):
        raise PermissionDenied(_("Bạn không có quyền thêm cơ quan, đơn vị."))
    parent_id = request.GET.get("parent")
    form = OrganisationForm(request.POST or None, parents=_manageable(actor), initial={"parent": parent_id})
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=actor, parent=form.cleaned_data["parent"], values=form.values())
        except DomainError as exc:
            _show_on_form(form, exc)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": org.name})
            return redirect("organisations:detail", pk=org.pk)
    return render(
        request, "organisations/form.html", {"form": form, "creating": True}, status=400 if form.errors else 200
    )


@login_required
def organisation_edit(request, pk: int):
    actor = request.actor
    org = selectors.organisation_get(actor=actor, pk=pk)
    if not can(actor, Perm.ORG_MANAGE, org):
        raise PermissionDenied(_("Bạn không có quyền sửa %(name)s.") % {"name": org.name})
    parent = org.parent_node()
    initial = {f: getattr(org, f) for f in services.EDITABLE_FIELDS}
    initial["parent"] = parent.pk if parent else None
    parents = _manageable(actor).exclude(path__startswith=org.path)
    if parent is not None:
        parents = parents | Organisation.objects.filter(pk=parent.pk)
    form = OrganisationForm(request.POST or None, parents=parents.order_by("path"), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_update(
                actor=actor, organisation=org, values=form.values(), parent=form.cleaned_data["parent"]
            )
        except DomainError as exc:
            _show_on_form(form, exc)
        else:
            messages.success(request, _("Đã lưu %(name)s.") % {"name": org.name})
            return redirect("organisations:detail", pk=org.pk)
    return render(request, "organisations/form.html", {"form": form, "org": org}, status=400 if form.errors else 200)


@login_required
@require_POST
def organisation_delete(request, pk: int):
    actor = request.actor
    org = selectors.organisation_get(actor=actor, pk=pk)
    parent = org.parent_node()
    try:
        services.organisation_delete(actor=actor, organisation=org)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.message)
        return redirect("organisations:detail", pk=org.pk)
    messages.success(request, _("Đã xóa %(name)s.") % {"name": org.name})
    return redirect("organisations:detail", pk=parent.pk) if parent else redirect("organisations:index")


@login_required
def organisation_import(request):
    actor = request.actor
    if not can(actor, Perm.ORG_MANAGE):
        raise PermissionDenied(_("Bạn không có quyền nhập danh mục cơ quan, đơn vị."))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_organisations(actor=actor, data=upload.read(), dry_run=form.cleaned_data["dry_run"])
        if report.ok and not form.cleaned_data["dry_run"]:
            messages.success(
                request,
                _("Đã nhập: %(c)d đơn vị mới, %(u)d đơn vị cập nhật, %(n)d không đổi.")
                % {"c": report.created, "u": report.updated, "n": report.unchanged},
            )
            return redirect("organisations:index")
    status = 400 if (form.errors or (report and not report.ok)) else 200
    return render(request, "organisations/import.html", {"form": form, "report": report}, status=status)


@login_required
def organisation_export(request):
    actor = request.actor
    _require_view(actor)
    response = HttpResponse(
        export_organisations(actor=actor).encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="co-quan-don-vi-{stamp}.csv"'
    return response
