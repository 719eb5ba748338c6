"""Log-in (with the second factor when enrolled), log-out, lock-out and password reset."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from egov.accounts.actor import Actor
from egov.accounts.auth import has_two_factor, session_login, session_logout, verify_second_factor
from egov.accounts.forms import LoginForm, OtpForm, PasswordResetForm
from egov.accounts.middleware import client_ip
from egov.accounts.models import User
from egov.accounts.services import person_set_password
from egov.core.errors import DomainError
from egov.core.views_helpers import apply_error, safe_next

PENDING_KEY = "egov_2fa_pending"
PENDING_SECONDS = 300
MAX_OTP_TRIES = 5


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request, reverse("core:home")))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.user
        target = safe_next(request, reverse("core:home"))
        if has_two_factor(user):
            request.session.cycle_key()
            request.session[PENDING_KEY] = {"user": user.pk, "at": time.time(), "next": target, "tries": 0}
            return redirect("accounts:login_otp")
        session_login(request, user)
        return redirect(target)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": safe_next(request, "")},
        status=400 if form.errors else 200,
    )


@never_cache
def login_otp_view(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("Phiên đăng nhập đã hết hạn, hãy đăng nhập lại."))
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_second_factor(user, form.cleaned_data["token"])
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            session_login(request, user, otp_device=device)
            return redirect(pending["next"])
        pending["tries"] += 1
        if pending["tries"] >= MAX_OTP_TRIES:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("Nhập sai mã xác thực quá nhiều lần, hãy đăng nhập lại."))
            return redirect("accounts:login")
        request.session[PENDING_KEY] = pending
        form.add_error("token", _("Mã xác thực không đúng."))
    return render(request, "accounts/login_otp.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def logout_view(request):
    session_logout(request)
    messages.success(request, _("Bạn đã đăng xuất."))
    return redirect("accounts:login")


def locked_out(request, response=None, credentials=None):
    """Called by django-axes when a username is locked after repeated failures."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = LoginForm(request, data=request.POST or None)
    form.is_bound = False
    message = ngettext(
        "Tài khoản tạm bị khóa do đăng nhập sai nhiều lần. Hãy thử lại sau %(minutes)d phút, "
        "hoặc đặt lại mật khẩu, hoặc liên hệ quản trị cơ quan.",
        "Tài khoản tạm bị khóa do đăng nhập sai nhiều lần. Hãy thử lại sau %(minutes)d phút, "
        "hoặc đặt lại mật khẩu, hoặc liên hệ quản trị cơ quan.",
        minutes,
    ) % {"minutes": minutes}
    return render(request, "accounts/login.html", {"form": form, "locked_message": message}, status=403)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        from axes.utils import reset

        user = form.user
        actor = Actor(
            user=user, ip_address=client_ip(self.request), request_id=getattr(self.request, "request_id", None)
        )
        try:
            person_set_password(
                actor=actor, user=user, password=form.cleaned_data["new_password1"], action="auth.password_reset"
            )
        except DomainError as exc:
            apply_error(form, exc, {"password": "new_password2"})
            return self.form_invalid(form)
        reset(username=user.username)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)
