"""Payment gateways: the interface the services use, and the VNPay-shaped signed-redirect gateway.

This module needs no configured Django (settings are read only in `configured_gateway`): the sandbox gateway
(`sandbox.py`), a process of its own, signs and checks with the same field names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import quote_plus, urlencode, urljoin
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import httpx

    from egov.services.models import Payment

# Answers to the gateway's server-to-server notice (VNPay's IPN "RspCode").
RSP_OK = "00"
RSP_NOT_FOUND = "01"
RSP_ALREADY = "02"
RSP_BAD_AMOUNT = "04"
RSP_BAD_SIGNATURE = "97"
RSP_UNKNOWN = "99"


class GatewayError(Exception):
    """A notice the gateway layer refuses before the database is asked; `rsp_code` is the answer to send."""

    rsp_code = RSP_UNKNOWN

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidSignature(GatewayError):
    rsp_code = RSP_BAD_SIGNATURE


class MalformedNotice(GatewayError):
    rsp_code = RSP_UNKNOWN


@dataclass(frozen=True)
class VerifiedNotice:
    """What a correctly signed notice says: our order reference, the amount in đồng, the gateway's transaction."""

    reference: str
    amount: int
    transaction: str
    response_code: str
    success: bool
    params: dict = field(default_factory=dict)


class PaymentGateway:
    """What the services need of a gateway: where to send the payer, and whether a notice is genuine."""

    name: ClassVar[str] = ""

    def checkout_url(self, payment: Payment, return_url: str, *, client_ip: str = "") -> str:
        raise NotImplementedError

    def verify(self, params: dict) -> VerifiedNotice:
        """The notice's content if it is genuine and complete; raises `InvalidSignature` or `MalformedNotice`."""
        raise NotImplementedError

    def ack(self, rsp_code: str) -> dict:
        """The body answering a server-to-server notice."""
        raise NotImplementedError

    def query(self, payment: Payment, *, client: httpx.Client | None = None) -> dict | None:
        """The gateway's signed record of the payment's transaction (for reconciliation); None if it has none."""
        raise NotImplementedError


class SignedRedirectGateway(PaymentGateway):
    """A VNPay-shaped gateway (API 2.1.0): signed redirect to checkout, signed IPN callback and return.

    The signature is HMAC-SHA512, in hex, over the parameters that start with `PREFIX` (without the hash fields
    and the empty ones), sorted by name and joined as `name=value&…` with each value form-encoded (quote_plus).
    A gateway of the same shape with other field names is a subclass that changes the constants.
    """

    name: ClassVar[str] = "vnpay"
    PREFIX = "vnp_"
    HASH_FIELD = "vnp_SecureHash"
    HASH_TYPE_FIELD = "vnp_SecureHashType"
    # Checkout request.
    VERSION_FIELD, VERSION = "vnp_Version", "2.1.0"
    COMMAND_FIELD, COMMAND_PAY, COMMAND_QUERY = "vnp_Command", "pay", "querydr"
    MERCHANT_FIELD = "vnp_TmnCode"
    AMOUNT_FIELD = "vnp_Amount"
    AMOUNT_FACTOR = 100  # the amount travels in hundredths of a đồng
    CURRENCY_FIELD, CURRENCY = "vnp_CurrCode", "VND"
    REFERENCE_FIELD = "vnp_TxnRef"
    ORDER_INFO_FIELD = "vnp_OrderInfo"
    ORDER_TYPE_FIELD, ORDER_TYPE = "vnp_OrderType", "other"
    LOCALE_FIELD, LOCALE = "vnp_Locale", "vn"
    RETURN_URL_FIELD = "vnp_ReturnUrl"
    IP_FIELD = "vnp_IpAddr"
    CREATE_DATE_FIELD = "vnp_CreateDate"
    EXPIRE_DATE_FIELD = "vnp_ExpireDate"
    REQUEST_ID_FIELD = "vnp_RequestId"
    # Result (IPN callback, return, query answer).
    TRANSACTION_FIELD = "vnp_TransactionNo"
    RESPONSE_CODE_FIELD = "vnp_ResponseCode"
    TRANSACTION_STATUS_FIELD = "vnp_TransactionStatus"
    PAY_DATE_FIELD = "vnp_PayDate"
    BANK_FIELD = "vnp_BankCode"
    SUCCESS_CODE = "00"
    CANCELLED_CODE = "24"  # the payer cancelled at the gateway
    NOT_FOUND_CODE = "91"  # query: the gateway has no transaction for the reference
    DATE_FORMAT = "%Y%m%d%H%M%S"
    TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # the gateway's dates are Vietnam time (GMT+7)
    EXPIRY = dt.timedelta(minutes=15)
    ACK_MESSAGES: ClassVar[dict[str, str]] = {
        RSP_OK: "Confirm Success",
        RSP_NOT_FOUND: "Order not found",
        RSP_ALREADY: "Order already confirmed",
        RSP_BAD_AMOUNT: "Invalid amount",
        RSP_BAD_SIGNATURE: "Invalid signature",
        RSP_UNKNOWN: "Unknown error",
    }

    def __init__(self, *, url: str, merchant: str, secret: str, query_url: str = "", timeout: float = 10.0) -> None:
        self.url = url
        self.merchant = merchant
        self.secret = secret
        self.query_url = query_url or urljoin(url, "/query")
        self.timeout = timeout

    # --- signing ------------------------------------------------------------------------------------------
    @classmethod
    def canonical(cls, params: dict) -> str:
        items = sorted(
            (str(k), str(v))
            for k, v in params.items()
            if str(k).startswith(cls.PREFIX) and k not in (cls.HASH_FIELD, cls.HASH_TYPE_FIELD) and v not in ("", None)
        )
        return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in items)

    @classmethod
    def sign(cls, params: dict, secret: str) -> str:
        return hmac.new(secret.encode(), cls.canonical(params).encode(), hashlib.sha512).hexdigest()

    @classmethod
    def signed(cls, params: dict, secret: str) -> dict:
        """The parameters with their signature added."""
        return {**params, cls.HASH_FIELD: cls.sign(params, secret)}

    @classmethod
    def signature_ok(cls, params: dict, secret: str) -> bool:
        given = str(params.get(cls.HASH_FIELD) or "").lower()
        return bool(given) and hmac.compare_digest(given, cls.sign(params, secret))

    @classmethod
    def gateway_time(cls, moment: dt.datetime) -> str:
        return moment.astimezone(cls.TIME_ZONE).strftime(cls.DATE_FORMAT)

    @classmethod
    def parse_time(cls, text: str) -> dt.datetime:
        return dt.datetime.strptime(text, cls.DATE_FORMAT).replace(tzinfo=cls.TIME_ZONE)

    # --- the interface --------------------------------------------------------------------------------------
    def order_info(self, payment: Payment) -> str:
        # Gateways of this shape want plain ASCII without diacritics here.
        return f"Thanh toan phi le phi ho so {payment.dossier.code}"

    def checkout_url(self, payment: Payment, return_url: str, *, client_ip: str = "") -> str:
        from django.utils import timezone

        now = timezone.now()
        params = {
            self.VERSION_FIELD: self.VERSION,
            self.COMMAND_FIELD: self.COMMAND_PAY,
            self.MERCHANT_FIELD: self.merchant,
            self.AMOUNT_FIELD: str(payment.amount * self.AMOUNT_FACTOR),
            self.CURRENCY_FIELD: self.CURRENCY,
            self.REFERENCE_FIELD: payment.reference,
            self.ORDER_INFO_FIELD: self.order_info(payment),
            self.ORDER_TYPE_FIELD: self.ORDER_TYPE,
            self.LOCALE_FIELD: self.LOCALE,
            self.RETURN_URL_FIELD: return_url,
            self.IP_FIELD: client_ip or "127.0.0.1",
            self.CREATE_DATE_FIELD: self.gateway_time(now),
            self.EXPIRE_DATE_FIELD: self.gateway_time(now + self.EXPIRY),
        }
        ordered = dict(sorted(params.items()))
        return f"{self.url}?{urlencode(self.signed(ordered, self.secret))}"

    def verify(self, params: dict) -> VerifiedNotice:
        if not params.get(self.HASH_FIELD):
            raise InvalidSignature("Thiếu chữ ký.")
        if not self.signature_ok(params, self.secret):
            raise InvalidSignature("Chữ ký không hợp lệ.")
        missing = [
            name
            for name in (self.MERCHANT_FIELD, self.REFERENCE_FIELD, self.AMOUNT_FIELD, self.RESPONSE_CODE_FIELD)
            if not params.get(name)
        ]
        if missing:
            raise MalformedNotice("Thiếu trường: " + ", ".join(missing))
        if params[self.MERCHANT_FIELD] != self.merchant:
            raise MalformedNotice("Mã đơn vị (merchant) không đúng.")
        raw_amount = str(params[self.AMOUNT_FIELD])
        if not raw_amount.isascii() or not raw_amount.isdigit() or int(raw_amount) % self.AMOUNT_FACTOR:
            raise MalformedNotice("Số tiền không hợp lệ.")
        code = str(params[self.RESPONSE_CODE_FIELD])
        status = str(params.get(self.TRANSACTION_STATUS_FIELD) or "")
        transaction = str(params.get(self.TRANSACTION_FIELD) or "")
        success = code == self.SUCCESS_CODE and status in ("", self.SUCCESS_CODE)
        if success and transaction in ("", "0"):
            raise MalformedNotice("Giao dịch thành công nhưng thiếu mã giao dịch của cổng.")
        return VerifiedNotice(
            reference=str(params[self.REFERENCE_FIELD]),
            amount=int(raw_amount) // self.AMOUNT_FACTOR,
            transaction=transaction,
            response_code=code,
            success=success,
            params=dict(params),
        )

    def ack(self, rsp_code: str) -> dict:
        return {"RspCode": rsp_code, "Message": self.ACK_MESSAGES.get(rsp_code, self.ACK_MESSAGES[RSP_UNKNOWN])}

    def query(self, payment: Payment, *, client: httpx.Client | None = None) -> dict | None:
        import httpx
        from django.utils import timezone

        request = self.signed(
            {
                self.VERSION_FIELD: self.VERSION,
                self.COMMAND_FIELD: self.COMMAND_QUERY,
                self.MERCHANT_FIELD: self.merchant,
                self.REFERENCE_FIELD: payment.reference,
                self.REQUEST_ID_FIELD: secrets.token_hex(8),
                self.CREATE_DATE_FIELD: self.gateway_time(timezone.now()),
            },
            self.secret,
        )
        own = client is None
        client = client or httpx.Client(timeout=self.timeout)
        try:
            response = client.get(self.query_url, params=request)
            response.raise_for_status()
            answer = response.json()
        finally:
            if own:
                client.close()
        if not isinstance(answer, dict):
            raise MalformedNotice("Cổng thanh toán trả lời không đúng định dạng.")
        answer = {str(k): str(v) for k, v in answer.items()}
        if answer.get(self.RESPONSE_CODE_FIELD) == self.NOT_FOUND_CODE and self.signature_ok(answer, self.secret):
            return None
        return answer


def configured_gateway() -> PaymentGateway | None:
    """The gateway the settings name (EGOV_SERVICES_PAYMENT_*); None when online payment is not configured."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    url = getattr(settings, "EGOV_SERVICES_PAYMENT_GATEWAY_URL", "")
    merchant = getattr(settings, "EGOV_SERVICES_PAYMENT_MERCHANT", "")
    secret = getattr(settings, "EGOV_SERVICES_PAYMENT_SECRET", "")
    if not (url and merchant and secret):
        return None
    cls = import_string(
        getattr(settings, "EGOV_SERVICES_PAYMENT_GATEWAY_CLASS", "")
        or "egov.services.payments.gateway.SignedRedirectGateway"
    )
    return cls(
        url=url, merchant=merchant, secret=secret, query_url=getattr(settings, "EGOV_SERVICES_PAYMENT_QUERY_URL", "")
    )
