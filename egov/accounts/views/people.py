"""Pages for people: list, detail, create, edit, units, roles, lock and unlock."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts import selectors, services
from egov.accounts.auth import has_two_factor, totp_disable
from egov.accounts.forms import MembershipForm, PersonCreateForm, PersonForm, RoleForm
from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.audit.selectors import events_for_object
from egov.core.errors import DomainError, PermissionDenied
from egov.core.views_helpers import apply_error, paginate
from egov.organisations.selectors import organisation_get, organisations_where


def _orgs_where(actor, perm):
    return organisations_where(actor=actor, perm=perm)


@login_required
def people_list(request):
    actor = request.actor
    if not can(actor, Perm.PEOPLE_VIEW):
        raise PermissionDenied(_("Bạn không có quyền xem danh sách cán bộ."))
    organisation = None
    if request.GET.get("org"):
        organisation = organisation_get(actor=actor, code=request.GET["org"])
    people = selectors.people_list(actor=actor, search=request.GET.get("q", ""), organisation=organisation)
    page = paginate(request, people, 50)
    template = "accounts/_people_rows.html" if request.headers.get("HX-Request") else "accounts/people_list.html"
    return render(
        request,
        template,
        {
            "page_obj": page,
            "q": request.GET.get("q", ""),
            "organisation": organisation,
            "can_create": can(actor, Perm.PEOPLE_MANAGE),
        },
    )


@login_required
def person_detail(request, pk: int):
    actor = request.actor
    person = selectors.person_get(actor=actor, pk=pk)
    manage = _can_manage(actor, person)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "memberships": selectors.person_memberships(user=person),
            "roles": selectors.person_roles(user=person),
            "can_manage": manage,
            "can_assign": can(actor, Perm.ROLES_ASSIGN),
            "two_factor": has_two_factor(person),
            "membership_form": MembershipForm(organisations=_orgs_where(actor, Perm.PEOPLE_MANAGE)) if manage else None,
            "role_form": RoleForm(organisations=_orgs_where(actor, Perm.ROLES_ASSIGN))
            if can(actor, Perm.ROLES_ASSIGN)
            else None,
            "recent_events": events_for_object(actor=actor, object_type="accounts.user", object_id=person.pk)[:10]
            if can(actor, Perm.AUDIT_VIEW)
            else None,
        },
    )


def _can_manage(actor, person) -> bool:
    try:
        services.require_person(actor, Perm.PEOPLE_MANAGE, person)
    except PermissionDenied:
        return False
    return True


@login_required
def person_create(request):
    actor = request.actor
    if not can(actor, Perm.PEOPLE_MANAGE):
        raise PermissionDenied(_("Bạn không có quyền thêm cán bộ."))
    form = PersonCreateForm(
        request.POST or None,
        organisations=_orgs_where(actor, Perm.PEOPLE_MANAGE),
        initial={"organisation": request.GET.get("org")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=actor,
                values={k: data[k] for k in ("username", "full_name", "email", "phone", "kind")},
                organisation=data["organisation"],
                position=data["position"],
                password=data["password"] or None,
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": person.full_name})
            return redirect("accounts:person_detail", pk=person.pk)
    return render(
        request, "accounts/person_form.html", {"form": form, "creating": True}, status=400 if form.errors else 200
    )


@login_required
def person_edit(request, pk: int):
    actor = request.actor
    person = selectors.person_get(actor=actor, pk=pk)
    services.require_person(actor, Perm.PEOPLE_MANAGE, person)
    initial = {k: getattr(person, k) for k in ("username", "full_name", "email", "phone", "kind")}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=actor, user=person, values=form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin của %(name)s.") % {"name": person.full_name})
            return redirect("accounts:person_detail", pk=person.pk)
    return render(
        request, "accounts/person_form.html", {"form": form, "person": person}, status=400 if form.errors else 200
    )


def _action(request, pk: int, run, success: str):
    """Run one POST action on a person; show its refusal as a message rather than an error page."""
    person = selectors.person_get(actor=request.actor, pk=pk)
    try:
        run(person)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, success % {"name": person.full_name})
    return redirect("accounts:person_detail", pk=person.pk)


def _form_action(request, pk: int, form, run, success: str):
    """A small form posted from the person page: run the service, show its refusal as a message."""
    if not form.is_valid():
        person = selectors.person_get(actor=request.actor, pk=pk)
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("accounts:person_detail", pk=person.pk)
    return _action(request, pk, lambda person: run(person, form.cleaned_data), success)


@login_required
@require_POST
def person_membership_add(request, pk: int):
    actor = request.actor
    form = MembershipForm(request.POST, organisations=_orgs_where(actor, Perm.PEOPLE_MANAGE))
    return _form_action(
        request,
        pk,
        form,
        lambda person, data: services.membership_add(actor=actor, user=person, **data),
        _("Đã thêm đơn vị công tác của %(name)s."),
    )


@login_required
@require_POST
def person_membership_remove(request, pk: int, membership_id: int):
    membership = selectors.person_membership_get(actor=request.actor, user_id=pk, pk=membership_id)
    return _action(
        request,
        pk,
        lambda p: services.membership_remove(actor=request.actor, membership=membership),
        _("Đã bỏ đơn vị công tác của %(name)s."),
    )


@login_required
@require_POST
def person_role_assign(request, pk: int):
    actor = request.actor
    form = RoleForm(request.POST, organisations=_orgs_where(actor, Perm.ROLES_ASSIGN))
    return _form_action(
        request,
        pk,
        form,
        lambda person, data: services.role_assign(actor=actor, user=person, **data),
        _("Đã giao vai trò cho %(name)s."),
    )


@login_required
@require_POST
def person_role_revoke(request, pk: int, assignment_id: int):
    assignment = selectors.person_role_get(actor=request.actor, user_id=pk, pk=assignment_id)
    return _action(
        request,
        pk,
        lambda p: services.role_revoke(actor=request.actor, assignment=assignment),
        _("Đã thu hồi vai trò của %(name)s."),
    )


@login_required
@require_POST
def person_deactivate(request, pk: int):
    return _action(
        request,
        pk,
        lambda p: services.person_set_active(actor=request.actor, user=p, active=False),
        _("Đã khóa tài khoản %(name)s."),
    )


@login_required
@require_POST
def person_activate(request, pk: int):
    return _action(
        request,
        pk,
        lambda p: services.person_set_active(actor=request.actor, user=p, active=True),
        _("Đã mở khóa tài khoản %(name)s."),
    )


@login_required
@require_POST
def person_unlock(request, pk: int):
    return _action(
        request,
        pk,
        lambda p: services.person_unlock(actor=request.actor, user=p),
        _("Đã gỡ khóa đăng nhập của %(name)s."),
    )


@login_required
@require_POST
def person_reset_2fa(request, pk: int):
    return _action(
        request, pk, lambda p: totp_disable(actor=request.actor, user=p), _("Đã tắt xác thực hai lớp của %(name)s.")
    )
