"""Paying from "Hồ sơ của tôi" (permission matrix) and the return page, which shows but never changes anything."""

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.accounts.tests.factories import make_person
from egov.services.dossiers import processing as p
from egov.services.models import Dossier, DossierState, Payment, PaymentNotice, PaymentState
from egov.services.payments import services
from egov.services.payments.testing import configure, notice
from egov.services.tests import urls_payments_test  # noqa: F401 (the API's schemas are built before time is frozen)
from egov.services.tests.factories import make_procedure
from egov.services.tests.helpers import submit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("egov.services.tests.urls_payments_test")]
TZ = timezone.get_default_timezone()
RETURN = "/services/payments/return/"
CALLBACK = "/services/payments/callback/"


@pytest.fixture
def awaiting(agency, settings):
    configure(settings, site_url="https://egov.example.vn")
    version = make_procedure("1.000894", fees=[("charge", "Lệ phí đăng ký", 50000)])
    with freeze_time(dt.datetime(2026, 11, 25, 9, 0, tzinfo=TZ)):
        dossier = submit(agency, version)
        return p.dossier_accept(actor=Actor(user=agency.officer), dossier=dossier)


def pay_url(dossier) -> str:
    return f"/services/my/{dossier.pk}/pay/"


def test_the_applicant_is_sent_to_the_gateway(client, agency, awaiting):
    client.force_login(agency.applicant)
    response = client.post(pay_url(awaiting))
    payment = Payment.objects.get()
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    params = dict(parse_qsl(parts.query))
    assert (parts.netloc, parts.path, params["vnp_TxnRef"], params["vnp_Amount"], params["vnp_ReturnUrl"]) == (
        "sandbox.example.vn",
        "/pay",
        payment.reference,
        "5000000",
        "https://egov.example.vn/services/payments/return/",
    )


@pytest.mark.parametrize("who", ["anonymous", "other_applicant", "officer", "other_officer"])
def test_nobody_else_starts_a_payment_for_my_dossier(client, agency, awaiting, who):
    users = {
        "other_applicant": lambda: make_person("congdankhac", None, "applicant", kind="applicant"),
        "officer": lambda: agency.officer,
        "other_officer": lambda: agency.other_officer,
    }
    if who != "anonymous":
        client.force_login(users[who]())
    response = client.post(pay_url(awaiting))
    if who == "anonymous":
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/login/")
    else:
        assert response.status_code == 404
    assert (Payment.objects.count(), Dossier.objects.get(pk=awaiting.pk).state) == (0, DossierState.AWAITING_PAYMENT)


def test_get_is_not_allowed_and_a_dossier_not_awaiting_payment_is_refused(client, agency, awaiting, version):
    client.force_login(agency.applicant)
    assert client.get(pay_url(awaiting)).status_code == 405
    other = submit(agency, version)
    response = client.post(pay_url(other))
    assert (response.status_code, Payment.objects.count()) == (409, 0)
    assert "Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính." in response.content.decode()


def _start(agency, dossier):
    payment, _url = services.payment_start(
        actor=Actor(user=agency.applicant), dossier=dossier, return_url="https://egov.example.vn" + RETURN
    )
    return payment


def _state(payment):
    payment.refresh_from_db()
    dossier = Dossier.objects.get(pk=payment.dossier_id)
    return payment.state, dossier.state, dossier.paid_at


def _heading(response) -> str:
    found = re.search(r"<h1[^>]*>([^<]*)</h1>", response.content.decode())
    return found.group(1) if found else ""


def test_a_successful_return_before_the_callback_waits_and_changes_nothing(client, agency, awaiting):
    payment = _start(agency, awaiting)
    response = client.get(RETURN, notice(payment))
    page = response.content.decode()
    assert (response.status_code, _heading(response)) == (200, "Đang chờ xác nhận từ cổng thanh toán")
    assert '<meta http-equiv="refresh" content="5">' in page
    assert _state(payment) == (PaymentState.PENDING, DossierState.AWAITING_PAYMENT, None)
    assert list(PaymentNotice.objects.values_list("channel", "outcome", "payment")) == [
        ("return", "rejected", payment.pk)
    ]


def test_after_the_callback_the_return_shows_success(client, agency, awaiting):
    payment = _start(agency, awaiting)
    client.get(CALLBACK, notice(payment))
    before = _state(payment)
    assert before[:2] == (PaymentState.PAID, DossierState.PROCESSING)
    client.force_login(agency.applicant)
    response = client.get(RETURN, notice(payment))
    page = response.content.decode()
    assert (response.status_code, _heading(response), _state(payment)) == (200, "Đã thanh toán thành công", before)
    assert 'id="amount">50.000 đồng</dd>' in page
    assert f'href="/services/my/{awaiting.pk}/"' in page
    assert list(PaymentNotice.objects.order_by("pk").values_list("channel", "outcome")) == [
        ("callback", "applied"),
        ("return", "duplicate"),
    ]


def test_a_failed_or_forged_return_says_unsuccessful_and_changes_nothing(client, agency, awaiting):
    payment = _start(agency, awaiting)
    failed = client.get(RETURN, notice(payment, code="24", transaction="0"))
    forged = client.get(RETURN, {**notice(payment, code="24", transaction="0"), "vnp_ResponseCode": "00"})
    assert [(r.status_code, _heading(r)) for r in (failed, forged)] == [
        (200, "Thanh toán không thành công"),
        (400, "Thanh toán không thành công"),
    ]
    assert 'id="reference"' not in forged.content.decode()
    assert _state(payment) == (PaymentState.PENDING, DossierState.AWAITING_PAYMENT, None)
    assert list(PaymentNotice.objects.order_by("pk").values_list("channel", "outcome", "error")) == [
        ("return", "rejected", "Trang trả về không thay đổi trạng thái; chờ thông báo từ cổng (IPN)."),
        ("return", "rejected", "Chữ ký không hợp lệ."),
    ]
