"""Payments: start one for a dossier awaiting its fee, and take the gateway's notices (callback, return, query).

The gateway's server-to-server notice is the only thing that changes a payment; the browser's return is shown,
never trusted. Every notice is kept as a `PaymentNotice`, rejected ones too, in the transaction that acts on it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.core.errors import Conflict, InvalidTransition, PermissionDenied
from egov.services import permissions
from egov.services.dossiers.processing import dossier_mark_paid
from egov.services.models import Dossier, DossierState, Payment, PaymentNotice, PaymentState
from egov.services.payments import gateway as gw

Outcome = PaymentNotice.Outcome
# A notice keeps at most this many parameters, each cut to this length: a forged flood cannot bloat the table.
MAX_PARAMS, MAX_VALUE = 60, 500


def _body(params: dict) -> dict:
    items = list(params.items())[:MAX_PARAMS]
    return {str(k)[:100]: str(v)[:MAX_VALUE] for k, v in items}


def _new_reference() -> str:
    # Ours, unguessable and short enough for every gateway of this shape (VNPay allows 100 characters).
    return f"{timezone.localtime():%y%m%d}{secrets.token_hex(6).upper()}"


def gateway_actor(gateway: gw.PaymentGateway) -> Actor:
    return Actor.system(f"Cổng thanh toán {gateway.name}")


@transaction.atomic
def payment_start(*, actor: Actor, dossier: Dossier, return_url: str) -> tuple[Payment, str]:
    """The applicant pays the fee online: a pending payment (the one still pending, if any) and the checkout URL."""
    gateway = gw.configured_gateway()
    if gateway is None:
        raise Conflict(_("Chưa cấu hình cổng thanh toán trực tuyến; hãy nộp phí tại bộ phận một cửa."))
    dossier = Dossier.objects.select_for_update(of=("self",)).select_related("agency").get(pk=dossier.pk)
    if not permissions.is_owner(actor, dossier):
        raise PermissionDenied(_("Chỉ người nộp hồ sơ được thanh toán trực tuyến cho hồ sơ này."))
    if dossier.state != DossierState.AWAITING_PAYMENT or dossier.fee_total <= 0 or dossier.paid_at is not None:
        raise InvalidTransition(_("Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính."), field="state")
    now = timezone.now()
    payment = (
        dossier.payments.filter(gateway=gateway.name, state=PaymentState.PENDING).order_by("-created_at", "-pk").first()
    )
    reused = payment is not None and payment.amount == dossier.fee_total
    if payment is not None and not reused:
        # The fee changed since: the old order can no longer be paid.
        payment.state, payment.completed_at = PaymentState.CANCELLED, now
        payment.save(update_fields=["state", "completed_at"])
    if not reused:
        payment = Payment.objects.create(
            dossier=dossier,
            gateway=gateway.name,
            reference=_new_reference(),
            amount=dossier.fee_total,
            state=PaymentState.PENDING,
            created_at=now,
        )
    payment.dossier = dossier
    audit_record(
        actor=actor,
        action="services.payment.start",
        obj=payment,
        scope_org=dossier.agency,
        after={"dossier": dossier.pk, "amount": payment.amount, "gateway": gateway.name, "reused": reused},
    )
    return payment, gateway.checkout_url(payment, return_url, client_ip=actor.ip_address or "")


@dataclass(frozen=True)
class NoticeResult:
    outcome: str
    rsp_code: str
    payment: Payment | None = None


def _record(gateway, channel, body, now, outcome, code, *, payment=None, error="") -> NoticeResult:
    PaymentNotice.objects.create(
        payment=payment,
        gateway=gateway.name,
        channel=channel,
        received_at=now,
        body=body,
        outcome=outcome,
        error=error[:300],
    )
    return NoticeResult(outcome, code, payment)


def _audit_state(gateway, payment: Payment, before: str, notice: gw.VerifiedNotice, channel: str) -> None:
    audit_record(
        actor=gateway_actor(gateway),
        action=f"services.payment.{payment.state}",
        obj=payment,
        scope_org=payment.dossier.agency,
        before={"state": before},
        after={
            "state": payment.state,
            "transaction": notice.transaction,
            "response_code": notice.response_code,
            "channel": channel,
        },
    )


@transaction.atomic
def payment_notice(*, gateway: gw.PaymentGateway, channel: str, params: dict) -> tuple[str, str]:
    """Apply the gateway's notice of a transaction; answer (outcome, RspCode). Idempotent, safe when concurrent."""
    result = _notice(gateway=gateway, channel=channel, params=params)
    return result.outcome, result.rsp_code


def _notice(*, gateway: gw.PaymentGateway, channel: str, params: dict) -> NoticeResult:
    body, now = _body(params), timezone.now()

    def record(outcome, code, payment=None, error=""):
        return _record(gateway, channel, body, now, outcome, code, payment=payment, error=error)

    try:
        notice = gateway.verify(body)
    except gw.GatewayError as exc:
        return record(Outcome.REJECTED, exc.rsp_code, error=exc.message)
    # The row lock makes concurrent copies of one notice take turns: the second sees the first's result.
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("dossier__agency")
        .filter(gateway=gateway.name, reference=notice.reference)
        .first()
    )
    if payment is None:
        return record(Outcome.REJECTED, gw.RSP_NOT_FOUND, error="Không có giao dịch với mã này.")
    if notice.amount != payment.amount:
        return record(
            Outcome.REJECTED,
            gw.RSP_BAD_AMOUNT,
            payment,
            f"Số tiền {notice.amount} khác số tiền của giao dịch {payment.amount}.",
        )
    if payment.state == PaymentState.PAID:
        if notice.success and notice.transaction == payment.gateway_transaction:
            return record(Outcome.DUPLICATE, gw.RSP_ALREADY, payment)
        return record(
            Outcome.REJECTED,
            gw.RSP_ALREADY,
            payment,
            f"Giao dịch {notice.transaction or '-'} (mã {notice.response_code}) đến sau khi đã thanh toán bằng "
            f"giao dịch {payment.gateway_transaction}: cần đối soát, hoàn tiền nếu đã trừ tiền.",
        )
    before = payment.state
    if notice.success:
        taken = (
            Payment.objects.filter(gateway=gateway.name, gateway_transaction=notice.transaction)
            .exclude(pk=payment.pk)
            .exists()
        )
        if taken:
            return record(
                Outcome.REJECTED, gw.RSP_UNKNOWN, payment, f"Mã giao dịch {notice.transaction} đã dùng cho khoản khác."
            )
        payment.state, payment.gateway_transaction, payment.completed_at = PaymentState.PAID, notice.transaction, now
        payment.save(update_fields=["state", "gateway_transaction", "completed_at"])
        dossier_mark_paid(actor=gateway_actor(gateway), dossier=payment.dossier, reference=payment.reference)
        _audit_state(gateway, payment, before, notice, channel)
        return record(Outcome.APPLIED, gw.RSP_OK, payment)
    if payment.state in (PaymentState.FAILED, PaymentState.CANCELLED):
        return record(Outcome.DUPLICATE, gw.RSP_ALREADY, payment)
    payment.state, payment.completed_at = PaymentState.FAILED, now
    payment.save(update_fields=["state", "completed_at"])
    _audit_state(gateway, payment, before, notice, channel)
    return record(Outcome.APPLIED, gw.RSP_OK, payment)


@transaction.atomic
def payment_notice_failed(*, gateway: gw.PaymentGateway, channel: str, params: dict, error: str) -> None:
    """Keep a notice that could not be processed (an unexpected error rolled its own transaction back)."""
    _record(gateway, channel, _body(params), timezone.now(), Outcome.REJECTED, gw.RSP_UNKNOWN, error=error)


@dataclass(frozen=True)
class ReturnResult:
    """What the return page shows: "paid", "failed", "waiting" (no callback yet) or "invalid" (not verified)."""

    status: str
    payment: Payment | None = None


@transaction.atomic
def payment_return(*, gateway: gw.PaymentGateway | None, params: dict) -> ReturnResult:
    """The payer's browser is back: keep what it brought, say what we know; never change the payment."""
    if gateway is None:
        return ReturnResult("invalid")
    body, now = _body(params), timezone.now()

    def record(outcome, payment=None, error=""):
        _record(gateway, "return", body, now, outcome, "", payment=payment, error=error)

    try:
        notice = gateway.verify(body)
    except gw.GatewayError as exc:
        record(Outcome.REJECTED, error=exc.message)
        return ReturnResult("invalid")
    payment = (
        Payment.objects.select_related("dossier")
        .filter(gateway=gateway.name, reference=notice.reference, amount=notice.amount)
        .first()
    )
    if payment is None:
        record(Outcome.REJECTED, error="Không có giao dịch với mã và số tiền này.")
        return ReturnResult("invalid")
    known = {PaymentState.PAID: "paid", PaymentState.FAILED: "failed", PaymentState.CANCELLED: "failed"}
    if payment.state in known:
        # The callback came first, as it should: the return only repeats it.
        record(Outcome.DUPLICATE, payment)
        return ReturnResult(known[payment.state], payment)
    record(Outcome.REJECTED, payment, "Trang trả về không thay đổi trạng thái; chờ thông báo từ cổng (IPN).")
    return ReturnResult("waiting" if notice.success else "failed", payment)
