"""Daily reconciliation (đối soát): the day's payments, totals per agency, mismatches; and asking the gateway.

A pending payment older than `STALE_AFTER` (the checkout's expiry) is one whose callback may have been lost:
`reconcile_pending` asks the gateway about it and applies what it says through `payment_notice`, channel
"query", so a late callback afterwards is simply a duplicate.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from egov.services.models import Dossier, DossierEvent, Payment, PaymentState
from egov.services.payments import gateway as gw
from egov.services.payments import services

logger = logging.getLogger("egov.services.payments")
STALE_AFTER = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class PaymentRow:
    reference: str
    dossier_code: str
    agency_code: str
    agency_name: str
    gateway: str
    amount: int
    state: str
    gateway_transaction: str
    created_at: dt.datetime
    completed_at: dt.datetime | None


@dataclass
class AgencyTotal:
    agency_code: str
    agency_name: str
    paid_count: int = 0
    paid_amount: int = 0
    failed_count: int = 0
    pending_count: int = 0


@dataclass(frozen=True)
class Mismatch:
    kind: str  # "dossier_paid_without_payment", "payment_paid_dossier_unpaid", "dossier_paid_twice"
    dossier_code: str
    reference: str
    detail: str


@dataclass
class ReconciliationReport:
    day: dt.date
    rows: list[PaymentRow] = field(default_factory=list)
    totals: list[AgencyTotal] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def reconciliation_report(day: dt.date, agency=None, *, now: dt.datetime | None = None) -> ReconciliationReport:
    """Payments paid or failed on the day, those created that day still pending after 15 minutes, and mismatches."""
    now = now or timezone.now()
    start, end = _day_bounds(day)
    scope = Q(dossier__agency=agency) if agency is not None else Q()
    payments = (
        Payment.objects.filter(scope)
        .filter(
            Q(state__in=[PaymentState.PAID, PaymentState.FAILED], completed_at__gte=start, completed_at__lt=end)
            | Q(
                state=PaymentState.PENDING,
                created_at__gte=start,
                created_at__lt=end,
                created_at__lte=now - STALE_AFTER,
            )
        )
        .select_related("dossier__agency")
        .order_by("dossier__agency__code", "created_at", "pk")
    )
    report = ReconciliationReport(day=day)
    totals: dict[int, AgencyTotal] = {}
    for payment in payments:
        org = payment.dossier.agency
        report.rows.append(
            PaymentRow(
                reference=payment.reference,
                dossier_code=payment.dossier.code,
                agency_code=org.code,
                agency_name=org.name,
                gateway=payment.gateway,
                amount=payment.amount,
                state=payment.state,
                gateway_transaction=payment.gateway_transaction,
                created_at=payment.created_at,
                completed_at=payment.completed_at,
            )
        )
        total = totals.setdefault(org.pk, AgencyTotal(org.code, org.name))
        if payment.state == PaymentState.PAID:
            total.paid_count += 1
            total.paid_amount += payment.amount
        elif payment.state == PaymentState.FAILED:
            total.failed_count += 1
        else:
            total.pending_count += 1
    report.totals = sorted(totals.values(), key=lambda t: t.agency_code)
    report.mismatches = _mismatches(report.rows, start, end, agency)
    return report


def _mismatches(rows: list[PaymentRow], start, end, agency) -> list[Mismatch]:
    found = []
    paid_rows = [r for r in rows if r.state == PaymentState.PAID]
    unpaid_dossiers = set(
        Dossier.objects.filter(code__in=[r.dossier_code for r in paid_rows], paid_at__isnull=True).values_list(
            "code", flat=True
        )
    )
    for row in paid_rows:
        if row.dossier_code in unpaid_dossiers:
            found.append(
                Mismatch(
                    "payment_paid_dossier_unpaid",
                    row.dossier_code,
                    row.reference,
                    f"Cổng xác nhận {row.amount} đồng (giao dịch {row.gateway_transaction}) nhưng hồ sơ chưa ghi nhận.",
                )
            )
    paid_count = Counter(
        Payment.objects.filter(
            dossier__code__in=[r.dossier_code for r in paid_rows], state=PaymentState.PAID
        ).values_list("dossier__code", flat=True)
    )
    for code, count in sorted(paid_count.items()):
        if count > 1:
            references = ", ".join(r.reference for r in paid_rows if r.dossier_code == code)
            detail = f"{count} giao dịch đã thanh toán: cần hoàn tiền."
            found.append(Mismatch("dossier_paid_twice", code, references, detail))
    dossiers = Dossier.objects.filter(paid_at__gte=start, paid_at__lt=end).exclude(payments__state=PaymentState.PAID)
    if agency is not None:
        dossiers = dossiers.filter(agency=agency)
    dossiers = list(dossiers.order_by("code"))
    marked_by = {
        event.dossier_id: event.actor_label
        for event in DossierEvent.objects.filter(dossier__in=dossiers, kind="paid").order_by("at", "pk")
    }
    for dossier in dossiers:
        found.append(
            Mismatch(
                "dossier_paid_without_payment",
                dossier.code,
                "",
                f"Hồ sơ ghi nhận đã nộp {dossier.fee_total} đồng (bởi {marked_by.get(dossier.pk, '?')}) "
                "nhưng không có giao dịch thanh toán thành công.",
            )
        )
    return found


# --- asking the gateway ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryAnswer:
    reference: str
    result: str  # a notice outcome (applied, duplicate, rejected), "not_found" or "error"
    rsp_code: str = ""


def reconcile_pending(
    *, now: dt.datetime | None = None, gateway: gw.PaymentGateway | None = None, client=None
) -> list[QueryAnswer]:
    """Ask the gateway about each payment pending for more than 15 minutes; apply what it confirms."""
    import httpx

    gateway = gateway or gw.configured_gateway()
    if gateway is None:
        return []
    now = now or timezone.now()
    pending = Payment.objects.filter(
        gateway=gateway.name, state=PaymentState.PENDING, created_at__lte=now - STALE_AFTER
    ).order_by("created_at", "pk")
    answers = []
    for payment in pending:
        try:
            params = gateway.query(payment, client=client)
        except (httpx.HTTPError, gw.GatewayError, ValueError) as exc:
            logger.warning("payment query %s failed: %s", payment.reference, exc)
            answers.append(QueryAnswer(payment.reference, "error"))
            continue
        if params is None:
            answers.append(QueryAnswer(payment.reference, "not_found"))
            continue
        outcome, code = services.payment_notice(gateway=gateway, channel="query", params=params)
        answers.append(QueryAnswer(payment.reference, outcome, code))
    return answers


# --- export ----------------------------------------------------------------------------------------------
def _local(value: dt.datetime | None):
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def reconciliation_xlsx(report: ReconciliationReport) -> bytes:
    """The report as a workbook: the transactions, the totals per agency, the mismatches (one sheet each)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheets = [
        (
            "Giao dịch",
            [
                "Mã giao dịch",
                "Mã hồ sơ",
                "Mã cơ quan",
                "Cơ quan",
                "Cổng",
                "Số tiền (đồng)",
                "Trạng thái",
                "Mã giao dịch của cổng",
                "Tạo lúc",
                "Hoàn tất lúc",
            ],
            [
                [
                    r.reference,
                    r.dossier_code,
                    r.agency_code,
                    r.agency_name,
                    r.gateway,
                    r.amount,
                    str(PaymentState(r.state).label),
                    r.gateway_transaction,
                    _local(r.created_at),
                    _local(r.completed_at),
                ]
                for r in report.rows
            ],
        ),
        (
            "Tổng hợp",
            ["Mã cơ quan", "Cơ quan", "Số giao dịch thành công", "Số tiền (đồng)", "Không thành công", "Đang chờ"],
            [
                [t.agency_code, t.agency_name, t.paid_count, t.paid_amount, t.failed_count, t.pending_count]
                for t in report.totals
            ],
        ),
        (
            "Sai lệch",
            ["Loại", "Mã hồ sơ", "Mã giao dịch", "Chi tiết"],
            [[m.kind, m.dossier_code, m.reference, m.detail] for m in report.mismatches],
        ),
    ]
    for index, (title, header, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column, name in zip(sheet.columns, header, strict=True):
            sheet.column_dimensions[column[0].column_letter].width = max(12, len(name) + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
