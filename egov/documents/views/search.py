"""Pages: document search (tìm kiếm văn bản) with filters, ranked results, saved searches and the results as PDF.

Everything listed comes from `search_documents`, which only ever returns what the person may see; the words are
matched without diacritics by the search engine, so this page only parses the form and shows the answer.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

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

from egov.core.errors import ValidationFailed
from egov.core.pdf import render_pdf
from egov.core.text import fold
from egov.documents.models import Direction, Urgency
from egov.documents.permissions import require_documents_access
from egov.documents.rules.types import all_type_rules, type_by_code_any_date
from egov.documents.search import saved
from egov.documents.search.query import FILTER_KEYS, parse_filters, parse_query
from egov.documents.search.selectors import MAX_LIMIT, search_documents
from egov.documents.views._common import show_error, shows_refusal

PER_PAGE = 20
# A results PDF is a list to print and file, not a dump of the archive: past this the search needs narrowing.
EXPORT_MAX = 1000
# The filters the form shows; the others (organisation, state) pass through from saved searches and links.
FORM_FILTERS = ("direction", "year", "issued_from", "issued_to", "type_code", "urgency")
_WORD = re.compile(r"([^\W_]+)")


def _type_choices() -> list[tuple[str, str]]:
    """Every type ever in the table (old documents keep their old type), by name, once per code."""
    seen: dict[str, str] = {}
    for rule in sorted(all_type_rules(), key=lambda r: r.valid_from, reverse=True):
        seen.setdefault(rule.code, f"{rule.name} ({rule.abbreviation})" if rule.abbreviation else rule.name)
    return sorted(seen.items(), key=lambda item: fold(item[1]))


class SearchForm(forms.Form):
    """Từ khóa and bộ lọc; the search module checks the values and words the errors."""

    q = forms.CharField(
        label=gettext_lazy("Từ khóa"),
        required=False,
        help_text=gettext_lazy(
            "Gõ có dấu hay không dấu đều được; đặt cụm từ trong ngoặc kép để tìm chính xác, "
            "ví dụ “chuyển đổi số” hoặc 2508/QĐ-UBND."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    direction = forms.CharField(label=gettext_lazy("Loại sổ"), required=False, widget=forms.Select)
    year = forms.CharField(
        label=gettext_lazy("Năm"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    issued_from = forms.CharField(label=gettext_lazy("Ngày ban hành từ"), required=False, widget=forms.DateInput)
    issued_to = forms.CharField(label=gettext_lazy("đến ngày"), required=False, widget=forms.DateInput)
    type_code = forms.CharField(label=gettext_lazy("Loại văn bản"), required=False, widget=forms.Select)
    urgency = forms.CharField(label=gettext_lazy("Độ khẩn"), required=False, widget=forms.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].widget.choices = [("", _("Văn bản đi và đến")), *Direction.choices]
        self.fields["type_code"].widget.choices = [("", _("Tất cả loại văn bản")), *_type_choices()]
        self.fields["urgency"].widget.choices = [("", _("Tất cả")), *Urgency.choices]


class SaveForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên yêu cầu tìm kiếm"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "govuk-input--width-20"}),
    )


def _filters(data) -> dict:
    return {key: str(data.get(key)).strip() for key in FILTER_KEYS if str(data.get(key) or "").strip()}


def search_url(query: str, filters: dict, **extra) -> str:
    params = {"q": query, **filters, **extra} if query else {**filters, **extra}
    return reverse("documents:search") + ("?" + urlencode(params) if params else "")


def _check(query: str, filters: dict) -> None:
    """Every fault of the words and filters at once, on the field it belongs to."""
    errors: dict[str, list[str]] = {}
    code = filters.get("type_code", "")
    if code and type_by_code_any_date(code) is None:
        errors["type_code"] = [_("Loại văn bản “%(v)s” không có trong danh mục.") % {"v": code}]
    for parse, value in ((parse_query, query), (parse_filters, filters)):
        try:
            parse(value)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)


def highlight(text: str, folded_words: set[str]) -> list[tuple[str, bool]]:
    """The text in pieces, each word marked when it matches a searched word (without diacritics, like the search)."""
    if not folded_words:
        return [(text, False)]
    pieces = [piece for piece in _WORD.split(text) if piece]
    return [(piece, bool(_WORD.fullmatch(piece)) and fold(piece) in folded_words) for piece in pieces]


def _day(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _filter_labels(filters: dict) -> list[str]:
    """The filters in words, for the results' heading and the PDF."""
    labels = []
    if filters.get("direction") in Direction.values:
        labels.append(_("Loại sổ: %(v)s") % {"v": Direction(filters["direction"]).label})
    if filters.get("year"):
        labels.append(_("Năm: %(v)s") % {"v": filters["year"]})
    if filters.get("issued_from"):
        labels.append(_("Ban hành từ ngày: %(v)s") % {"v": _day(filters["issued_from"])})
    if filters.get("issued_to"):
        labels.append(_("Ban hành đến ngày: %(v)s") % {"v": _day(filters["issued_to"])})
    if filters.get("type_code"):
        rule = type_by_code_any_date(filters["type_code"])
        labels.append(_("Loại văn bản: %(v)s") % {"v": rule.name if rule else filters["type_code"]})
    if filters.get("urgency") in Urgency.values:
        labels.append(_("Độ khẩn: %(v)s") % {"v": Urgency(filters["urgency"]).label})
    return labels


def _page_number(raw) -> int:
    value = str(raw or "").strip()
    return int(value) if value.isdigit() and 0 < int(value) < 10**6 else 1


def render_search(request, data, *, save_form: SaveForm | None = None, error: str = "", status: int = 200):
    actor = request.actor
    form = SearchForm(data)
    form.is_valid()
    query, filters = str(data.get("q") or ""), _filters(data)
    context = {
        "form": form,
        "save_form": save_form or SaveForm(),
        "saved_searches": [(s, search_url(s.query, s.filters)) for s in saved.saved_search_list(actor=actor)],
        "passed_filters": {k: v for k, v in filters.items() if k not in FORM_FILTERS},
        "searched": bool(query.strip() or filters),
        "filters_open": any(k in filters for k in FORM_FILTERS),
    }
    try:
        _check(query, filters)
    except ValidationFailed as exc:
        show_error(form, exc)
        return render(request, "documents/search/search.html", context, status=400)
    if error:
        form.add_error(None, error)
        return render(request, "documents/search/search.html", context, status=400)
    if not context["searched"]:
        return render(request, "documents/search/search.html", context, status=status)
    number = _page_number(data.get("page"))
    result = search_documents(actor, query, filters=filters, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    last = max(1, -(-result.total // PER_PAGE))
    if number > last:
        number = last
        result = search_documents(actor, query, filters=filters, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    words = {fold(token) for term in result.query.terms for token in term.tokens} if result.query else set()
    for document in result.items:
        document.subject_parts = highlight(document.subject, words)
    context |= {
        "result": result,
        "page_obj": Paginator(range(result.total), PER_PAGE).get_page(number),
        "filter_labels": _filter_labels(filters),
        "pdf_url": search_url(query, filters, format="pdf"),
        "query": query,
    }
    return render(request, "documents/search/search.html", context, status=status)


def _export(request, query: str, filters: dict) -> HttpResponse:
    actor = request.actor
    items, total = [], 0
    while len(items) < EXPORT_MAX:
        result = search_documents(actor, query, filters=filters, limit=MAX_LIMIT, offset=len(items))
        total = result.total
        items.extend(result.items)
        if len(result.items) < MAX_LIMIT:
            break
    items = items[:EXPORT_MAX]
    now = timezone.localtime()
    user = actor.user
    content = render_pdf(
        "documents/search/results_pdf.html",
        {
            "query": query,
            "filter_labels": _filter_labels(filters),
            "items": items,
            "total": total,
            "truncated": total > len(items),
            "exported_at": now,
            "exported_by": user.full_name or user.get_username(),
        },
    )
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"ket-qua-tim-kiem-{now:%Y%m%d-%H%M}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@shows_refusal
def search(request):
    require_documents_access(request.actor)
    fmt = request.GET.get("format", "")
    if fmt == "pdf":
        query, filters = str(request.GET.get("q") or ""), _filters(request.GET)
        try:
            _check(query, filters)
        except ValidationFailed:
            return render_search(request, request.GET)
        return _export(request, query, filters)
    if fmt:
        return render_search(request, request.GET, error=_("Chỉ tải được kết quả tìm kiếm dạng PDF."))
    return render_search(request, request.GET)


@login_required
@shows_refusal
@require_POST
def saved_create(request):
    actor = request.actor
    require_documents_access(actor)
    form = SaveForm(request.POST)
    form.is_valid()
    query, filters = str(request.POST.get("q") or ""), _filters(request.POST)
    try:
        _check(query, filters)
    except ValidationFailed:
        # Faults of the words or filters are shown on the search form, by the fields they concern.
        return render_search(request, request.POST, save_form=form)
    try:
        found = saved.saved_search_create(actor=actor, name=form.cleaned_data["name"], query=query, filters=filters)
    except ValidationFailed as exc:
        mapped: dict[str, list[str]] = {}
        for key, messages_ in exc.errors.items():
            mapped.setdefault("name" if key == "name" else "__all__", []).extend(messages_)
        show_error(form, ValidationFailed(mapped))
        return render_search(request, request.POST, save_form=form, status=exc.status)
    messages.success(request, _("Đã lưu yêu cầu tìm kiếm “%(name)s”.") % {"name": found.name})
    return redirect(search_url(found.query, found.filters))


@login_required
@shows_refusal
@require_POST
def saved_delete(request, pk: int):
    actor = request.actor
    require_documents_access(actor)
    saved.saved_search_delete(actor=actor, saved_search_id=pk)
    messages.success(request, _("Đã xóa yêu cầu tìm kiếm đã lưu."))
    return redirect(reverse("documents:search"))


urlpatterns: list = [
    path("search/", search, name="search"),
    path("search/saved/", saved_create, name="search_save"),
    path("search/saved/<int:pk>/delete/", saved_delete, name="search_saved_delete"),
]
