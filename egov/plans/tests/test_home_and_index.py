"""The plans module on the home page and the plans index's links, per person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from egov.accounts.tests.factories import make_person
from egov.plans.tests.factories import issued_plan, report

pytestmark = pytest.mark.django_db


def test_home_lists_the_units_tasks_by_status(client, login, tree):
    _plan, tasks = issued_plan(tree)
    report(tasks["digitise"], tree["bvh_cntt"], percent=30, on=dt.date(2019, 4, 2))
    specialist = make_person("cv", tree["bvh_cntt"], "specialist")
    response = login(specialist).get("/")
    assert response.status_code == 200
    # Every deadline of the 2019–2025 plan is behind us, recurring work's (end of 2025) included.
    counts = {row.status: row.count for row in response.context["unit_tasks"]}
    assert counts == {"overdue": 3}
    html = response.content.decode()
    assert f'href="{reverse("plans:my_tasks")}?status=overdue"' in html


def test_home_has_no_task_block_for_a_unit_without_tasks(login, tree):
    other = make_person("qt", tree["qt_stttt"], "specialist")
    issued_plan(tree)
    response = login(other).get("/")
    assert "unit_tasks" not in response.context or response.context["unit_tasks"] == []
    assert 'id="unit-tasks"' not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "label"),
    [
        ("sysadmin", "Tổng hợp toàn quốc"),
        ("nd_leader", "Tổng hợp toàn tỉnh Ủy ban nhân dân tỉnh Nam Định"),
        ("nd_specialist", ""),
    ],
)
def test_index_offers_the_rollup_that_fits(login, people, who, label):
    response = login(people[who]).get(reverse("plans:index"))
    assert response.status_code == 200
    assert response.context["rollup_label"] == label
    html = response.content.decode()
    assert (f'href="{reverse("plans:rollup")}"' in html) is bool(label)


def test_deadlines_read_in_the_readers_language(client, login, tree):
    _plan, tasks = issued_plan(tree)
    leader = make_person("hai", tree["bvh"], "deputy_leader")
    url = reverse("plans:task_detail", args=[tasks["portal"].pk])
    page = login(leader).get(url).content.decode()
    assert '<dd class="govuk-summary-list__value" id="deadline">Tháng 9/2019<br>' in page
    client.cookies["egov_language"] = "en"
    page = client.get(url).content.decode()
    assert '<dd class="govuk-summary-list__value" id="deadline">Month 9/2019<br>' in page
    recurring = client.get(reverse("plans:task_detail", args=[tasks["recurring"].pk])).content.decode()
    assert "Recurring, until 2025" in recurring
