"""Đánh giá mức độ hài lòng: the applicant rates a dossier once its result is in their hands."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from egov.services import permissions
from egov.services.models import Dossier, DossierRating, DossierState


def dossier_rate(*, actor: Actor, dossier: Dossier, score, comment: str = "") -> DossierRating:
    if not permissions.is_owner(actor, dossier):
        raise NotFound("dossier")
    if dossier.state != DossierState.RETURNED:
        raise InvalidTransition(_("Chỉ đánh giá hồ sơ đã nhận kết quả."), field="score")
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationFailed({"score": [_("Hãy chọn mức từ 1 đến 5.")]})
    comment = " ".join((comment or "").split())
    if len(comment) > 1000:
        raise ValidationFailed({"comment": [_("Tối đa %(n)d ký tự.") % {"n": 1000}]})
    try:
        with transaction.atomic():
            rating = DossierRating.objects.create(
                dossier=dossier, score=score, comment=comment, created_at=timezone.now()
            )
            audit_record(
                actor=actor,
                action="services.dossier.rated",
                obj=dossier,
                scope_org=dossier.agency,
                after={"score": score},
            )
    except IntegrityError:
        raise Conflict(_("Hồ sơ này đã được đánh giá."), field="score") from None
    return rating
