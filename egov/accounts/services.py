"""Every change to people, their units, roles and credentials: one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.api_auth import KEY_PREFIX, hash_secret
from egov.accounts.models import ApiKey, Membership, RoleAssignment, User, UserKind
from egov.accounts.permissions import can, can_globally, require, require_global
from egov.accounts.roles import API_KEY_SCOPES, GLOBAL_ROLES, Perm, Role
from egov.audit.services import audit_record, snapshot
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.text import clean
from egov.organisations.models import Organisation

PERSON_FIELDS = ("username", "full_name", "email", "phone", "kind", "is_active")


def _person_state(user: User) -> dict[str, Any]:
    data = snapshot(user, PERSON_FIELDS)
    data["memberships"] = [
        {"organisation": m.organisation.code, "position": m.position, "is_primary": m.is_primary}
        for m in user.memberships.select_related("organisation").order_by("organisation__path")
    ]
    return data


def home_organisation(user: User) -> Organisation | None:
    membership = user.memberships.select_related("organisation").order_by("-is_primary", "pk").first()
    return membership.organisation if membership else None


def require_person(actor: Actor, perm: str, user: User) -> None:
    """The actor holds `perm` over one of the person's units (or globally, for people without a unit)."""
    if can(actor, perm) and actor.grants.get(perm) is None:
        return
    orgs = [m.organisation for m in user.memberships.select_related("organisation")]
    if not any(can(actor, perm, org) for org in orgs):
        raise PermissionDenied(_("Bạn không có quyền với tài khoản %(name)s.") % {"name": user.full_name})


def _validate_person(values: dict[str, Any], instance: User | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    data = {
        name: clean(values.get(name, getattr(instance, name, "") if instance else ""))
        for name in ("username", "full_name", "email", "phone")
    }
    data["kind"] = values.get("kind", getattr(instance, "kind", UserKind.STAFF) if instance else UserKind.STAFF)
    if not data["username"]:
        errors.setdefault("username", []).append(_("Nhập tên đăng nhập."))
    else:
        try:
            User._meta.get_field("username").run_validators(data["username"])
        except DjangoValidationError:
            errors.setdefault("username", []).append(
                _("Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (tối đa 150 ký tự).")
            )
        clash = User.objects.filter(username__iexact=data["username"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.setdefault("username", []).append(
                _("Tên đăng nhập %(u)s đã có người dùng.") % {"u": data["username"]}
            )
    if not data["full_name"]:
        errors.setdefault("full_name", []).append(_("Nhập họ và tên."))
    elif len(data["full_name"]) > 150:
        errors.setdefault("full_name", []).append(_("Họ và tên dài tối đa 150 ký tự."))
    if data["email"]:
        try:
            EmailValidator()(data["email"])
        except DjangoValidationError:
            errors.setdefault("email", []).append(_("Địa chỉ thư điện tử không hợp lệ."))
    if len(data["phone"]) > 30:
        errors.setdefault("phone", []).append(_("Số điện thoại dài tối đa 30 ký tự."))
    if data["kind"] not in UserKind.values:
        errors.setdefault("kind", []).append(_("Loại tài khoản không hợp lệ."))
    if errors:
        raise ValidationFailed(errors)
    return data


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed({"password": list(exc.messages)}) from None


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    values: dict[str, Any],
    organisation: Organisation | None,
    position: str = "",
    password: str | None = None,
) -> User:
    """Create a person; staff are created into a unit, where the actor must manage people."""
    require(actor, Perm.PEOPLE_MANAGE)
    if organisation is None:
        # Only platform-wide administrators create accounts outside any unit (applicants, administrators).
        if not can_globally(actor, Perm.PEOPLE_MANAGE):
            raise ValidationFailed({"organisation": [_("Chọn đơn vị công tác.")]})
    else:
        require(actor, Perm.PEOPLE_MANAGE, organisation)
    data = _validate_person(values)
    user = User(**data)
    if password:
        _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, position=clean(position), is_primary=True)
    audit_record(actor=actor, action="person.create", obj=user, scope_org=organisation, after=_person_state(user))
    return user


@transaction.atomic
def person_update(*, actor: Actor, user: User, values: dict[str, Any]) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    require_person(actor, Perm.PEOPLE_MANAGE, user)
    before = _person_state(user)
    data = _validate_person(values, instance=user)
    for name, value in data.items():
        setattr(user, name, value)
    user.save()
    after = _person_state(user)
    if after != before:
        audit_record(
            actor=actor, action="person.update", obj=user, scope_org=home_organisation(user), before=before, after=after
        )
    return user


@transaction.atomic
def person_set_active(*, actor: Actor, user: User, active: bool) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    require_person(actor, Perm.PEOPLE_MANAGE, user)
    if actor.user is not None and actor.user.pk == user.pk and not active:
        raise ValidationFailed({"is_active": [_("Bạn không thể tự khóa tài khoản của mình.")]})
    if not active and _is_last_system_admin(user):
        raise ValidationFailed({"is_active": [_("Không thể khóa quản trị hệ thống cuối cùng.")]})
    if user.is_active != active:
        before = _person_state(user)
        user.is_active = active
        # No session sweep needed: the authentication backend refuses an inactive account on its next request.
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="person.activate" if active else "person.deactivate",
            obj=user,
            scope_org=home_organisation(user),
            before=before,
            after=_person_state(user),
        )
    return user


@transaction.atomic
def person_set_password(*, actor: Actor, user: User, password: str, action: str = "person.set_password") -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor.user is None or actor.user.pk != user.pk:
        require_person(actor, Perm.PEOPLE_MANAGE, user)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=action, obj=user, scope_org=home_organisation(user))
    return user


@transaction.atomic
def person_unlock(*, actor: Actor, user: User) -> None:
    """Lift a lock-out after repeated failed log-ins."""
    from axes.utils import reset

    require_person(actor, Perm.PEOPLE_MANAGE, user)
    removed = reset(username=user.username)
    audit_record(
        actor=actor,
        action="person.unlock",
        obj=user,
        scope_org=home_organisation(user),
        after={"attempts_cleared": removed},
    )


# --- Memberships ----------------------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *,
    actor: Actor,
    user: User,
    organisation: Organisation,
    position: str = "",
    is_primary: bool = False,
    started_on: dt.date | None = None,
) -> Membership:
    require(actor, Perm.PEOPLE_MANAGE, organisation)
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationFailed(
            {
                "organisation": [
                    _("%(name)s đã công tác tại %(org)s.") % {"name": user.full_name, "org": organisation.name}
                ]
            }
        )
    if len(clean(position)) > 150:
        raise ValidationFailed({"position": [_("Chức vụ dài tối đa 150 ký tự.")]})
    before = _person_state(user)
    has_primary = Membership.objects.filter(user=user, is_primary=True).exists()
    if is_primary and has_primary:
        Membership.objects.filter(user=user, is_primary=True).update(is_primary=False)
    membership = Membership.objects.create(
        user=user,
        organisation=organisation,
        position=clean(position),
        is_primary=is_primary or not has_primary,
        started_on=started_on,
    )
    audit_record(
        actor=actor, action="membership.add", obj=user, scope_org=organisation, before=before, after=_person_state(user)
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    membership = Membership.objects.select_related("user", "organisation").select_for_update().get(pk=membership.pk)
    require(actor, Perm.PEOPLE_MANAGE, membership.organisation)
    user = membership.user
    before = _person_state(user)
    remaining = Membership.objects.filter(user=user).exclude(pk=membership.pk)
    if user.kind == UserKind.STAFF and not remaining.exists():
        raise ValidationFailed(
            {
                "organisation": [
                    _("Cán bộ phải có ít nhất một đơn vị công tác; hãy thêm đơn vị mới trước khi bỏ đơn vị này.")
                ]
            }
        )
    membership.delete()
    if membership.is_primary:
        nxt = remaining.order_by("pk").first()
        if nxt:
            nxt.is_primary = True
            nxt.save(update_fields=["is_primary"])
    audit_record(
        actor=actor,
        action="membership.remove",
        obj=user,
        scope_org=membership.organisation,
        before=before,
        after=_person_state(user),
    )


# --- Roles ----------------------------------------------------------------------------------------


def _is_last_system_admin(user: User) -> bool:
    admins = RoleAssignment.objects.filter(role=Role.SYSTEM_ADMIN, user__is_active=True)
    return admins.filter(user=user).exists() and not admins.exclude(user=user).exists()


@transaction.atomic
def role_assign(*, actor: Actor, user: User, role: str, organisation: Organisation | None) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationFailed({"role": [_("Vai trò không hợp lệ.")]})
    if role in GLOBAL_ROLES:
        if organisation is not None:
            raise ValidationFailed(
                {
                    "organisation": [
                        _("Vai trò %(role)s áp dụng toàn hệ thống, không gắn với đơn vị.") % {"role": Role(role).label}
                    ]
                }
            )
        require_global(actor, Perm.ROLES_ASSIGN)
    else:
        if organisation is None:
            raise ValidationFailed({"organisation": [_("Chọn đơn vị mà vai trò có hiệu lực.")]})
        require(actor, Perm.ROLES_ASSIGN, organisation)
        if user.kind != UserKind.STAFF:
            raise ValidationFailed({"role": [_("Chỉ giao vai trò cán bộ cho tài khoản cán bộ, công chức.")]})
        related = any(
            m.organisation.path.startswith(organisation.path) or organisation.path.startswith(m.organisation.path)
            for m in user.memberships.select_related("organisation")
        )
        if not related:
            raise ValidationFailed(
                {
                    "organisation": [
                        _("%(name)s không công tác tại %(org)s hoặc đơn vị cấp trên, cấp dưới của nó.")
                        % {"name": user.full_name, "org": organisation.name}
                    ]
                }
            )
    if RoleAssignment.objects.filter(user=user, role=role, organisation=organisation).exists():
        raise ValidationFailed({"role": [_("%(name)s đã có vai trò này.") % {"name": user.full_name}]})
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        organisation=organisation,
        granted_by=actor.user if actor.user else None,
    )
    audit_record(
        actor=actor,
        action="role.assign",
        obj=user,
        scope_org=organisation,
        after={"role": role, "organisation": organisation.code if organisation else None},
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    assignment = (
        RoleAssignment.objects.select_related("user", "organisation")
        .select_for_update(of=("self",))
        .get(pk=assignment.pk)
    )
    if assignment.organisation is None:
        require_global(actor, Perm.ROLES_ASSIGN)
    else:
        require(actor, Perm.ROLES_ASSIGN, assignment.organisation)
    if assignment.role == Role.SYSTEM_ADMIN and _is_last_system_admin(assignment.user):
        raise ValidationFailed({"role": [_("Không thể thu hồi vai trò của quản trị hệ thống cuối cùng.")]})
    org = assignment.organisation
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=assignment.user,
        scope_org=org,
        before={"role": assignment.role, "organisation": org.code if org else None},
    )
    assignment.delete()


# --- API keys -------------------------------------------------------------------------------------


@transaction.atomic
def api_key_issue(
    *,
    actor: Actor,
    organisation: Organisation,
    system_name: str,
    scopes: list[str],
    expires_at: dt.datetime | None = None,
) -> tuple[ApiKey, str]:
    """Issue a key; the full key is returned once and only its hash is kept."""
    require(actor, Perm.API_KEYS_MANAGE, organisation)
    errors: dict[str, list[str]] = {}
    system_name = clean(system_name)
    if not system_name:
        errors["system_name"] = [_("Nhập tên hệ thống sử dụng khóa.")]
    elif len(system_name) > 150:
        errors["system_name"] = [_("Tên hệ thống dài tối đa 150 ký tự.")]
    scopes = sorted(set(scopes))
    bad = [s for s in scopes if s not in API_KEY_SCOPES]
    if not scopes:
        errors["scopes"] = [_("Chọn ít nhất một phạm vi quyền.")]
    elif bad:
        errors["scopes"] = [_("Phạm vi không được phép cho khóa API: %(s)s.") % {"s": ", ".join(bad)}]
    else:
        beyond = [s for s in scopes if not can(actor, s, organisation)]
        if beyond:
            errors["scopes"] = [
                _("Bạn không thể giao cho khóa quyền mà bạn không có: %(s)s.") % {"s": ", ".join(beyond)}
            ]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("Ngày hết hạn phải ở tương lai.")]
    if errors:
        raise ValidationFailed(errors)
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    full = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        organisation=organisation,
        system_name=system_name,
        prefix=prefix,
        key_hash=hash_secret(full),
        scopes=scopes,
        created_by=actor.user,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action="apikey.issue",
        obj=key,
        scope_org=organisation,
        after={
            "system_name": system_name,
            "prefix": prefix,
            "scopes": scopes,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return key, full


@transaction.atomic
def api_key_revoke(*, actor: Actor, key: ApiKey) -> ApiKey:
    key = ApiKey.objects.select_related("organisation").select_for_update().get(pk=key.pk)
    require(actor, Perm.API_KEYS_MANAGE, key.organisation)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.revoked_by = actor.user
        key.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="apikey.revoke",
            obj=key,
            scope_org=key.organisation,
            after={"prefix": key.prefix, "revoked_at": key.revoked_at.isoformat()},
        )
    return key
