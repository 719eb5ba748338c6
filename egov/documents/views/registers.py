"""Pages: the outgoing and incoming registers (sổ đăng ký văn bản, Decree 30 Appendix IV) on screen, in PDF, in Excel.

A register belongs to one organisation; it is read by that organisation's clerks (documents.register) and leaders
(documents.view_all). The rows are only the documents the reader may see, so a secret entry shows for whoever
holds a grant to it and for nobody else.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.permissions import can, scope_paths, scope_q
from egov.accounts.roles import Perm
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.documents.forms.fields import unit_label, units_of
from egov.documents.forms.incoming import type_choices
from egov.documents.models import Urgency
from egov.documents.rules.notation import format_number
from egov.documents.selectors import registers as selectors
from egov.documents.views._common import show_error, shows_refusal
from egov.organisations.models import Level, Organisation

PER_PAGE = selectors.PER_PAGE
PAGE_TITLES = {
    selectors.OUTGOING: gettext_lazy("Sổ đăng ký văn bản đi"),
    selectors.INCOMING: gettext_lazy("Sổ đăng ký văn bản đến"),
}
FORMATS = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_READERS = (Perm.DOCS_REGISTER, Perm.DOCS_VIEW_ALL)


def register_keepers(actor) -> QuerySet[Organisation]:
    """The organisations whose registers the actor may read: where they are clerk or leader, and the agencies below.

    Internal units keep no register of their own, so only the organisations a role is held at are listed among them.
    """
    queries = [scope_q(actor, perm) for perm in _READERS]
    if any(q is None for q in queries):
        return Organisation.objects.exclude(level=Level.UNIT).order_by("path")
    roots = [p for perm in _READERS for p in scope_paths(actor, perm)]
    if not roots:
        return Organisation.objects.none()
    return Organisation.objects.filter((queries[0] | queries[1]) & (~Q(level=Level.UNIT) | Q(path__in=roots))).order_by(
        "path"
    )


def may_read_register(actor, organisation: Organisation) -> bool:
    return any(can(actor, perm, organisation) for perm in _READERS)


def nearest(organisations: list[Organisation], unit: Organisation | None) -> Organisation | None:
    """The closest of `organisations` enclosing `unit` (the actor's own agency), else the first of them."""
    if unit is not None:
        enclosing = [org for org in organisations if unit.path.startswith(org.path)]
        if enclosing:
            return max(enclosing, key=lambda org: len(org.path))
    return organisations[0] if organisations else None


def chosen_organisation(request, organisations: list[Organisation], refusal: str) -> Organisation:
    """The organisation in `?organisation=`, else the actor's own; one the actor may not read is refused."""
    raw = (request.GET.get("organisation") or request.POST.get("organisation") or "").strip()
    if not raw:
        found = nearest(organisations, request.actor.organisation)
        if found is None:
            raise PermissionDenied(refusal)
        return found
    found = next((org for org in organisations if str(org.pk) == raw), None)
    if found is not None:
        return found
    found = Organisation.objects.filter(pk=raw).first() if raw.isdigit() else None
    if found is None:
        raise NotFound(_("Không tìm thấy cơ quan."))
    return found


class RegisterFilterForm(forms.Form):
    """Thời gian, đơn vị, loại văn bản, độ khẩn: checked by the register selector, which words the errors."""

    organisation = forms.CharField(label=gettext_lazy("Cơ quan"), required=False, widget=forms.Select)
    year = forms.CharField(
        label=gettext_lazy("Năm"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    date_from = forms.CharField(label=gettext_lazy("Từ ngày"), required=False, widget=forms.DateInput)
    date_to = forms.CharField(label=gettext_lazy("Đến ngày"), required=False, widget=forms.DateInput)
    unit = forms.CharField(label=gettext_lazy("Đơn vị"), required=False, widget=forms.Select)
    type_code = forms.CharField(label=gettext_lazy("Loại văn bản"), required=False, widget=forms.Select)
    urgency = forms.CharField(label=gettext_lazy("Độ khẩn"), required=False, widget=forms.Select)

    def __init__(self, *args, organisation: Organisation, organisations: list[Organisation], kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.choices = [(org.pk, org.name) for org in organisations]
        if kind == selectors.OUTGOING:
            self.fields["unit"].label = _("Đơn vị soạn thảo")
        else:
            self.fields["unit"].label = _("Đơn vị được giao")
        self.fields["unit"].widget.choices = [("", _("Tất cả đơn vị"))] + [
            (unit.pk, unit_label(unit, organisation)) for unit in units_of(organisation)
        ]
        self.fields["type_code"].widget.choices = type_choices(_("Tất cả loại văn bản"))
        self.fields["urgency"].widget.choices = [("", _("Tất cả")), *Urgency.choices]


def _query(params, **changes) -> str:
    params = params.copy()
    params.pop("page", None)
    params.pop("format", None)
    for key, value in changes.items():
        params[key] = value
    return "?" + params.urlencode()


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export(actor, organisation: Organisation, kind: str, flt, fmt: str) -> HttpResponse:
    from egov.documents.exports import registers as exports

    if fmt == "pdf":
        content = exports.register_pdf(actor=actor, organisation=organisation, kind=kind, flt=flt)
    else:
        content = exports.register_xlsx(actor=actor, organisation=organisation, kind=kind, flt=flt)
    return _download(content, FORMATS[fmt], exports.export_filename(kind, flt, fmt))


@login_required
@shows_refusal
def register(request, kind: str):
    actor = request.actor
    organisations = list(register_keepers(actor))
    organisation = chosen_organisation(
        request, organisations, _("Chỉ văn thư và lãnh đạo cơ quan được xem sổ đăng ký văn bản.")
    )
    if not may_read_register(actor, organisation):
        message = _("Chỉ văn thư và lãnh đạo của %(org)s được xem sổ đăng ký văn bản của cơ quan.")
        raise PermissionDenied(message % {"org": organisation.name})
    if organisation not in organisations:
        organisations.append(organisation)
    data = request.GET.copy()
    data["organisation"] = str(organisation.pk)
    if not any(data.get(key) for key in ("year", "date_from", "date_to")):
        data["year"] = str(timezone.localdate().year)
    form = RegisterFilterForm(data, organisation=organisation, organisations=organisations, kind=kind)
    form.is_valid()
    fmt = request.GET.get("format", "")
    flt = None
    try:
        flt = selectors.parse_filter(data, organisation=organisation)
    except ValidationFailed as exc:
        show_error(form, exc)
    if fmt and fmt not in FORMATS:
        form.add_error(None, _("Không có định dạng tải về “%(v)s”; chọn PDF hoặc Excel.") % {"v": fmt})
    if flt is not None and fmt and not form.errors:
        return _export(actor, organisation, kind, flt, fmt)
    other_kind = selectors.INCOMING if kind == selectors.OUTGOING else selectors.OUTGOING
    context = {
        "kind": kind,
        "title": PAGE_TITLES[kind],
        "organisation": organisation,
        "organisations": organisations,
        "form": form,
        "other_url": reverse(f"documents:register_{other_kind}") + _query(data),
        "columns": selectors.columns(kind),
    }
    if flt is None or form.errors:
        return render(request, "documents/registers/register.html", context, status=400)
    summary = selectors.register_summary(actor, organisation, kind, flt)
    # The summary already counted the rows: the pages are numbered from it, without a second COUNT.
    page_obj = Paginator(range(summary.count), PER_PAGE).get_page(request.GET.get("page"))
    page = selectors.register_page(actor, organisation, kind, flt, page=page_obj.number, per_page=PER_PAGE)
    context |= {
        "flt": flt,
        "summary": summary,
        "first_number": format_number(summary.first_number) if summary.first_number is not None else "",
        "last_number": format_number(summary.last_number) if summary.last_number is not None else "",
        "page_obj": page_obj,
        "rows": page.rows,
        "pdf_url": _query(data, format="pdf"),
        "xlsx_url": _query(data, format="xlsx"),
    }
    return render(request, "documents/registers/register.html", context)


def outgoing_register(request):
    return register(request, selectors.OUTGOING)


def incoming_register(request):
    return register(request, selectors.INCOMING)


urlpatterns: list = [
    path("registers/outgoing/", outgoing_register, name="register_outgoing"),
    path("registers/incoming/", incoming_register, name="register_incoming"),
]
