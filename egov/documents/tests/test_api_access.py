"""Documents API, explicit access: granting, listing, revoking and confirming grants; secret documents follow them."""

from __future__ import annotations

import pytest

from egov.documents.models import AccessGrant
from egov.documents.services.access import access_grant
from egov.documents.tests.factories import actor
from egov.documents.tests.test_api_support import API, as_, persona, post, registered, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(agency):
    """A secret incoming document: its clerk and the director were granted access when it was registered."""
    persona(agency, "deputy")
    return registered(agency, number_symbol="7/UBND-VP", secrecy="secret")


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("deputy", 404),  # a leader of the organisation, but the document is secret
        ("clerk", 403),  # sees it, may not hand it on
        ("director", 201),
    ],
)
def test_grant_matrix(client, agency, secret, name, status):
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/{secret.pk}/grants", {"person": "stttt.deputy", "reason": "Cùng chỉ đạo xử lý"})
    assert response.status_code == status
    deputy = as_(client, agency, "deputy")
    if status == 201:
        grant = AccessGrant.objects.get(person__username="stttt.deputy")
        assert response.json() == {
            "id": grant.pk,
            "document": secret.pk,
            "person": "stttt.deputy",
            "person_name": "Người dùng stttt.deputy",
            "reason": "Cùng chỉ đạo xử lý",
            "granted_by": "stttt.director",
            "granted_at": response.json()["granted_at"],
            "revoked_by": None,
            "revoked_at": None,
            "confirmed_by": None,
            "confirmed_at": None,
        }
        assert deputy.get(f"{API}/{secret.pk}").status_code == 200
        assert secret.pk in [d["id"] for d in deputy.get(API).json()["items"]]
    else:
        assert state() == before
        assert deputy.get(f"{API}/{secret.pk}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"person": "stttt.deputy", "reason": "  "}, "reason"),
        ({"person": "stttt.deputy"}, "reason"),
        ({"person": "nobody.here", "reason": "Xử lý"}, "person"),
        ({"person": "", "reason": "Xử lý"}, "person"),
        ({"person": "stttt.clerk", "reason": "Xử lý"}, "person"),  # already has access
    ],
)
def test_grant_bad_input_changes_nothing(client, agency, secret, body, field):
    c = as_(client, agency, "director")
    before = state()
    response = post(c, f"{API}/{secret.pk}/grants", body)
    assert (response.status_code, response.json()["field"]) == (422, field)
    assert state() == before


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("deputy", 404), ("clerk", 403), ("director", 200)],
)
def test_list_grants_matrix(client, agency, secret, name, status):
    response = as_(client, agency, name).get(f"{API}/{secret.pk}/grants")
    assert response.status_code == status
    if status == 200:
        assert [(g["person"], g["granted_by"], g["confirmed_by"]) for g in response.json()] == [
            ("stttt.clerk", "stttt.clerk", "stttt.clerk"),
            ("stttt.director", "stttt.clerk", "stttt.clerk"),
        ]


@pytest.mark.parametrize(
    ("name", "status"),
    [("anonymous", 401), ("outsider", 404), ("deputy", 404), ("clerk", 403), ("director", 200)],
)
def test_revoke_matrix(client, agency, secret, name, status):
    grant = access_grant(
        actor=actor(agency.director), document=secret, person=agency.specialist, reason="Tham mưu xử lý"
    )
    c = as_(client, agency, name)
    before = state()
    response = c.delete(f"{API}/grants/{grant.pk}")
    assert response.status_code == status
    grant.refresh_from_db()
    specialist = as_(client, agency, "specialist")
    if status == 200:
        assert (response.json()["revoked_by"], response.json()["revoked_at"] is not None) == ("stttt.director", True)
        assert grant.revoked_at is not None
        assert specialist.get(f"{API}/{secret.pk}").status_code == 404
        # Revoked once: the grant no longer exists to revoke.
        again = as_(client, agency, "director").delete(f"{API}/grants/{grant.pk}")
        assert (again.status_code, again.json()["code"]) == (404, "not_found")
    else:
        assert (state(), grant.revoked_at) == (before, None)
        assert specialist.get(f"{API}/{secret.pk}").status_code == 200


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("specialist", 404),
        ("clerk", 403),
        ("other_specialist", 403),  # the grantee sees the document now, but confirms nothing
        ("deputy", 200),
    ],
)
def test_confirm_matrix(client, agency, name, status):
    paper = registered(agency)
    persona(agency, "deputy")
    grant = access_grant(actor=actor(agency.director), document=paper, person=agency.other_specialist, reason="Xem")
    c = as_(client, agency, name)
    before = state()
    response = post(c, f"{API}/grants/{grant.pk}/confirm")
    assert response.status_code == status
    grant.refresh_from_db()
    if status == 200:
        assert (response.json()["confirmed_by"], grant.confirmed_by) == ("stttt.deputy", persona(agency, "deputy"))
    else:
        assert (state(), grant.confirmed_at) == (before, None)


def test_unknown_grant_is_not_found(client, agency):
    c = as_(client, agency, "director")
    assert c.delete(f"{API}/grants/999999").status_code == 404
    assert post(c, f"{API}/grants/999999/confirm").json()["code"] == "not_found"
