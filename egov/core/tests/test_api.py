"""The JSON API: authentication (session with CSRF, API keys), the permission matrix, and the error contract."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from egov.accounts.models import ApiKey, RoleAssignment, User
from egov.accounts.roles import Perm
from egov.accounts.services import api_key_issue, api_key_revoke
from egov.accounts.tests.factories import SYSTEM
from egov.audit.models import AuditEvent
from egov.organisations.models import Organisation

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _as(client, people, persona):
    if persona != "anonymous":
        client.force_login(people[persona], backend="django.contrib.auth.backends.ModelBackend")
    return client


def _post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def _patch(client, url, body, **extra):
    return client.patch(url, json.dumps(body), content_type="application/json", **extra)


def _state():
    return (
        sorted(Organisation.objects.values_list("code", "name", "path")),
        sorted(User.objects.values_list("username", "full_name", "is_active")),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


def test_openapi_and_docs_are_published(client):
    spec = client.get(f"{API}/openapi.json").json()
    assert spec["info"]["title"] == "egov API"
    assert {"/api/v1/organisations", "/api/v1/people", "/api/v1/audit/events"} <= set(spec["paths"])
    assert client.get(f"{API}/docs").status_code == 200
    assert client.get(f"{API}/status").json()["database"] in ("sqlite", "postgresql")


@pytest.mark.parametrize(
    ("persona", "status", "count"),
    [
        ("anonymous", 401, None),
        ("applicant", 403, None),
        ("nd_clerk", 200, 4),
        ("qt_admin", 200, 2),
        ("nd_admin", 200, 6),
        ("sysadmin", 200, 10),
    ],
)
def test_list_organisations_matrix(client, tree, people, persona, status, count):
    response = _as(client, people, persona).get(f"{API}/organisations")
    assert response.status_code == status
    if count is not None:
        body = response.json()
        assert body["count"] == count
        assert len(body["items"]) == count
    else:
        assert set(response.json()) == {"code", "message", "field"}


def test_list_pagination_and_filters(client, tree, people):
    c = _as(client, people, "sysadmin")
    body = c.get(f"{API}/organisations?page=2&page_size=3").json()
    assert (body["count"], body["page"], body["page_size"], body["pages"], len(body["items"])) == (10, 2, 3, 4, 3)
    children = c.get(f"{API}/organisations?parent=000.00.12.H40").json()
    assert [o["code"] for o in children["items"]] == ["000.01.12.H40", "000.02.12.H40"]
    assert children["items"][0]["parent_code"] == "000.00.12.H40"
    found = c.get(f"{API}/organisations", {"search": "Quảng Trị"}).json()
    assert [o["code"] for o in found["items"]] == ["000.00.00.H50", "000.00.12.H50"]
    assert c.get(f"{API}/organisations?level=district").json()["items"][0]["code"] == "000.00.35.H40"


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=0", "page"), ("page_size=501", "page_size"), ("page=abc", "page"), ("level=galaxy", "level")],
)
def test_list_bad_query_names_the_parameter(client, people, query, field):
    response = _as(client, people, "sysadmin").get(f"{API}/organisations?{query}")
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("validation_error", field)


def test_get_one_is_scoped(client, tree, people):
    c = _as(client, people, "qt_admin")
    assert c.get(f"{API}/organisations/000.00.12.H50").json()["name"] == "Sở Thông tin và Truyền thông tỉnh Quảng Trị"
    missing = c.get(f"{API}/organisations/000.00.12.H40")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "message": "Organisation not found", "field": None}


def test_create_update_delete_by_the_provincial_administrator(client, tree, people):
    c = _as(client, people, "nd_admin")
    created = _post(
        c,
        f"{API}/organisations",
        {"code": "000.03.12.h40", "name": "Phòng Bưu chính", "level": "unit", "parent_code": "000.00.12.H40"},
    )
    assert created.status_code == 201
    assert (created.json()["code"], created.json()["parent_code"]) == ("000.03.12.H40", "000.00.12.H40")
    patched = _patch(c, f"{API}/organisations/000.03.12.H40", {"phone": "0228 3 111 222", "active_from": "2026-01-01"})
    assert (patched.json()["phone"], patched.json()["active_from"]) == ("0228 3 111 222", "2026-01-01")
    moved = _patch(c, f"{API}/organisations/000.03.12.H40", {"parent_code": "000.00.01.H40"})
    assert moved.json()["parent_code"] == "000.00.01.H40"
    assert c.delete(f"{API}/organisations/000.03.12.H40").status_code == 204
    assert not Organisation.objects.filter(code="000.03.12.H40").exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"code": "000.03.12.H40", "name": "X", "level": 5, "parent_code": "000.00.12.H40"}, 422, "level"),
        (
            {
                "code": "000.03.12.H40",
                "name": "X",
                "level": "unit",
                "parent_code": "000.00.12.H40",
                "active_from": "31/12/2026",
            },
            422,
            "active_from",
        ),
        ({"name": "X", "level": "unit"}, 422, "code"),
        ({"code": ["x"], "name": "X", "level": "unit"}, 422, "code"),
        ({"code": "000.03.12.H40", "name": "X", "level": "unit", "parent_code": "000.99.99.H99"}, 422, "parent_code"),
        ({"code": "000.12.12.H40", "name": "X", "level": "unit", "parent_code": "000.00.12.H50"}, 422, "parent_code"),
        ({"code": "000.00.12.H40", "name": "X", "level": "unit", "parent_code": "000.00.12.H40"}, 422, "code"),
        ({"code": "bad", "name": "X", "level": "unit", "parent_code": "000.00.12.H40"}, 422, "code"),
        ({"code": "000.03.12.H40", "name": "X", "level": "province", "parent_code": "000.00.12.H40"}, 422, "parent"),
    ],
)
def test_create_bad_bodies_name_the_field_and_save_nothing(client, tree, people, body, status, field):
    c = _as(client, people, "nd_admin")
    before = _state()
    response = _post(c, f"{API}/organisations", body)
    assert response.status_code == status, response.json()
    assert response.json()["field"] == field
    assert response.json()["code"] == "validation_error"
    assert _state() == before


def test_malformed_json_is_a_clear_4xx(client, people):
    c = _as(client, people, "sysadmin")
    response = c.post(f"{API}/organisations", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("validation_error", "http_error")


def test_cycle_through_the_api_is_refused(client, tree, people):
    c = _as(client, people, "sysadmin")
    before = _state()
    response = _patch(c, f"{API}/organisations/000.00.12.H40", {"level": "unit", "parent_code": "000.02.12.H40"})
    assert (response.status_code, response.json()["field"]) == (422, "parent")
    assert _state() == before


@pytest.mark.parametrize("persona", ["applicant", "nd_clerk", "nd_leader", "qt_admin"])
def test_writes_denied_change_nothing(client, tree, people, persona):
    c = _as(client, people, persona)
    before = _state()
    r1 = _patch(c, f"{API}/organisations/000.00.12.H40", {"name": "Đổi"})
    r2 = c.delete(f"{API}/organisations/000.02.12.H40")
    r3 = _post(c, f"{API}/people", {"username": "x1", "full_name": "X", "organisation_code": "000.00.12.H40"})
    r4 = _post(
        c, f"{API}/people/{people['nd_clerk'].pk}/roles", {"role": "leader", "organisation_code": "000.00.12.H40"}
    )
    for response in (r1, r2, r3, r4):
        assert response.status_code in (403, 404, 422), (persona, response.status_code, response.json())
    assert _state() == before


def test_session_writes_need_the_csrf_token(tree, people):
    c = Client(enforce_csrf_checks=True)
    c.force_login(people["sysadmin"], backend="django.contrib.auth.backends.ModelBackend")
    response = _patch(c, f"{API}/organisations/000.00.12.H40", {"phone": "1"})
    assert response.status_code == 403
    assert Organisation.objects.get(code="000.00.12.H40").phone == ""


def test_people_api(client, tree, people):
    c = _as(client, people, "nd_admin")
    me = c.get(f"{API}/people/me").json()
    assert (me["username"], me["roles"][0]["role"], me["roles"][0]["organisation_code"]) == (
        "nd.admin",
        "org_admin",
        "000.00.00.H40",
    )
    listed = c.get(f"{API}/people").json()
    assert {p["username"] for p in listed["items"]} == {"nd.admin", "nd.clerk", "nd.leader", "nd.specialist"}
    created = _post(
        c,
        f"{API}/people",
        {
            "username": "hoa.tt",
            "full_name": "Trần Thị Hoa",
            "email": "hoa@example.test",
            "organisation_code": "000.02.12.H40",
            "position": "Chuyên viên",
        },
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    role = _post(c, f"{API}/people/{pk}/roles", {"role": "specialist", "organisation_code": "000.02.12.H40"})
    assert role.status_code == 201
    assert c.delete(f"{API}/people/{pk}/roles/{role.json()['id']}").status_code == 204
    off = _patch(c, f"{API}/people/{pk}", {"is_active": False})
    assert off.json()["is_active"] is False
    bad = _post(
        c, f"{API}/people", {"username": "nd.clerk", "full_name": "Trùng", "organisation_code": "000.02.12.H40"}
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "username")
    assert c.get(f"{API}/people/{people['qt_clerk'].pk}").status_code == 404


def test_audit_api_is_scoped_and_verify_is_for_system_administrators(client, tree, people):
    leader = _as(client, people, "nd_leader")
    events = leader.get(f"{API}/audit/events?page_size=500").json()
    scope = {o.pk for o in Organisation.objects.filter(path__startswith=tree["nd"].path)}
    assert events["count"] > 0
    assert all(AuditEvent.objects.get(seq=e["seq"]).scope_org_id in scope for e in events["items"])
    assert leader.get(f"{API}/audit/verify").status_code == 403
    client.logout()
    admin = _as(client, people, "sysadmin")
    verify = admin.get(f"{API}/audit/verify").json()
    assert (verify["ok"], verify["checked"], verify["problems"]) == (True, AuditEvent.objects.count(), [])


def _key(tree, scopes, **kwargs):
    return api_key_issue(
        actor=SYSTEM, organisation=tree["nd_stttt"], system_name="Hệ thống quản lý văn bản", scopes=scopes, **kwargs
    )


def test_api_key_reads_within_its_organisation(client, tree):
    key, full = _key(tree, [Perm.ORG_VIEW])
    response = client.get(f"{API}/organisations", HTTP_AUTHORIZATION=f"Bearer {full}")
    assert response.status_code == 200
    assert {o["code"] for o in response.json()["items"]} == {
        "000.00.00.H40",
        "000.00.12.H40",
        "000.01.12.H40",
        "000.02.12.H40",
    }
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None
    # a scope it does not carry
    assert client.get(f"{API}/people", HTTP_AUTHORIZATION=f"Bearer {full}").status_code == 403
    denied = _patch(client, f"{API}/organisations/000.00.12.H40", {"name": "X"}, HTTP_AUTHORIZATION=f"Bearer {full}")
    assert denied.status_code == 403


def test_api_key_writes_are_audited_under_the_key(client, tree):
    key, full = _key(tree, [Perm.ORG_VIEW, Perm.ORG_MANAGE])
    response = _patch(
        client, f"{API}/organisations/000.02.12.H40", {"phone": "0228 9"}, HTTP_AUTHORIZATION=f"Bearer {full}"
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="organisation.update")
    assert (event.api_key_id, event.actor_id, event.acting_org_id) == (key.pk, None, tree["nd_stttt"].pk)
    assert event.actor_label == f"API: Hệ thống quản lý văn bản ({key.prefix})"


@pytest.mark.parametrize("case", ["revoked", "expired", "wrong_secret", "garbage", "unknown_prefix"])
def test_unusable_api_keys_are_refused(client, tree, case):
    key, full = _key(tree, [Perm.ORG_VIEW])
    if case == "revoked":
        api_key_revoke(actor=SYSTEM, key=key)
    elif case == "expired":
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif case == "wrong_secret":
        full = full[:-4] + ("AAAA" if not full.endswith("AAAA") else "BBBB")
    elif case == "garbage":
        full = "not-a-key"
    elif case == "unknown_prefix":
        full = "egov_ffffffff_" + full.split("_", 2)[2]
    response = client.get(f"{API}/organisations", HTTP_AUTHORIZATION=f"Bearer {full}")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_csv_import_over_the_api(client, tree, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = _as(client, people, "nd_admin")
    bad = "code,name,level,parent_code\n000.05.12.H40,Phòng A,unit,000.00.12.H40\n000.06.12.H40,,unit,000.00.12.H40\n"
    response = c.post(f"{API}/organisations/import", {"file": SimpleUploadedFile("o.csv", bad.encode())})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"line": 3, "field": "name", "message": "Nhập tên đầy đủ của cơ quan, đơn vị."}
    ]
    assert not Organisation.objects.filter(code="000.05.12.H40").exists()
    good = bad.replace(",,unit", ",Phòng B,unit")
    response = c.post(f"{API}/organisations/import", {"file": SimpleUploadedFile("o.csv", good.encode())})
    assert response.json() == {"ok": True, "created": 2, "updated": 0, "unchanged": 0, "errors": []}
