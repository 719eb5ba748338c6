"""Plans API: list and filters, detail, create, edit, the lifecycle, the task tree, and the published OpenAPI."""

from __future__ import annotations

import pytest

from egov.plans.models import Plan, PlanTransition
from egov.plans.tests.api_support import API, as_, bvh_people_fixture, patch, post, schema_refs, state  # noqa: F401
from egov.plans.tests.factories import issued_plan, make_committee, make_plan, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(tree):
    issued, tasks = issued_plan(tree)
    draft = make_plan(tree["bvh"], title="Kế hoạch chuyển đổi số năm 2021", period=(2021, 2021), orientation_year=None)
    qt = make_plan(tree["qt"], title="Kế hoạch Chính phủ điện tử tỉnh Quảng Trị")
    make_task(qt, tree["qt_stttt"])
    return {"issued": issued, "draft": draft, "qt": qt, "tasks": tasks}


def _plan_json(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "title": "Kế hoạch thực hiện Nghị quyết số 17/NQ-CP",
        "number": "1035/QĐ-BVHTTDL",
        "status": "issued",
        "organisation": "000.00.00.G16",
        "organisation_name": "Bộ Văn hóa, Thể thao và Du lịch",
        "issuer": "000.00.00.G16",
        "committee": None,
        "signer": "",
        "issued_on": "2019-03-29",
        "source_title": "Nghị quyết về một số nhiệm vụ, giải pháp trọng tâm phát triển Chính phủ điện tử",
        "source_number": "17/NQ-CP",
        "source_date": "2019-03-07",
        "period_start": 2019,
        "period_end": 2020,
        "orientation_year": 2025,
        "due_soon_days": 5,
        "recurring_report_days": 92,
        "has_file": False,
    }


@pytest.mark.parametrize(
    ("persona", "status", "names"),
    [
        ("anonymous", 401, None),
        ("applicant", 403, None),
        ("qt_admin", 200, ["qt"]),
        ("nd_admin", 200, []),
        ("viewer", 200, ["draft", "issued"]),
        # The unit sees the plan that gives it tasks, not the ministry's other plans.
        ("specialist", 200, ["issued"]),
        ("sysadmin", 200, ["draft", "issued", "qt"]),
    ],
)
def test_list_plans_matrix(client, login, bvh_people, plans, persona, status, names):
    response = as_(login, client, bvh_people, persona).get(API)
    assert response.status_code == status
    if names is None:
        assert set(response.json()) == {"code", "message", "field"}
    else:
        assert sorted(p["id"] for p in response.json()["items"]) == sorted(plans[n].pk for n in names)
        assert response.json()["count"] == len(names)


def test_list_filters(client, login, bvh_people, plans):
    c = login(bvh_people["sysadmin"])
    issued = c.get(API, {"status": "issued"}).json()
    assert issued["items"] == [_plan_json(plans["issued"])]
    assert [p["id"] for p in c.get(API, {"search": "chuyển đổi số"}).json()["items"]] == [plans["draft"].pk]
    assert [p["id"] for p in c.get(API, {"organisation": "000.00.00.H50"}).json()["items"]] == [plans["qt"].pk]
    paged = c.get(API, {"page": 2, "page_size": 2}).json()
    assert (paged["count"], paged["pages"], len(paged["items"])) == (3, 2, 1)
    for query, field in (({"status": "archived"}, "status"), ({"organisation": "000.99.99.X99"}, "organisation")):
        response = c.get(API, query)
        assert (response.status_code, response.json()["field"]) == (422, field)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("applicant", 404),
        ("qt_admin", 404),
        ("viewer", 200),
        ("specialist", 200),
        ("secretary", 200),
    ],
)
def test_get_plan_matrix(client, login, bvh_people, plans, persona, status):
    response = as_(login, client, bvh_people, persona).get(f"{API}/{plans['issued'].pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body == {**_plan_json(plans["issued"]), "transitions": body["transitions"]}
        assert [
            (t["from_status"], t["to_status"], t["decision_number"], t["decision_date"], t["by"])
            for t in body["transitions"]
        ] == [("draft", "issued", "1035/QĐ-BVHTTDL", "2019-03-29", None)]
    else:
        assert response.json()["code"] == {401: "not_authenticated", 404: "not_found"}[status]


def _new_plan(**extra):
    return {
        "title": "Kế hoạch phát triển Chính phủ số giai đoạn 2021–2025",
        "organisation": "000.00.00.G16",
        "period_start": 2021,
        "period_end": 2025,
        "orientation_year": 2030,
        "source_number": "942/QĐ-TTg",
        "source_date": "2021-06-15",
        **extra,
    }


def test_create_plan_by_the_secretary(client, login, bvh_people, plans, tree):
    committee = make_committee(tree["bvh"])
    c = login(bvh_people["secretary"])
    response = post(c, API, _new_plan(committee=committee.pk, due_soon_days=10))
    assert response.status_code == 201
    plan = Plan.objects.get(title="Kế hoạch phát triển Chính phủ số giai đoạn 2021–2025")
    body = response.json()
    assert (body["id"], body["status"], body["issuer"], body["committee"], body["due_soon_days"]) == (
        plan.pk,
        "draft",
        "000.00.00.G16",
        committee.pk,
        10,
    )
    assert (body["source_date"], body["issued_on"], body["transitions"]) == ("2021-06-15", None, [])
    assert (plan.organisation_id, plan.issuer_id, plan.committee_id) == (tree["bvh"].pk, tree["bvh"].pk, committee.pk)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"organisation": "000.99.99.X99"}, "organisation"),
        ({"issuer": "000.99.99.X99"}, "issuer"),
        ({"committee": 999999}, "committee"),
        ({"period_end": 2020}, "period_end"),
        ({"orientation_year": 2024}, "orientation_year"),
        ({"period_start": "năm ngoái"}, "period_start"),
        ({"number": "kế hoạch 5"}, "number"),
        ({"title": ""}, "title"),
        ({"due_soon_days": 100}, "due_soon_days"),
        ({"issued_on": "2021-01-01"}, "issued_on"),  # before the decision it implements
    ],
)
def test_create_plan_bad_input(client, login, bvh_people, plans, extra, field):
    before = state()
    response = post(login(bvh_people["secretary"]), API, _new_plan(**extra))
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "validation_error", field)
    assert state() == before


def test_create_plan_with_another_organisations_committee(client, login, bvh_people, plans, tree):
    other = make_committee(tree["nd"], number="100/QĐ-UBND")
    before = state()
    response = post(login(bvh_people["sysadmin"]), API, _new_plan(committee=other.pk))
    assert (response.status_code, response.json()["field"]) == (422, "committee")
    assert state() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("viewer", 403), ("leader", 403), ("specialist", 403), ("qt_admin", 422)],
)
def test_create_plan_denied_changes_nothing(client, login, bvh_people, plans, persona, status):
    before = state()
    response = post(as_(login, client, bvh_people, persona), API, _new_plan())
    assert response.status_code == status
    assert state() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("applicant", 404),
        ("qt_admin", 404),
        ("viewer", 403),
        ("leader", 403),
        ("secretary", 200),
    ],
)
def test_update_plan_matrix(client, login, bvh_people, plans, persona, status):
    plan = plans["draft"]
    before = state()
    response = patch(as_(login, client, bvh_people, persona), f"{API}/{plan.pk}", {"signer": "Nguyễn Văn Hùng"})
    assert response.status_code == status
    plan.refresh_from_db()
    if status == 200:
        assert response.json()["signer"] == plan.signer == "Nguyễn Văn Hùng"
    else:
        assert state() == before


def test_update_plan_rules(client, login, bvh_people, plans):
    c = login(bvh_people["secretary"])
    issued = plans["issued"]
    before = state()
    # Tasks due in 2019 no longer fit a period that starts in 2021.
    narrowed = patch(c, f"{API}/{issued.pk}", {"period_start": 2021, "period_end": 2021, "orientation_year": None})
    assert (narrowed.status_code, narrowed.json()["field"]) == (422, "period_end")
    missing = patch(c, f"{API}/{issued.pk}", {"issued_on": None})
    assert (missing.status_code, missing.json()["field"]) == (422, "issued_on")
    unknown = patch(c, f"{API}/{issued.pk}", {"organisation": "000.99.99.X99"})
    assert (unknown.status_code, unknown.json()["field"]) == (422, "organisation")
    assert state() == before
    moved = patch(c, f"{API}/{issued.pk}", {"due_soon_days": 0})
    assert (moved.status_code, moved.json()["due_soon_days"]) == (200, 0)


def test_lifecycle_through_the_api(client, login, bvh_people, plans, tree):
    c = login(bvh_people["secretary"])
    draft = plans["draft"]
    empty = post(
        c,
        f"{API}/{draft.pk}/transition",
        {"to": "issued", "decision_number": "5/QĐ-BVHTTDL", "decision_date": "2021-01-10"},
    )
    assert (empty.status_code, empty.json()["message"]) == (422, "Kế hoạch chưa có đầu việc nào, chưa ban hành được.")
    make_task(draft, tree["bvh_cntt"], deadline="Quý II/2021")
    before = state()
    closing = post(c, f"{API}/{draft.pk}/transition", {"to": "closed"})
    assert (closing.status_code, closing.json()["code"]) == (409, "invalid_transition")
    assert closing.json()["message"] == "Không thể chuyển kế hoạch từ “Dự thảo” sang “Đã kết thúc”."
    no_number = post(c, f"{API}/{draft.pk}/transition", {"to": "issued", "decision_date": "2021-01-10"})
    assert (no_number.status_code, no_number.json()["field"]) == (422, "decision_number")
    bogus = post(c, f"{API}/{draft.pk}/transition", {"to": "published"})
    assert (bogus.status_code, bogus.json()["field"]) == (422, "to")
    assert state() == before
    issued = post(
        c,
        f"{API}/{draft.pk}/transition",
        {"to": "issued", "decision_number": "5/QĐ-BVHTTDL", "decision_date": "2021-01-10"},
    )
    assert issued.status_code == 200
    body = issued.json()
    assert (body["status"], body["number"], body["issued_on"]) == ("issued", "5/QĐ-BVHTTDL", "2021-01-10")
    assert [(t["from_status"], t["to_status"], t["by"]) for t in body["transitions"]] == [
        ("draft", "issued", "bvh.secretary")
    ]
    closed = post(c, f"{API}/{draft.pk}/transition", {"to": "closed", "reason": "Hoàn thành giai đoạn"})
    assert closed.json()["status"] == "closed"
    assert list(PlanTransition.objects.filter(plan=draft).values_list("to_status", flat=True)) == ["issued", "closed"]
    after_close = patch(c, f"{API}/{draft.pk}", {"signer": "X"})
    assert (after_close.status_code, after_close.json()["code"]) == (409, "invalid_transition")


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 403), ("leader", 403)]
)
def test_transition_denied_changes_nothing(client, login, bvh_people, plans, persona, status):
    before = state()
    response = post(as_(login, client, bvh_people, persona), f"{API}/{plans['issued'].pk}/transition", {"to": "closed"})
    assert response.status_code == status
    assert state() == before


def test_task_tree(client, login, bvh_people, plans):
    plan, tasks = plans["issued"], plans["tasks"]
    section = tasks["portal"].parent
    tree_ = login(bvh_people["specialist"]).get(f"{API}/{plan.pk}/tasks").json()
    assert [(t["id"], t["number"], t["depth"], t["kind"], t["parent"]) for t in tree_] == [
        (section.pk, "1", 1, "section", None),
        (tasks["portal"].pk, "1.1", 2, "task", section.pk),
        (tasks["digitise"].pk, "1.2", 2, "task", section.pk),
        (tasks["recurring"].pk, "1.3", 2, "task", section.pk),
    ]
    assert tree_[0]["status"] is None
    assert tree_[1] == {
        "id": tasks["portal"].pk,
        "plan": plan.pk,
        "parent": section.pk,
        "kind": "task",
        "depth": 2,
        "number": "1.1",
        "title": "Xây dựng Cổng dịch vụ công",
        "product": "",
        "lead_unit": "000.00.02.G16",
        "lead_unit_name": "Trung tâm Công nghệ thông tin",
        "cooperating_units": [],
        "responsible_leader": None,
        "priority": "normal",
        "deadline": "Tháng 9/2019",
        "deadline_kind": "month",
        "due_date": "2019-09-30",
        "percent": 0,
        "status": "overdue",
        "last_report_on": None,
        "completion_requested": False,
        "completed_on": None,
        "dropped_on": None,
        "dropped_reason": "",
    }
    assert (tree_[2]["deadline"], tree_[2]["due_date"], tree_[2]["deadline_kind"]) == ("Năm 2019", "2019-12-31", "year")
    assert (tree_[3]["deadline"], tree_[3]["deadline_kind"]) == ("Thường xuyên, đến năm 2025", "recurring")


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 401), ("applicant", 404), ("qt_admin", 404), ("viewer", 200)]
)
def test_task_tree_matrix(client, login, bvh_people, plans, persona, status):
    response = as_(login, client, bvh_people, persona).get(f"{API}/{plans['issued'].pk}/tasks")
    assert response.status_code == status
    if status == 200:
        assert len(response.json()) == 4


def test_task_tree_query_count(client, login, bvh_people, plans, tree, django_assert_max_num_queries):
    plan = plans["issued"]
    for i in range(10):
        make_task(plan, tree["bvh_cntt"], title=f"Đầu việc bổ sung {i}", deadline="Năm 2020")
    c = login(bvh_people["secretary"])
    with django_assert_max_num_queries(12):
        response = c.get(f"{API}/{plan.pk}/tasks")
    assert len(response.json()) == 14


def test_openapi_lists_the_plans_paths(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = {path: set(ops) for path, ops in spec["paths"].items() if path.startswith("/api/v1/plans")}
    assert paths == {
        "/api/v1/plans": {"get", "post"},
        "/api/v1/plans/{id}": {"get", "patch"},
        "/api/v1/plans/{id}/transition": {"post"},
        "/api/v1/plans/{id}/tasks": {"get", "post"},
        "/api/v1/plans/committees": {"get", "post"},
        "/api/v1/plans/committees/{id}": {"get", "patch"},
        "/api/v1/plans/committees/{id}/members": {"post"},
        "/api/v1/plans/members/{id}": {"patch"},
        "/api/v1/plans/members/{id}/leave": {"post"},
        "/api/v1/plans/my-tasks": {"get"},
        "/api/v1/plans/tasks/{id}": {"get", "patch", "delete"},
        "/api/v1/plans/tasks/{id}/reports": {"get", "post"},
        "/api/v1/plans/tasks/{id}/reports/upload": {"post"},
        "/api/v1/plans/tasks/{id}/review": {"post"},
        "/api/v1/plans/tasks/{id}/urge": {"post"},
        "/api/v1/plans/tasks/{id}/deadline": {"post"},
        "/api/v1/plans/tasks/{id}/drop": {"post"},
        "/api/v1/plans/tasks/{id}/history": {"get"},
        "/api/v1/plans/committees/{id}/meetings": {"get", "post"},
        "/api/v1/plans/meetings/{id}": {"get", "patch"},
        "/api/v1/plans/meetings/{id}/agenda": {"post"},
        "/api/v1/plans/meetings/{id}/agenda/{item_id}": {"delete"},
        "/api/v1/plans/meetings/{id}/conclusions": {"post"},
        "/api/v1/plans/meetings/{id}/conclude": {"post"},
        "/api/v1/plans/meetings/{id}/minutes.pdf": {"get"},
        "/api/v1/plans/overlaps": {"get"},
        "/api/v1/plans/overlaps/scan": {"post"},
        "/api/v1/plans/overlaps/{id}/decide": {"post"},
        "/api/v1/plans/{id}/dashboard": {"get"},
        "/api/v1/plans/organisations/{code}/dashboard": {"get"},
        "/api/v1/plans/rollup": {"get"},
    }
    # Every reference resolves, every operation id is unique, and path parameters are integers.
    schemas = spec["components"]["schemas"]
    refs = schema_refs(spec)
    assert refs <= set(schemas)
    operation_ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))
    detail = spec["paths"]["/api/v1/plans/tasks/{id}"]["get"]
    assert [(p["name"], p["in"], p["schema"]["type"]) for p in detail["parameters"]] == [("id", "path", "integer")]
    assert schemas["TaskOut"]["properties"]["status"]["anyOf"][0]["$ref"].endswith("TaskStatus")
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


def test_session_writes_need_the_csrf_token(bvh_people, plans):
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(bvh_people["secretary"], backend="django.contrib.auth.backends.ModelBackend")
    url = f"{API}/{plans['draft'].pk}"
    before = state()
    assert patch(c, url, {"signer": "Không có mã CSRF"}).status_code == 403
    assert state() == before
    token = _get_new_csrf_string()
    c.cookies[settings.CSRF_COOKIE_NAME] = token
    response = patch(c, url, {"signer": "Có mã CSRF"}, HTTP_X_CSRFTOKEN=token)
    assert (response.status_code, response.json()["signer"]) == (200, "Có mã CSRF")
