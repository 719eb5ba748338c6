"""Signing in and out, lock-outs and two-factor authentication (TOTP with backup codes)."""

from __future__ import annotations

import secrets

from django.contrib.auth import login, logout
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.actor import Actor
from egov.accounts.middleware import client_ip
from egov.accounts.models import User
from egov.accounts.roles import Perm
from egov.accounts.services import home_organisation, require_person
from egov.audit.services import audit_record
from egov.core.errors import ValidationFailed

BACKUP_CODES = 10


def _actor(request, user: User | None) -> Actor:
    return Actor(
        user=user,
        organisation=home_organisation(user) if user else None,
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", None),
    )


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def session_login(request, user: User, *, otp_device=None) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if otp_device is not None:
        otp_login(request, otp_device)
    audit_record(
        actor=_actor(request, user),
        action="auth.login",
        obj=user,
        scope_org=home_organisation(user),
        after={"two_factor": otp_device is not None},
    )


@transaction.atomic
def session_logout(request) -> None:
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        audit_record(actor=_actor(request, user), action="auth.logout", obj=user, scope_org=home_organisation(user))
    logout(request)


@transaction.atomic
def lockout_record(request, username: str) -> None:
    """Record a lock-out once: django-axes announces it again on every attempt while the lock lasts."""
    from django.conf import settings
    from django.utils import timezone

    from egov.audit.models import AuditEvent

    user = User.objects.filter(username=username).first()
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    if AuditEvent.objects.filter(
        action="auth.locked_out",
        object_type="accounts.user",
        object_id=str(user.pk if user else username),
        occurred_at__gte=since,
    ).exists():
        return
    audit_record(
        actor=Actor(
            ip_address=client_ip(request),
            request_id=getattr(request, "request_id", None),
            system_label=_("Khóa đăng nhập tự động"),
        ),
        action="auth.locked_out",
        obj=user,
        object_type="accounts.user",
        object_id=user.pk if user else username,
        object_repr=str(user) if user else username,
        scope_org=home_organisation(user) if user else None,
    )


def verify_second_factor(user: User, token: str):
    """The device that accepts `token` (authenticator code or one backup code), or None."""
    token = (token or "").replace(" ", "").strip()
    if not token:
        return None
    device = confirmed_totp(user)
    if device is not None and token.isdigit() and device.verify_token(token):
        return device
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(token):
            return static
    return None


@transaction.atomic
def totp_begin(*, user: User) -> TOTPDevice:
    """Start enrolment: a fresh unconfirmed authenticator secret (replacing an unfinished one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)


@transaction.atomic
def totp_confirm(*, actor: Actor, user: User, token: str) -> list[str]:
    """Confirm enrolment with a first code; returns one-time backup codes to show once."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationFailed({"token": [_("Hãy bắt đầu lại việc thiết lập xác thực hai lớp.")]})
    token = (token or "").replace(" ", "")
    if not (token.isdigit() and len(token) == 6 and device.verify_token(token)):
        raise ValidationFailed(
            {"token": [_("Mã xác thực không đúng hoặc đã hết hạn; nhập mã 6 chữ số đang hiện trong ứng dụng.")]}
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=_("Mã dự phòng"), confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    audit_record(actor=actor, action="auth.2fa_enable", obj=user, scope_org=home_organisation(user))
    return codes


@transaction.atomic
def totp_disable(*, actor: Actor, user: User) -> None:
    if actor.user is None or actor.user.pk != user.pk:
        require_person(actor, Perm.PEOPLE_MANAGE, user)
    removed, _counts = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if removed:
        audit_record(actor=actor, action="auth.2fa_disable", obj=user, scope_org=home_organisation(user))
