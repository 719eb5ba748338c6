"""The applicant's pages: register, the profile, "Hồ sơ của tôi" with each dossier, its papers and its actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from egov.accounts.auth import session_login
from egov.accounts.middleware import client_ip
from egov.accounts.models import UserKind
from egov.core.errors import DomainError, PermissionDenied
from egov.core.ratelimit import RateLimiter
from egov.core.views_helpers import apply_error, paginate
from egov.services.applicants import selectors as sel
from egov.services.applicants import services
from egov.services.applicants.forms import ProfileForm, RegistrationForm, SupplementForm, WithdrawForm
from egov.services.dossiers import processing, uploads
from egov.services.dossiers.uploads import Upload
from egov.services.models import DossierState
from egov.services.models.dossiers import STATE_TAGS

S = DossierState
PER_PAGE = 20
# Sign-ups from one address: a burst of ten (a one-stop counter helping several people), then one every two minutes.
REGISTER_RATE = (1 / 120, 10)
limiter = RateLimiter(max_keys=20_000)


def _status(form, exc: DomainError | None = None) -> int:
    if exc is not None:
        return exc.status
    return 400 if form.errors else 200


# --- the account ----------------------------------------------------------------------------------------
@sensitive_post_parameters("password", "password_confirm")
@never_cache
def register(request):
    if request.user.is_authenticated:
        return redirect("services:my_dossiers")
    form = RegistrationForm(request.POST or None)
    wait = 0
    if request.method == "POST":
        rate, burst = getattr(settings, "EGOV_SERVICES_REGISTER_RATE", REGISTER_RATE)
        wait = limiter.hit(client_ip(request) or "", rate, burst)
        if wait:
            form.is_valid()
            form.add_error(
                None, _("Có quá nhiều lượt đăng ký từ địa chỉ này. Hãy thử lại sau %(n)d giây.") % {"n": wait}
            )
        elif form.is_valid():
            try:
                user = services.applicant_register(
                    actor=request.actor, values=form.cleaned_data, password=form.cleaned_data["password"]
                )
            except DomainError as exc:
                apply_error(form, exc)
            else:
                session_login(request, user)
                messages.success(
                    request,
                    _("Đã tạo tài khoản. Từ nay bạn đăng nhập bằng thư điện tử hoặc số điện thoại và mật khẩu."),
                )
                return redirect("services:my_dossiers")
    context = {"form": form, "login_url": reverse("accounts:login") + "?next=" + reverse("services:my_dossiers")}
    response = render(request, "services/applicants/register.html", context, status=429 if wait else _status(form))
    if wait:
        response["Retry-After"] = str(wait)
    return response


@sensitive_post_parameters("current_password")
@login_required
def profile(request):
    user = request.user
    if user.kind != UserKind.APPLICANT:
        raise PermissionDenied(_("Trang này dành cho tài khoản công dân, doanh nghiệp."))
    current = services.profile_of(user)
    initial = {
        "full_name": user.full_name,
        "organisation_name": current.organisation_name,
        "representative": current.representative,
        "email": user.email,
        "phone": user.phone,
        "id_number": current.id_number,
        "birth_date": current.birth_date,
        "address": current.address,
    }
    form = ProfileForm(request.POST or None, initial=initial, kind=current.kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.applicant_profile_update(
                actor=request.actor,
                user=user,
                values=form.cleaned_data,
                current_password=form.cleaned_data.get("current_password", ""),
            )
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin tài khoản."))
            return redirect("services:applicant_profile")
    context = {"form": form, "profile": current, "account": user}
    return render(request, "services/applicants/profile.html", context, status=_status(form))


# --- "Hồ sơ của tôi" ----------------------------------------------------------------------------------
@login_required
def my_list(request):
    page = paginate(request, sel.my_dossiers(request.actor), per_page=PER_PAGE)
    for dossier in page:
        dossier.tag = STATE_TAGS.get(dossier.state, "grey")
    drafts = sel.my_drafts(request.actor)
    return render(request, "services/applicants/my_list.html", {"page_obj": page, "drafts": drafts})


def _detail(request, dossier, *, withdraw_form=None, supplement_form=None, status=200):
    requirements = list(dossier.version.required_documents.order_by("position"))
    context = {
        "dossier": dossier,
        "tag": STATE_TAGS.get(dossier.state, "grey"),
        "events": sel.timeline(dossier),
        "papers": sel.papers(dossier),
        "can_withdraw": sel.can_withdraw(dossier),
        "can_supplement": sel.can_supplement(dossier),
        "supplement_items": sel.supplement_items(dossier) if sel.can_supplement(dossier) else [],
        "withdraw_form": withdraw_form or WithdrawForm(),
        "supplement_form": supplement_form or SupplementForm(requirements=requirements),
        "failed_form": withdraw_form if withdraw_form is not None else supplement_form,
    }
    return render(request, "services/applicants/my_detail.html", context, status=status)


@login_required
def my_detail(request, pk: int):
    return _detail(request, sel.my_dossier_get(request.actor, pk))


@login_required
@require_POST
def my_withdraw(request, pk: int):
    dossier = sel.my_dossier_get(request.actor, pk)
    form = WithdrawForm(request.POST)
    error = None
    if form.is_valid():
        try:
            processing.dossier_withdraw(actor=request.actor, dossier=dossier, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_error(form, exc)
            error = exc
        else:
            messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("services:my_dossier", pk=dossier.pk)
    return _detail(request, dossier, withdraw_form=form, status=_status(form, error))


def _upload(key: str, uploaded, requirement) -> Upload:
    # Read one byte past the limit, not the whole file: the size check then refuses it without filling memory.
    data = uploaded.read(requirement.max_bytes + 1)
    return Upload(
        requirement=key,
        name=uploaded.name,
        content_type=uploads.sniff(data) or "application/octet-stream",
        data=data,
    )


@login_required
@require_POST
def my_supplement(request, pk: int):
    dossier = sel.my_dossier_get(request.actor, pk)
    requirements = {r.key: r for r in dossier.version.required_documents.order_by("position")}
    form = SupplementForm(request.POST, request.FILES, requirements=requirements.values())
    error = None
    if form.is_valid():
        files = [
            _upload(form.keys[name], uploaded, requirements[form.keys[name]])
            for name, uploaded in form.cleaned_data.items()
            if uploaded
        ]
        try:
            processing.dossier_supplement(actor=request.actor, dossier=dossier, files=files)
        except DomainError as exc:
            field_map = {f"files.{key}": form.field_for(key) for key in requirements}
            if requirements:
                field_map["files"] = form.field_for(next(iter(requirements)))
            apply_error(form, exc, field_map)
            error = exc
        else:
            messages.success(request, _("Đã gửi giấy tờ bổ sung cho hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("services:my_dossier", pk=dossier.pk)
    return _detail(request, dossier, supplement_form=form, status=_status(form, error))


@login_required
def my_file(request, pk: int, file_pk: int):
    row = sel.my_file_get(request.actor, pk, file_pk)
    response = FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.original_name, content_type=row.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("account/register/", register, name="applicant_register"),
    path("account/", profile, name="applicant_profile"),
    path("my/", my_list, name="my_dossiers"),
    path("my/<int:pk>/", my_detail, name="my_dossier"),
    path("my/<int:pk>/withdraw/", my_withdraw, name="my_dossier_withdraw"),
    path("my/<int:pk>/supplement/", my_supplement, name="my_dossier_supplement"),
    path("my/<int:pk>/files/<int:file_pk>/", my_file, name="my_dossier_file"),
]
