"""Sổ đăng ký văn bản đi / đến (Decree 30/2020 Appendix IV) of one organisation, as far as the actor may see.

The outgoing register lists the documents given a number (issued, or issued then recalled), in number order
within each year and series; the incoming register lists the documents given an arrival number, in that
order. A page of either costs two queries whatever the size of the year: the documents (with what the
row needs joined in) and one prefetch (recipients for outgoing, top-level assignments for incoming).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, Max, Min, OuterRef, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.actor import Actor
from egov.core.errors import ValidationFailed
from egov.core.validation import Errors
from egov.documents.models import (
    Assignment,
    AssignmentRole,
    DeliveryState,
    Direction,
    Document,
    OutgoingState,
    Recipient,
    RecipientKind,
    Secrecy,
    Urgency,
)
from egov.documents.permissions import visible_q
from egov.documents.services.metadata import date_value
from egov.organisations.models import Organisation

OUTGOING = "outgoing"
INCOMING = "incoming"
KINDS = (OUTGOING, INCOMING)
PER_PAGE = 50
MAX_PER_PAGE = 500
CHUNK = 2000

# Column titles exactly as Appendix IV prints them (I.2 and VI.2).
OUTGOING_COLUMNS = (
    gettext_lazy("Số, ký hiệu văn bản"),
    gettext_lazy("Ngày tháng văn bản"),
    gettext_lazy("Tên loại và trích yếu nội dung văn bản"),
    gettext_lazy("Người ký"),
    gettext_lazy("Nơi nhận văn bản"),
    gettext_lazy("Đơn vị, người nhận bản lưu"),
    gettext_lazy("Số lượng bản"),
    gettext_lazy("Ngày chuyển"),
    gettext_lazy("Ký nhận"),
    gettext_lazy("Ghi chú"),
)
INCOMING_COLUMNS = (
    gettext_lazy("Ngày đến"),
    gettext_lazy("Số đến"),
    gettext_lazy("Tác giả"),
    gettext_lazy("Số, ký hiệu văn bản"),
    gettext_lazy("Ngày tháng văn bản"),
    gettext_lazy("Tên loại và trích yếu nội dung văn bản"),
    gettext_lazy("Đơn vị hoặc người nhận"),
    gettext_lazy("Ngày chuyển"),
    gettext_lazy("Ký nhận"),
    gettext_lazy("Ghi chú"),
)
TITLES = {OUTGOING: gettext_lazy("SỔ ĐĂNG KÝ VĂN BẢN ĐI"), INCOMING: gettext_lazy("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN")}


@dataclass(frozen=True)
class RegisterFilter:
    """The period (both days included) and the optional unit, type, urgency and (outgoing) numbering series."""

    date_from: dt.date
    date_to: dt.date
    unit: Organisation | None = None
    type_code: str = ""
    urgency: str = ""
    series: str = ""

    @classmethod
    def year(cls, year: int, **extra) -> RegisterFilter:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), **extra)


def parse_filter(values: dict, *, organisation: Organisation, today: dt.date | None = None) -> RegisterFilter:
    """Filters from a form or query string: `year` or `date_from`/`date_to` (default: this calendar year)."""
    from egov.documents.rules.types import type_by_code_any_date

    today = today or timezone.localdate()
    errors = Errors()
    year = today.year
    raw_year = values.get("year")
    if raw_year not in (None, ""):
        if str(raw_year).strip().isdigit() and 1945 <= int(str(raw_year).strip()) <= today.year + 1:
            year = int(str(raw_year).strip())
        else:
            errors.add("year", _("Năm “%(v)s” không hợp lệ.") % {"v": raw_year})
    date_from = date_value(values, "date_from", errors) or dt.date(year, 1, 1)
    date_to = date_value(values, "date_to", errors) or dt.date(year, 12, 31)
    if date_to < date_from:
        errors.add("date_to", _("Ngày kết thúc không thể trước ngày bắt đầu."))
    unit = None
    raw_unit = values.get("unit")
    if raw_unit not in (None, ""):
        unit = Organisation.objects.filter(pk=raw_unit).first() if str(raw_unit).isdigit() else None
        if unit is None or not unit.path.startswith(organisation.path):
            errors.add("unit", _("Đơn vị phải thuộc %(org)s.") % {"org": organisation.name})
            unit = None
    type_code = str(values.get("type_code") or "").strip()
    if type_code and type_by_code_any_date(type_code) is None:
        errors.add("type_code", _("Loại văn bản “%(v)s” không có trong danh mục.") % {"v": type_code})
    urgency = str(values.get("urgency") or "").strip()
    if urgency and urgency not in Urgency.values:
        errors.add("urgency", _("Giá trị “%(v)s” không hợp lệ.") % {"v": urgency})
    errors.raise_if_any()
    series = str(values.get("series") or "").strip()[:60]
    return RegisterFilter(date_from, date_to, unit, type_code, urgency, series)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _common(qs: QuerySet[Document], flt: RegisterFilter) -> QuerySet[Document]:
    if flt.type_code:
        qs = qs.filter(type_code=flt.type_code)
    if flt.urgency:
        qs = qs.filter(urgency=flt.urgency)
    return qs


def _series_rank():
    """Ordinary numbers first, then copies, legal normative series, and the secret series last."""
    return Case(
        When(series="ordinary", then=Value(0)),
        When(series="copy", then=Value(1)),
        When(series="secret", then=Value(3)),
        default=Value(2),
        output_field=IntegerField(),
    )


def outgoing_queryset(actor: Actor, organisation: Organisation, flt: RegisterFilter) -> QuerySet[Document]:
    qs = Document.objects.filter(
        visible_q(actor),
        organisation=organisation,
        direction=Direction.OUTGOING,
        number__isnull=False,
        state__in=[OutgoingState.ISSUED, OutgoingState.RECALLED],
        issued_on__gte=flt.date_from,
        issued_on__lte=flt.date_to,
        # Redundant with the dates, but lets PostgreSQL use the (organisation, year, series, number) index.
        year__gte=flt.date_from.year,
        year__lte=flt.date_to.year,
    )
    if flt.unit is not None:
        qs = qs.filter(drafting_unit__path__startswith=flt.unit.path)
    if flt.series:
        qs = qs.filter(series=flt.series)
    return _common(qs, flt).annotate(series_rank=_series_rank()).order_by("year", "series_rank", "series", "number")


def incoming_queryset(actor: Actor, organisation: Organisation, flt: RegisterFilter) -> QuerySet[Document]:
    # The register is kept by the day of entry, so a period holds a continuous run of arrival numbers.
    qs = Document.objects.filter(
        visible_q(actor),
        organisation=organisation,
        direction=Direction.INCOMING,
        arrival_number__isnull=False,
        registered_at__gte=_day_start(flt.date_from),
        registered_at__lt=_day_start(flt.date_to + dt.timedelta(days=1)),
        # Numbers are given in the year of entry: the bound lets the (organisation, arrival_year, number)
        # index find the page instead of reading every year's register (bench/documents_bench.py).
        arrival_year__gte=flt.date_from.year,
        arrival_year__lte=flt.date_to.year,
    )
    if flt.unit is not None:
        assigned = Assignment.objects.filter(document=OuterRef("pk"), unit__path__startswith=flt.unit.path)
        qs = qs.filter(Exists(assigned))
    return _common(qs, flt).order_by("arrival_year", "arrival_number")


_ROW_FIELDS = {
    OUTGOING: (
        "pk",
        "direction",
        "state",
        "year",
        "series",
        "number",
        "number_text",
        "symbol",
        "issued_on",
        "type_name",
        "subject",
        "signer_prefix",
        "signer_position",
        "signer_name",
        "copies",
        "urgency",
        "secrecy",
        "description",
        "recalled_at",
        "created_at",
        "drafting_unit",
        "drafting_unit__name",
        "created_by",
        "created_by__full_name",
    ),
    INCOMING: (
        "pk",
        "direction",
        "state",
        "number_text",
        "symbol",
        "issued_on",
        "type_name",
        "subject",
        "issuer_name",
        "urgency",
        "secrecy",
        "description",
        "handling_due_on",
        "arrival_year",
        "arrival_number",
        "received_at",
        "registered_at",
        "recalled_at",
        "created_at",
    ),
}


def _with_rows(qs: QuerySet[Document], kind: str) -> QuerySet[Document]:
    if kind == OUTGOING:
        recipients = Prefetch(
            "recipients",
            queryset=Recipient.objects.only(
                "pk", "document", "kind", "organisation_name", "position", "delivery_state", "state_changed_at"
            ).order_by("position", "pk"),
            to_attr="register_recipients",
        )
        return qs.select_related("drafting_unit", "created_by").only(*_ROW_FIELDS[kind]).prefetch_related(recipients)
    top = Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(parent__isnull=True)
        .select_related("unit", "person")
        .only("pk", "document", "role", "assigned_at", "unit", "unit__name", "person", "person__full_name")
        .order_by("pk"),
        to_attr="register_assignments",
    )
    return qs.only(*_ROW_FIELDS[kind]).prefetch_related(top)


@dataclass(frozen=True)
class OutgoingRow:
    document_id: int
    number: int
    number_symbol: str
    issued_on: dt.date | None
    type_name: str
    subject: str
    signer: str
    recipients: str
    archive_holders: str
    copies: int | None
    transferred_on: dt.date | None
    receipt: str
    note: str

    @property
    def type_and_subject(self) -> str:
        return f"{self.type_name} — {self.subject}" if self.type_name else self.subject

    def cells(self) -> list:
        return [
            self.number_symbol,
            self.issued_on,
            self.type_and_subject,
            self.signer,
            self.recipients,
            self.archive_holders,
            self.copies,
            self.transferred_on,
            self.receipt,
            self.note,
        ]


@dataclass(frozen=True)
class IncomingRow:
    document_id: int
    arrival_date: dt.date | None
    arrival_number: int
    author: str
    number_symbol: str
    issued_on: dt.date | None
    type_name: str
    subject: str
    handlers: str
    transferred_on: dt.date | None
    receipt: str
    note: str

    @property
    def type_and_subject(self) -> str:
        return f"{self.type_name} — {self.subject}" if self.type_name else self.subject

    def cells(self) -> list:
        return [
            self.arrival_date,
            self.arrival_number,
            self.author,
            self.number_symbol,
            self.issued_on,
            self.type_and_subject,
            self.handlers,
            self.transferred_on,
            self.receipt,
            self.note,
        ]


def _local_day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def _marks(document: Document) -> list[str]:
    marks = []
    if document.urgency != Urgency.NORMAL:
        marks.append(str(Urgency(document.urgency).label))
    if document.secrecy != Secrecy.NONE:
        marks.append(str(Secrecy(document.secrecy).label))
    return marks


def _outgoing_row(document: Document) -> OutgoingRow:
    sent = [r for r in document.register_recipients if r.kind != RecipientKind.ARCHIVE]
    kept = [r.organisation_name for r in document.register_recipients if r.kind == RecipientKind.ARCHIVE]
    if not kept:
        holder = document.drafting_unit.name if document.drafting_unit_id else ""
        drafter = document.created_by.full_name if document.created_by_id else ""
        kept = [f"{holder} — {drafter}" if holder and drafter else holder or drafter] if holder or drafter else []
    moved = [
        r.state_changed_at for r in sent if r.state_changed_at is not None and r.delivery_state != DeliveryState.PENDING
    ]
    note = _marks(document)
    if document.recalled_at is not None:
        note.append(_("Đã thu hồi ngày %(d)s") % {"d": _local_day(document.recalled_at).strftime("%d/%m/%Y")})
    if document.description:
        note.append(document.description)
    signer = " ".join(p for p in (document.signer_prefix, document.signer_position) if p)
    return OutgoingRow(
        document_id=document.pk,
        number=document.number,
        number_symbol=document.number_symbol,
        issued_on=document.issued_on,
        type_name=document.type_name,
        subject=document.subject,
        signer=f"{document.signer_name} ({signer})" if signer and document.signer_name else document.signer_name,
        recipients="; ".join(r.organisation_name for r in sent),
        archive_holders="; ".join(kept),
        copies=document.copies,
        transferred_on=_local_day(min(moved)) if moved else None,
        receipt="",
        note="; ".join(note),
    )


_ROLE_ORDER = {AssignmentRole.LEAD: 0, AssignmentRole.COOPERATE: 1, AssignmentRole.INFORM: 2}


def _handler_name(assignment: Assignment) -> str:
    if assignment.person_id and assignment.unit_id:
        return f"{assignment.person.full_name} ({assignment.unit.name})"
    return assignment.person.full_name if assignment.person_id else assignment.unit.name


def _incoming_row(document: Document) -> IncomingRow:
    by_role: dict[str, list[str]] = {}
    for a in sorted(document.register_assignments, key=lambda a: (_ROLE_ORDER.get(a.role, 9), a.pk)):
        by_role.setdefault(a.role, []).append(_handler_name(a))
    handlers = "; ".join(f"{AssignmentRole(role).label}: {', '.join(names)}" for role, names in by_role.items())
    moved = [a.assigned_at for a in document.register_assignments]
    note = _marks(document)
    if document.handling_due_on:
        note.append(_("Hạn giải quyết %(d)s") % {"d": document.handling_due_on.strftime("%d/%m/%Y")})
    if document.recalled_at is not None:
        note.append(
            _("Đã hủy do nơi gửi thu hồi ngày %(d)s") % {"d": _local_day(document.recalled_at).strftime("%d/%m/%Y")}
        )
    if document.description:
        note.append(document.description)
    return IncomingRow(
        document_id=document.pk,
        arrival_date=_local_day(document.received_at or document.registered_at),
        arrival_number=document.arrival_number,
        author=document.issuer_name,
        number_symbol=document.number_symbol,
        issued_on=document.issued_on,
        type_name=document.type_name,
        subject=document.subject,
        handlers=handlers,
        transferred_on=_local_day(min(moved)) if moved else None,
        receipt="",
        note="; ".join(note),
    )


def _queryset(actor: Actor, organisation: Organisation, kind: str, flt: RegisterFilter) -> QuerySet[Document]:
    if kind == OUTGOING:
        return outgoing_queryset(actor, organisation, flt)
    if kind == INCOMING:
        return incoming_queryset(actor, organisation, flt)
    raise ValidationFailed({"kind": [_("Sổ “%(v)s” không tồn tại.") % {"v": kind}]})


def _row(kind: str, document: Document):
    return _outgoing_row(document) if kind == OUTGOING else _incoming_row(document)


def columns(kind: str) -> list[str]:
    return [str(c) for c in (OUTGOING_COLUMNS if kind == OUTGOING else INCOMING_COLUMNS)]


@dataclass(frozen=True)
class RegisterPage:
    kind: str
    rows: list
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1


def register_page(
    actor: Actor, organisation: Organisation, kind: str, flt: RegisterFilter, *, page: int = 1, per_page: int = PER_PAGE
) -> RegisterPage:
    """One screen of the register: the rows and whether more follow (no COUNT over the year)."""
    page = max(1, int(page))
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    start = (page - 1) * per_page
    documents = list(_with_rows(_queryset(actor, organisation, kind, flt), kind)[start : start + per_page + 1])
    rows = [_row(kind, d) for d in documents[:per_page]]
    return RegisterPage(kind, rows, page, per_page, len(documents) > per_page)


def register_rows(actor: Actor, organisation: Organisation, kind: str, flt: RegisterFilter) -> Iterator:
    """Every row of the register for the period, read in chunks (for the PDF and Excel exports)."""
    for document in _with_rows(_queryset(actor, organisation, kind, flt), kind).iterator(chunk_size=CHUNK):
        yield _row(kind, document)


@dataclass(frozen=True)
class RegisterSummary:
    """What the register's title page states: how many entries and the first and last number."""

    count: int
    first_number: int | None
    last_number: int | None


def register_summary(actor: Actor, organisation: Organisation, kind: str, flt: RegisterFilter) -> RegisterSummary:
    field = "number" if kind == OUTGOING else "arrival_number"
    figures = _queryset(actor, organisation, kind, flt).order_by().aggregate(n=Count("pk"), a=Min(field), b=Max(field))
    return RegisterSummary(figures["n"], figures["a"], figures["b"])
