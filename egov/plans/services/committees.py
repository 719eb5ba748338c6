"""Steering committees and their members."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record, snapshot
from egov.core.errors import ValidationFailed
from egov.organisations.models import Organisation
from egov.plans.models import CommitteeMember, CommitteeRole, MembershipChange, SteeringCommittee
from egov.plans.permissions import require_manage
from egov.plans.services._common import Errors, acting_user, check_pdf, long_text, number_symbol, text

COMMITTEE_FIELDS = (
    "name",
    "organisation",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "decision_signer",
    "regulation_number",
    "regulation_date",
    "duties",
    "dissolved_on",
)
MEMBER_FIELDS = ("full_name", "role", "position", "member_organisation", "part_time", "responsibilities", "user")


def _date(values: dict, name: str, errors: Errors, *, required: bool = False) -> dt.date | None:
    value = values.get(name)
    if value in (None, ""):
        if required:
            errors.add(name, _("Trường này là bắt buộc."))
        return None
    if not isinstance(value, dt.date):
        errors.add(name, _("Ngày không hợp lệ."))
        return None
    return value


def _validate_committee(values: dict[str, Any], files: dict, instance: SteeringCommittee | None) -> dict[str, Any]:
    errors = Errors()
    data: dict[str, Any] = {
        "name": text(values, "name", errors, required=True, max_length=300),
        "decision_number": number_symbol(values, "decision_number", errors, required=True),
        "decision_date": _date(values, "decision_date", errors, required=True),
        "decision_signer": text(values, "decision_signer", errors, max_length=150),
        "regulation_number": number_symbol(values, "regulation_number", errors),
        "regulation_date": _date(values, "regulation_date", errors),
        "duties": long_text(values, "duties", errors),
        "dissolved_on": _date(values, "dissolved_on", errors),
    }
    for name in ("organisation", "decision_issuer"):
        org = values.get(name)
        if not isinstance(org, Organisation):
            errors.add(name, _("Chọn một cơ quan."))
        data[name] = org
    if data["dissolved_on"] and data["decision_date"] and data["dissolved_on"] < data["decision_date"]:
        errors.add("dissolved_on", _("Ngày giải thể phải sau ngày quyết định thành lập."))
    issuer = data.get("decision_issuer")
    if isinstance(issuer, Organisation) and data["decision_number"]:
        clash = SteeringCommittee.objects.filter(decision_issuer=issuer, decision_number=data["decision_number"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.add(
                "decision_number",
                _("%(org)s đã có Ban Chỉ đạo thành lập theo quyết định %(number)s.")
                % {"org": issuer.name, "number": data["decision_number"]},
            )
    for name in ("decision_file", "regulation_file"):
        check_pdf(files.get(name), name, errors)
    errors.raise_if_any()
    return data


@transaction.atomic
def committee_create(*, actor: Actor, values: dict[str, Any], files: dict | None = None) -> SteeringCommittee:
    files = files or {}
    data = _validate_committee(values, files, None)
    require_manage(actor, data["organisation"])
    committee = SteeringCommittee(**data)
    for name in ("decision_file", "regulation_file"):
        if files.get(name) is not None:
            getattr(committee, name).save(files[name].name, files[name], save=False)
    committee.save()
    audit_record(
        actor=actor,
        action="plans.committee.create",
        obj=committee,
        scope_org=committee.organisation,
        after=snapshot(committee, COMMITTEE_FIELDS),
    )
    return committee


@transaction.atomic
def committee_update(
    *, actor: Actor, committee: SteeringCommittee, values: dict[str, Any], files: dict | None = None
) -> SteeringCommittee:
    files = files or {}
    committee = SteeringCommittee.objects.select_for_update(of=("self",)).get(pk=committee.pk)
    require_manage(actor, committee.organisation)
    merged = {name: getattr(committee, name) for name in COMMITTEE_FIELDS} | values
    data = _validate_committee(merged, files, committee)
    require_manage(actor, data["organisation"])
    before = snapshot(committee, COMMITTEE_FIELDS)
    for name, value in data.items():
        setattr(committee, name, value)
    for name in ("decision_file", "regulation_file"):
        if files.get(name) is not None:
            getattr(committee, name).save(files[name].name, files[name], save=False)
    committee.save()
    audit_record(
        actor=actor,
        action="plans.committee.update",
        obj=committee,
        scope_org=committee.organisation,
        before=before,
        after=snapshot(committee, COMMITTEE_FIELDS),
    )
    return committee


def _validate_member(values: dict[str, Any]) -> dict[str, Any]:
    errors = Errors()
    user = values.get("user")
    data: dict[str, Any] = {
        "user": user,
        "full_name": text(values, "full_name", errors, max_length=150) or (user.full_name if user else ""),
        "position": text(values, "position", errors, required=True, max_length=200),
        "responsibilities": long_text(values, "responsibilities", errors, max_length=5000),
        "part_time": bool(values.get("part_time", True)),
    }
    if not data["full_name"]:
        errors.add("full_name", _("Nhập họ và tên, hoặc chọn tài khoản của thành viên."))
    role = values.get("role")
    if role not in CommitteeRole.values:
        errors.add("role", _("Chọn chức danh trong Ban Chỉ đạo."))
    data["role"] = role
    org = values.get("member_organisation")
    if not isinstance(org, Organisation):
        errors.add("member_organisation", _("Chọn cơ quan công tác của thành viên."))
    data["member_organisation"] = org
    errors.raise_if_any()
    return data


def _check_single_head(committee: SteeringCommittee, role: str, exclude_pk: int | None = None) -> None:
    if role != CommitteeRole.HEAD:
        return
    current = committee.members.filter(role=CommitteeRole.HEAD, left_on__isnull=True)
    if exclude_pk:
        current = current.exclude(pk=exclude_pk)
    if current.exists():
        errors = Errors()
        errors.add("role", _("Ban Chỉ đạo đã có Trưởng ban: %(name)s.") % {"name": current.first().full_name})
        errors.raise_if_any()


def _member_state(member: CommitteeMember) -> dict[str, Any]:
    state = snapshot(
        member, ("user", "full_name", "role", "position", "member_organisation", "part_time", "responsibilities")
    )
    state["followed_units"] = sorted(member.followed_units.values_list("pk", flat=True)) if member.pk else []
    return state


AUDIT_ACTIONS = {
    MembershipChange.Kind.JOINED: "plans.committee.member_add",
    MembershipChange.Kind.CHANGED: "plans.committee.member_update",
    MembershipChange.Kind.LEFT: "plans.committee.member_leave",
}


def _record_change(
    actor: Actor,
    member: CommitteeMember,
    kind: str,
    *,
    effective_on: dt.date,
    decision_number: str,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> None:
    """The membership history row and the audit event of one change, in the change's transaction."""
    committee = member.committee
    MembershipChange.objects.create(
        committee=committee,
        member=member,
        kind=kind,
        effective_on=effective_on,
        decision_number=decision_number,
        before=before,
        after=after if kind != MembershipChange.Kind.LEFT else None,
        note=note[:500],
        recorded_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action=AUDIT_ACTIONS[kind],
        obj=member,
        scope_org=committee.organisation,
        before=before,
        after=after,
    )


def _locked_current_member(actor: Actor, member: CommitteeMember) -> CommitteeMember:
    """The member, locked, after checking the actor manages the committee and the member has not left."""
    member = (
        CommitteeMember.objects.select_for_update(of=("self",))
        .select_related("committee__organisation")
        .get(pk=member.pk)
    )
    require_manage(actor, member.committee.organisation)
    if member.left_on is not None:
        raise ValidationFailed({"__all__": [_("Thành viên đã thôi tham gia Ban Chỉ đạo.")]})
    return member


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    committee: SteeringCommittee,
    values: dict[str, Any],
    followed_units: list[Organisation] | None = None,
    joined_on: dt.date,
    decision_number: str = "",
) -> CommitteeMember:
    require_manage(actor, committee.organisation)
    data = _validate_member(values)
    _check_single_head(committee, data["role"])
    if joined_on < committee.decision_date:
        raise ValidationFailed({"joined_on": [_("Ngày tham gia không thể trước ngày thành lập Ban Chỉ đạo.")]})
    order = committee.members.count() + 1
    member = CommitteeMember.objects.create(committee=committee, joined_on=joined_on, order=order, **data)
    member.followed_units.set(followed_units or [])
    _record_change(
        actor,
        member,
        MembershipChange.Kind.JOINED,
        effective_on=joined_on,
        decision_number=decision_number or committee.decision_number,
        after=_member_state(member),
    )
    return member


@transaction.atomic
def member_update(
    *,
    actor: Actor,
    member: CommitteeMember,
    values: dict[str, Any],
    followed_units: list[Organisation] | None = None,
    effective_on: dt.date,
    decision_number: str = "",
    note: str = "",
) -> CommitteeMember:
    member = _locked_current_member(actor, member)
    merged = {name: getattr(member, name) for name in MEMBER_FIELDS} | values
    data = _validate_member(merged)
    _check_single_head(member.committee, data["role"], exclude_pk=member.pk)
    before = _member_state(member)
    for name, value in data.items():
        setattr(member, name, value)
    member.save()
    if followed_units is not None:
        member.followed_units.set(followed_units)
    after = _member_state(member)
    if after != before:
        _record_change(
            actor,
            member,
            MembershipChange.Kind.CHANGED,
            effective_on=effective_on,
            decision_number=decision_number,
            before=before,
            after=after,
            note=note,
        )
    return member


@transaction.atomic
def member_leave(
    *, actor: Actor, member: CommitteeMember, left_on: dt.date, decision_number: str = "", note: str = ""
) -> CommitteeMember:
    member = _locked_current_member(actor, member)
    if left_on < member.joined_on:
        raise ValidationFailed(
            {
                "left_on": [
                    _("Ngày thôi tham gia không thể trước ngày tham gia (%(d)s).")
                    % {"d": member.joined_on.strftime("%d/%m/%Y")}
                ]
            }
        )
    before = _member_state(member)
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    _record_change(
        actor,
        member,
        MembershipChange.Kind.LEFT,
        effective_on=left_on,
        decision_number=decision_number,
        before=before,
        after={"left_on": left_on.isoformat()},
        note=note,
    )
    return member
