"""Explicit access to documents: grants, revocations, their confirmation, and the access history."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.core.errors import NotFound, ValidationFailed
from egov.core.text import clean
from egov.core.validation import acting_user
from egov.documents.models import AccessGrant, AccessLog, Document
from egov.documents.permissions import require_at, require_see
from egov.documents.services import common


def grant_implicitly(document: Document, person, *, actor: Actor, reason: str) -> AccessGrant:
    """A grant that follows from an explicit action (drafting, registering or being assigned a secret document)."""
    grant = AccessGrant.objects.filter(document=document, person=person, revoked_at__isnull=True).first()
    if grant is not None:
        return grant
    grant = AccessGrant.objects.create(
        document=document,
        person=person,
        reason=reason[:500],
        granted_by=acting_user(actor),
        confirmed_at=timezone.now(),
        confirmed_by=acting_user(actor),
    )
    common.event(document, "access.granted", actor=actor, note=person.full_name, data={"person": person.pk})
    audit_record(
        actor=actor,
        action="documents.access.grant",
        obj=document,
        scope_org=document.organisation,
        after={"person": person.pk, "reason": reason, "implicit": True},
    )
    return grant


@transaction.atomic
def access_grant(*, actor: Actor, document: Document, person, reason: str) -> AccessGrant:
    """Cấp quyền truy cập; the change stays flagged until a leader confirms it (App. VI III.3c)."""
    require_see(actor, document)
    require_at(
        actor,
        Perm.DOCS_GRANT,
        document.organisation,
        _("Bạn không có quyền cấp quyền truy cập văn bản của %(org)s.") % {"org": document.organisation.name},
    )
    reason = clean(reason)
    if not reason:
        raise ValidationFailed({"reason": [_("Nêu lý do cấp quyền truy cập.")]})
    if person is None or not person.is_active:
        raise ValidationFailed({"person": [_("Chọn người được cấp quyền.")]})
    if AccessGrant.objects.filter(document=document, person=person, revoked_at__isnull=True).exists():
        raise ValidationFailed(
            {"person": [_("%(name)s đã có quyền truy cập văn bản này.") % {"name": person.full_name}]}
        )
    grant = AccessGrant.objects.create(
        document=document, person=person, reason=reason[:500], granted_by=acting_user(actor)
    )
    common.event(document, "access.granted", actor=actor, note=person.full_name, data={"person": person.pk})
    audit_record(
        actor=actor,
        action="documents.access.grant",
        obj=document,
        scope_org=document.organisation,
        after={"person": person.pk, "reason": reason},
    )
    return grant


@transaction.atomic
def access_revoke(*, actor: Actor, grant: AccessGrant) -> AccessGrant:
    document = grant.document
    require_see(actor, document)
    require_at(
        actor,
        Perm.DOCS_GRANT,
        document.organisation,
        _("Bạn không có quyền thu hồi quyền truy cập văn bản của %(org)s.") % {"org": document.organisation.name},
    )
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise NotFound(_("Quyền truy cập này đã được thu hồi."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = acting_user(actor)
    grant.confirmed_at = None
    grant.confirmed_by = None
    grant.save()
    common.event(document, "access.revoked", actor=actor, note=grant.person.full_name, data={"person": grant.person_id})
    audit_record(
        actor=actor,
        action="documents.access.revoke",
        obj=document,
        scope_org=document.organisation,
        before={"person": grant.person_id},
    )
    return grant


@transaction.atomic
def access_confirm(*, actor: Actor, grant: AccessGrant) -> AccessGrant:
    """A leader confirms a change of access rights; until then it is shown as an alert."""
    document = grant.document
    require_at(actor, Perm.DOCS_GRANT, document.organisation, _("Bạn không có quyền xác nhận thay đổi quyền truy cập."))
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.confirmed_at is None:
        grant.confirmed_at = timezone.now()
        grant.confirmed_by = acting_user(actor)
        grant.save(update_fields=["confirmed_at", "confirmed_by"])
        audit_record(
            actor=actor,
            action="documents.access.confirm",
            obj=document,
            scope_org=document.organisation,
            after={"grant": grant.pk, "person": grant.person_id},
        )
    return grant


def access_log(*, actor: Actor, document: Document, action: str, file=None) -> None:
    """Lịch sử truy cập: every view and download, written even when the request only reads."""
    AccessLog.objects.create(
        document=document, person=acting_user(actor), actor_label=actor.label[:300], action=action, file=file
    )
