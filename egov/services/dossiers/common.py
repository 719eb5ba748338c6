"""Pieces every dossier service shares: storing a paper, the fee, the version in force, the agency check."""

from __future__ import annotations

import secrets

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed
from egov.core.validation import acting_user
from egov.services.models import DossierFile, ProcedureVersion, VersionState

# Without 0/O and 1/I/L: read aloud over the phone or typed from a paper receipt.
_SECRET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def lookup_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(8))


def store_file(dossier, upload, *, kind: str, actor, requirement: str = "", form_purpose: str = "") -> DossierFile:
    row = DossierFile(
        dossier=dossier,
        kind=kind,
        requirement=requirement,
        form_purpose=form_purpose,
        original_name=upload.name[:255],
        content_type=upload.content_type,
        size=len(upload.data),
        sha256=upload.sha256,
        uploaded_by=acting_user(actor),
        uploaded_at=timezone.now(),
    )
    row.file.save(f"{dossier.code}-{requirement or form_purpose or kind}", ContentFile(upload.data), save=False)
    row.save()
    return row


def fee_total(version: ProcedureVersion) -> int:
    return sum(fee.amount for fee in version.fees.all())


# The level of government an organisation belongs to (a department of a province runs province procedures).
_LEVELS = {
    "ministry": "central",
    "government_agency": "central",
    "province": "province",
    "department": "province",
    "district": "district",
    "commune": "commune",
}


def government_level(agency) -> str | None:
    return _LEVELS.get(agency.level)


def organisation_levels(government: str) -> list[str]:
    """The organisation levels that belong to a level of government (the reverse of `government_level`)."""
    return [level for level, gov in _LEVELS.items() if gov == government]


def require_in_force(version: ProcedureVersion, agency, on) -> None:
    """The version must be published and in force on the day, and the agency one of those that run it."""
    if (
        version.state != VersionState.PUBLISHED
        or version.effective_from > on
        or (version.effective_to is not None and version.effective_to < on)
    ):
        raise ValidationFailed({"procedure": [_("Thủ tục này hiện không tiếp nhận hồ sơ.")]})
    if agency is None:
        return
    if version.agency_codes and agency.code not in version.agency_codes:
        raise ValidationFailed({"agency": [_("Cơ quan này không giải quyết thủ tục đã chọn.")]})
    if not version.agency_codes and government_level(agency) != version.procedure.level:
        raise ValidationFailed({"agency": [_("Thủ tục thuộc cấp khác, cơ quan này không giải quyết.")]})
