"""Secret documents and explicit access: visible only with a grant, in lists and counts too; changes audited."""

import pytest

from egov.audit.models import AuditEvent
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.documents.models import AccessGrant, AccessLog
from egov.documents.selectors.documents import document_get, to_assign, visible_documents
from egov.documents.services.access import access_confirm, access_grant, access_log, access_revoke
from egov.documents.services.assignments import document_assign
from egov.documents.services.incoming import document_register_paper
from egov.documents.tests.factories import actor, paper_values

pytestmark = pytest.mark.django_db


def secret(agency, readers=None):
    readers = readers or [agency.director]
    values = paper_values(secrecy="secret", grant_to=[p.pk for p in readers])
    return document_register_paper(actor=actor(agency.clerk), organisation=agency.org, values=values)


def test_a_secret_document_needs_named_leaders(agency):
    with pytest.raises(ValidationFailed) as caught:
        document_register_paper(
            actor=actor(agency.clerk), organisation=agency.org, values=paper_values(secrecy="secret")
        )
    assert caught.value.errors == {"grant_to": ["Chọn lãnh đạo nhận văn bản mật."]}
    with pytest.raises(ValidationFailed) as caught:
        secret(agency, readers=[agency.specialist])
    assert caught.value.errors["grant_to"][0] == f"Văn bản mật chỉ chuyển cho lãnh đạo của {agency.org.name}."


def test_secret_document_is_seen_only_by_those_granted(agency):
    document = secret(agency)
    # The registering clerk and the named director hold grants; the unit head (a leader too) does not.
    assert visible_documents(actor(agency.clerk)).filter(pk=document.pk).count() == 1
    assert list(to_assign(actor(agency.director))) == [document]
    assert visible_documents(actor(agency.unit_head)).count() == 0
    assert visible_documents(actor(agency.specialist)).count() == 0
    with pytest.raises(NotFound):
        document_get(actor(agency.unit_head), document.pk)


def test_a_leader_needs_a_grant_before_granting(agency):
    document = secret(agency)
    with pytest.raises(NotFound):
        access_grant(actor=actor(agency.unit_head), document=document, person=agency.specialist, reason="x")
    assert AccessGrant.objects.filter(person=agency.specialist).count() == 0


def test_grant_revoke_and_confirm_are_audited(agency):
    document = secret(agency)
    with pytest.raises(ValidationFailed) as caught:
        access_grant(actor=actor(agency.director), document=document, person=agency.specialist, reason="")
    assert caught.value.errors == {"reason": ["Nêu lý do cấp quyền truy cập."]}
    grant = access_grant(
        actor=actor(agency.director), document=document, person=agency.specialist, reason="Tham mưu trả lời"
    )
    assert grant.confirmed_at is None  # shown as an alert until a leader confirms
    assert document_get(actor(agency.specialist), document.pk).pk == document.pk
    access_confirm(actor=actor(agency.director), grant=grant)
    grant.refresh_from_db()
    assert grant.confirmed_by == agency.director
    access_revoke(actor=actor(agency.director), grant=grant)
    with pytest.raises(NotFound):
        document_get(actor(agency.specialist), document.pk)
    actions = list(
        AuditEvent.objects.filter(action__startswith="documents.access")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "documents.access.grant",  # the clerk's own grant at registration
        "documents.access.grant",  # the director named by the clerk
        "documents.access.grant",
        "documents.access.confirm",
        "documents.access.revoke",
    ]


def test_clerk_cannot_grant(agency):
    document = secret(agency)
    with pytest.raises(PermissionDenied):
        access_grant(actor=actor(agency.clerk), document=document, person=agency.specialist, reason="x")


def test_secret_assignment_goes_to_people_and_grants_them(agency):
    document = secret(agency)
    with pytest.raises(ValidationFailed) as caught:
        document_assign(actor=actor(agency.director), document=document, values={"lead": f"unit:{agency.unit.pk}"})
    assert list(caught.value.errors) == ["lead"]
    document_assign(actor=actor(agency.director), document=document, values={"lead": f"person:{agency.specialist.pk}"})
    assert document_get(actor(agency.specialist), document.pk).pk == document.pk
    assert visible_documents(actor(agency.unit_head)).count() == 0


def test_access_history_is_recorded(agency):
    document = secret(agency)
    access_log(actor=actor(agency.clerk), document=document, action="view")
    access_log(actor=actor(agency.clerk), document=document, action="download", file=document.files.first())
    rows = list(AccessLog.objects.order_by("pk").values_list("person_id", "action"))
    assert rows == [(agency.clerk.pk, "view"), (agency.clerk.pk, "download")]
