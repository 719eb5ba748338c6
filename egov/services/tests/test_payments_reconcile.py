"""Daily reconciliation: the day's payments, exact totals per agency, mismatches, the workbook, asking the gateway."""

import datetime as dt
import io
import re
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from egov.accounts.actor import Actor
from egov.services.dossiers import processing as p
from egov.services.models import Dossier, Payment, PaymentNotice, PaymentState
from egov.services.payments import gateway as gw
from egov.services.payments import reconcile, services
from egov.services.payments.cli import main as paygate
from egov.services.payments.sandbox import SandboxGateway
from egov.services.payments.testing import MERCHANT, SECRET, configure, notice
from egov.services.tests.factories import make_agency, make_procedure
from egov.services.tests.helpers import submit

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
DAY = dt.date(2026, 11, 25)
RETURN = "https://egov.example.vn/services/payments/return/"


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def awaiting(agency, version, at):
    with freeze_time(at):
        return p.dossier_accept(actor=Actor(user=agency.officer), dossier=submit(agency, version))


def start(agency, dossier, at):
    with freeze_time(at):
        payment, _url = services.payment_start(actor=Actor(user=agency.applicant), dossier=dossier, return_url=RETURN)
    return payment


def callback(payment, at, **kwargs):
    with freeze_time(at):
        return services.payment_notice(
            gateway=gw.configured_gateway(), channel="callback", params=notice(payment, **kwargs)
        )


@pytest.fixture
def day(settings, agency):
    """A day at two communes: paid, failed, stale and fresh pending payments, a counter payment and a lost update."""
    configure(settings)
    other = make_agency("1")
    version = make_procedure("1.000894", fees=[("charge", "Lệ phí đăng ký", 50000)])
    other_version = make_procedure("1.000656", fees=[("charge", "Lệ phí", 30000)])
    paid = start(agency, awaiting(agency, version, local(2026, 11, 25, 8, 0)), local(2026, 11, 25, 9, 0))
    callback(paid, local(2026, 11, 25, 9, 5), transaction="1001")
    failed = start(agency, awaiting(agency, version, local(2026, 11, 25, 8, 10)), local(2026, 11, 25, 10, 0))
    callback(failed, local(2026, 11, 25, 10, 5), code="51", transaction="0")
    stale = start(agency, awaiting(agency, version, local(2026, 11, 25, 8, 20)), local(2026, 11, 25, 11, 0))
    fresh = start(agency, awaiting(agency, version, local(2026, 11, 25, 8, 30)), local(2026, 11, 25, 22, 50))
    theirs = start(other, awaiting(other, other_version, local(2026, 11, 25, 8, 0)), local(2026, 11, 25, 14, 0))
    callback(theirs, local(2026, 11, 25, 14, 1), transaction="2001")
    # Yesterday's payment is not today's.
    earlier = start(agency, awaiting(agency, version, local(2026, 11, 24, 8, 0)), local(2026, 11, 24, 9, 0))
    callback(earlier, local(2026, 11, 24, 9, 1), transaction="0999")
    # Paid in cash at the counter: the dossier is paid, no payment went through the gateway.
    counter = awaiting(agency, version, local(2026, 11, 25, 8, 40))
    with freeze_time(local(2026, 11, 25, 15, 0)):
        p.dossier_mark_paid(actor=Actor(user=agency.officer), dossier=counter, reference="BL-0042")
    # A paid payment whose dossier was never marked paid (an update lost by hand).
    lost = awaiting(agency, version, local(2026, 11, 25, 8, 50))
    lost_payment = Payment.objects.create(
        dossier=lost,
        gateway="vnpay",
        reference="261125LOST0000000",
        amount=50000,
        state=PaymentState.PAID,
        gateway_transaction="1002",
        created_at=local(2026, 11, 25, 16, 0),
        completed_at=local(2026, 11, 25, 16, 2),
    )
    return {
        "agency": agency,
        "other": other,
        "paid": paid,
        "failed": failed,
        "stale": stale,
        "fresh": fresh,
        "theirs": theirs,
        "counter": counter,
        "lost": lost_payment,
    }


def test_the_report_lists_the_day_totals_each_agency_and_finds_the_mismatches(day):
    report = reconcile.reconciliation_report(DAY, now=local(2026, 11, 25, 23, 0))
    assert [(r.reference, r.state, r.amount, r.agency_code) for r in report.rows] == [
        (day["paid"].reference, "paid", 50000, "000.00.15.H40"),
        (day["failed"].reference, "failed", 50000, "000.00.15.H40"),
        (day["stale"].reference, "pending", 50000, "000.00.15.H40"),
        ("261125LOST0000000", "paid", 50000, "000.00.15.H40"),
        (day["theirs"].reference, "paid", 30000, "000.00.15.H41"),
    ]
    assert [
        (t.agency_code, t.agency_name, t.paid_count, t.paid_amount, t.failed_count, t.pending_count)
        for t in report.totals
    ] == [
        ("000.00.15.H40", "Ủy ban nhân dân xã Hải Hậu", 2, 100000, 1, 1),
        ("000.00.15.H41", "Ủy ban nhân dân xã Hải Hậu", 1, 30000, 0, 0),
    ]
    lost_code = Dossier.objects.get(pk=day["lost"].dossier_id).code
    assert [(m.kind, m.dossier_code, m.reference) for m in report.mismatches] == [
        ("payment_paid_dossier_unpaid", lost_code, "261125LOST0000000"),
        ("dossier_paid_without_payment", day["counter"].code, ""),
    ]
    assert report.mismatches[1].detail == (
        "Hồ sơ ghi nhận đã nộp 50000 đồng (bởi Người dùng motcua (motcua)) "
        "nhưng không có giao dịch thanh toán thành công."
    )


def test_the_report_for_one_agency_and_before_the_15_minutes_are_up(day):
    report = reconcile.reconciliation_report(DAY, agency=day["other"].org, now=local(2026, 11, 25, 23, 0))
    assert ([r.reference for r in report.rows], report.mismatches) == ([day["theirs"].reference], [])
    early = reconcile.reconciliation_report(DAY, now=local(2026, 11, 25, 11, 14))
    assert day["stale"].reference not in [r.reference for r in early.rows]
    late = reconcile.reconciliation_report(DAY, now=local(2026, 11, 25, 23, 5))
    assert day["fresh"].reference in [r.reference for r in late.rows]


def test_a_second_paid_payment_for_a_dossier_is_a_mismatch(day):
    Payment.objects.create(
        dossier_id=day["paid"].dossier_id,
        gateway="vnpay",
        reference="261125TWICE000000",
        amount=50000,
        state=PaymentState.PAID,
        gateway_transaction="1003",
        created_at=local(2026, 11, 25, 17, 0),
        completed_at=local(2026, 11, 25, 17, 1),
    )
    report = reconcile.reconciliation_report(DAY, now=local(2026, 11, 25, 23, 0))
    twice = [m for m in report.mismatches if m.kind == "dossier_paid_twice"]
    assert [(m.reference, m.detail) for m in twice] == [
        (f"{day['paid'].reference}, 261125TWICE000000", "2 giao dịch đã thanh toán: cần hoàn tiền.")
    ]


def test_the_workbook_has_the_rows_the_totals_and_the_mismatches(day):
    report = reconcile.reconciliation_report(DAY, now=local(2026, 11, 25, 23, 0))
    book = load_workbook(io.BytesIO(reconcile.reconciliation_xlsx(report)))
    assert book.sheetnames == ["Giao dịch", "Tổng hợp", "Sai lệch"]
    rows = list(book["Giao dịch"].iter_rows(values_only=True))
    assert rows[1] == (
        day["paid"].reference,
        Dossier.objects.get(pk=day["paid"].dossier_id).code,
        "000.00.15.H40",
        "Ủy ban nhân dân xã Hải Hậu",
        "vnpay",
        50000,
        "Đã thanh toán",
        "1001",
        dt.datetime(2026, 11, 25, 9, 0),
        dt.datetime(2026, 11, 25, 9, 5),
    )
    assert list(book["Tổng hợp"].iter_rows(values_only=True)) == [
        ("Mã cơ quan", "Cơ quan", "Số giao dịch thành công", "Số tiền (đồng)", "Không thành công", "Đang chờ"),
        ("000.00.15.H40", "Ủy ban nhân dân xã Hải Hậu", 2, 100000, 1, 1),
        ("000.00.15.H41", "Ủy ban nhân dân xã Hải Hậu", 1, 30000, 0, 0),
    ]
    assert [row[0] for row in book["Sai lệch"].iter_rows(values_only=True)] == [
        "Loại",
        "payment_paid_dossier_unpaid",
        "dossier_paid_without_payment",
    ]


def test_stale_pending_payments_are_asked_about_and_confirmed_ones_applied(settings, agency):
    configure(settings, "http://paygate.test/pay")
    version = make_procedure("1.000894", fees=[("charge", "Lệ phí đăng ký", 50000)])
    lost = start(agency, awaiting(agency, version, local(2026, 11, 25, 8, 0)), local(2026, 11, 25, 9, 0))
    abandoned = start(agency, awaiting(agency, version, local(2026, 11, 25, 8, 5)), local(2026, 11, 25, 9, 10))
    recent = start(agency, awaiting(agency, version, local(2026, 11, 25, 8, 10)), local(2026, 11, 25, 9, 50))
    app = SandboxGateway(merchant=MERCHANT, secret=SECRET)  # no callback URL: the IPN is lost
    gateway = gw.configured_gateway()
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://paygate.test") as sandbox:
        page = sandbox.get(gateway.checkout_url(lost, RETURN))
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
        back = sandbox.post("/pay", data={**fields, "action": "pay"})
        transaction = dict(parse_qsl(urlsplit(back.headers["location"]).query))["vnp_TransactionNo"]
        with freeze_time(local(2026, 11, 25, 10, 0)):
            answers = reconcile.reconcile_pending(gateway=gateway, client=sandbox)
            again = reconcile.reconcile_pending(gateway=gateway, client=sandbox)
    assert [(a.reference, a.result, a.rsp_code) for a in answers] == [
        (lost.reference, "applied", "00"),
        (abandoned.reference, "not_found", ""),
    ]
    assert [(a.reference, a.result) for a in again] == [(abandoned.reference, "not_found")]
    lost.refresh_from_db()
    assert (lost.state, lost.gateway_transaction, Dossier.objects.get(pk=lost.dossier_id).paid_at) == (
        PaymentState.PAID,
        transaction,
        local(2026, 11, 25, 10, 0),
    )
    assert list(PaymentNotice.objects.values_list("channel", "outcome", "payment")) == [("query", "applied", lost.pk)]
    # A late callback after the query is a duplicate.
    assert callback(lost, local(2026, 11, 25, 10, 5), transaction=transaction) == ("duplicate", "02")
    recent.refresh_from_db()
    assert recent.state == PaymentState.PENDING


def test_a_gateway_that_cannot_be_reached_is_reported_not_applied(settings, agency):
    configure(settings, "http://paygate.test/pay")
    version = make_procedure("1.000894", fees=[("charge", "Lệ phí đăng ký", 50000)])
    payment = start(agency, awaiting(agency, version, local(2026, 11, 25, 8, 0)), local(2026, 11, 25, 9, 0))

    def down(request):
        raise httpx.ConnectError("refused", request=request)

    with httpx.Client(transport=httpx.MockTransport(down)) as client, freeze_time(local(2026, 11, 25, 10, 0)):
        answers = reconcile.reconcile_pending(gateway=gw.configured_gateway(), client=client)
    assert [(a.reference, a.result) for a in answers] == [(payment.reference, "error")]
    assert PaymentNotice.objects.count() == 0


def test_egov_paygate_reconcile_prints_the_totals_writes_the_workbook_and_fails_on_a_mismatch(day, tmp_path, capsys):
    target = tmp_path / "doi-soat.xlsx"
    with freeze_time(local(2026, 11, 26, 7, 0)):
        code = paygate(["reconcile", "--day", "2026-11-25", "--xlsx", str(target)])
    lines = capsys.readouterr().out.splitlines()
    assert (code, lines[:2], len(lines), target.stat().st_size > 0) == (
        1,
        [
            "000.00.15.H40 Ủy ban nhân dân xã Hải Hậu: 2 paid, 100000 đồng; 1 failed; 2 pending",
            "000.00.15.H41 Ủy ban nhân dân xã Hải Hậu: 1 paid, 30000 đồng; 0 failed; 0 pending",
        ],
        5,
        True,
    )
    assert lines[2].startswith("MISMATCH payment_paid_dossier_unpaid ")
