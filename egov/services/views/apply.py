"""Nộp hồ sơ trực tuyến: choose the agency, give your details, answer the form page by page, upload the papers,
check everything, submit. Each step saves the draft, so the applicant can leave and come back."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.core.errors import DomainError, NotFound, PermissionDenied
from egov.core.views_helpers import apply_error
from egov.services import eform_fields, selectors
from egov.services.catalogue.selectors import procedure_in_force
from egov.services.dossiers import drafts
from egov.services.dossiers.uploads import Upload
from egov.services.models import ResultDelivery


class AgencyForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("Cơ quan giải quyết"), queryset=None)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = queryset
        self.fields["agency"].empty_label = gettext_lazy("— Chọn cơ quan —")


class ApplicantForm(forms.Form):
    applicant_name = forms.CharField(label=gettext_lazy("Họ và tên (hoặc tên tổ chức)"), max_length=200)
    applicant_id_number = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân hoặc mã số doanh nghiệp"), max_length=20, required=False
    )
    applicant_phone = forms.CharField(label=gettext_lazy("Số điện thoại"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=gettext_lazy("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=gettext_lazy("Địa chỉ"), max_length=300, required=False)
    result_delivery = forms.ChoiceField(
        label=gettext_lazy("Nhận kết quả"), choices=ResultDelivery.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {
            "applicant_name": "name",
            "applicant_phone": "tel",
            "applicant_email": "email",
            "applicant_address": "street-address",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value


class PaperForm(forms.Form):
    requirement = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=gettext_lazy("Chọn tệp"))


def _draft(request, pk: int):
    try:
        return drafts.draft_get(actor=request.actor, pk=pk)
    except NotFound:
        raise Http404 from None


def _steps(draft) -> list[tuple[str, str]]:
    """(url, title) of each step, in order: the flow and the "change" links of the check page."""
    pk = draft.pk
    steps = [
        (reverse("services:apply_agency", args=[pk]), _("Cơ quan giải quyết")),
        (reverse("services:apply_applicant", args=[pk]), _("Thông tin người nộp")),
    ]
    for page in eform_fields.pages(draft.version):
        steps.append((reverse("services:apply_form", args=[pk, page.slug]), page.title))
    steps.append((reverse("services:apply_papers", args=[pk]), _("Giấy tờ kèm theo")))
    steps.append((reverse("services:apply_check", args=[pk]), _("Kiểm tra và nộp hồ sơ")))
    return steps


def _next(request, draft, current: str):
    urls = [url for url, _title in _steps(draft)]
    here = urls.index(current) if current in urls else -1
    return redirect(urls[min(here + 1, len(urls) - 1)])


def _render(request, template: str, draft, context: dict, status: int = 200):
    steps = _steps(draft)
    here = next((i for i, (url, _t) in enumerate(steps) if url == request.path), 0)
    context.update(draft=draft, version=draft.version, back=steps[here - 1][0] if here else None)
    return render(request, f"services/apply/{template}", context, status=status)


@login_required
def start(request, code: str):
    try:
        version = procedure_in_force(code=code)
        draft = drafts.draft_start(actor=request.actor, version=version)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return render(request, "services/apply/not_applicant.html", {"message": exc.message}, status=403)
    except DomainError as exc:
        return render(request, "services/apply/not_applicant.html", {"message": exc.message}, status=exc.status)
    return redirect(_steps(draft)[0][0])


@login_required
def agency(request, pk: int):
    draft = _draft(request, pk)
    queryset = drafts.agencies_for(draft.version)
    form = AgencyForm(request.POST or None, queryset=queryset, initial={"agency": draft.agency_id})
    if request.method == "POST" and form.is_valid():
        try:
            drafts.draft_set_agency(actor=request.actor, draft=draft, agency_id=form.cleaned_data["agency"].pk)
            return _next(request, draft, request.path)
        except DomainError as exc:
            apply_error(form, exc)
    status = 422 if request.method == "POST" else 200
    return _render(request, "agency.html", draft, {"form": form}, status)


@login_required
def applicant(request, pk: int):
    draft = _draft(request, pk)
    initial = {**draft.applicant_values, "result_delivery": draft.result_delivery or ResultDelivery.ONLINE}
    form = ApplicantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            drafts.draft_set_applicant(actor=request.actor, draft=draft, values=form.cleaned_data)
            return _next(request, draft, request.path)
        except DomainError as exc:
            apply_error(form, exc)
    status = 422 if request.method == "POST" else 200
    return _render(request, "applicant.html", draft, {"form": form}, status)


@login_required
def form_page(request, pk: int, page: str):
    draft = _draft(request, pk)
    found = next((p for p in eform_fields.pages(draft.version) if p.slug == page), None)
    if found is None:
        raise Http404
    form = eform_fields.page_form(draft.version, found, data=request.POST or None, initial=draft.answers)
    if request.method == "POST" and form.is_valid():
        drafts.draft_set_answers(actor=request.actor, draft=draft, answers=form.answers())
        return _next(request, draft, request.path)
    status = 422 if request.method == "POST" else 200
    return _render(request, "form_page.html", draft, {"form": form, "page": found}, status)


def _papers_context(draft, failed: dict | None = None) -> dict:
    uploaded = {row.requirement: row for row in draft.files.all()}
    rows = []
    for requirement in draft.version.required_documents.all():
        form = (failed or {}).get(requirement.key) or PaperForm(
            initial={"requirement": requirement.key}, prefix=requirement.key
        )
        rows.append({"requirement": requirement, "uploaded": uploaded.get(requirement.key), "form": form})
    return {"rows": rows}


@login_required
def papers(request, pk: int):
    draft = _draft(request, pk)
    if request.method != "POST":
        return _render(request, "papers.html", draft, _papers_context(draft))
    key = request.POST.get("requirement", "")
    if request.POST.get("remove"):
        drafts.draft_detach(actor=request.actor, draft=draft, requirement=key)
        return redirect(request.path)
    if request.POST.get("continue"):
        return _next(request, draft, request.path)
    form = PaperForm(request.POST, request.FILES, prefix=key)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            drafts.draft_attach(
                actor=request.actor,
                draft=draft,
                upload=Upload(key, upload.name, upload.content_type or "", upload.read()),
            )
            return redirect(request.path)
        except DomainError as exc:
            apply_error(form, exc)
    return _render(request, "papers.html", draft, _papers_context(draft, {key: form}), status=422)


def _summary(draft) -> list[dict]:
    schema = draft.version.form_schema or {}
    properties = schema.get("properties") or {}
    sections = []
    for url, title in _steps(draft)[2:-2]:
        page = next(p for p in eform_fields.pages(draft.version) if url.endswith(f"/form/{p.slug}/"))
        rows = [(properties[name].get("title", name), draft.answers.get(name, "")) for name in page.fields]
        sections.append({"title": title, "url": url, "rows": rows})
    return sections


def _uploaded(draft) -> list[tuple]:
    files = {row.requirement: row for row in draft.files.all()}
    return [(requirement, files.get(requirement.key)) for requirement in draft.version.required_documents.all()]


@login_required
def check(request, pk: int):
    draft = _draft(request, pk)
    error = None
    if request.method == "POST":
        try:
            dossier = drafts.draft_submit(actor=request.actor, draft=draft)
            return redirect(reverse("services:apply_done", args=[dossier.pk]))
        except DomainError as exc:
            error = exc
    context = {
        "steps": _steps(draft),
        "sections": _summary(draft),
        "papers": _uploaded(draft),
        "errors": getattr(error, "errors", None) or ({error.field or "": [error.message]} if error else {}),
    }
    return _render(request, "check.html", draft, context, status=(error.status if error else 200))


@login_required
def done(request, pk: int):
    try:
        dossier = selectors.dossier_get(request.actor, pk)
    except NotFound:
        raise Http404 from None
    if dossier.applicant_id != request.user.pk:
        raise Http404
    return render(request, "services/apply/done.html", {"dossier": dossier})


urlpatterns = [
    path("apply/<str:code>/", start, name="apply"),
    path("apply/d/<int:pk>/agency/", agency, name="apply_agency"),
    path("apply/d/<int:pk>/applicant/", applicant, name="apply_applicant"),
    path("apply/d/<int:pk>/form/<slug:page>/", form_page, name="apply_form"),
    path("apply/d/<int:pk>/papers/", papers, name="apply_papers"),
    path("apply/d/<int:pk>/check/", check, name="apply_check"),
    path("apply/done/<int:pk>/", done, name="apply_done"),
]
