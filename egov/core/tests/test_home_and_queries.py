"""Home page per role, and query counts of the hot pages (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov.accounts.tests.factories import make_person
from egov.organisations.tests.factories import make_org

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(url)


def test_system_administrator_home_shows_platform_figures(client, tree, people):
    response = _get(client, people["sysadmin"], reverse("core:home"))
    assert response.context["platform"] == {"organisations": 10, "people": 8, "api_keys": 0}
    figures = response.content.decode().split('id="platform-figures"')[1].split("</dl>")[0]
    assert '<dd class="govuk-summary-list__value">10</dd>' in figures
    assert '<dd class="govuk-summary-list__value">8</dd>' in figures


def test_organisation_administrator_home_shows_their_unit(client, tree, people):
    response = _get(client, people["nd_admin"], reverse("core:home"))
    assert "platform" not in response.context
    unit = response.context["unit"]
    # nd.admin acts for Sở TT&TT (their unit): two divisions, and nd.admin, nd.clerk, nd.specialist work there
    assert (unit["org"].code, unit["units"], unit["people"]) == ("000.00.12.H40", 2, 3)
    assert response.context["can"] == {"manage_orgs": True, "manage_people": True, "api_keys": True, "audit": True}
    assert len(response.context["recent_events"]) == 5


def test_clerk_home_has_no_administration(client, tree, people):
    response = _get(client, people["nd_clerk"], reverse("core:home"))
    assert response.context["can"] == {"manage_orgs": False, "manage_people": False, "api_keys": False, "audit": False}
    assert "recent_events" not in response.context
    assert [r.role for r in response.context["roles"]] == ["clerk"]
    assert "Quản trị" not in response.content.decode().split("<main")[1]


def test_applicant_home(client, tree, people):
    response = _get(client, people["applicant"], reverse("core:home"))
    assert response.context["is_applicant_home"] is True
    assert "Dịch vụ công trực tuyến" in response.content.decode()
    assert [item["label"] for item in response.context["nav_items"]] == ["Trang chủ", "Lịch làm việc"]


def test_navigation_follows_permissions(client, tree, people):
    labels = [i["label"] for i in _get(client, people["nd_admin"], "/").context["nav_items"]]
    assert labels == [
        "Trang chủ",
        "Cơ quan, đơn vị",
        "Cán bộ",
        "Lịch làm việc",
        "Kế hoạch, nhiệm vụ",
        "Nhật ký",
        "Khóa API",
    ]
    client.logout()
    labels = [i["label"] for i in _get(client, people["nd_clerk"], "/").context["nav_items"]]
    assert labels == ["Trang chủ", "Cơ quan, đơn vị", "Cán bộ", "Lịch làm việc", "Kế hoạch, nhiệm vụ"]
    client.logout()
    labels = [i["label"] for i in _get(client, people["sysadmin"], "/").context["nav_items"]]
    # Only system administrators operate the exchange; the one-stop desk is for those who handle dossiers.
    assert labels[-3:] == ["Khóa API", "Liên thông", "Một cửa"]


def test_acting_organisation_switch(client, tree, people):
    from egov.accounts.services import membership_add
    from egov.accounts.tests.factories import SYSTEM

    user = people["nd_clerk"]
    membership_add(actor=SYSTEM, user=user, organisation=tree["nd_vp"], position="Văn thư kiêm nhiệm")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/").context["acting_org"].code == "000.01.12.H40"
    client.post(reverse("accounts:acting_org_switch"), {"organisation": tree["nd_vp"].pk})
    assert client.get("/").context["acting_org"].code == "000.00.01.H40"
    # not a unit the person works in: refused, nothing changes
    client.post(reverse("accounts:acting_org_switch"), {"organisation": tree["qt"].pk})
    assert client.get("/").context["acting_org"].code == "000.00.01.H40"


def _queries(client, user, url) -> int:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    client.logout()
    return len(ctx.captured_queries)


def _grow(tree, n: int, start: int) -> None:
    for i in range(start, start + n):
        unit = make_org(f"000.{i:02d}.12.H40", f"Phòng {i}", "unit", tree["nd_stttt"])
        make_person(f"person{i}", unit, "specialist")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/organisations/",
        "/organisations/?q=Ph%C3%B2ng",
        "people-list",
        "/audit/",
        "/api/v1/organisations?page_size=100",
        "/api/v1/people?page_size=100",
    ],
)
def test_hot_pages_do_not_grow_queries_with_data(client, tree, people, url):
    if url == "people-list":
        url = reverse("accounts:people")
    _grow(tree, 3, 10)
    small = _queries(client, people["sysadmin"], url)
    _grow(tree, 12, 20)
    large = _queries(client, people["sysadmin"], url)
    assert large == small, f"{url}: {small} queries with few rows, {large} with more"


def test_organisation_detail_query_count_is_flat(client, tree, people):
    url = reverse("organisations:detail", args=[tree["nd_stttt"].pk])
    small = _queries(client, people["nd_admin"], url)
    _grow(tree, 10, 30)
    assert _queries(client, people["nd_admin"], url) == small


def test_a_request_in_english_leaves_the_thread_in_its_language(client, tree, people):
    from django.utils import translation

    before = translation.get_language()
    client.cookies["egov_language"] = "en"
    response = _get(client, people["nd_clerk"], "/")
    assert response.headers["Content-Language"] == "en"
    assert "Hello, Người dùng nd.clerk" in response.content.decode()
    # Services called afterwards on this thread (a job, the next request) speak the platform's language again.
    assert translation.get_language() == before
    assert translation.gettext("Trang chủ") == "Trang chủ"
