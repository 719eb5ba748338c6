"""The sandbox gateway: in-process for its rules, then as a real process paying a dossier through a live server."""

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from django.utils import timezone
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.services.dossiers import processing as p
from egov.services.models import Dossier, DossierState, Payment, PaymentNotice, PaymentState
from egov.services.payments import gateway as gw
from egov.services.payments.sandbox import SandboxGateway
from egov.services.payments.testing import MERCHANT, SECRET, configure
from egov.services.tests import urls_payments_test  # noqa: F401 (the API's schemas are built before time is frozen)
from egov.services.tests.factories import make_procedure
from egov.services.tests.helpers import submit

ROOT = Path(__file__).resolve().parents[3]
RETURN = "https://egov.example.vn/services/payments/return/"
G = gw.SignedRedirectGateway


def order(reference="261125ABCDEF012345", amount=50000):
    return SimpleNamespace(
        reference=reference, amount=amount, dossier=SimpleNamespace(code="000.00.15.H40-261125-0001")
    )


@pytest.fixture
def gateway():
    return gw.SignedRedirectGateway(url="http://paygate.test/pay", merchant=MERCHANT, secret=SECRET)


@pytest.fixture
def sandbox():
    app = SandboxGateway(merchant=MERCHANT, secret=SECRET)
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://paygate.test") as client:
        yield client


def hidden_fields(page: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def pay(sandbox, url: str, action: str = "pay") -> httpx.Response:
    page = sandbox.get(url)
    assert page.status_code == 200, page.text
    return sandbox.post("/pay", data={**hidden_fields(page.text), "action": action})


def test_the_checkout_page_shows_the_order_and_paying_returns_signed_results(sandbox, gateway):
    url = gateway.checkout_url(order(), RETURN)
    page = sandbox.get(url)
    assert page.status_code == 200
    assert [
        re.search(r"<h1>([^<]*)</h1>", page.text).group(1),
        re.search(r'id="amount">([^<]*)<', page.text).group(1),
        re.search(r'id="order">([^<]*)<', page.text).group(1),
        re.findall(r'<button type="submit" name="action" value="\w+">([^<]*)</button>', page.text),
    ] == ["Cổng thanh toán thử nghiệm", "50.000 đồng", "261125ABCDEF012345", ["Thanh toán", "Hủy"]]
    response = sandbox.post("/pay", data={**hidden_fields(page.text), "action": "pay"})
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == RETURN
    result = gateway.verify(dict(parse_qsl(location.query)))
    assert (result.reference, result.amount, result.success, len(result.transaction)) == (
        "261125ABCDEF012345",
        50000,
        True,
        12,
    )
    # Paid once: the same order cannot be paid again.
    again = sandbox.get(url)
    assert (again.status_code, "Mã lỗi 02: Đơn hàng đã được thanh toán." in again.text) == (400, True)
    # The query endpoint answers, signed, with the transaction.
    answer = gateway.query(order(), client=sandbox)
    assert (answer["vnp_TransactionNo"], answer["vnp_ResponseCode"], gateway.verify(answer).amount) == (
        result.transaction,
        "00",
        50000,
    )


def test_cancel_returns_code_24(sandbox, gateway):
    response = pay(sandbox, gateway.checkout_url(order(), RETURN), action="cancel")
    result = gateway.verify(dict(parse_qsl(urlsplit(response.headers["location"]).query)))
    assert (result.response_code, result.transaction, result.success) == ("24", "0", False)


def test_a_tampered_or_stale_checkout_is_refused(sandbox, gateway):
    url = gateway.checkout_url(order(), RETURN)
    tampered = url.replace("vnp_Amount=5000000", "vnp_Amount=100")
    response = sandbox.get(tampered)
    assert (response.status_code, "Mã lỗi 97: Chữ ký không hợp lệ." in response.text) == (400, True)
    page = sandbox.get(url)
    fields = {**hidden_fields(page.text), "vnp_ReturnUrl": "https://attacker.example/", "action": "pay"}
    assert sandbox.post("/pay", data=fields).status_code == 400
    with freeze_time(timezone.now() - dt.timedelta(minutes=16)):
        stale = gateway.checkout_url(order(), RETURN)
    response = sandbox.get(stale)
    assert (response.status_code, "Mã lỗi 11: Đã hết hạn chờ thanh toán." in response.text) == (400, True)
    other_merchant = gw.SignedRedirectGateway(url="http://paygate.test/pay", merchant="OTHER", secret=SECRET)
    assert sandbox.get(other_merchant.checkout_url(order(), RETURN)).status_code == 400


def test_the_query_is_signed_both_ways(sandbox, gateway):
    assert gateway.query(order("NOSUCHREFERENCE"), client=sandbox) is None
    unsigned = sandbox.get("/query?" + urlencode({"vnp_TmnCode": MERCHANT, "vnp_TxnRef": "X"}))
    assert unsigned.json() == {"vnp_ResponseCode": "97", "message": "Invalid signature"}


# --- the real process ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sandbox(port: int, callback_url: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EGOV_", "DJANGO_"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "egov.services.payments.cli",
            "serve",
            "--port",
            str(port),
            "--merchant",
            MERCHANT,
            "--secret",
            SECRET,
            "--callback-url",
            callback_url,
            "--callback-attempts",
            "4",
            "--callback-backoff",
            "0.2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the sandbox gateway stopped at start (exit {process.returncode})")
        try:
            # Our own sandbox, not another test run's that took the port first (the pid tells them apart).
            answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            if answer.status_code == 200 and answer.text == f"ok {process.pid}":
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop(process)
    raise RuntimeError("the sandbox gateway did not answer within 15 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.mark.urls("egov.services.tests.urls_payments_test")
@pytest.mark.django_db(transaction=True)
def test_a_dossier_is_paid_through_the_sandbox_running_as_its_own_process(live_server, client, settings, agency):
    port = free_port()
    configure(settings, f"http://127.0.0.1:{port}/pay", site_url=live_server.url)
    version = make_procedure("1.000894", fees=[("charge", "Lệ phí đăng ký", 50000)])
    dossier = p.dossier_accept(actor=Actor(user=agency.officer), dossier=submit(agency, version))
    assert dossier.state == DossierState.AWAITING_PAYMENT
    process = start_sandbox(port, f"{live_server.url}/services/payments/callback/")
    try:
        client.force_login(agency.applicant)
        start = client.post(f"/services/my/{dossier.pk}/pay/")
        assert start.status_code == 302
        with httpx.Client(timeout=10) as browser:
            page = browser.get(start["Location"])
            assert (page.status_code, "Cổng thanh toán thử nghiệm" in page.text) == (200, True)
            back = browser.post(f"http://127.0.0.1:{port}/pay", data={**hidden_fields(page.text), "action": "pay"})
            assert back.status_code == 303
            assert back.headers["location"].startswith(f"{live_server.url}/services/payments/return/?")
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and Payment.objects.get().state == PaymentState.PENDING:
                time.sleep(0.1)
            shown = browser.get(back.headers["location"])
    finally:
        stop(process)
    payment = Payment.objects.get()
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (payment.state, dossier.state, dossier.paid_at is not None) == (
        PaymentState.PAID,
        DossierState.PROCESSING,
        True,
    )
    assert (shown.status_code, "Đã thanh toán thành công" in shown.text) == (200, True)
    assert list(PaymentNotice.objects.order_by("pk").values_list("channel", "outcome")) == [
        ("callback", "applied"),
        ("return", "duplicate"),
    ]
