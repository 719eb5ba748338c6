"""Reads of the public catalogue: the versions published and in force on a day, searched and filtered."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.errors import NotFound
from egov.core.text import clean, fold
from egov.services.models import ProcedureVersion, ServiceField, VersionState


def versions_in_force(*, today: dt.date | None = None) -> QuerySet[ProcedureVersion]:
    """Published versions whose dates include `today` (the public sees nothing else)."""
    today = today or timezone.localdate()
    return ProcedureVersion.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=today),
        state=VersionState.PUBLISHED,
        effective_from__lte=today,
    )


def catalogue_search(
    *, q: str = "", field: str = "", level: str = "", online_class: str = "", today: dt.date | None = None
) -> QuerySet[ProcedureVersion]:
    """In-force versions matching every word of `q` with or without diacritics, and the filters given."""
    versions = versions_in_force(today=today).select_related("procedure__field")
    for word in fold(clean(q)).split():
        versions = versions.filter(folded__contains=word)
    if field:
        versions = versions.filter(procedure__field__code=field)
    if level:
        versions = versions.filter(procedure__level=level)
    if online_class:
        versions = versions.filter(online_class=online_class)
    return versions.order_by("procedure__code")


def catalogue_fields(*, today: dt.date | None = None) -> QuerySet[ServiceField]:
    """The fields that have at least one procedure in force (the list page's filter)."""
    in_force = versions_in_force(today=today).values("procedure__field_id")
    return ServiceField.objects.filter(pk__in=in_force).order_by("name")


def procedure_in_force(*, code: str, today: dt.date | None = None) -> ProcedureVersion:
    """The version of procedure `code` in force today, with its papers, fees and route; NotFound otherwise."""
    version = (
        versions_in_force(today=today)
        .filter(procedure__code=code)
        .select_related("procedure__field")
        .prefetch_related("required_documents", "fees", "route")
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise NotFound(_("Không tìm thấy thủ tục hành chính “%(code)s” đang có hiệu lực.") % {"code": code})
    return version


def versions_for_export(*, codes: list[str] | None = None) -> QuerySet[ProcedureVersion]:
    """Every version (all states) for a full export, optionally of some procedures only."""
    versions = ProcedureVersion.objects.all()
    if codes:
        versions = versions.filter(procedure__code__in=codes)
    return versions.order_by("procedure__code", "number")
