"""Explicit access to a document: /{id}/grants, /grants/{id} (revoke), /grants/{id}/confirm."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status

from egov.accounts.roles import Perm
from egov.core.errors import ValidationFailed
from egov.documents.api.common import grant_out, person_by_username
from egov.documents.api.schemas import GrantOut
from egov.documents.api.schemas_in import GrantIn
from egov.documents.models import AccessGrant
from egov.documents.permissions import require_at
from egov.documents.selectors.documents import document_get, grant_get
from egov.documents.services import access

router = Router(tags=["documents: access"])


def _fresh(pk: int) -> dict:
    grant = AccessGrant.objects.select_related("person", "granted_by", "revoked_by", "confirmed_by").get(pk=pk)
    return grant_out(grant)


@router.get("/{int:id}/grants", response=list[GrantOut], summary="Explicit grants on the document, revoked ones too")
def list_grants(request, id: int):
    actor = request.actor
    document = document_get(actor, id)
    require_at(
        actor,
        Perm.DOCS_GRANT,
        document.organisation,
        _("Bạn không có quyền cấp quyền truy cập văn bản của %(org)s.") % {"org": document.organisation.name},
    )
    grants = document.grants.select_related("person", "granted_by", "revoked_by", "confirmed_by").order_by("pk")
    return [grant_out(g) for g in grants]


@router.post("/{int:id}/grants", response={201: GrantOut}, summary="Give a person access to the document")
def add_grant(request, id: int, payload: GrantIn):
    actor = request.actor
    document = document_get(actor, id)
    person = person_by_username(payload.person, "person")
    if person is None:
        raise ValidationFailed({"person": [_("Chọn người được cấp quyền.")]})
    grant = access.access_grant(actor=actor, document=document, person=person, reason=payload.reason)
    return Status(201, _fresh(grant.pk))


@router.delete("/grants/{int:id}", response=GrantOut, summary="Revoke a grant (kept in the record as revoked)")
def revoke_grant(request, id: int):
    actor = request.actor
    grant = access.access_revoke(actor=actor, grant=grant_get(actor, id))
    return _fresh(grant.pk)


@router.post("/grants/{int:id}/confirm", response=GrantOut, summary="Leader: confirm a change of access rights")
def confirm_grant(request, id: int):
    actor = request.actor
    grant = access.access_confirm(actor=actor, grant=grant_get(actor, id))
    return _fresh(grant.pk)
