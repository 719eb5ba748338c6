"""A sandbox payment gateway (cổng thanh toán thử nghiệm): a small WSGI app of the VNPay shape, run on its own.

It knows nothing of Django or the database: it checks the signed checkout request, shows a page with "Thanh
toán" / "Hủy", then sends the signed server-to-server callback (IPN) to the one merchant it serves, retrying a
bounded number of times, and sends the browser back to the return URL with signed parameters. `/query` answers,
signed, what it knows of a reference (for reconciliation). Transactions live in memory for the process's life.

Served by the standard library (`wsgiref` with a thread per request): a test double needs no extra dependency
and must start in a blink; it is not for production traffic. `egov paygate serve` runs it.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from egov.services.payments.gateway import SignedRedirectGateway

logger = logging.getLogger("egov.paygate")
G = SignedRedirectGateway
# Answers that settle a callback; anything else (no answer, an error, 99) is tried again.
FINAL_ANSWERS = frozenset({"00", "01", "02", "04", "97"})
MAX_BODY = 64 * 1024


@dataclass
class Transaction:
    reference: str
    amount: str  # as it travels: hundredths of a đồng
    number: str
    response_code: str
    order_info: str
    pay_date: str
    callbacks: list[dict] = field(default_factory=list)

    def params(self, merchant: str) -> dict:
        return {
            G.AMOUNT_FIELD: self.amount,
            G.BANK_FIELD: "NCB",
            G.MERCHANT_FIELD: merchant,
            G.ORDER_INFO_FIELD: self.order_info,
            G.PAY_DATE_FIELD: self.pay_date,
            G.RESPONSE_CODE_FIELD: self.response_code,
            G.TRANSACTION_FIELD: self.number,
            G.TRANSACTION_STATUS_FIELD: self.response_code if self.response_code == G.SUCCESS_CODE else "02",
            G.REFERENCE_FIELD: self.reference,
        }


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class SandboxGateway:
    """The WSGI application. `callback_url` empty: no callback is sent (a lost IPN, for reconciliation demos)."""

    def __init__(
        self,
        *,
        merchant: str,
        secret: str,
        callback_url: str = "",
        callback_attempts: int = 5,
        callback_backoff: float = 0.5,
        callback_delay: float = 0.0,
        callback_timeout: float = 5.0,
    ) -> None:
        self.merchant, self.secret, self.callback_url = merchant, secret, callback_url
        self.callback_attempts = max(1, min(callback_attempts, 20))
        self.callback_backoff, self.callback_delay, self.callback_timeout = (
            callback_backoff,
            callback_delay,
            callback_timeout,
        )
        self.transactions: dict[str, list[Transaction]] = {}
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    # --- WSGI -------------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        try:
            if path == "/health" and method == "GET":
                # With the process id: whoever started it can tell it from another sandbox on a reused port.
                return self._send(start_response, "200 OK", "text/plain; charset=utf-8", f"ok {os.getpid()}".encode())
            if path == "/pay" and method == "GET":
                return self._page(start_response, "200 OK", self._checkout_page(self._check_order(query)))
            if path == "/pay" and method == "POST":
                return self._decide(environ, start_response)
            if path == "/query" and method == "GET":
                return self._json(start_response, self._query(query))
        except Refused as exc:
            body = _layout(
                "Yêu cầu thanh toán không hợp lệ",
                f"<p>Mã lỗi {html.escape(exc.code)}: {html.escape(exc.message)}</p>",
            )
            return self._page(start_response, "400 Bad Request", body)
        return self._send(start_response, "404 Not Found", "text/plain; charset=utf-8", b"not found")

    @staticmethod
    def _send(start_response, status: str, content_type: str, body: bytes, headers=()):
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers])
        return [body]

    def _page(self, start_response, status: str, page: str):
        return self._send(start_response, status, "text/html; charset=utf-8", page.encode())

    def _json(self, start_response, data: dict):
        return self._send(start_response, "200 OK", "application/json", json.dumps(data).encode())

    # --- checkout ---------------------------------------------------------------------------------------
    def _check_order(self, params: dict) -> dict:
        """The merchant's signed order, or `Refused` (a tampered or stale request is never shown)."""
        if not G.signature_ok(params, self.secret):
            raise Refused("97", "Chữ ký không hợp lệ.")
        if params.get(G.MERCHANT_FIELD) != self.merchant:
            raise Refused("02", "Mã đơn vị (merchant) không đúng.")
        if params.get(G.COMMAND_FIELD) != G.COMMAND_PAY or params.get(G.CURRENCY_FIELD) != G.CURRENCY:
            raise Refused("03", "Dữ liệu gửi sang không đúng định dạng.")
        amount = params.get(G.AMOUNT_FIELD, "")
        if not (amount.isascii() and amount.isdigit()) or int(amount) <= 0 or int(amount) % G.AMOUNT_FACTOR:
            raise Refused("03", "Số tiền không hợp lệ.")
        if not params.get(G.REFERENCE_FIELD):
            raise Refused("03", "Thiếu mã đơn hàng.")
        if urlsplit(params.get(G.RETURN_URL_FIELD, "")).scheme not in ("http", "https"):
            raise Refused("03", "Địa chỉ trả về không hợp lệ.")
        expires = params.get(G.EXPIRE_DATE_FIELD)
        if expires:
            try:
                expired = G.parse_time(expires) < dt.datetime.now(G.TIME_ZONE)
            except ValueError:
                raise Refused("03", "Thời hạn thanh toán không hợp lệ.") from None
            if expired:
                raise Refused("11", "Đã hết hạn chờ thanh toán.")
        with self.lock:
            if any(t.response_code == G.SUCCESS_CODE for t in self.transactions.get(params[G.REFERENCE_FIELD], [])):
                raise Refused("02", "Đơn hàng đã được thanh toán.")
        return params

    def _checkout_page(self, order: dict) -> str:
        amount = int(order[G.AMOUNT_FIELD]) // G.AMOUNT_FACTOR
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in order.items()
        )
        amount_text = f"{amount:,}".replace(",", ".")
        body = (
            f'<dl><dt>Số tiền</dt><dd id="amount">{amount_text} đồng</dd>'
            f'<dt>Mã đơn hàng</dt><dd id="order">{html.escape(order[G.REFERENCE_FIELD])}</dd>'
            f"<dt>Nội dung</dt><dd>{html.escape(order.get(G.ORDER_INFO_FIELD, ''))}</dd>"
            "</dl>"
            f'<form method="post" action="/pay">{hidden}'
            '<button type="submit" name="action" value="pay">Thanh toán</button> '
            '<button type="submit" name="action" value="cancel">Hủy</button>'
            "</form>"
        )
        return _layout("Cổng thanh toán thử nghiệm", body)

    def _decide(self, environ, start_response):
        try:
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
        except ValueError:
            length = 0
        form = dict(parse_qsl(environ["wsgi.input"].read(length).decode("utf-8", "replace"), keep_blank_values=True))
        action = form.pop("action", "")
        if action not in ("pay", "cancel"):
            raise Refused("03", "Thao tác không hợp lệ.")
        order = self._check_order(form)
        code = G.SUCCESS_CODE if action == "pay" else G.CANCELLED_CODE
        transaction = Transaction(
            reference=order[G.REFERENCE_FIELD],
            amount=order[G.AMOUNT_FIELD],
            number=str(10**11 + secrets.randbelow(9 * 10**11)) if code == G.SUCCESS_CODE else "0",
            response_code=code,
            order_info=order.get(G.ORDER_INFO_FIELD, ""),
            pay_date=G.gateway_time(dt.datetime.now(G.TIME_ZONE)),
        )
        with self.lock:
            self.transactions.setdefault(transaction.reference, []).append(transaction)
        signed = G.signed(transaction.params(self.merchant), self.secret)
        if self.callback_url:
            thread = threading.Thread(target=self._notify, args=(transaction, signed), daemon=True)
            self.threads.append(thread)
            thread.start()
        return_url = order[G.RETURN_URL_FIELD]
        location = return_url + ("&" if "?" in return_url else "?") + urlencode(signed)
        return self._send(start_response, "303 See Other", "text/plain; charset=utf-8", b"", [("Location", location)])

    def _notify(self, transaction: Transaction, params: dict) -> None:
        """The IPN, until the merchant gives a final answer: at most `callback_attempts` times, waiting longer each."""
        import httpx

        if self.callback_delay:
            time.sleep(self.callback_delay)
        for attempt in range(1, self.callback_attempts + 1):
            entry = {"attempt": attempt, "status": None, "answer": None}
            try:
                response = httpx.get(self.callback_url, params=params, timeout=self.callback_timeout)
                entry["status"] = response.status_code
                entry["answer"] = str(response.json().get("RspCode"))
            except (httpx.HTTPError, ValueError, AttributeError) as exc:
                entry["answer"] = f"error: {type(exc).__name__}"
            transaction.callbacks.append(entry)
            logger.info("callback %s attempt %d: %s", transaction.reference, attempt, entry)
            if entry["status"] == 200 and entry["answer"] in FINAL_ANSWERS:
                return
            if attempt < self.callback_attempts:
                time.sleep(self.callback_backoff * 2 ** (attempt - 1))

    # --- query ------------------------------------------------------------------------------------------
    def _query(self, params: dict) -> dict:
        """The latest transaction of a reference, signed like a callback; "91" signed when there is none."""
        if not G.signature_ok(params, self.secret) or params.get(G.MERCHANT_FIELD) != self.merchant:
            return {G.RESPONSE_CODE_FIELD: "97", "message": "Invalid signature"}
        reference = params.get(G.REFERENCE_FIELD, "")
        with self.lock:
            found = self.transactions.get(reference, [])
            paid = [t for t in found if t.response_code == G.SUCCESS_CODE]
            latest = (paid or found or [None])[-1]
        if latest is None:
            answer = {G.MERCHANT_FIELD: self.merchant, G.REFERENCE_FIELD: reference, G.RESPONSE_CODE_FIELD: "91"}
        else:
            answer = latest.params(self.merchant)
        return G.signed(answer, self.secret)


def _layout(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>"
        f"<body><p><strong>Cổng thanh toán thử nghiệm</strong> – không dùng tiền thật</p><h1>{html.escape(title)}</h1>"
        f"{body}</body></html>"
    )


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        logger.info("%s - %s", self.address_string(), format % args)


def serve(app: SandboxGateway, *, host: str = "127.0.0.1", port: int = 8300) -> ThreadingWSGIServer:
    return make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
