"""Paying a dossier's fee online: start (redirect to the gateway), the gateway's callback, the payer's return."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.services.applicants import selectors as applicant_selectors
from egov.services.payments import gateway as gw
from egov.services.payments import services

logger = logging.getLogger("egov.services.payments")


def _params(request) -> dict:
    """The gateway's parameters, from the query string or a form body (the last value of a repeated name)."""
    params = dict(request.GET.items())
    if request.method == "POST":
        params.update(request.POST.items())
    return params


def _return_url(request) -> str:
    path_ = reverse("services:payment_return")
    site = getattr(settings, "EGOV_SITE_URL", "")
    return f"{site}{path_}" if site else request.build_absolute_uri(path_)


@login_required
@require_POST
def pay(request, pk: int):
    # Another person's dossier is "not found", an official's too: only the applicant pays online.
    dossier = applicant_selectors.my_dossier_get(request.actor, pk)
    _payment, url = services.payment_start(actor=request.actor, dossier=dossier, return_url=_return_url(request))
    return HttpResponseRedirect(url)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def callback(request):
    """The gateway's server-to-server notice (IPN). Always 200 with a JSON answer: the gateway reads only that."""
    gateway = gw.configured_gateway()
    if gateway is None:
        return JsonResponse({"RspCode": gw.RSP_UNKNOWN, "Message": "Payment is not configured"})
    params = _params(request)
    try:
        _outcome, code = services.payment_notice(gateway=gateway, channel="callback", params=params)
    except Exception as exc:  # the gateway must get an answer, and will retry on 99
        logger.exception("payment callback failed")
        try:
            services.payment_notice_failed(
                gateway=gateway, channel="callback", params=params, error=f"{type(exc).__name__}: {exc}"
            )
        except Exception:
            logger.exception("payment callback could not be recorded")
        code = gw.RSP_UNKNOWN
    return JsonResponse(gateway.ack(code))


@never_cache
@require_GET
def payment_return(request):
    result = services.payment_return(gateway=gw.configured_gateway(), params=_params(request))
    payment = result.payment
    owner = payment is not None and request.user.is_authenticated and payment.dossier.applicant_id == request.user.pk
    amount = f"{payment.amount:,}".replace(",", ".") if payment is not None else ""
    context = {"status": result.status, "payment": payment, "amount": amount, "owner": owner}
    return render(request, "services/payments/return.html", context, status=400 if result.status == "invalid" else 200)


urlpatterns = [
    path("my/<int:pk>/pay/", pay, name="my_dossier_pay"),
    path("payments/callback/", callback, name="payment_callback"),
    path("payments/return/", payment_return, name="payment_return"),
]
