"""Support for tests and demos of online payment: a configured sandbox gateway and notices it would send."""

from __future__ import annotations

import datetime as dt

from egov.services.payments.gateway import SignedRedirectGateway

MERCHANT = "EGOVTEST"
SECRET = "s3cr3t-sandbox"
G = SignedRedirectGateway


def configure(settings, url: str = "https://sandbox.example.vn/pay", *, site_url: str = "") -> None:
    """Point the settings (pytest-django's `settings` fixture) at a sandbox gateway."""
    settings.EGOV_SERVICES_PAYMENT_GATEWAY_URL = url
    settings.EGOV_SERVICES_PAYMENT_MERCHANT = MERCHANT
    settings.EGOV_SERVICES_PAYMENT_SECRET = SECRET
    settings.EGOV_SERVICES_PAYMENT_QUERY_URL = ""
    settings.EGOV_SITE_URL = site_url


def notice(
    payment,
    *,
    transaction: str = "14012345",
    code: str = "00",
    amount: int | None = None,
    secret: str = SECRET,
    **extra: str,
) -> dict:
    """The signed parameters the gateway sends about `payment` (callback, return or query answer)."""
    params = {
        G.AMOUNT_FIELD: str((payment.amount if amount is None else amount) * G.AMOUNT_FACTOR),
        G.BANK_FIELD: "NCB",
        G.MERCHANT_FIELD: MERCHANT,
        G.ORDER_INFO_FIELD: "Thanh toan phi le phi",
        G.PAY_DATE_FIELD: G.gateway_time(dt.datetime(2026, 11, 25, 11, 0, tzinfo=G.TIME_ZONE)),
        G.RESPONSE_CODE_FIELD: code,
        G.TRANSACTION_FIELD: transaction,
        G.TRANSACTION_STATUS_FIELD: code,
        G.REFERENCE_FIELD: payment.reference,
        **extra,
    }
    return G.signed(params, secret)
