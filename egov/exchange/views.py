"""The operator's exchange page: is the hub configured, what waits in the outbox, what was refused — and retry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from egov.core.errors import InvalidTransition
from egov.exchange.selectors import operator_overview
from egov.exchange.services.operator import outbox_retry


def _page(request, *, error: str = "", status: int = 200):
    return render(
        request, "exchange/operator.html", {"overview": operator_overview(request.actor), "error": error}, status=status
    )


@login_required
@require_GET
def operator(request):
    return _page(request)


@login_required
@require_POST
def retry(request, pk: int):
    try:
        row = outbox_retry(actor=request.actor, row_id=pk)
    except InvalidTransition as exc:
        return _page(request, error=exc.message, status=exc.status)
    messages.success(request, _("Đã đưa gói tin gửi %(to)s trở lại hàng gửi.") % {"to": ", ".join(row.to_codes)})
    return redirect("exchange:operator")
