"""What every page's shell needs: site name, navigation for the actor's permissions, acting unit."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from egov.accounts.permissions import can
from egov.accounts.roles import Perm

_NAV = (
    ("core:home", _("Trang chủ"), None),
    ("organisations:index", _("Cơ quan, đơn vị"), Perm.ORG_VIEW),
    ("accounts:people", _("Cán bộ"), Perm.PEOPLE_VIEW),
    ("calendar:year", _("Lịch làm việc"), None),
    ("plans:index", _("Kế hoạch, nhiệm vụ"), Perm.PLANS_VIEW),
    ("audit:list", _("Nhật ký"), Perm.AUDIT_VIEW),
    ("accounts:api_keys", _("Khóa API"), Perm.API_KEYS_MANAGE),
    ("exchange:operator", _("Liên thông"), Perm.EXCHANGE_OPERATE),
    (
        "services:desk",
        _("Một cửa"),
        (Perm.SERVICES_INTAKE, Perm.SERVICES_PROCESS, Perm.SERVICES_APPROVE, Perm.SERVICES_SUPERVISE),
    ),
)


def shell(request):
    context = {
        "site_name": settings.EGOV_SITE_NAME,
        "about_url": reverse("core:about"),
        "source_url": settings.EGOV_SOURCE_URL or reverse("core:about") + "#source",
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    actor = request.actor
    path = request.path
    items = []
    for name, label, perm in _NAV:
        perms = (perm,) if isinstance(perm, str) else perm
        if perms is not None and not any(can(actor, p) for p in perms):
            continue
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    from egov.accounts.selectors import acting_organisations

    context.update(
        nav_items=items,
        acting_org=actor.organisation,
        acting_orgs=acting_organisations(user=user, request=request),
        acting_org_switch_url=reverse("accounts:acting_org_choose"),
        account_url=reverse("accounts:account"),
        logout_url=reverse("accounts:logout"),
    )
    return context
