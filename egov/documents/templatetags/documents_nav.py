"""The "Văn bản" entry of the service navigation.

``{% load documents_nav %}{% with_documents_nav nav_items as nav_items %}`` in the page shell.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from egov.accounts.permissions import can
from egov.accounts.roles import Perm

register = template.Library()


@register.simple_tag(takes_context=True)
def with_documents_nav(context, items):
    """The navigation with "Văn bản" after "Kế hoạch, nhiệm vụ" for people who work with documents."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not items or user is None or not user.is_authenticated:
        return items
    actor = getattr(request, "actor", None)
    if actor is None or not (actor.is_system or can(actor, Perm.DOCS_DRAFT) or can(actor, Perm.DOCS_VIEW_ALL)):
        return items
    try:
        url = reverse("documents:home")
        plans = reverse("plans:index")
    except NoReverseMatch:
        return items
    entry = {"label": _("Văn bản"), "url": url, "active": request.path.startswith(url)}
    items = list(items)
    after = next((i + 1 for i, item in enumerate(items) if item.get("url") == plans), len(items))
    items.insert(after, entry)
    return items
