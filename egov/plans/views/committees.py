"""Pages: steering committees (Ban Chỉ đạo), their members and the history of membership changes."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.models import User, UserKind
from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.accounts.selectors import people_visible
from egov.core.errors import DomainError, InvalidTransition, PermissionDenied
from egov.core.views_helpers import apply_error
from egov.organisations.models import Organisation
from egov.organisations.selectors import organisations_visible
from egov.plans import selectors, services
from egov.plans.forms.committees import CommitteeForm, MemberAddForm, MemberEditForm, MemberLeaveForm
from egov.plans.models import CommitteeMember, CommitteeRole, MembershipChange, SteeringCommittee
from egov.plans.permissions import can_manage, require_manage, require_view
from egov.plans.services.committees import COMMITTEE_FIELDS
from egov.plans.views._common import managed_organisations

FILES = {"decision": "decision_file", "regulation": "regulation_file"}
# Labels of the member fields a history row may name as changed.
CHANGE_LABELS = {
    "user": gettext_lazy("tài khoản"),
    "full_name": gettext_lazy("họ và tên"),
    "position": gettext_lazy("chức vụ"),
    "member_organisation": gettext_lazy("cơ quan công tác"),
    "part_time": gettext_lazy("kiêm nhiệm"),
    "responsibilities": gettext_lazy("nhiệm vụ được phân công"),
    "followed_units": gettext_lazy("đơn vị theo dõi"),
}


def _member_form_kwargs(actor, committee: SteeringCommittee, member: CommitteeMember | None = None) -> dict:
    organisations = organisations_visible(actor=actor)
    if member is not None:
        organisations = organisations | Organisation.objects.filter(pk=member.member_organisation_id)
    people = people_visible(actor=actor).filter(is_active=True, kind=UserKind.STAFF)
    if member is not None and member.user_id:
        people = people | User.objects.filter(pk=member.user_id)
    return {
        "organisations": organisations.distinct().order_by("path"),
        "units": Organisation.objects.filter(path__startswith=committee.organisation.path).order_by("path"),
        "people": people.distinct().order_by("full_name", "pk"),
    }


def _change_summary(change: MembershipChange) -> list[str]:
    """What a 'changed' history row changed, in words (a role change shows the old and new role)."""
    before, after = change.before or {}, change.after or {}
    parts = []
    if before.get("role") != after.get("role") and after.get("role"):
        labels = dict(CommitteeRole.choices)
        parts.append(
            _("chức danh: %(a)s → %(b)s")
            % {"a": labels.get(before.get("role"), before.get("role")), "b": labels.get(after["role"], after["role"])}
        )
    parts += [str(label) for name, label in CHANGE_LABELS.items() if before.get(name) != after.get(name)]
    return parts


@login_required
def committee_list(request):
    actor = request.actor
    require_view(actor)
    committees = selectors.committees_visible(actor=actor).order_by("-decision_date", "pk")
    return render(
        request,
        "plans/committees/list.html",
        {"committees": committees, "can_create": can(actor, Perm.PLANS_MANAGE)},
    )


@login_required
def committee_detail(request, pk: int):
    actor = request.actor
    committee = selectors.committee_get(actor=actor, pk=pk)
    members = selectors.committee_members(committee=committee)
    history = list(selectors.committee_history(committee=committee))
    for change in history:
        change.summary = _change_summary(change) if change.kind == MembershipChange.Kind.CHANGED else []
    return render(
        request,
        "plans/committees/detail.html",
        {
            "committee": committee,
            "current_members": [m for m in members if m.left_on is None],
            "former_members": [m for m in members if m.left_on is not None],
            "history": history,
            "plans": selectors.plans_visible(actor=actor).filter(committee=committee).order_by("-issued_on", "-pk"),
            "can_manage": can_manage(actor, committee.organisation),
        },
    )


@login_required
def committee_create(request):
    actor = request.actor
    if not can(actor, Perm.PLANS_MANAGE):
        raise PermissionDenied(_("Chỉ Tổ giúp việc, thư ký Ban Chỉ đạo được thêm Ban Chỉ đạo."))
    organisations = managed_organisations(actor)
    acting = actor.organisation
    initial = {}
    if acting is not None and organisations.filter(pk=acting.pk).exists():
        initial = {"organisation": acting.pk, "decision_issuer": acting.pk}
    form = CommitteeForm(request.POST or None, request.FILES or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(actor=actor, values=form.values(), files=form.files_data())
        except DomainError as exc:
            apply_error(form, exc, {"__all__": "organisation"} if isinstance(exc, PermissionDenied) else None)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": committee.name})
            return redirect("plans:committee_detail", pk=committee.pk)
    return render(
        request, "plans/committees/form.html", {"form": form, "creating": True}, status=400 if form.errors else 200
    )


@login_required
def committee_edit(request, pk: int):
    actor = request.actor
    committee = selectors.committee_get(actor=actor, pk=pk)
    require_manage(actor, committee.organisation)
    organisations = managed_organisations(actor, committee.organisation, committee.decision_issuer)
    initial = {name: getattr(committee, name) for name in COMMITTEE_FIELDS}
    initial["organisation"] = committee.organisation_id
    initial["decision_issuer"] = committee.decision_issuer_id
    form = CommitteeForm(request.POST or None, request.FILES or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_update(
                actor=actor, committee=committee, values=form.values(), files=form.files_data()
            )
        except DomainError as exc:
            apply_error(form, exc, {"__all__": "organisation"} if isinstance(exc, PermissionDenied) else None)
        else:
            messages.success(request, _("Đã lưu %(name)s.") % {"name": committee.name})
            return redirect("plans:committee_detail", pk=committee.pk)
    return render(
        request,
        "plans/committees/form.html",
        {"form": form, "committee": committee},
        status=400 if form.errors else 200,
    )


@login_required
def committee_file(request, pk: int, which: str):
    """The decision or regulation PDF, streamed to whoever may see the committee."""
    committee = selectors.committee_get(actor=request.actor, pk=pk)
    if which not in FILES:
        raise Http404
    stored = getattr(committee, FILES[which])
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=os.path.basename(stored.name)
    )


@login_required
def member_add(request, pk: int):
    actor = request.actor
    committee = selectors.committee_get(actor=actor, pk=pk)
    require_manage(actor, committee.organisation)
    form = MemberAddForm(
        request.POST or None,
        initial={"part_time": True, "role": CommitteeRole.MEMBER, "joined_on": timezone.localdate()},
        **_member_form_kwargs(actor, committee),
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_add(
                actor=actor,
                committee=committee,
                values=form.values(),
                followed_units=list(form.cleaned_data["followed_units"]),
                joined_on=form.cleaned_data["joined_on"],
                decision_number=form.cleaned_data["decision_number"],
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã bổ sung thành viên %(name)s.") % {"name": member.full_name})
            return redirect("plans:committee_detail", pk=committee.pk)
    return render(
        request,
        "plans/committees/member_form.html",
        {"form": form, "committee": committee, "creating": True},
        status=400 if form.errors else 200,
    )


@login_required
def member_edit(request, pk: int):
    actor = request.actor
    member = selectors.committee_member_get(actor=actor, pk=pk)
    committee = member.committee
    require_manage(actor, committee.organisation)
    if member.left_on is not None:
        raise InvalidTransition(_("Thành viên đã thôi tham gia Ban Chỉ đạo, không sửa được."))
    initial = {name: getattr(member, name) for name in ("full_name", "role", "position", "part_time")}
    initial["user"] = member.user_id
    initial |= {
        "responsibilities": member.responsibilities,
        "member_organisation": member.member_organisation_id,
        "followed_units": list(member.followed_units.values_list("pk", flat=True)),
        "effective_on": timezone.localdate(),
    }
    form = MemberEditForm(request.POST or None, initial=initial, **_member_form_kwargs(actor, committee, member))
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_update(
                actor=actor,
                member=member,
                values=form.values(),
                followed_units=list(form.cleaned_data["followed_units"]),
                effective_on=form.cleaned_data["effective_on"],
                decision_number=form.cleaned_data["decision_number"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin thành viên %(name)s.") % {"name": member.full_name})
            return redirect("plans:committee_detail", pk=committee.pk)
    return render(
        request,
        "plans/committees/member_form.html",
        {"form": form, "committee": committee, "member": member},
        status=400 if form.errors else 200,
    )


@login_required
def member_leave(request, pk: int):
    actor = request.actor
    member = selectors.committee_member_get(actor=actor, pk=pk)
    committee = member.committee
    require_manage(actor, committee.organisation)
    form = MemberLeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_leave(actor=actor, member=member, **form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("%(name)s đã thôi tham gia Ban Chỉ đạo.") % {"name": member.full_name})
            return redirect("plans:committee_detail", pk=committee.pk)
    return render(
        request,
        "plans/committees/member_leave.html",
        {"form": form, "committee": committee, "member": member},
        status=400 if form.errors else 200,
    )


urlpatterns: list = [
    path("committees/", committee_list, name="committee_list"),
    path("committees/new/", committee_create, name="committee_create"),
    path("committees/<int:pk>/", committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", committee_edit, name="committee_edit"),
    path("committees/<int:pk>/files/<str:which>/", committee_file, name="committee_file"),
    path("committees/<int:pk>/members/new/", member_add, name="member_add"),
    path("committees/members/<int:pk>/edit/", member_edit, name="member_edit"),
    path("committees/members/<int:pk>/leave/", member_leave, name="member_leave"),
]
