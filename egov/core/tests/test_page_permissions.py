"""Permission matrix of every page: anonymous, another organisation, a role without the permission, a role with it.

Denied writes also assert that nothing changed.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from egov.accounts.models import ApiKey, Membership, RoleAssignment, User
from egov.audit.models import AuditEvent
from egov.organisations.models import Organisation

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "applicant", "nd_clerk", "nd_leader", "nd_admin", "qt_admin", "sysadmin")


def _client(client, people, persona):
    if persona != "anonymous":
        client.force_login(people[persona], backend="django.contrib.auth.backends.ModelBackend")
    return client


def _pages(tree, people):
    org = tree["nd_stttt"].pk
    person = people["nd_clerk"].pk
    # (url, expected status per persona; anonymous always goes to the login page)
    return [
        (reverse("core:home"), dict.fromkeys(PERSONAS[1:], 200)),
        (reverse("accounts:account"), dict.fromkeys(PERSONAS[1:], 200)),
        (
            reverse("organisations:index"),
            {"applicant": 403, "nd_clerk": 200, "nd_leader": 200, "nd_admin": 200, "qt_admin": 200, "sysadmin": 200},
        ),
        (
            reverse("organisations:detail", args=[org]),
            {"applicant": 404, "nd_clerk": 200, "nd_leader": 200, "nd_admin": 200, "qt_admin": 404, "sysadmin": 200},
        ),
        (
            reverse("organisations:children", args=[org]),
            {"applicant": 404, "nd_clerk": 200, "nd_leader": 200, "nd_admin": 200, "qt_admin": 404, "sysadmin": 200},
        ),
        (
            reverse("organisations:edit", args=[org]),
            {"applicant": 404, "nd_clerk": 403, "nd_leader": 403, "nd_admin": 200, "qt_admin": 404, "sysadmin": 200},
        ),
        (
            reverse("organisations:create"),
            {"applicant": 403, "nd_clerk": 403, "nd_leader": 403, "nd_admin": 200, "qt_admin": 200, "sysadmin": 200},
        ),
        (
            reverse("organisations:import"),
            {"applicant": 403, "nd_clerk": 403, "nd_leader": 403, "nd_admin": 200, "qt_admin": 200, "sysadmin": 200},
        ),
        (
            reverse("organisations:export"),
            {"applicant": 403, "nd_clerk": 200, "nd_leader": 200, "nd_admin": 200, "qt_admin": 200, "sysadmin": 200},
        ),
        (
            reverse("accounts:people"),
            {"applicant": 403, "nd_clerk": 200, "nd_leader": 200, "nd_admin": 200, "qt_admin": 200, "sysadmin": 200},
        ),
        (
            reverse("accounts:person_detail", args=[person]),
            {"applicant": 404, "nd_clerk": 200, "nd_leader": 200, "nd_admin": 200, "qt_admin": 404, "sysadmin": 200},
        ),
        (
            reverse("accounts:person_edit", args=[person]),
            {"applicant": 404, "nd_clerk": 403, "nd_leader": 403, "nd_admin": 200, "qt_admin": 404, "sysadmin": 200},
        ),
        (
            reverse("accounts:person_create"),
            {"applicant": 403, "nd_clerk": 403, "nd_leader": 403, "nd_admin": 200, "qt_admin": 200, "sysadmin": 200},
        ),
        (
            reverse("audit:list"),
            {"applicant": 403, "nd_clerk": 403, "nd_leader": 200, "nd_admin": 200, "qt_admin": 200, "sysadmin": 200},
        ),
        (
            reverse("accounts:api_keys"),
            {"applicant": 403, "nd_clerk": 403, "nd_leader": 403, "nd_admin": 200, "qt_admin": 200, "sysadmin": 200},
        ),
        (reverse("accounts:acting_org_choose"), dict.fromkeys(PERSONAS[1:], 200)),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages(client, tree, people, persona):
    c = _client(client, people, persona)
    for url, expected in _pages(tree, people):
        response = c.get(url)
        if persona == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login") + "?next="), url
        else:
            assert response.status_code == expected[persona], (url, persona, response.status_code)


def test_quang_tri_admin_sees_no_trace_of_nam_dinh_in_lists(client, tree, people):
    c = _client(client, people, "qt_admin")
    orgs = c.get(reverse("organisations:index") + "?q=S%E1%BB%9F").content.decode()  # "Sở"
    assert "Quảng Trị" in orgs and "Nam Định" not in orgs
    staff = c.get(reverse("accounts:people")).content.decode()
    assert "nd.clerk" not in staff and "qt.clerk" in staff


def _snapshot():
    return (
        sorted(Organisation.objects.values_list("code", "name", "path", "phone")),
        sorted(User.objects.values_list("username", "is_active", "full_name")),
        sorted(RoleAssignment.objects.values_list("user_id", "role", "organisation_id")),
        sorted(Membership.objects.values_list("user_id", "organisation_id", "is_primary")),
        ApiKey.objects.filter(revoked_at__isnull=True).count(),
        ApiKey.objects.count(),
        AuditEvent.objects.count(),
    )


def _posts(tree, people):
    org = tree["nd_stttt"]
    clerk = people["nd_clerk"]
    return [
        (
            reverse("organisations:edit", args=[org.pk]),
            {"code": org.code, "name": "Đổi tên", "level": "department", "parent": tree["nd"].pk},
        ),
        (reverse("organisations:delete", args=[tree["nd_stttt_cntt"].pk]), {}),
        (reverse("organisations:create"), {"code": "000.09.12.H40", "name": "Mới", "level": "unit", "parent": org.pk}),
        (reverse("accounts:person_deactivate", args=[clerk.pk]), {}),
        (
            reverse("accounts:person_edit", args=[clerk.pk]),
            {"username": "nd.clerk", "full_name": "Đổi", "kind": "staff"},
        ),
        (reverse("accounts:person_role_assign", args=[clerk.pk]), {"role": "leader", "organisation": org.pk}),
        (
            reverse("accounts:person_create"),
            {"username": "moi", "full_name": "Mới", "kind": "staff", "organisation": org.pk},
        ),
        (reverse("audit:verify"), {}),
        (reverse("accounts:person_activate", args=[clerk.pk]), {}),
        (reverse("accounts:person_unlock", args=[clerk.pk]), {}),
        (reverse("accounts:person_reset_2fa", args=[clerk.pk]), {}),
        (reverse("accounts:person_membership_add", args=[clerk.pk]), {"organisation": tree["nd_vp"].pk}),
        (reverse("accounts:person_membership_remove", args=[clerk.pk, clerk.memberships.get().pk]), {}),
        (reverse("accounts:person_role_revoke", args=[clerk.pk, clerk.role_assignments.get().pk]), {}),
        (reverse("accounts:api_keys"), {"organisation": org.pk, "system_name": "X", "scopes": ["organisations.view"]}),
        (reverse("accounts:api_key_revoke", args=[_nd_key(tree).pk]), {}),
    ]


def _nd_key(tree):
    from egov.accounts.services import api_key_issue
    from egov.accounts.tests.factories import SYSTEM

    key = ApiKey.objects.filter(organisation=tree["nd_stttt"]).first()
    if key is None:
        key, _full = api_key_issue(
            actor=SYSTEM, organisation=tree["nd_stttt"], system_name="Cổng DVC", scopes=["organisations.view"]
        )
    return key


@pytest.mark.parametrize("persona", ["anonymous", "applicant", "nd_clerk", "qt_admin"])
def test_denied_writes_change_nothing(client, tree, people, persona):
    c = _client(client, people, persona)
    _nd_key(tree)
    before = _snapshot()
    for url, data in _posts(tree, people):
        response = c.post(url, data)
        # 400: the form refuses a unit outside the persona's scope on the field itself
        assert response.status_code in (302, 400, 403, 404), (url, persona, response.status_code)
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login")), url
        elif response.status_code == 302:  # a refused action shown as a message on the page it came from
            assert "login" not in response["Location"], url
    assert _snapshot() == before


def test_allowed_writes_by_the_provincial_administrator(client, tree, people):
    c = _client(client, people, "nd_admin")
    org = tree["nd_stttt"]
    response = c.post(
        reverse("organisations:edit", args=[org.pk]),
        {
            "code": org.code,
            "name": "Sở Khoa học và Công nghệ tỉnh Nam Định",
            "level": "department",
            "parent": tree["nd"].pk,
        },
    )
    assert response["Location"] == reverse("organisations:detail", args=[org.pk])
    assert Organisation.objects.get(pk=org.pk).name == "Sở Khoa học và Công nghệ tỉnh Nam Định"
    response = c.post(reverse("accounts:person_deactivate", args=[people["nd_clerk"].pk]))
    assert response.status_code == 302
    assert not User.objects.get(pk=people["nd_clerk"].pk).is_active


def test_form_errors_name_the_field_and_keep_the_input(client, tree, people):
    c = _client(client, people, "nd_admin")
    response = c.post(
        reverse("organisations:create"),
        {"code": "sai-ma", "name": "Phòng mới", "level": "unit", "parent": tree["nd_stttt"].pk},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="govuk-error-message" id="id_code_error">' in html
    assert '<a href="#id_code">' in html  # the error summary links to the field
    assert "không đúng định dạng" in html
    assert 'value="Phòng mới"' in html
    assert not Organisation.objects.filter(name="Phòng mới").exists()


def test_cycle_through_the_edit_page_is_refused_on_the_parent_field(client, tree, people):
    c = _client(client, people, "sysadmin")
    org = tree["nd_stttt"]
    response = c.post(
        reverse("organisations:edit", args=[org.pk]),
        {"code": org.code, "name": org.name, "level": "unit", "parent": tree["nd_stttt_vp"].pk},
    )
    # the page does not even offer a descendant as parent
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    assert Organisation.objects.get(pk=org.pk).path == org.path


def test_csv_import_page_reports_lines(client, tree, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = _client(client, people, "nd_admin")
    data = "code,name,level,parent_code\n000.05.12.H40,Phòng A,unit,000.00.12.H40\nXYZ,Phòng B,unit,000.00.12.H40\n"
    response = c.post(
        reverse("organisations:import"),
        {"file": SimpleUploadedFile("orgs.csv", data.encode(), content_type="text/csv")},
    )
    assert response.status_code == 400
    report = response.context["report"]
    assert [(e.line, e.field) for e in report.errors] == [(3, "code")]
    assert not Organisation.objects.filter(code="000.05.12.H40").exists()


def test_audit_event_detail_is_scoped(client, tree, people):
    event = AuditEvent.objects.filter(
        object_type="organisations.organisation", object_id=str(tree["nd_stttt"].pk)
    ).get()
    url = reverse("audit:detail", args=[event.seq])
    assert _client(client, people, "qt_admin").get(url).status_code == 404
    client.logout()
    response = _client(client, people, "nd_leader").get(url)
    assert response.status_code == 200
    assert [c["field"] for c in response.context["changes"] if c["field"] == "code"] == ["code"]
