"""The task pages' permission matrix and query counts (the pages themselves: test_views_tasks.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.plans import services
from egov.plans.models import Task
from egov.plans.tests import test_views_tasks as pages
from egov.plans.tests.factories import SYSTEM, issued_plan, report

PDF = pages.PDF
_state, _task_data, _report_data = pages._state, pages._task_data, pages._report_data
world = pages.world  # the same fixture: Bộ VHTTDL's issued plan, a draft plan and people in each role


# ---------------------------------------------------------------------------------------------------------------
# Permission matrix: anonymous → sign in; another organisation → 404; a role without the permission → 403 (or
# 404 where the role cannot even see the task); the right role → success. Refusals change nothing.


@pytest.fixture
def matrix(world):
    """The world plus an evidence file on "portal" and a completion request on "digitise"."""
    unit = world["tree"]["bvh_cntt"]
    submitted = services.progress_report_submit(
        actor=SYSTEM,
        task=world["tasks"]["portal"],
        unit=unit,
        values={"percent": 20, "narrative": "Khảo sát xong.", "reported_on": dt.date(2019, 5, 2)},
        files=[SimpleUploadedFile("Khảo sát.pdf", PDF, "application/pdf")],
    )
    report(world["tasks"]["digitise"], unit, percent=100, requests_completion=True, on=dt.date(2019, 12, 2))
    return world | {"evidence": submitted.evidence.get()}


def _portal(w):
    return w["tasks"]["portal"].pk


# name → (method, url, data, person without the permission, status for that person, person with it, success status)
MATRIX = {
    "task_create": (
        "post",
        lambda w: reverse("plans:task_create", args=[w["draft"].pk]),
        lambda w: _task_data(w["tree"]),
        "leader",
        403,
        "secretary",
        302,
    ),
    "task_create_form": (
        "get",
        lambda w: reverse("plans:task_create", args=[w["draft"].pk]),
        lambda w: {},
        "leader",
        403,
        "secretary",
        200,
    ),
    "task_edit": (
        "post",
        lambda w: reverse("plans:task_edit", args=[_portal(w)]),
        lambda w: _task_data(w["tree"], parent=w["section"].pk, title="Cổng dịch vụ công của Bộ"),
        "leader",
        403,
        "secretary",
        302,
    ),
    "task_delete": (
        "post",
        lambda w: reverse("plans:task_delete", args=[w["draft_task"].pk]),
        lambda w: {},
        "leader",
        403,
        "secretary",
        302,
    ),
    "task_detail": (
        "get",
        lambda w: reverse("plans:task_detail", args=[_portal(w)]),
        lambda w: {},
        "applicant",
        404,
        "specialist",
        200,
    ),
    "task_report": (
        "post",
        lambda w: reverse("plans:task_report", args=[_portal(w)]),
        lambda w: _report_data(w["tree"]["bvh_cntt"], percent=50),
        "secretary",
        403,
        "specialist",
        302,
    ),
    "task_review": (
        "post",
        lambda w: reverse("plans:task_review", args=[w["tasks"]["digitise"].pk]),
        lambda w: {"review-decision": "confirmed"},
        "specialist",
        403,
        "leader",
        302,
    ),
    "task_urge": (
        "post",
        lambda w: reverse("plans:task_urge", args=[_portal(w)]),
        lambda w: {"urge-message": "Đề nghị khẩn trương báo cáo."},
        "specialist",
        403,
        "leader",
        302,
    ),
    "task_deadline": (
        "post",
        lambda w: reverse("plans:task_deadline", args=[_portal(w)]),
        lambda w: {"deadline-deadline": "Năm 2020", "deadline-reason": "Theo kết luận của Ban Chỉ đạo."},
        "specialist",
        403,
        "leader",
        302,
    ),
    "task_drop": (
        "post",
        lambda w: reverse("plans:task_drop", args=[_portal(w)]),
        lambda w: {"drop-reason": "Không còn phù hợp."},
        "specialist",
        403,
        "secretary",
        302,
    ),
    "task_link": (
        "post",
        lambda w: reverse("plans:task_link", args=[_portal(w)]),
        lambda w: {"link-document_number": "17/NQ-CP", "link-title": "Nghị quyết về Chính phủ điện tử"},
        "leader",
        403,
        "secretary",
        302,
    ),
    "evidence": (
        "get",
        lambda w: reverse("plans:evidence", args=[w["evidence"].pk]),
        lambda w: {},
        "applicant",
        404,
        "specialist",
        200,
    ),
}


@pytest.mark.parametrize("name", [*MATRIX, "my_tasks"])
def test_anonymous_is_sent_to_sign_in(matrix, client, name):
    method, url, data = (
        ("get", lambda w: reverse("plans:my_tasks"), lambda w: {}) if name == "my_tasks" else MATRIX[name][:3]
    )
    before = _state()
    target = url(matrix)
    response = getattr(client, method)(target, data(matrix))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={target}"
    assert _state() == before


@pytest.mark.parametrize("name", list(MATRIX))
def test_another_organisation_gets_404(matrix, login, name):
    method, url, data = MATRIX[name][:3]
    before = _state()
    response = getattr(login(matrix["outsider"]), method)(url(matrix), data(matrix))
    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize("name", list(MATRIX))
def test_role_without_the_permission_is_refused(matrix, login, name):
    method, url, data, person, status = MATRIX[name][:5]
    before = _state()
    response = getattr(login(matrix[person]), method)(url(matrix), data(matrix))
    assert response.status_code == status
    assert _state() == before


@pytest.mark.parametrize("name", list(MATRIX))
def test_role_with_the_permission_succeeds(matrix, login, name):
    method, url, data, _person, _status, allowed, success = MATRIX[name]
    before = _state()
    response = getattr(login(matrix[allowed]), method)(url(matrix), data(matrix))
    assert response.status_code == success
    assert (_state() != before) == (method == "post")


# ---------------------------------------------------------------------------------------------------------------
# Query counts: the hot pages do not grow with the number of rows.


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_tasks_query_count_does_not_grow(world, login):
    client = login(world["specialist"])
    url = reverse("plans:my_tasks")
    few = _queries(client, url)
    issued_plan(world["tree"])  # three more tasks for the same unit
    assert Task.objects.filter(lead_unit=world["tree"]["bvh_cntt"]).count() == 7
    assert _queries(client, url) == few


def test_detail_query_count_does_not_grow(world, login):
    portal = world["tasks"]["portal"]
    unit = world["tree"]["bvh_cntt"]
    report(portal, unit, percent=10, on=dt.date(2019, 4, 2))
    client = login(world["leader"])
    url = reverse("plans:task_detail", args=[portal.pk])
    few = _queries(client, url)
    for day, percent in ((3, 20), (4, 30), (5, 40)):
        report(portal, unit, percent=percent, on=dt.date(2019, 4, day))
        services.task_urge(actor=SYSTEM, task=portal, message=f"Lần {day}")
    assert _queries(client, url) == few
