"""API keys of an organisation's other systems: list, issue (shown once), revoke."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from egov.accounts import selectors, services
from egov.accounts.forms import ApiKeyForm
from egov.accounts.permissions import can
from egov.accounts.roles import Perm
from egov.core.errors import DomainError, NotFound, PermissionDenied
from egov.core.views_helpers import apply_error
from egov.organisations.selectors import organisations_where


def _orgs(actor):
    return organisations_where(actor=actor, perm=Perm.API_KEYS_MANAGE)


@login_required
@never_cache
def api_keys(request):
    actor = request.actor
    if not can(actor, Perm.API_KEYS_MANAGE):
        raise PermissionDenied(_("Bạn không có quyền quản lý khóa API."))
    form = ApiKeyForm(
        request.POST or None,
        organisations=_orgs(actor),
        initial={"organisation": actor.organisation.pk if actor.organisation else None},
    )
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            expires_at = None
            if data["expires_on"]:
                end_of_day = dt.datetime.combine(data["expires_on"], dt.time(23, 59, 59))
                expires_at = timezone.make_aware(end_of_day)
            try:
                key, full = services.api_key_issue(
                    actor=actor,
                    organisation=data["organisation"],
                    system_name=data["system_name"],
                    scopes=data["scopes"],
                    expires_at=expires_at,
                )
            except DomainError as exc:
                if isinstance(exc, PermissionDenied):
                    raise
                apply_error(form, exc, {"expires_at": "expires_on"})
                status = 400
            else:
                issued = {"key": key, "full": full}
                form = ApiKeyForm(organisations=_orgs(actor))
        else:
            status = 400
    return render(
        request,
        "accounts/api_keys.html",
        {
            "keys": selectors.api_keys_visible(actor=actor),
            "form": form,
            "issued": issued,
        },
        status=status,
    )


@login_required
@require_POST
def api_key_revoke(request, pk: int):
    key = selectors.api_keys_visible(actor=request.actor).filter(pk=pk).first()
    if key is None:
        raise NotFound(_("Không tìm thấy khóa API."))
    services.api_key_revoke(actor=request.actor, key=key)
    messages.success(
        request, _("Đã thu hồi khóa %(prefix)s của %(system)s.") % {"prefix": key.prefix, "system": key.system_name}
    )
    return redirect("accounts:api_keys")
