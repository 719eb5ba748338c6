"""Dashboards and roll-up API: the figures on a day, scoped as the pages scope them; bad days; the OpenAPI document."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from egov.organisations.tests.factories import make_org
from egov.plans import services
from egov.plans.models import Task
from egov.plans.tests.api_support import API, as_, bvh_people_fixture, schema_refs  # noqa: F401
from egov.plans.tests.factories import SYSTEM, issue, make_committee, make_plan, make_task, report

pytestmark = pytest.mark.django_db
AS_OF = "2019-10-15"  # a Tuesday


def _complete(task: Task, unit, on: dt.date) -> None:
    report(task, unit, percent=100, on=on, requests_completion=True)
    services.completion_review(actor=SYSTEM, task=Task.objects.get(pk=task.pk), decision="confirmed")


@pytest.fixture
def scenario(tree):
    """Bộ VHTTDL's plan: on 15/10/2019 a task in seven statuses, four led by Trung tâm CNTT, three by Văn phòng Bộ."""
    cntt = tree["bvh_cntt"]
    vp = make_org("000.00.01.G16", "Văn phòng Bộ", "unit", tree["bvh"])
    plan = make_plan(tree["bvh"])
    t = {
        "not_started": make_task(plan, cntt, title="Số hóa dữ liệu", deadline="Năm 2019"),
        "due_soon": make_task(plan, cntt, title="Cổng dịch vụ công", deadline="21/10/2019"),
        "overdue": make_task(plan, cntt, title="Kho dữ liệu", deadline="Tháng 9/2019"),
        "on_time": make_task(plan, cntt, title="Danh mục dữ liệu", deadline="Tháng 9/2019"),
        "late": make_task(plan, vp, title="Quy chế", deadline="Tháng 8/2019"),
        "recurring": make_task(plan, vp, title="An toàn thông tin", deadline="Thường xuyên"),
        "dropped": make_task(plan, vp, title="Thuê máy chủ", deadline="Năm 2020"),
    }
    issue(plan)
    t = {key: Task.objects.get(pk=task.pk) for key, task in t.items()}
    report(t["due_soon"], cntt, percent=70, on=dt.date(2019, 10, 1))
    _complete(t["on_time"], cntt, dt.date(2019, 9, 20))
    _complete(t["late"], vp, dt.date(2019, 9, 5))
    services.task_drop(actor=SYSTEM, task=t["dropped"], reason="Không còn phù hợp", on=dt.date(2019, 8, 1))
    # Nam Định: a committee and an issued plan of the province, a committee of its Sở; Quảng Trị has neither.
    make_committee(tree["nd"], number="2508/QĐ-UBND", date=dt.date(2019, 5, 2))
    make_committee(tree["nd_stttt"], number="50/QĐ-STTTT", date=dt.date(2019, 6, 1))
    nd_plan = make_plan(tree["nd"], title="Kế hoạch của tỉnh Nam Định")
    make_task(nd_plan, tree["nd_stttt"], title="Trục liên thông", deadline="Tháng 6/2019")
    issue(nd_plan, number="60/KH-UBND", date=dt.date(2019, 5, 20))
    return plan, {key: Task.objects.get(pk=task.pk) for key, task in t.items()}


def _rate(on_time, counted, percent, label):
    return {"on_time": on_time, "counted": counted, "percent": percent, "label": label}


ALL_STATUSES = [
    ("not_started", "Chưa triển khai", 1),
    ("in_progress", "Đang thực hiện", 0),
    ("due_soon", "Sắp đến hạn", 1),
    ("overdue", "Quá hạn", 1),
    ("completed_early", "Hoàn thành trước hạn", 0),
    ("completed_on_time", "Hoàn thành đúng hạn", 1),
    ("completed_late", "Hoàn thành quá hạn", 1),
    ("recurring_on_track", "Thường xuyên — đúng tiến độ", 0),
    ("recurring_behind", "Thường xuyên — chậm báo cáo", 1),
    ("dropped", "Dừng thực hiện", 1),
]


def _counts(rows):
    return [{"status": s, "label": label, "count": n} for s, label, n in rows]


# --- plan dashboard -----------------------------------------------------------------------------------------


def test_plan_dashboard(client, login, bvh_people, scenario):
    plan, t = scenario
    response = login(bvh_people["viewer"]).get(f"{API}/{plan.pk}/dashboard", {"as_of": AS_OF})
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == _counts(ALL_STATUSES)
    assert {k: body[k] for k in ("plan", "as_of", "total", "completed", "overdue_total", "due_soon_total", "rate")} == {
        "plan": plan.pk,
        "as_of": AS_OF,
        "total": 7,
        "completed": 2,
        "overdue_total": 1,
        "due_soon_total": 1,
        # On time: 1 (completed on time); outcome known: that one, the late one, the overdue one, the recurring one.
        "rate": _rate(1, 4, 25.0, "25%"),
    }
    assert body["units"] == [
        {
            "unit": "000.00.02.G16",
            "name": "Trung tâm Công nghệ thông tin",
            "total": 4,
            "counts": _counts(
                [
                    ("not_started", "Chưa triển khai", 1),
                    ("due_soon", "Sắp đến hạn", 1),
                    ("overdue", "Quá hạn", 1),
                    ("completed_on_time", "Hoàn thành đúng hạn", 1),
                ]
            ),
            "rate": _rate(1, 2, 50.0, "50%"),
        },
        {
            "unit": "000.00.01.G16",
            "name": "Văn phòng Bộ",
            "total": 3,
            "counts": _counts(
                [
                    ("completed_late", "Hoàn thành quá hạn", 1),
                    ("recurring_behind", "Thường xuyên — chậm báo cáo", 1),
                    ("dropped", "Dừng thực hiện", 1),
                ]
            ),
            "rate": _rate(0, 2, 0.0, "0%"),
        },
    ]
    line = {
        "plan": plan.pk,
        "plan_title": plan.title,
        "lead_unit": "000.00.02.G16",
        "lead_unit_name": "Trung tâm Công nghệ thông tin",
    }
    assert body["overdue"] == [
        {
            **line,
            "id": t["overdue"].pk,
            "number": "3",
            "title": "Kho dữ liệu",
            "due_date": "2019-09-30",
            "deadline": "Tháng 9/2019",
            "percent": 0,
            "working_days": 11,
        }
    ]
    assert body["due_soon"] == [
        {
            **line,
            "id": t["due_soon"].pk,
            "number": "2",
            "title": "Cổng dịch vụ công",
            "due_date": "2019-10-21",
            "deadline": "21/10/2019",
            "percent": 70,
            "working_days": 4,
        }
    ]


def test_plan_dashboard_defaults_to_today(client, login, bvh_people, scenario):
    body = login(bvh_people["viewer"]).get(f"{API}/{scenario[0].pk}/dashboard").json()
    # Long after 2019 every unfinished task is overdue, the recurring one too (its horizon, 2025, has passed).
    assert (body["as_of"], body["overdue_total"], body["due_soon_total"], body["rate"]) == (
        timezone.localdate().isoformat(),
        4,
        0,
        _rate(1, 6, 16.7, "16,7%"),
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 200), ("specialist", 200)],
)
def test_plan_dashboard_matrix(client, login, bvh_people, scenario, persona, status):
    response = as_(login, client, bvh_people, persona).get(f"{API}/{scenario[0].pk}/dashboard", {"as_of": AS_OF})
    assert response.status_code == status
    if status == 200:
        assert response.json()["total"] == 7


def _future() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("value", ["future", "hôm qua", "2019-02-30", "1990-01-01"])
def test_bad_as_of_is_a_422_naming_it(client, login, bvh_people, scenario, value):
    value = _future() if value == "future" else value
    c = login(bvh_people["viewer"])
    for url in (f"{API}/{scenario[0].pk}/dashboard", f"{API}/organisations/000.00.00.G16/dashboard"):
        response = c.get(url, {"as_of": value})
        assert (response.status_code, response.json()["code"], response.json()["field"]) == (
            422,
            "validation_error",
            "as_of",
        )
    rollup = login(bvh_people["sysadmin"]).get(f"{API}/rollup", {"as_of": value})
    assert (rollup.status_code, rollup.json()["field"]) == (422, "as_of")


def test_future_as_of_message(client, login, bvh_people, scenario):
    response = login(bvh_people["viewer"]).get(f"{API}/{scenario[0].pk}/dashboard", {"as_of": _future()})
    assert response.json()["message"] == "Ngày tính số liệu không thể sau hôm nay."


# --- organisation dashboard ---------------------------------------------------------------------------------


def test_org_dashboard(client, login, bvh_people, scenario, tree):
    plan, _t = scenario
    response = login(bvh_people["viewer"]).get(f"{API}/organisations/000.00.00.G16/dashboard", {"as_of": AS_OF})
    assert response.status_code == 200
    body = response.json()
    assert (body["organisation"], body["organisation_name"]) == ("000.00.00.G16", "Bộ Văn hóa, Thể thao và Du lịch")
    assert body["plans"] == [
        {
            "id": plan.pk,
            "title": "Kế hoạch thực hiện Nghị quyết số 17/NQ-CP",
            "number": "1035/QĐ-BVHTTDL",
            "organisation_name": "Bộ Văn hóa, Thể thao và Du lịch",
            "total": 7,
            "counts": {
                "not_started": 1,
                "due_soon": 1,
                "overdue": 1,
                "completed_on_time": 1,
                "completed_late": 1,
                "recurring_behind": 1,
                "dropped": 1,
            },
            "rate": _rate(1, 4, 25.0, "25%"),
        }
    ]
    assert (body["figures"]["total"], body["figures"]["rate"], len(body["figures"]["overdue"])) == (
        7,
        _rate(1, 4, 25.0, "25%"),
        1,
    )
    assert (body["led_total"], body["led_rate"]) == (7, _rate(1, 4, 25.0, "25%"))
    assert [(u["unit"], u["total"]) for u in body["led_units"]] == [("000.00.02.G16", 4), ("000.00.01.G16", 3)]
    assert [c["status"] for c in body["led_counts"]] == [
        "not_started",
        "due_soon",
        "overdue",
        "completed_on_time",
        "completed_late",
        "recurring_behind",
        "dropped",
    ]
    # Trung tâm CNTT's own board: no plan of its own, the four tasks it leads.
    unit = login(bvh_people["specialist"]).get(f"{API}/organisations/000.00.02.G16/dashboard", {"as_of": AS_OF})
    assert (unit.status_code, unit.json()["plans"], unit.json()["figures"]["total"], unit.json()["led_total"]) == (
        200,
        [],
        0,
        4,
    )


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("anonymous", "000.00.00.G16", 401),
        ("applicant", "000.00.00.G16", 404),
        ("qt_admin", "000.00.00.G16", 404),
        ("specialist", "000.00.00.G16", 404),  # plans.view at Trung tâm CNTT only
        ("viewer", "000.99.99.X99", 404),
        ("viewer", "000.00.00.G16", 200),
        ("sysadmin", "000.00.00.H40", 200),
    ],
)
def test_org_dashboard_matrix(client, login, bvh_people, scenario, persona, code, status):
    response = as_(login, client, bvh_people, persona).get(f"{API}/organisations/{code}/dashboard", {"as_of": AS_OF})
    assert response.status_code == status


# --- roll-up ------------------------------------------------------------------------------------------------


def test_national_rollup(client, login, bvh_people, scenario):
    response = login(bvh_people["sysadmin"]).get(f"{API}/rollup", {"as_of": AS_OF})
    assert response.status_code == 200
    body = response.json()
    assert {k: v for k, v in body.items() if k != "groups"} == {
        "as_of": AS_OF,
        "scope": "national",
        "province": None,
        "province_name": None,
        "source": "",
        "summary": "0/1 bộ, cơ quan ngang bộ và 1/2 tỉnh, thành phố trực thuộc Trung ương đã thành lập Ban Chỉ đạo; "
        "100% bộ, cơ quan ngang bộ và 1/2 tỉnh, thành phố trực thuộc Trung ương đã ban hành kế hoạch.",
        "committee_sentence": "0/1 bộ, cơ quan ngang bộ và 1/2 tỉnh, thành phố trực thuộc Trung ương "
        "đã thành lập Ban Chỉ đạo",
        "plan_sentence": "100% bộ, cơ quan ngang bộ và 1/2 tỉnh, thành phố trực thuộc Trung ương đã ban hành kế hoạch",
        # The ministry's 1 of 4, and Nam Định's task overdue since June.
        "rate": _rate(1, 5, 20.0, "20%"),
    }
    groups = body["groups"]
    assert [(g["level"], g["total"], g["with_committee"], g["with_plan"], g["tasks"]) for g in groups] == [
        ("ministry", 1, 0, 1, 7),
        ("government_agency", 0, 0, 0, 0),
        ("province", 2, 1, 1, 1),
    ]
    assert groups[2]["organisations"] == [
        {
            "organisation": "000.00.00.H40",
            "name": "Ủy ban nhân dân tỉnh Nam Định",
            "level": "province",
            "committee": {"number": "2508/QĐ-UBND", "date": "2019-05-02"},
            "plan": {"number": "60/KH-UBND", "date": "2019-05-20"},
            "plans": 1,
            "tasks": 1,
            "counts": {"overdue": 1},
            "rate": _rate(0, 1, 0.0, "0%"),
        },
        {
            "organisation": "000.00.00.H50",
            "name": "Ủy ban nhân dân tỉnh Quảng Trị",
            "level": "province",
            "committee": None,
            "plan": None,
            "plans": 0,
            "tasks": 0,
            "counts": {},
            "rate": _rate(0, 0, None, "—"),
        },
    ]
    # Before Nam Định's committee and plan, and for plans of another document, the figures are those of that day.
    early = login(bvh_people["sysadmin"]).get(f"{API}/rollup", {"as_of": "2019-04-30"}).json()
    assert [(g["with_committee"], g["with_plan"]) for g in early["groups"]] == [(0, 1), (0, 0), (0, 0)]
    other = login(bvh_people["sysadmin"]).get(f"{API}/rollup", {"as_of": AS_OF, "source": "01/NQ-CP"}).json()
    assert (other["source"], [g["with_plan"] for g in other["groups"]]) == ("01/NQ-CP", [0, 0, 0])


def test_provincial_rollup(client, login, bvh_people, scenario):
    leader = login(bvh_people["nd_leader"]).get(f"{API}/rollup", {"as_of": AS_OF})
    assert leader.status_code == 200
    body = leader.json()
    assert (body["scope"], body["province"], body["province_name"]) == (
        "province",
        "000.00.00.H40",
        "Ủy ban nhân dân tỉnh Nam Định",
    )
    assert [
        (g["level"], [(o["organisation"], o["committee"]) for o in g["organisations"]]) for g in body["groups"]
    ] == [
        (
            "department",
            [
                ("000.00.12.H40", {"number": "50/QĐ-STTTT", "date": "2019-06-01"}),
                ("000.00.01.H40", None),
            ],
        ),
        ("district", [("000.00.35.H40", None)]),
    ]
    # A national viewer may ask for one province by its code; the same figures come back.
    chosen = login(bvh_people["sysadmin"]).get(f"{API}/rollup", {"as_of": AS_OF, "org": "000.00.00.H40"})
    assert chosen.json() == body


@pytest.mark.parametrize(
    ("persona", "org", "status"),
    [
        ("anonymous", None, 401),
        ("applicant", None, 403),
        ("viewer", None, 403),  # plans.view at a ministry: no roll-up of its own
        ("specialist", None, 403),
        ("qt_admin", "000.00.00.H40", 404),  # another province
        ("sysadmin", "000.00.00.G16", 404),  # not a province
        ("sysadmin", "000.99.99.X99", 404),
        ("qt_admin", None, 200),
        ("nd_leader", "000.00.00.H40", 200),
        ("sysadmin", None, 200),
    ],
)
def test_rollup_matrix(client, login, bvh_people, scenario, persona, org, status):
    query = {"as_of": AS_OF} | ({"org": org} if org else {})
    response = as_(login, client, bvh_people, persona).get(f"{API}/rollup", query)
    assert response.status_code == status


def test_rollup_bad_source(client, login, bvh_people, scenario):
    response = login(bvh_people["sysadmin"]).get(f"{API}/rollup", {"source": "x" * 51})
    assert (response.status_code, response.json()["field"]) == (422, "source")


# --- the OpenAPI document -----------------------------------------------------------------------------------


def test_openapi_has_the_new_paths_and_every_ref_resolves(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = {path: set(ops) for path, ops in spec["paths"].items()}
    assert {p: paths[p] for p in paths if p.startswith(("/api/v1/plans/meetings", "/api/v1/plans/overlaps"))} == {
        "/api/v1/plans/meetings/{id}": {"get", "patch"},
        "/api/v1/plans/meetings/{id}/agenda": {"post"},
        "/api/v1/plans/meetings/{id}/agenda/{item_id}": {"delete"},
        "/api/v1/plans/meetings/{id}/conclusions": {"post"},
        "/api/v1/plans/meetings/{id}/conclude": {"post"},
        "/api/v1/plans/meetings/{id}/minutes.pdf": {"get"},
        "/api/v1/plans/overlaps": {"get"},
        "/api/v1/plans/overlaps/scan": {"post"},
        "/api/v1/plans/overlaps/{id}/decide": {"post"},
    }
    assert paths["/api/v1/plans/committees/{id}/meetings"] == {"get", "post"}
    assert paths["/api/v1/plans/{id}/dashboard"] == {"get"}
    assert paths["/api/v1/plans/organisations/{code}/dashboard"] == {"get"}
    assert paths["/api/v1/plans/rollup"] == {"get"}
    schemas = spec["components"]["schemas"]
    refs = schema_refs(spec)
    assert refs <= set(schemas)
    assert {"MeetingDetailOut", "ConclusionIn", "OverlapOut", "RollupOut", "PlanDashboardOut"} <= refs
    operation_ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))
    pdf = spec["paths"]["/api/v1/plans/meetings/{id}/minutes.pdf"]["get"]
    assert list(pdf["responses"]["200"]["content"]) == ["application/pdf"]
    tags = {
        tag
        for path, ops in spec["paths"].items()
        if path.startswith("/api/v1/plans")
        for op in ops.values()
        for tag in op["tags"]
    }
    assert tags == {
        "plans",
        "plans: committees",
        "plans: tasks",
        "plans: meetings",
        "plans: overlaps",
        "plans: reports",
    }
    assert client.get("/api/v1/docs").status_code == 200
