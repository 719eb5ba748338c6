"""The signed-in person's own account: profile, password, two-factor authentication, acting unit."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts import selectors
from egov.accounts.auth import has_two_factor, totp_begin, totp_confirm, totp_disable
from egov.accounts.forms import TotpConfirmForm
from egov.accounts.models import UserKind
from egov.accounts.services import person_set_password
from egov.core.errors import DomainError
from egov.core.views_helpers import apply_error, safe_next


@login_required
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": selectors.person_memberships(user=user),
            "roles": selectors.person_roles(user=user),
            "two_factor": has_two_factor(user),
            "backup_codes_left": StaticToken.objects.filter(device__user=user).count(),
            "is_staff_account": user.kind == UserKind.STAFF,
        },
    )


@login_required
@sensitive_post_parameters()
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = person_set_password(
                actor=request.actor,
                user=request.user,
                password=form.cleaned_data["new_password1"],
                action="auth.password_change",
            )
        except DomainError as exc:
            apply_error(form, exc, {"password": "new_password2"})
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form}, status=400 if form.errors else 200)


def _enrolment_context(device: TOTPDevice) -> dict:
    qr = segno.make(device.config_url, error="m")
    return {
        "device": device,
        "qr_svg": qr.svg_inline(scale=5, dark="#0b0c0c", light="#ffffff"),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    }


@login_required
@never_cache
def two_factor_setup(request):
    """POST without a token starts enrolment; POST with a token confirms it and shows backup codes once."""
    user = request.user
    if user.kind != UserKind.STAFF:
        return redirect("accounts:account")
    if request.method == "POST" and "token" not in request.POST:
        device = totp_begin(user=user)
        return render(
            request, "accounts/two_factor_setup.html", {**_enrolment_context(device), "form": TotpConfirmForm()}
        )
    if request.method == "POST":
        form = TotpConfirmForm(request.POST)
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if form.is_valid():
            try:
                codes = totp_confirm(actor=request.actor, user=user, token=form.cleaned_data["token"])
            except DomainError as exc:
                apply_error(form, exc)
            else:
                return render(request, "accounts/two_factor_done.html", {"codes": codes})
        if device is None:
            return redirect("accounts:account")
        return render(
            request, "accounts/two_factor_setup.html", {**_enrolment_context(device), "form": form}, status=400
        )
    return redirect("accounts:account")


@login_required
@require_POST
def two_factor_disable(request):
    totp_disable(actor=request.actor, user=request.user)
    messages.success(request, _("Đã tắt xác thực hai lớp."))
    return redirect("accounts:account")


@login_required
@require_POST
def acting_org_switch(request):
    wanted = request.POST.get("organisation", "")
    allowed = {str(org.pk): org for org in selectors.acting_organisations(user=request.user)}
    if wanted not in allowed:
        messages.error(request, _("Bạn không công tác tại đơn vị đã chọn."))
    else:
        request.session[selectors.ACTING_ORG_SESSION_KEY] = int(wanted)
        messages.success(request, _("Đang làm việc cho %(org)s.") % {"org": allowed[wanted].name})
    return redirect(safe_next(request, "/"))


@login_required
def acting_org_choose(request):
    return render(
        request,
        "accounts/acting_org.html",
        {
            "organisations": selectors.acting_organisations(user=request.user),
            "next": safe_next(request, "/"),
        },
    )
