"""Dashboards of a plan and of an organisation, the charts, and who may see them — exact figures on a fixed day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov.accounts.tests.factories import make_person
from egov.organisations.tests.factories import make_org
from egov.plans import services
from egov.plans.models import Plan, PlanStatus, Task
from egov.plans.reports import charts
from egov.plans.reports.dashboard import Rate, org_dashboard, plan_dashboard
from egov.plans.status import LATE, ON_TIME, TaskStatus, derive_status
from egov.plans.tests.factories import SYSTEM, issue, make_plan, make_section, make_task, report

pytestmark = pytest.mark.django_db
TODAY = dt.date(2019, 10, 15)  # a Tuesday


def _complete(task: Task, unit, on: dt.date) -> None:
    report(task, unit, percent=100, on=on, requests_completion=True)
    services.completion_review(actor=SYSTEM, task=Task.objects.get(pk=task.pk), decision="confirmed")


def build_plan(tree) -> tuple[Plan, dict[str, Task], dict]:
    """Bộ VHTTDL's plan with a task in every status on TODAY: 8 led by Trung tâm CNTT, 4 by Văn phòng Bộ."""
    cntt = tree["bvh_cntt"]
    vp = make_org("000.00.01.G16", "Văn phòng Bộ", "unit", tree["bvh"])
    plan = make_plan(tree["bvh"])
    section = make_section(plan)
    t = {}

    def add(key, unit, deadline, **extra):
        t[key] = make_task(plan, unit, title=f"Đầu việc {key}", deadline=deadline, **extra)

    add("not_started", cntt, "Năm 2019", parent=section)
    add("in_progress", cntt, "Năm 2019", parent=section)
    add("due_soon", cntt, "21/10/2019", parent=section)
    add("overdue", cntt, "Tháng 9/2019", parent=section)
    add("early", cntt, "Tháng 12/2019", parent=section)
    add("on_time", cntt, "Tháng 9/2019", parent=section)
    add("rec_on_track", cntt, "Thường xuyên", parent=section)
    add("dropped", cntt, "Năm 2020", parent=section)
    add("vp_overdue", vp, "Năm 2019", product="Báo cáo đánh giá", cooperating_units=[cntt])
    add("vp_late", vp, "Tháng 8/2019")
    add("vp_rec_behind", vp, "Thường xuyên")
    add("vp_not_started", vp, "Quý IV/2019")
    issue(plan)
    t = {key: Task.objects.get(pk=task.pk) for key, task in t.items()}
    report(t["in_progress"], cntt, percent=30, on=dt.date(2019, 6, 10))
    _complete(t["early"], cntt, dt.date(2019, 9, 10))
    _complete(t["on_time"], cntt, dt.date(2019, 9, 20))
    report(t["rec_on_track"], cntt, percent=40, on=dt.date(2019, 9, 1))
    services.task_drop(actor=SYSTEM, task=t["dropped"], reason="Không còn phù hợp", on=dt.date(2019, 8, 1))
    services.task_change_deadline(actor=SYSTEM, task=t["vp_overdue"], deadline="Tháng 8/2019", reason="Theo kết luận")
    _complete(t["vp_late"], vp, dt.date(2019, 9, 5))
    t = {key: Task.objects.get(pk=task.pk) for key, task in t.items()}
    return Plan.objects.get(pk=plan.pk), t, {"cntt": cntt, "vp": vp}


@pytest.fixture
def scenario(tree):
    return build_plan(tree)


EXPECTED = {
    "not_started": 2,
    "in_progress": 1,
    "due_soon": 1,
    "overdue": 2,
    "completed_early": 1,
    "completed_on_time": 1,
    "completed_late": 1,
    "recurring_on_track": 1,
    "recurring_behind": 1,
    "dropped": 1,
}


def test_every_status_is_built_as_intended(scenario):
    _plan, t, _units = scenario
    got = {key: derive_status(task, TODAY) for key, task in t.items()}
    assert got == {
        "not_started": "not_started",
        "in_progress": "in_progress",
        "due_soon": "due_soon",
        "overdue": "overdue",
        "early": "completed_early",
        "on_time": "completed_on_time",
        "rec_on_track": "recurring_on_track",
        "dropped": "dropped",
        "vp_overdue": "overdue",
        "vp_late": "completed_late",
        "vp_rec_behind": "recurring_behind",
        "vp_not_started": "not_started",
    }


def test_plan_dashboard_counts_by_status(scenario):
    plan, _t, _units = scenario
    figures = plan_dashboard(plan=plan, today=TODAY)
    assert figures.counts == EXPECTED
    assert figures.total == 12  # the section is not a task
    assert [s.count for s in figures.statuses] == [EXPECTED[s] for s in TaskStatus.values]
    assert figures.completed_total == 3


def test_on_time_rate_counts_only_tasks_whose_outcome_is_known(scenario):
    plan, _t, _units = scenario
    rate = plan_dashboard(plan=plan, today=TODAY).rate
    # On time: early, on time, recurring on track. Late: completed late, 2 overdue, recurring behind.
    assert (rate.on_time, rate.counted) == (3, 7)
    assert rate.percent == 42.9
    assert rate.label == "42,9%"


def test_rate_edge_cases():
    assert Rate(0, 0).percent is None
    assert Rate(0, 0).label == "—"
    assert Rate(4, 4).label == "100%"
    assert Rate(0, 3).label == "0%"
    assert Rate.of({"dropped": 5, "not_started": 2}) == Rate(0, 0)
    assert ON_TIME.isdisjoint(LATE)


def test_lead_unit_breakdown(scenario):
    plan, _t, units = scenario
    figures = plan_dashboard(plan=plan, today=TODAY)
    assert [(u.name, u.total) for u in figures.units] == [("Trung tâm Công nghệ thông tin", 8), ("Văn phòng Bộ", 4)]
    cntt, vp = figures.units
    assert cntt.unit_id == units["cntt"].pk
    assert cntt.counts == {
        "not_started": 1,
        "in_progress": 1,
        "due_soon": 1,
        "overdue": 1,
        "completed_early": 1,
        "completed_on_time": 1,
        "recurring_on_track": 1,
        "dropped": 1,
    }
    assert vp.counts == {"overdue": 1, "completed_late": 1, "recurring_behind": 1, "not_started": 1}
    assert (cntt.rate.label, vp.rate.label) == ("75%", "0%")
    assert (cntt.completed, cntt.overdue, cntt.due_soon) == (2, 1, 1)
    assert figures.lead_summary == "Trung tâm Công nghệ thông tin chủ trì 8 đầu việc, Văn phòng Bộ 4"


def test_overdue_and_due_soon_lists_count_working_days(scenario):
    plan, t, _units = scenario
    figures = plan_dashboard(plan=plan, today=TODAY)
    # Due 30/8/2019 (Friday): September has 21 weekdays less National Day (2/9) = 20, plus 11 in October.
    # Due 30/9/2019 (Monday): 1–15 October hold 11 working days.
    assert [(line.pk, line.due_date, line.working_days) for line in figures.overdue] == [
        (t["vp_overdue"].pk, dt.date(2019, 8, 30), 31),
        (t["overdue"].pk, dt.date(2019, 9, 30), 11),
    ]
    assert figures.overdue[0].lead_unit == "Văn phòng Bộ"
    assert figures.overdue[0].deadline_text == "Tháng 8/2019"
    # Due Monday 21/10: 16, 17, 18 and 21 October are left.
    assert [(line.pk, line.working_days) for line in figures.due_soon] == [(t["due_soon"].pk, 4)]


def test_screen_lists_are_limited_but_counts_are_not(scenario):
    plan, t, _units = scenario
    figures = plan_dashboard(plan=plan, today=TODAY, limit=1)
    assert [line.pk for line in figures.overdue] == [t["vp_overdue"].pk]
    assert figures.overdue_total == 2


def test_dashboard_query_count_does_not_grow_with_tasks(scenario, tree):
    plan, _t, units = scenario
    with CaptureQueriesContext(connection) as small:
        plan_dashboard(plan=plan, today=TODAY)
    # Status and unit counts, overdue list, due-soon list, working calendar.
    assert len(small.captured_queries) == 4
    for i in range(15):
        task = make_task(plan, units["vp"] if i % 2 else units["cntt"], title=f"Thêm {i}", deadline="Tháng 9/2019")
        report(task, units["vp"] if i % 2 else units["cntt"], percent=10, on=dt.date(2019, 9, 2))
    with CaptureQueriesContext(connection) as big:
        figures = plan_dashboard(plan=plan, today=TODAY)
    assert figures.total == 27
    assert figures.overdue_total == 17
    assert len(big.captured_queries) == 4


def test_dashboard_page_query_count_does_not_grow_with_tasks(scenario, tree, login):
    plan, _t, units = scenario
    client = login(make_person("bvh.leader", tree["bvh"], "leader"))
    url = reverse("plans:plan_dashboard", args=[plan.pk])
    client.get(url)  # warm caches (session, translations)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(10):
        make_task(plan, units["cntt"], title=f"Thêm {i}", deadline="Tháng 9/2019")
    with CaptureQueriesContext(connection) as big:
        response = client.get(url)
    assert response.status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)


def test_plan_dashboard_page_shows_figures_and_accessible_charts(scenario, tree, login):
    plan, t, _units = scenario
    client = login(make_person("bvh.leader", tree["bvh"], "leader"))
    html = client.get(reverse("plans:plan_dashboard", args=[plan.pk]) + "?as_of=2019-10-15").content.decode()
    assert 'data-figure="total">12<' in html
    assert "42,9%" in html
    assert "Trung tâm Công nghệ thông tin chủ trì 8 đầu việc, Văn phòng Bộ 4." in html
    # Charts: inline SVG with a role, a title and a description naming the figures; the table beside them.
    assert html.count('role="img"') == 2
    assert '<title id="chart-units-title">Đầu việc theo đơn vị chủ trì và trạng thái</title>' in html
    assert "Văn phòng Bộ: 4 — Chưa triển khai 1, Quá hạn 1, Hoàn thành quá hạn 1, Thường xuyên — chậm báo cáo 1" in html
    assert 'id="unit-table"' in html and 'id="status-table"' in html
    assert f'data-task="{t["vp_overdue"].pk}"' in html
    assert reverse("plans:plan_dashboard_xlsx", args=[plan.pk]) + "?as_of=2019-10-15" in html
    assert reverse("plans:plan_dashboard_pdf", args=[plan.pk]) + "?as_of=2019-10-15" in html


@pytest.mark.parametrize("name", ["plans:plan_dashboard", "plans:plan_dashboard_xlsx", "plans:plan_dashboard_pdf"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2019", "Nhập một ngày hợp lệ"),
        ("2999-01-01", "Ngày tính số liệu không thể sau hôm nay."),
        ("1990-01-01", "Ngày tính số liệu phải từ năm 1995."),
    ],
)
def test_bad_as_of_is_a_400_naming_the_field(scenario, people, login, name, value, message):
    plan, _t, _units = scenario
    response = login(people["sysadmin"]).get(reverse(name, args=[plan.pk]), {"as_of": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_as_of">Số liệu tính đến ngày: ' in html
    assert message in html
    assert 'id="key-figures"' not in html


def test_chart_colours_contrast_with_white_and_cover_every_status():
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert set(charts.CHART_COLOURS) == set(TaskStatus.values)
    for colour in charts.CHART_COLOURS.values():
        assert (1.05) / (luminance(colour) + 0.05) >= 4.5, colour
    assert len(set(charts.CHART_COLOURS.values())) == len(TaskStatus)


def test_chart_text_is_escaped():
    from egov.plans.reports.dashboard import UnitFigures

    svg = charts.unit_bars([UnitFigures(1, "<script>x</script>", {"overdue": 2})])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


# --- organisation dashboard ------------------------------------------------------------------------


def test_org_dashboard_covers_active_plans_of_the_subtree_and_units_leading_elsewhere(scenario, tree):
    plan, _t, units = scenario
    draft = make_plan(tree["bvh"], title="Kế hoạch dự thảo")
    make_task(draft, units["cntt"], title="Chưa ban hành")
    other = make_plan(tree["nd"], title="Kế hoạch của tỉnh Nam Định")
    make_task(other, units["cntt"], title="Phối hợp với Bộ", deadline="Năm 2020")
    make_task(other, tree["nd_stttt"], title="Việc của Sở", deadline="Năm 2020")
    issue(other, number="12/KH-UBND", date=dt.date(2019, 4, 2))

    board = org_dashboard(organisation=tree["bvh"], today=TODAY)
    assert [(p.pk, p.total) for p in board.plans] == [(plan.pk, 12)]  # the draft is not counted
    assert board.figures.counts == EXPECTED
    # Units of the ministry lead 12 tasks in its own plan and 1 in Nam Định's.
    assert [(u.name, u.total) for u in board.led_units] == [
        ("Trung tâm Công nghệ thông tin", 9),
        ("Văn phòng Bộ", 4),
    ]
    assert board.led_total == 13
    assert board.led_rate == Rate(3, 7)

    unit_board = org_dashboard(organisation=units["cntt"], today=TODAY)
    assert unit_board.plans == []
    assert unit_board.figures.total == 0
    assert [(u.name, u.total) for u in unit_board.led_units] == [("Trung tâm Công nghệ thông tin", 9)]


def test_org_dashboard_query_count_is_fixed(scenario, tree):
    with CaptureQueriesContext(connection) as ctx:
        org_dashboard(organisation=tree["bvh"], today=TODAY)
    # Per-plan counts, units leading, then the four queries of the figures.
    assert len(ctx.captured_queries) == 6


# --- permissions ---------------------------------------------------------------------------------

PLAN_PAGES = ["plans:plan_dashboard", "plans:plan_dashboard_xlsx", "plans:plan_dashboard_pdf"]


@pytest.mark.parametrize("name", PLAN_PAGES)
def test_plan_pages_anonymous_are_sent_to_sign_in(scenario, client, name):
    plan, _t, _units = scenario
    response = client.get(reverse(name, args=[plan.pk]))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "dang-nhap" in response["Location"]


@pytest.mark.parametrize("name", PLAN_PAGES)
@pytest.mark.parametrize("who", ["nd_clerk", "applicant", "no_role"])
def test_plan_pages_are_hidden_from_people_who_cannot_see_the_plan(scenario, tree, people, login, name, who):
    plan, _t, _units = scenario
    user = make_person("bvh.norole", tree["bvh"], None) if who == "no_role" else people[who]
    assert login(user).get(reverse(name, args=[plan.pk])).status_code == 404


@pytest.mark.parametrize("name", PLAN_PAGES)
@pytest.mark.parametrize("who", ["leader", "unit_specialist", "sysadmin"])
def test_plan_pages_open_for_whoever_may_see_the_plan(scenario, tree, people, login, name, who):
    plan, _t, units = scenario
    user = {
        "leader": lambda: make_person("bvh.leader", tree["bvh"], "leader"),
        # Plans that give a task to the unit are visible to it.
        "unit_specialist": lambda: make_person("bvh.cv", units["vp"], "specialist"),
        "sysadmin": lambda: people["sysadmin"],
    }[who]()
    response = login(user).get(reverse(name, args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in {
        "text/html",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


def test_plan_dashboard_of_a_missing_plan_is_404(tree, people, login):
    assert login(people["sysadmin"]).get(reverse("plans:plan_dashboard", args=[999999])).status_code == 404


def test_org_dashboard_matrix(scenario, tree, people, client, login):
    _plan, _t, units = scenario
    url = reverse("plans:org_dashboard") + f"?org={tree['bvh'].pk}"
    assert client.get(url).status_code == 302
    assert login(people["nd_clerk"]).get(url).status_code == 404
    assert login(people["applicant"]).get(url).status_code == 404
    # plans.view at a unit does not open its parent's dashboard.
    assert login(make_person("bvh.cv", units["cntt"], "specialist")).get(url).status_code == 404
    response = login(make_person("bvh.leader", tree["bvh"], "leader")).get(url)
    assert response.status_code == 200
    assert 'data-figure="total">12<' in response.content.decode()
    assert login(people["sysadmin"]).get(url).status_code == 200


def test_org_dashboard_defaults_to_the_acting_organisation(scenario, tree, login):
    response = login(make_person("bvh.leader", tree["bvh"], "leader")).get(reverse("plans:org_dashboard"))
    assert response.status_code == 200
    assert response.context["organisation"] == tree["bvh"]


def test_org_dashboard_bad_input_is_a_4xx_naming_the_field(tree, people, login):
    client = login(people["sysadmin"])
    response = client.get(reverse("plans:org_dashboard") + "?org=abc")
    assert response.status_code == 400
    assert "Cơ quan (org)" in response.content.decode()
    assert "Mã cơ quan “abc” không hợp lệ" in response.content.decode()
    assert client.get(reverse("plans:org_dashboard") + "?org=999999").status_code == 404
    # The system administrator acts for no organisation: the page asks for one.
    response = client.get(reverse("plans:org_dashboard"))
    assert response.status_code == 400
    assert "Chọn cơ quan cần xem" in response.content.decode()


def test_closed_plan_still_has_a_dashboard(scenario):
    plan, _t, _units = scenario
    plan = services.plan_transition(actor=SYSTEM, plan=plan, to=PlanStatus.CLOSED)
    assert plan_dashboard(plan=plan, today=TODAY).total == 12
