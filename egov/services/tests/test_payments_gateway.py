"""The signed-redirect gateway: the signature (a known answer), the checkout URL's exact parameters, verification."""

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.audit.models import AuditEvent
from egov.core.errors import Conflict, InvalidTransition, PermissionDenied
from egov.services.dossiers import processing as p
from egov.services.models import Payment, PaymentState
from egov.services.payments import gateway as gw
from egov.services.payments import services
from egov.services.payments.testing import MERCHANT, SECRET, configure, notice
from egov.services.tests.factories import make_procedure
from egov.services.tests.helpers import submit

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
RETURN = "https://egov.example.vn/services/payments/return/"
G = gw.SignedRedirectGateway


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def awaiting(agency, settings):
    configure(settings)
    version = make_procedure("1.000894", fees=[("charge", "Lệ phí đăng ký", 50000)])
    with freeze_time(local(2026, 11, 25, 9, 0)):
        dossier = submit(agency, version)
        return p.dossier_accept(actor=Actor(user=agency.officer), dossier=dossier)


def test_the_signature_is_hmac_sha512_over_the_sorted_form_encoded_parameters():
    params = {"vnp_TxnRef": "ABC", "vnp_OrderInfo": "Thanh toan phi hồ sơ", "vnp_Amount": "5000000", "other": "x"}
    # Not signed: the hash fields, empty values and names without the prefix.
    canonical = "vnp_Amount=5000000&vnp_OrderInfo=Thanh+toan+phi+h%E1%BB%93+s%C6%A1&vnp_TxnRef=ABC"
    assert G.canonical({**params, "vnp_SecureHash": "old", "vnp_BankCode": ""}) == canonical
    # Known answer computed outside Python: printf '<canonical>' | openssl dgst -sha512 -hmac s3cr3t
    assert G.sign(params, "s3cr3t") == (
        "d3d15278cbafe692c92596372257a884f681ad35e134aa625bf86f3f3c2d2cae"
        "268fe1da7d067ce1411e84d7b439d762b93af7341498ccd159eea3a57efec7b7"
    )
    assert G.signature_ok({**params, "vnp_SecureHash": G.sign(params, "s3cr3t").upper()}, "s3cr3t") is True
    assert G.signature_ok({**params, "vnp_TxnRef": "ABD", "vnp_SecureHash": G.sign(params, "s3cr3t")}, "s3cr3t") is (
        False
    )


def test_start_gives_a_pending_payment_and_a_checkout_url_signed_with_the_exact_parameters(agency, awaiting):
    with freeze_time(local(2026, 11, 25, 9, 30)):
        payment, url = services.payment_start(
            actor=Actor(user=agency.applicant, ip_address="203.0.113.7"), dossier=awaiting, return_url=RETURN
        )
    assert (payment.state, payment.amount, payment.gateway, payment.created_at, len(payment.reference)) == (
        PaymentState.PENDING,
        50000,
        "vnpay",
        local(2026, 11, 25, 9, 30),
        18,
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://sandbox.example.vn/pay"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    # Sorted by name, the signature last.
    assert [name for name, _value in pairs] == [*sorted(name for name, _value in pairs[:-1]), "vnp_SecureHash"]
    params = dict(pairs)
    signature = params.pop("vnp_SecureHash")
    assert params == {
        "vnp_Amount": "5000000",
        "vnp_Command": "pay",
        "vnp_CreateDate": "20261125093000",
        "vnp_CurrCode": "VND",
        "vnp_ExpireDate": "20261125094500",
        "vnp_IpAddr": "203.0.113.7",
        "vnp_Locale": "vn",
        "vnp_OrderInfo": f"Thanh toan phi le phi ho so {awaiting.code}",
        "vnp_OrderType": "other",
        "vnp_ReturnUrl": RETURN,
        "vnp_TmnCode": MERCHANT,
        "vnp_TxnRef": payment.reference,
        "vnp_Version": "2.1.0",
    }
    import hashlib
    import hmac
    from urllib.parse import quote_plus

    text = "&".join(f"{k}={quote_plus(v)}" for k, v in sorted(params.items()))
    assert signature == hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    event = AuditEvent.objects.get(action="services.payment.start")
    assert (event.object_id, event.after) == (
        str(payment.pk),
        {"dossier": awaiting.pk, "amount": 50000, "gateway": "vnpay", "reused": False},
    )


def test_a_pending_payment_is_reused_and_a_failed_one_replaced(agency, awaiting):
    actor = Actor(user=agency.applicant)
    first, _url = services.payment_start(actor=actor, dossier=awaiting, return_url=RETURN)
    again, _url = services.payment_start(actor=actor, dossier=awaiting, return_url=RETURN)
    assert (again.pk, Payment.objects.count()) == (first.pk, 1)
    assert services.payment_notice(
        gateway=gw.configured_gateway(), channel="callback", params=notice(first, code="24", transaction="0")
    ) == ("applied", "00")
    second, _url = services.payment_start(actor=actor, dossier=awaiting, return_url=RETURN)
    assert (second.pk != first.pk, list(Payment.objects.order_by("pk").values_list("state", flat=True))) == (
        True,
        ["failed", "pending"],
    )
    assert [e.after["reused"] for e in AuditEvent.objects.filter(action="services.payment.start").order_by("seq")] == [
        False,
        True,
        False,
    ]


def test_only_the_applicant_starts_and_only_while_the_fee_is_due(agency, awaiting, settings):
    with pytest.raises(PermissionDenied):
        services.payment_start(actor=Actor(user=agency.officer), dossier=awaiting, return_url=RETURN)
    paid = p.dossier_mark_paid(actor=Actor(user=agency.officer), dossier=awaiting, reference="BL-0001")
    with pytest.raises(InvalidTransition):
        services.payment_start(actor=Actor(user=agency.applicant), dossier=paid, return_url=RETURN)
    settings.EGOV_SERVICES_PAYMENT_SECRET = ""
    with pytest.raises(Conflict):
        services.payment_start(actor=Actor(user=agency.applicant), dossier=paid, return_url=RETURN)
    assert Payment.objects.count() == 0


def test_verify_refuses_forged_and_malformed_notices(awaiting, agency):
    gateway = gw.configured_gateway()
    payment, _url = services.payment_start(actor=Actor(user=agency.applicant), dossier=awaiting, return_url=RETURN)
    good = notice(payment)
    verified = gateway.verify(good)
    assert (verified.reference, verified.amount, verified.transaction, verified.success) == (
        payment.reference,
        50000,
        "14012345",
        True,
    )
    with pytest.raises(gw.InvalidSignature):
        gateway.verify({**good, "vnp_Amount": "100"})
    with pytest.raises(gw.InvalidSignature):
        gateway.verify(notice(payment, secret="another"))
    with pytest.raises(gw.InvalidSignature):
        gateway.verify({k: v for k, v in good.items() if k != "vnp_SecureHash"})
    with pytest.raises(gw.MalformedNotice, match="Số tiền"):
        gateway.verify(G.signed({**good, "vnp_Amount": "12.5"}, SECRET))
    with pytest.raises(gw.MalformedNotice, match="vnp_ResponseCode"):
        gateway.verify(G.signed({k: v for k, v in good.items() if k != "vnp_ResponseCode"}, SECRET))
    with pytest.raises(gw.MalformedNotice, match="merchant"):
        gateway.verify(G.signed({**good, "vnp_TmnCode": "OTHER"}, SECRET))
    assert gateway.verify(notice(payment, code="24", transaction="0")).success is False
