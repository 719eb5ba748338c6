"""The gateway's callback (IPN): applied once, duplicates and forgeries answered with the right RspCode, always 200."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.audit.models import AuditEvent
from egov.services.dossiers import processing as p
from egov.services.models import Dossier, DossierState, Payment, PaymentNotice, PaymentState
from egov.services.payments import gateway as gw
from egov.services.payments import services
from egov.services.payments.testing import SECRET, configure, notice
from egov.services.tests import urls_payments_test  # noqa: F401 (the API's schemas are built before time is frozen)
from egov.services.tests.factories import make_procedure
from egov.services.tests.helpers import submit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("egov.services.tests.urls_payments_test")]
TZ = timezone.get_default_timezone()
URL = "/services/payments/callback/"
G = gw.SignedRedirectGateway


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def payment(agency, settings):
    configure(settings)
    version = make_procedure("1.000894", fees=[("charge", "Lệ phí đăng ký", 50000)])
    with freeze_time(local(2026, 11, 25, 9, 0)):
        dossier = submit(agency, version)
        dossier = p.dossier_accept(actor=Actor(user=agency.officer), dossier=dossier)
    with freeze_time(local(2026, 11, 25, 9, 30)):
        payment, _url = services.payment_start(
            actor=Actor(user=agency.applicant), dossier=dossier, return_url="https://egov.example.vn/r/"
        )
    return payment


def snapshot(payment):
    payment.refresh_from_db()
    dossier = Dossier.objects.get(pk=payment.dossier_id)
    return (payment.state, payment.gateway_transaction, dossier.state, dossier.paid_at, dossier.due_at)


def notices():
    return list(PaymentNotice.objects.order_by("pk").values_list("channel", "outcome", "error"))


def test_a_confirmed_payment_resumes_the_dossier_and_extends_its_due_date(client, payment):
    assert payment.dossier.due_at == local(2026, 11, 30, 17, 0)
    with freeze_time(local(2026, 11, 25, 11, 0)):
        response = client.get(URL, notice(payment))
    assert (response.status_code, response.json()) == (200, {"RspCode": "00", "Message": "Confirm Success"})
    # Two office hours waiting for the fee: the appointment moves two office hours later.
    assert snapshot(payment) == (
        PaymentState.PAID,
        "14012345",
        DossierState.PROCESSING,
        local(2026, 11, 25, 11, 0),
        local(2026, 12, 1, 9, 30),
    )
    assert payment.completed_at == local(2026, 11, 25, 11, 0)
    assert notices() == [("callback", "applied", "")]
    paid_event = payment.dossier.events.get(kind="paid")
    assert (paid_event.actor_id, paid_event.actor_label, paid_event.note) == (
        None,
        "Cổng thanh toán vnpay",
        payment.reference,
    )
    audit = AuditEvent.objects.get(action="services.payment.paid")
    assert (audit.before, audit.after) == (
        {"state": "pending"},
        {"state": "paid", "transaction": "14012345", "response_code": "00", "channel": "callback"},
    )


def test_the_same_callback_twice_is_confirmed_once(client, payment):
    with freeze_time(local(2026, 11, 25, 11, 0)):
        first = client.get(URL, notice(payment))
    with freeze_time(local(2026, 11, 25, 11, 5)):
        second = client.post(URL, notice(payment))
    assert (first.json()["RspCode"], second.status_code, second.json()) == (
        "00",
        200,
        {"RspCode": "02", "Message": "Order already confirmed"},
    )
    assert notices() == [("callback", "applied", ""), ("callback", "duplicate", "")]
    assert snapshot(payment)[3] == local(2026, 11, 25, 11, 0)
    assert payment.dossier.events.filter(kind="paid").count() == 1
    assert AuditEvent.objects.filter(action="services.payment.paid").count() == 1


def test_another_transaction_for_a_paid_payment_is_rejected(client, payment):
    client.get(URL, notice(payment))
    before = snapshot(payment)
    response = client.get(URL, notice(payment, transaction="14099999"))
    assert response.json() == {"RspCode": "02", "Message": "Order already confirmed"}
    assert snapshot(payment) == before
    assert notices()[-1][:2] == ("callback", "rejected")
    assert notices()[-1][2].startswith("Giao dịch 14099999 (mã 00) đến sau khi đã thanh toán bằng giao dịch 14012345")


def test_a_failure_marks_the_payment_failed_and_keeps_the_dossier_waiting(client, payment):
    response = client.get(URL, notice(payment, code="24", transaction="0"))
    again = client.get(URL, notice(payment, code="24", transaction="0"))
    assert (response.json()["RspCode"], again.json()["RspCode"]) == ("00", "02")
    assert snapshot(payment)[:4] == (PaymentState.FAILED, "", DossierState.AWAITING_PAYMENT, None)
    assert notices() == [("callback", "applied", ""), ("callback", "duplicate", "")]


@pytest.mark.parametrize(
    ("params", "rsp", "error"),
    [
        (lambda pay: {**notice(pay), "vnp_Amount": "100"}, ("97", "Invalid signature"), "Chữ ký không hợp lệ."),
        (lambda pay: notice(pay, secret="not-ours"), ("97", "Invalid signature"), "Chữ ký không hợp lệ."),
        (
            lambda pay: notice(pay, amount=5000),
            ("04", "Invalid amount"),
            "Số tiền 5000 khác số tiền của giao dịch 50000.",
        ),
        (
            lambda pay: notice(pay, vnp_TxnRef="261125FFFFFFFFFFFF"),
            ("01", "Order not found"),
            "Không có giao dịch với mã này.",
        ),
        (
            lambda pay: G.signed({**notice(pay), "vnp_Amount": "abc"}, SECRET),
            ("99", "Unknown error"),
            "Số tiền không hợp lệ.",
        ),
        (lambda pay: {}, ("97", "Invalid signature"), "Thiếu chữ ký."),
        (lambda pay: {"vnp_SecureHash": "zz", "x": "<script>"}, ("97", "Invalid signature"), "Chữ ký không hợp lệ."),
    ],
    ids=["tampered", "forged", "amount", "unknown", "malformed", "empty", "garbage"],
)
def test_a_refused_notice_changes_nothing_and_is_kept(client, payment, params, rsp, error):
    before = snapshot(payment)
    response = client.get(URL, params(payment))
    assert (response.status_code, response.json()) == (200, {"RspCode": rsp[0], "Message": rsp[1]})
    assert snapshot(payment) == before
    assert notices() == [("callback", "rejected", error)]
    assert (
        AuditEvent.objects.filter(action__startswith="services.payment.")
        .exclude(action="services.payment.start")
        .count()
        == 0
    )


def test_an_unexpected_error_answers_99_and_keeps_the_notice(client, payment, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(services, "payment_notice", boom)
    response = client.get(URL, notice(payment))
    assert (response.status_code, response.json()) == (200, {"RspCode": "99", "Message": "Unknown error"})
    assert notices() == [("callback", "rejected", "RuntimeError: database away")]
    assert snapshot(payment)[0] == PaymentState.PENDING


def test_without_a_configured_gateway_the_callback_answers_99(client, payment, settings):
    settings.EGOV_SERVICES_PAYMENT_GATEWAY_URL = ""
    response = client.get(URL, notice(payment))
    assert (response.status_code, response.json()["RspCode"], PaymentNotice.objects.count()) == (200, "99", 0)


def test_other_methods_are_not_allowed(client, payment):
    assert client.put(URL, {}).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_of_a_callback_apply_once(payment):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers anyway")
    gateway = gw.configured_gateway()
    params = notice(payment)
    barrier = threading.Barrier(4)
    results = []

    def deliver():
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            results.append(services.payment_notice(gateway=gateway, channel="callback", params=params))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [("applied", "00"), ("duplicate", "02"), ("duplicate", "02"), ("duplicate", "02")]
    assert Payment.objects.get(pk=payment.pk).state == PaymentState.PAID
    assert Dossier.objects.get(pk=payment.dossier_id).events.filter(kind="paid").count() == 1
