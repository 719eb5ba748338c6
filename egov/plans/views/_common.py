"""What the plans pages share: the organisations a person manages plans for, plan links."""

from __future__ import annotations

from django.urls import reverse

from egov.accounts.roles import Perm
from egov.organisations.models import Organisation
from egov.organisations.selectors import organisations_where


def managed_organisations(actor, *also: Organisation | None):
    """Where the actor may act for plans, plus the values already on the record (so an edit keeps them)."""
    qs = organisations_where(actor=actor, perm=Perm.PLANS_MANAGE)
    extra = [org.pk for org in also if org is not None]
    if extra:
        qs = (qs | Organisation.objects.filter(pk__in=extra)).distinct()
    return qs.order_by("path")


def plan_url(plan) -> str:
    return reverse("plans:plan_detail", args=[plan.pk])
