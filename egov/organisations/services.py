"""Every change to the organisation tree: one transaction, validated, with its audit event."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import can, require
from egov.accounts.roles import Perm
from egov.audit.services import audit_record, snapshot
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.text import clean
from egov.organisations.identifiers import InvalidCode, code_style, normalise_code
from egov.organisations.models import ALLOWED_PARENTS, Level, Organisation

AUDITED_FIELDS = (
    "code",
    "code_style",
    "name",
    "short_name",
    "abbreviation",
    "level",
    "parent_code",
    "address",
    "phone",
    "fax",
    "email",
    "website",
    "active_from",
    "active_to",
)
EDITABLE_FIELDS = (
    "code",
    "name",
    "short_name",
    "abbreviation",
    "level",
    "address",
    "phone",
    "fax",
    "email",
    "website",
    "active_from",
    "active_to",
)
ABBREVIATION_PATTERN = re.compile(r"^[0-9A-ZĐ]+(?:-[0-9A-ZĐ]+)*$")


@dataclass
class OrganisationData:
    """Validated values for an organisation, before they touch the tree."""

    code: str
    name: str
    level: str
    short_name: str = ""
    abbreviation: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    website: str = ""
    active_from: dt.date | None = None
    active_to: dt.date | None = None


def organisation_state(org: Organisation) -> dict[str, Any]:
    data = snapshot(org, tuple(f for f in AUDITED_FIELDS if f != "parent_code"))
    parent = org.parent_node() if org.pk else None
    data["parent_code"] = parent.code if parent else None
    return data


def validate_data(values: dict[str, Any], *, instance: Organisation | None = None) -> OrganisationData:
    """Clean and check field values; raises ValidationFailed naming every bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        value = values.get(name, getattr(instance, name, None) if instance else None)
        if isinstance(value, str) or value is None:
            value = clean(value) if name not in ("active_from", "active_to") else value
        cleaned[name] = value

    code = normalise_code(cleaned["code"])
    cleaned["code"] = code
    try:
        code_style(code)
    except InvalidCode as exc:
        errors.setdefault("code", []).append(str(exc))
    else:
        clash = Organisation.objects.filter(code=code)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.setdefault("code", []).append(
                _("Mã định danh %(code)s đã được dùng cho %(name)s.") % {"code": code, "name": clash.first().name}
            )
    if not cleaned["name"]:
        errors.setdefault("name", []).append(_("Nhập tên đầy đủ của cơ quan, đơn vị."))
    elif len(cleaned["name"]) > 200:
        errors.setdefault("name", []).append(_("Tên đầy đủ dài tối đa 200 ký tự."))
    if len(cleaned["short_name"] or "") > 100:
        errors.setdefault("short_name", []).append(_("Tên viết tắt dài tối đa 100 ký tự."))
    abbreviation = (cleaned["abbreviation"] or "").upper()
    cleaned["abbreviation"] = abbreviation
    if abbreviation and (len(abbreviation) > 20 or not ABBREVIATION_PATTERN.match(abbreviation)):
        errors.setdefault("abbreviation", []).append(
            _("Chữ viết tắt chỉ gồm chữ in hoa, chữ số và dấu gạch nối, tối đa 20 ký tự (ví dụ: UBND, VHTTDL).")
        )
    if cleaned["level"] not in Level.values:
        errors.setdefault("level", []).append(
            _("Cấp “%(level)s” không hợp lệ; chọn một trong: %(choices)s.")
            % {"level": cleaned["level"] or "", "choices": ", ".join(Level.values)}
        )
    if cleaned["email"]:
        try:
            EmailValidator()(cleaned["email"])
        except DjangoValidationError:
            errors.setdefault("email", []).append(_("Địa chỉ thư điện tử không hợp lệ."))
    if cleaned["website"]:
        try:
            URLValidator(schemes=["http", "https"])(cleaned["website"])
        except DjangoValidationError:
            errors.setdefault("website", []).append(
                _("Địa chỉ trang thông tin phải bắt đầu bằng http:// hoặc https://.")
            )
    for name in ("active_from", "active_to"):
        if cleaned[name] is not None and not isinstance(cleaned[name], dt.date):
            errors.setdefault(name, []).append(_("Ngày không hợp lệ."))
    if (
        isinstance(cleaned["active_from"], dt.date)
        and isinstance(cleaned["active_to"], dt.date)
        and cleaned["active_to"] < cleaned["active_from"]
    ):
        errors.setdefault("active_to", []).append(_("Ngày kết thúc hoạt động phải sau ngày bắt đầu."))
    if errors:
        raise ValidationFailed(errors)
    return OrganisationData(**cleaned)


def _check_parent(level: str, parent: Organisation | None) -> None:
    allowed = ALLOWED_PARENTS[level]
    parent_level = parent.level if parent else None
    if parent_level not in allowed:
        if parent is None:
            message = _("%(level)s phải thuộc một cơ quan cấp trên.") % {"level": Level(level).label}
        else:
            message = _("%(level)s không thể trực thuộc %(parent)s (%(parent_level)s).") % {
                "level": Level(level).label,
                "parent": parent.name,
                "parent_level": Level(parent.level).label,
            }
        raise ValidationFailed({"parent": [message]})


def _require_manage(actor: Actor, parent: Organisation | None) -> None:
    if parent is None:
        if not can(actor, Perm.ORG_MANAGE) or actor.grants.get(Perm.ORG_MANAGE) is not None:
            raise PermissionDenied(_("Chỉ quản trị hệ thống được thêm cơ quan cấp cao nhất."))
    else:
        require(actor, Perm.ORG_MANAGE, parent)


@transaction.atomic
def organisation_create(*, actor: Actor, parent: Organisation | None, values: dict[str, Any]) -> Organisation:
    _require_manage(actor, parent)
    data = validate_data(values)
    _check_parent(data.level, parent)
    fields = dict(data.__dict__, code_style=code_style(data.code))
    if parent is None:
        org = Organisation.objects.add_root(create_kwargs=fields)
    else:
        org = Organisation.objects.add_child(parent, create_kwargs=fields)
    audit_record(actor=actor, action="organisation.create", obj=org, scope_org=org, after=organisation_state(org))
    return org


@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, values: dict[str, Any], parent: Organisation | object | None = ...
) -> Organisation:
    """Change fields and, when `parent` is given, move the unit (with its subtree) under another parent."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(actor, Perm.ORG_MANAGE, org)
    before = organisation_state(org)
    data = validate_data(values, instance=org)
    current_parent = org.parent_node()
    new_parent = current_parent if parent is ... else parent
    moving = (new_parent.pk if new_parent else None) != (current_parent.pk if current_parent else None)
    _check_parent(data.level, new_parent)
    if moving:
        if new_parent is not None and (new_parent.pk == org.pk or new_parent.path.startswith(org.path)):
            raise ValidationFailed(
                {
                    "parent": [
                        _("Không thể đặt %(org)s trực thuộc chính nó hoặc một đơn vị cấp dưới của nó (%(parent)s).")
                        % {"org": org.name, "parent": new_parent.name}
                    ]
                }
            )
        _require_manage(actor, new_parent)
    if data.level != org.level:
        for child in Organisation.objects.get_children(org):
            if data.level not in {lvl for lvl in ALLOWED_PARENTS[child.level] if lvl}:
                raise ValidationFailed(
                    {
                        "level": [
                            _("Không đổi được cấp: đơn vị cấp dưới %(child)s không thể trực thuộc %(level)s.")
                            % {"child": child.name, "level": Level(data.level).label}
                        ]
                    }
                )
    for name, value in data.__dict__.items():
        setattr(org, name, value)
    org.code_style = code_style(data.code)
    org.save()
    if moving:
        if new_parent is None:
            Organisation.objects.move(org, Organisation.objects.get_last_root_node(), "last-sibling")
        else:
            Organisation.objects.move(org, Organisation.objects.get(pk=new_parent.pk), "last-child")
        org = Organisation.objects.get(pk=org.pk)
    after = organisation_state(org)
    if after != before:
        audit_record(actor=actor, action="organisation.update", obj=org, scope_org=org, before=before, after=after)
    return org


@transaction.atomic
def organisation_delete(*, actor: Actor, organisation: Organisation) -> None:
    """Remove a unit created by mistake; a unit with history is ended (active_to) instead."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(actor, Perm.ORG_MANAGE, org)
    if org.numchild or Organisation.objects.get_children(org).exists():
        raise ValidationFailed({"__all__": [_("Không xóa được đơn vị còn đơn vị trực thuộc.")]})
    from egov.accounts.models import ApiKey, Membership, RoleAssignment

    in_use = (
        Membership.objects.filter(organisation=org).exists()
        or RoleAssignment.objects.filter(organisation=org).exists()
        or ApiKey.objects.filter(organisation=org).exists()
    )
    if in_use:
        raise ValidationFailed(
            {
                "__all__": [
                    _("Đơn vị đã có cán bộ, vai trò hoặc khóa API: hãy nhập ngày kết thúc hoạt động thay vì xóa.")
                ]
            }
        )
    before = organisation_state(org)
    audit_record(actor=actor, action="organisation.delete", obj=org, scope_org=org.parent_node(), before=before)
    org.delete()
