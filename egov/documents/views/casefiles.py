"""Pages: the file catalogue (danh mục hồ sơ), one file (hồ sơ) with its documents, its exports, and filing a document.

What a person sees is decided by the file selectors (the files they may see, and in each only the documents they
may see); what they may change is decided by the file services, whose refusals become a 403 page with the reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.core.errors import DomainError, PermissionDenied, ValidationFailed
from egov.core.validation import Errors
from egov.core.views_helpers import safe_next
from egov.documents.forms.fields import unit_label, units_of
from egov.documents.models import CaseFile, CaseFileState, Document
from egov.documents.permissions import require_documents_access
from egov.documents.selectors.casefiles import (
    casefile_catalogue,
    casefile_documents,
    casefile_get,
    casefile_visible_q,
    files_of_document,
)
from egov.documents.selectors.documents import document_get
from egov.documents.services import casefiles as services
from egov.documents.services.metadata import date_value
from egov.documents.views._common import document_url, drafting_organisations, show_error, shows_refusal
from egov.documents.views.registers import chosen_organisation, register_keepers
from egov.organisations.models import Organisation

PER_PAGE = 50
EXPORTS = {
    "pdf": "application/pdf",
    "xml": "application/xml; charset=utf-8",
    "zip": "application/zip",
}


def casefile_url(case_file) -> str:
    return reverse("documents:casefile", args=[case_file.pk])


def catalogue_organisations(actor) -> list[Organisation]:
    """Where the actor keeps or reads a catalogue: clerks' and leaders' organisations, agencies they draft for."""
    found = {org.pk: org for org in register_keepers(actor)}
    for org in drafting_organisations(actor):
        found.setdefault(org.pk, org)
    return sorted(found.values(), key=lambda org: org.path)


def _year(raw, errors: Errors, field: str = "year") -> int | None:
    value = str(raw or "").strip()
    if not value:
        return None
    last = timezone.localdate().year + 1
    if value.isdigit() and services.FIRST_YEAR <= int(value) <= last:
        return int(value)
    errors.add(field, _("Năm “%(v)s” không hợp lệ.") % {"v": value})
    return None


def _bound_errors(exc: DomainError) -> forms.Form:
    """A form that only carries a service's error, for the error summary of a page without its own form."""
    form = forms.Form({})
    form.is_valid()
    show_error(form, exc)
    return form


# --- Catalogue ---------------------------------------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    organisation = forms.CharField(label=gettext_lazy("Cơ quan"), required=False, widget=forms.Select)
    year = forms.CharField(
        label=gettext_lazy("Năm hình thành hồ sơ"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    state = forms.CharField(label=gettext_lazy("Tình trạng"), required=False, widget=forms.Select)

    def __init__(self, *args, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.choices = [(org.pk, org.name) for org in organisations]
        self.fields["state"].widget.choices = [("", _("Tất cả")), *CaseFileState.choices]


def _may_create(actor, organisation: Organisation, drafting: list[Organisation]) -> bool:
    return services.manages_catalogue(actor, organisation) or organisation in drafting


@login_required
@shows_refusal
def catalogue(request):
    actor = request.actor
    require_documents_access(actor)
    organisations = catalogue_organisations(actor)
    organisation = chosen_organisation(request, organisations, _("Bạn không có quyền xem danh mục hồ sơ."))
    if organisation not in organisations:
        raise PermissionDenied(
            _("Chỉ văn thư, lãnh đạo và cán bộ của %(org)s được xem danh mục hồ sơ của cơ quan.")
            % {"org": organisation.name}
        )
    data = request.GET.copy()
    data["organisation"] = str(organisation.pk)
    data.setdefault("year", str(timezone.localdate().year))
    form = CatalogueFilterForm(data, organisations=organisations)
    form.is_valid()
    errors = Errors()
    year = _year(data.get("year"), errors)
    state = data.get("state", "")
    if state and state not in CaseFileState.values:
        errors.add("state", _("Tình trạng “%(v)s” không hợp lệ.") % {"v": state})
    context = {
        "organisation": organisation,
        "organisations": organisations,
        "form": form,
        "may_create": _may_create(actor, organisation, list(drafting_organisations(actor))),
        "clerk": services.manages_catalogue(actor, organisation),
        "year": year,
    }
    try:
        errors.raise_if_any()
    except ValidationFailed as exc:
        show_error(form, exc)
        return render(request, "documents/casefiles/catalogue.html", context, status=400)
    files = casefile_catalogue(actor, organisation, year=year, state=state)
    context["page_obj"] = Paginator(files, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "documents/casefiles/catalogue.html", context)


# --- Create and edit ---------------------------------------------------------------------------------------------


class CaseFileForm(forms.Form):
    """Thông tin hồ sơ (Appendix VI Part II §III); the file service checks every value and words the errors."""

    year = forms.CharField(
        label=gettext_lazy("Năm hình thành hồ sơ"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    notation = forms.CharField(
        label=gettext_lazy("Số và ký hiệu hồ sơ"),
        max_length=services.NOTATION_MAX,
        help_text=gettext_lazy("Theo danh mục hồ sơ, ví dụ 01.VP; mã hồ sơ gồm mã cơ quan, năm và số ký hiệu này."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    title = forms.CharField(
        label=gettext_lazy("Tiêu đề hồ sơ"), max_length=services.TITLE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.CharField(label=gettext_lazy("Đơn vị lập hồ sơ"), required=False, widget=forms.Select)
    maintenance = forms.CharField(
        label=gettext_lazy("Thời hạn bảo quản"),
        max_length=services.MAINTENANCE_MAX,
        help_text=gettext_lazy("Ví dụ: 5 năm, 10 năm, 20 năm, Vĩnh viễn."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    rights = forms.CharField(
        label=gettext_lazy("Chế độ sử dụng"),
        max_length=services.RIGHTS_MAX,
        required=False,
        help_text=gettext_lazy("Ví dụ: Công khai, Hạn chế sử dụng."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    language = forms.CharField(
        label=gettext_lazy("Ngôn ngữ"),
        max_length=services.LANGUAGE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    start_date = forms.CharField(label=gettext_lazy("Thời gian bắt đầu"), required=False, widget=forms.DateInput)
    end_date = forms.CharField(label=gettext_lazy("Thời gian kết thúc"), required=False, widget=forms.DateInput)
    description = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        max_length=services.DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    archive_due_on = forms.CharField(
        label=gettext_lazy("Hạn nộp lưu"),
        required=False,
        widget=forms.DateInput,
        help_text=gettext_lazy("Người lập hồ sơ và văn thư được báo trước 30 ngày."),
    )

    def __init__(self, *args, organisation: Organisation, clerk: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [("", _("(Cơ quan, không thuộc đơn vị nào)"))] + [
            (unit.pk, unit_label(unit, organisation)) for unit in units_of(organisation)
        ]
        if not clerk:
            # Only the clerks set the archive date; for anyone else the file keeps the one it has.
            del self.fields["archive_due_on"]


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _initial_of(case_file: CaseFile) -> dict:
    return {
        "year": str(case_file.year),
        "notation": case_file.notation,
        "title": case_file.title,
        "unit": case_file.unit_id or "",
        "maintenance": case_file.maintenance,
        "rights": case_file.rights,
        "language": case_file.language,
        "start_date": _iso(case_file.start_date),
        "end_date": _iso(case_file.end_date),
        "description": case_file.description,
        "archive_due_on": _iso(case_file.archive_due_on),
    }


def _own_unit(actor, organisation: Organisation):
    unit = actor.organisation
    if unit is not None and unit.pk != organisation.pk and unit.path.startswith(organisation.path):
        return unit.pk
    return ""


@login_required
@shows_refusal
def casefile_create(request):
    actor = request.actor
    require_documents_access(actor)
    organisations = catalogue_organisations(actor)
    drafting = list(drafting_organisations(actor))
    organisation = chosen_organisation(request, organisations, _("Bạn không có quyền lập hồ sơ."))
    if not _may_create(actor, organisation, drafting):
        raise PermissionDenied(_("Bạn không có quyền lập hồ sơ của %(org)s.") % {"org": organisation.name})
    clerk = services.manages_catalogue(actor, organisation)
    initial = {"year": str(timezone.localdate().year), "language": "Tiếng Việt", "unit": _own_unit(actor, organisation)}
    form = CaseFileForm(
        request.POST if request.method == "POST" else None, initial=initial, organisation=organisation, clerk=clerk
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                case_file = services.casefile_create(actor=actor, organisation=organisation, values=form.cleaned_data)
            except DomainError as exc:
                show_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Đã lập hồ sơ %(code)s.") % {"code": case_file.file_code})
                return redirect(casefile_url(case_file))
    choices = [org for org in organisations if _may_create(actor, org, drafting)]
    context = {"form": form, "organisation": organisation, "organisations": choices, "creating": True}
    return render(request, "documents/casefiles/form.html", context, status=status)


def _editable(actor, case_file: CaseFile) -> CaseFile:
    if not services.may_edit(actor, case_file):
        raise PermissionDenied(
            _("Chỉ người lập hồ sơ hoặc văn thư của %(org)s được thay đổi hồ sơ này.")
            % {"org": case_file.organisation.name}
        )
    return case_file


@login_required
@shows_refusal
def casefile_edit(request, pk: int):
    actor = request.actor
    case_file = _editable(actor, casefile_get(actor, pk))
    if case_file.state != CaseFileState.OPEN:
        messages.error(request, _("Chỉ sửa được hồ sơ đang lập."))
        return render_casefile(request, case_file, status=409)
    organisation = case_file.organisation
    form = CaseFileForm(
        request.POST if request.method == "POST" else None,
        initial=_initial_of(case_file),
        organisation=organisation,
        clerk=services.manages_catalogue(actor, organisation),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.casefile_update(actor=actor, case_file=case_file, values=form.cleaned_data)
            except DomainError as exc:
                show_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Đã lưu thông tin hồ sơ."))
                return redirect(casefile_url(case_file))
    context = {"form": form, "organisation": organisation, "case_file": case_file, "creating": False}
    return render(request, "documents/casefiles/form.html", context, status=status)


# --- One file ----------------------------------------------------------------------------------------------------


class CloseForm(forms.Form):
    end_date = forms.CharField(
        label=gettext_lazy("Thời gian kết thúc"),
        required=False,
        widget=forms.DateInput,
        help_text=gettext_lazy("Để trống: ngày của văn bản cuối cùng trong hồ sơ."),
    )


class ArchiveDueForm(forms.Form):
    archive_due_on = forms.CharField(
        label=gettext_lazy("Hạn nộp lưu"),
        required=False,
        widget=forms.DateInput,
        help_text=gettext_lazy("Để trống để bỏ hạn nộp lưu. Người lập hồ sơ và văn thư được báo trước 30 ngày."),
    )


def render_casefile(request, case_file: CaseFile, *, failed: forms.Form | None = None, name: str = "", status=200):
    actor = request.actor
    may_edit = services.may_edit(actor, case_file)
    is_open = case_file.state == CaseFileState.OPEN
    forms_ = {
        "close": CloseForm(prefix="close"),
        "due": ArchiveDueForm(prefix="due", initial={"archive_due_on": _iso(case_file.archive_due_on)}),
    }
    if failed is not None and name in forms_:
        forms_[name] = failed
    context = {
        "case_file": case_file,
        "items": casefile_documents(actor, case_file),
        "editable": may_edit and is_open,
        "clerk": services.manages_catalogue(actor, case_file.organisation) and case_file.state != "archived",
        "forms": forms_,
        "failed_form": failed,
        "exports": list(EXPORTS),
    }
    return render(request, "documents/casefiles/detail.html", context, status=status)


@login_required
@shows_refusal
def casefile_detail(request, pk: int):
    return render_casefile(request, casefile_get(request.actor, pk))


@login_required
@shows_refusal
@require_POST
def casefile_close(request, pk: int):
    actor = request.actor
    case_file = _editable(actor, casefile_get(actor, pk))
    form = CloseForm(request.POST, prefix="close")
    if not form.is_valid():
        return render_casefile(request, case_file, failed=form, name="close", status=400)
    try:
        errors = Errors()
        end_date = date_value(form.cleaned_data, "end_date", errors)
        errors.raise_if_any()
        services.casefile_close(actor=actor, case_file=case_file, end_date=end_date)
    except DomainError as exc:
        show_error(form, exc)
        return render_casefile(request, case_file, failed=form, name="close", status=exc.status)
    messages.success(request, _("Đã kết thúc hồ sơ %(code)s.") % {"code": case_file.file_code})
    return redirect(casefile_url(case_file))


@login_required
@shows_refusal
@require_POST
def casefile_archive_due(request, pk: int):
    actor = request.actor
    case_file = casefile_get(actor, pk)
    if not services.manages_catalogue(actor, case_file.organisation):
        raise PermissionDenied(
            _("Chỉ văn thư của %(org)s được đặt hạn nộp lưu hồ sơ.") % {"org": case_file.organisation.name}
        )
    form = ArchiveDueForm(request.POST, prefix="due")
    if not form.is_valid():
        return render_casefile(request, case_file, failed=form, name="due", status=400)
    try:
        case_file = services.casefile_set_archive_due(
            actor=actor, case_file=case_file, archive_due_on=form.cleaned_data["archive_due_on"]
        )
    except DomainError as exc:
        show_error(form, exc)
        return render_casefile(request, case_file, failed=form, name="due", status=exc.status)
    if case_file.archive_due_on:
        done = _("Đã đặt hạn nộp lưu ngày %(d)s.") % {"d": case_file.archive_due_on.strftime("%d/%m/%Y")}
    else:
        done = _("Đã bỏ hạn nộp lưu của hồ sơ.")
    messages.success(request, done)
    return redirect(casefile_url(case_file))


@login_required
@shows_refusal
@require_POST
def casefile_remove(request, pk: int, document_id: int):
    actor = request.actor
    case_file = _editable(actor, casefile_get(actor, pk))
    document = document_get(actor, document_id)
    try:
        services.casefile_remove_document(actor=actor, case_file=case_file, document=document)
    except DomainError as exc:
        return render_casefile(request, case_file, failed=_bound_errors(exc), status=exc.status)
    messages.success(request, _("Đã rút văn bản khỏi hồ sơ %(code)s.") % {"code": case_file.file_code})
    return redirect(casefile_url(case_file))


@login_required
@shows_refusal
def casefile_export(request, pk: int):
    """Tải hồ sơ: PDF (cover, index, the documents), XML (metadata), ZIP (XML and every file); each is logged."""
    from egov.documents.exports import casefile as exports

    actor = request.actor
    case_file = casefile_get(actor, pk)
    fmt = request.GET.get("format", "")
    if fmt not in EXPORTS:
        error = ValidationFailed(_("Không có định dạng tải về “%(v)s”; chọn PDF, XML hoặc ZIP.") % {"v": fmt})
        return render_casefile(request, case_file, failed=_bound_errors(error), status=400)
    build = {"pdf": exports.casefile_pdf, "xml": exports.casefile_xml, "zip": exports.casefile_package}[fmt]
    try:
        content = build(actor=actor, case_file=case_file)
    except DomainError as exc:
        return render_casefile(request, case_file, failed=_bound_errors(exc), status=exc.status)
    except OSError:
        error = ValidationFailed(_("Không đọc được tệp của một văn bản trong hồ sơ; dừng kết xuất."))
        return render_casefile(request, case_file, failed=_bound_errors(error), status=409)
    response = HttpResponse(content, content_type=EXPORTS[fmt])
    response["Content-Disposition"] = content_disposition_header(True, exports.export_filename(case_file, fmt))
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Filing a document (from the document's page) ---------------------------------------------------------------


class FileIntoForm(forms.Form):
    case_file = forms.CharField(label=gettext_lazy("Hồ sơ"), widget=forms.Select)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_file"].widget.choices = [("", _("(Chọn hồ sơ)"))] + [
            (f.pk, f"{f.file_code} — {f.title}") for f in choices
        ]


def open_files_for(actor, document: Document) -> list[CaseFile]:
    """The open files the actor may add this document to: of its organisation (or above it), not holding it yet."""
    org_path = document.organisation.path
    step = Organisation.steplen
    enclosing = [org_path[:end] for end in range(step, len(org_path) + 1, step)]
    files = (
        CaseFile.objects.filter(casefile_visible_q(actor), state=CaseFileState.OPEN, organisation__path__in=enclosing)
        .exclude(items__document=document)
        .select_related("organisation", "unit")
        .order_by("-year", "notation", "pk")
    )
    return [f for f in files if services.may_edit(actor, f)]


@login_required
@shows_refusal
def file_into(request, pk: int):
    actor = request.actor
    document = document_get(actor, pk)
    form = FileIntoForm(request.POST if request.method == "POST" else None, choices=open_files_for(actor, document))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            case_file = casefile_get(actor, form.cleaned_data["case_file"])
            try:
                item = services.casefile_add_document(actor=actor, case_file=case_file, document=document)
            except DomainError as exc:
                show_error(form, exc, {"document": "case_file", "__all__": "case_file"})
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Đã đưa văn bản vào hồ sơ %(code)s, số thứ tự %(n)d.")
                    % {"code": case_file.file_code, "n": item.ordinal},
                )
                return redirect(safe_next(request, document_url(document)))
    context = {
        "document": document,
        "form": form,
        "filed_in": list(files_of_document(actor, document)),
        "next": safe_next(request, ""),
    }
    return render(request, "documents/casefiles/file_into.html", context, status=status)


urlpatterns: list = [
    path("files/", catalogue, name="casefiles"),
    path("files/new/", casefile_create, name="casefile_create"),
    path("files/<int:pk>/", casefile_detail, name="casefile"),
    path("files/<int:pk>/edit/", casefile_edit, name="casefile_edit"),
    path("files/<int:pk>/close/", casefile_close, name="casefile_close"),
    path("files/<int:pk>/archive-due/", casefile_archive_due, name="casefile_archive_due"),
    path("files/<int:pk>/documents/<int:document_id>/remove/", casefile_remove, name="casefile_remove"),
    path("files/<int:pk>/export/", casefile_export, name="casefile_export"),
    path("<int:pk>/file-into/", file_into, name="file_into"),
]
