"""Applicants' accounts: registering, keeping the profile, and the details that prefill a dossier's form."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.models import User, UserKind
from egov.accounts.roles import Role
from egov.accounts.services import role_assign
from egov.audit.services import audit_record
from egov.core.errors import PermissionDenied
from egov.core.validation import Errors, text
from egov.services.applicants import rules
from egov.services.models import ApplicantKind, ApplicantProfile

# Without look-alike characters: a username is seldom typed, but it is read out to the help desk.
_USERNAME_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_USERNAME_PREFIX = {ApplicantKind.CITIZEN: "cd-", ApplicantKind.BUSINESS: "dn-"}
_IDENTIFIERS = ("email", "phone")


def _new_username(kind: str) -> str:
    while True:
        name = _USERNAME_PREFIX[kind] + "".join(secrets.choice(_USERNAME_ALPHABET) for _ in range(10))
        if not User.objects.filter(username=name).exists():
            return name


def _identifiers(values: dict, errors: Errors, *, exclude: User | None = None) -> tuple[str, str]:
    """Email and phone, normalised; at least one; neither already an applicant's sign-in."""
    raw_email, raw_phone = text(values, "email", errors, max_length=254), text(values, "phone", errors, max_length=30)
    email = rules.normalise_email(raw_email) if raw_email else ""
    phone = rules.normalise_phone(raw_phone) if raw_phone else ""
    if email is None:
        errors.add("email", _("Địa chỉ thư điện tử không hợp lệ, ví dụ: ten@example.com."))
    if phone is None:
        errors.add("phone", _("Số điện thoại di động không hợp lệ: 10 chữ số bắt đầu bằng 0, ví dụ 0912 345 678."))
    if not raw_email and not raw_phone:
        errors.add("email", _("Nhập thư điện tử hoặc số điện thoại (ít nhất một) để đăng nhập."))
    applicants = User.objects.filter(kind=UserKind.APPLICANT)
    if exclude is not None:
        applicants = applicants.exclude(pk=exclude.pk)
    if email and applicants.filter(email__iexact=email).exists():
        errors.add(
            "email", _("Thư điện tử này đã được dùng cho một tài khoản khác. Hãy đăng nhập hoặc lấy lại mật khẩu.")
        )
    if phone and applicants.filter(phone=phone).exists():
        errors.add("phone", _("Số điện thoại này đã được dùng cho một tài khoản khác. Hãy đăng nhập."))
    return email or "", phone or ""


def _details(values: dict, kind: str, errors: Errors) -> dict[str, Any]:
    """Names, the id number, birth date and address, checked for the kind of applicant."""
    data: dict[str, Any] = {"address": text(values, "address", errors, max_length=300)}
    if kind == ApplicantKind.BUSINESS:
        data["organisation_name"] = text(values, "organisation_name", errors, required=True, max_length=200)
        data["representative"] = text(values, "representative", errors, required=True, max_length=150)
        data["full_name"] = data["representative"]
        data["birth_date"] = None
    else:
        data["full_name"] = text(values, "full_name", errors, required=True, max_length=150)
        data["organisation_name"] = data["representative"] = ""
        birth_date = values.get("birth_date")
        if birth_date is not None and not (dt.date(1900, 1, 1) <= birth_date <= timezone.localdate()):
            errors.add("birth_date", _("Ngày sinh phải từ 01/01/1900 đến hôm nay."))
        data["birth_date"] = birth_date
    raw_id = text(values, "id_number", errors, required=True, max_length=20)
    if raw_id:
        id_number = rules.normalise_id_number(raw_id, kind)
        if id_number is None:
            errors.add(
                "id_number",
                _("Số định danh cá nhân gồm đúng 12 chữ số.")
                if kind == ApplicantKind.CITIZEN
                else _("Mã số doanh nghiệp gồm 10 chữ số, hoặc 13 chữ số với đơn vị phụ thuộc."),
            )
        data["id_number"] = id_number or ""
    else:
        data["id_number"] = ""
    return data


def _password(password: str, user: User, errors: Errors) -> None:
    if not password:
        errors.add("password", _("Nhập mật khẩu."))
        return
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        for message in exc.messages:
            errors.add("password", message)


@transaction.atomic
def applicant_register(*, actor: Actor, values: dict[str, Any], password: str) -> User:
    """Đăng ký tài khoản: the account (kind applicant), the applicant role and the profile, in one go."""
    if actor.user is not None and actor.user.is_authenticated:
        raise PermissionDenied(_("Bạn đã đăng nhập; hãy đăng xuất trước khi đăng ký tài khoản mới."))
    errors = Errors()
    kind = values.get("kind")
    if kind not in ApplicantKind.values:
        errors.add("kind", _("Chọn công dân hoặc doanh nghiệp, tổ chức."))
        kind = ApplicantKind.CITIZEN
    email, phone = _identifiers(values, errors)
    details = _details(values, kind, errors)
    user = User(
        username=_new_username(kind),
        full_name=details["full_name"],
        email=email,
        phone=phone,
        kind=UserKind.APPLICANT,
    )
    _password(password, user, errors)
    errors.raise_if_any()
    user.set_password(password)
    user.save()
    # Only the platform grants a global role: the sign-up page grants this one on its behalf.
    registrar = Actor(
        system_label="services.applicants.register", ip_address=actor.ip_address, request_id=actor.request_id
    )
    role_assign(actor=registrar, user=user, role=Role.APPLICANT, organisation=None)
    ApplicantProfile.objects.create(
        user=user,
        kind=kind,
        id_number=details["id_number"],
        birth_date=details["birth_date"],
        address=details["address"],
        organisation_name=details["organisation_name"],
        representative=details["representative"],
    )
    audit_record(
        actor=Actor(user=user, ip_address=actor.ip_address, request_id=actor.request_id),
        action="applicant.register",
        obj=user,
        after={"username": user.username, "kind": kind, "email": email, "phone": phone},
    )
    return user


def _state(user: User, profile: ApplicantProfile) -> dict[str, Any]:
    return {
        "full_name": user.full_name,
        "organisation_name": profile.organisation_name,
        "representative": profile.representative,
        "email": user.email,
        "phone": user.phone,
        "id_number": profile.id_number,
        "birth_date": profile.birth_date,
        "address": profile.address,
    }


def profile_of(user: User) -> ApplicantProfile:
    """The applicant's profile; an account an administrator created has none yet, so an empty citizen one."""
    profile = ApplicantProfile.objects.filter(user=user).first()
    return profile if profile is not None else ApplicantProfile(user=user, kind=ApplicantKind.CITIZEN)


@transaction.atomic
def applicant_profile_update(
    *, actor: Actor, user: User, values: dict[str, Any], current_password: str = ""
) -> ApplicantProfile:
    """Change one's own details; changing the email or phone one signs in with asks for the password."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor.user is None or actor.user.pk != user.pk or user.kind != UserKind.APPLICANT:
        raise PermissionDenied(_("Chỉ chủ tài khoản được sửa thông tin của mình."))
    profile = profile_of(user)
    before = _state(user, profile)
    errors = Errors()
    email, phone = _identifiers(values, errors, exclude=user)
    details = _details(values, profile.kind, errors)
    identifiers_changed = (email, phone) != (user.email, user.phone)
    if identifiers_changed and not user.check_password(current_password or ""):
        errors.add(
            "current_password", _("Nhập đúng mật khẩu hiện tại để đổi thư điện tử hoặc số điện thoại đăng nhập.")
        )
    errors.raise_if_any()
    user.full_name, user.email, user.phone = details["full_name"], email, phone
    user.save(update_fields=["full_name", "email", "phone"])
    for name in ("id_number", "birth_date", "address", "organisation_name", "representative"):
        setattr(profile, name, details[name])
    profile.save()
    after = _state(user, profile)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        # The sign-in identifiers are kept in the trail (an account taken over shows there); the rest by name only.
        audit_record(
            actor=actor,
            action="applicant.profile_update",
            obj=user,
            before={name: before[name] for name in _IDENTIFIERS if name in changed},
            after={"changed": changed, **{name: after[name] for name in _IDENTIFIERS if name in changed}},
        )
    return profile


def prefill(user: User | None) -> dict[str, str]:
    """The applicant's details for a dossier's form (applicant_name, applicant_id_number, …)."""
    if user is None or not user.is_authenticated:
        return {}
    profile = ApplicantProfile.objects.filter(user=user).first()
    name = user.full_name
    if profile is not None and profile.kind == ApplicantKind.BUSINESS and profile.organisation_name:
        name = profile.organisation_name
    return {
        "applicant_name": name,
        "applicant_id_number": profile.id_number if profile is not None else "",
        "applicant_phone": user.phone,
        "applicant_email": user.email,
        "applicant_address": profile.address if profile is not None else "",
    }
