"""Overlapping tasks API: scanning, listing what each person may see, linking or dismissing a pair."""

from __future__ import annotations

import pytest

from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.plans.models import OverlapCandidate, Task, TaskEvent, TaskLink
from egov.plans.tests.api_support import API, post
from egov.plans.tests.factories import issue, make_committee, make_plan, make_task

pytestmark = pytest.mark.django_db

# Per plan owner: the tasks, each led by the owner's unit. Three pairs describe the same work.
CORPUS = {
    "nd": [
        "Bảo đảm an toàn thông tin theo mô hình 4 lớp",
        "Đào tạo, bồi dưỡng kỹ năng số cho cán bộ, công chức",
        "Nâng cấp hạ tầng mạng diện rộng của tỉnh (WAN)",
        "Xây dựng Trung tâm điều hành thông minh (IOC)",
    ],
    "stttt": [
        "Triển khai bảo đảm an toàn thông tin mạng theo mô hình 4 lớp",
        "Xây dựng kho dữ liệu dùng chung của tỉnh",
        "Ứng dụng công nghệ thông tin trong quản lý văn bản",
    ],
    "bvh": [
        "Đào tạo kỹ năng số cho cán bộ, công chức, viên chức",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "Xây dựng Cổng dịch vụ công của Bộ",
    ],
}


@pytest.fixture
def corpus(tree, people):
    units = {"nd": tree["nd_vp"], "stttt": tree["nd_stttt_cntt"], "bvh": tree["bvh_cntt"]}
    owners = {"nd": tree["nd"], "stttt": tree["nd_stttt"], "bvh": tree["bvh"]}
    committee = make_committee(tree["nd"], number="2508/QĐ-UBND")
    plans, tasks = {}, {}
    for key, titles in CORPUS.items():
        plan = make_plan(
            owners[key], title=f"Kế hoạch chính phủ điện tử ({key})", committee=committee if key == "nd" else None
        )
        for title in titles:
            tasks[title] = make_task(plan, units[key], title=title)
        issue(plan, number=f"{len(key)}0/QĐ-UBND")
        plans[key] = plan
    return {
        "committee": committee,
        "plans": plans,
        "tasks": {t: Task.objects.get(pk=task.pk) for t, task in tasks.items()},
        "secretary": make_person("nd.secretary", tree["nd_vp"], "plan_secretary", role_org=tree["nd"]),
    }


def as_(persona, client, login, people, corpus):
    if persona == "anonymous":
        client.logout()
        return client
    if persona == "secretary":
        return login(corpus["secretary"])
    return login(people[persona])


def everything():
    return (
        list(OverlapCandidate.objects.order_by("pk").values_list("pk", "status", "score", "note", "decided_by")),
        list(TaskLink.objects.order_by("pk").values_list("task_id", "related_task_id")),
        TaskEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def pairs(items):
    return [(i["task_a"]["title"], i["task_b"]["title"], round(i["score"], 4), i["status"]) for i in items]


SECURITY = (
    "Bảo đảm an toàn thông tin theo mô hình 4 lớp",
    "Triển khai bảo đảm an toàn thông tin mạng theo mô hình 4 lớp",
)
TRAINING = (
    "Đào tạo, bồi dưỡng kỹ năng số cho cán bộ, công chức",
    "Đào tạo kỹ năng số cho cán bộ, công chức, viên chức",
)


# --- scanning -----------------------------------------------------------------------------------------------


def test_secretary_scans_what_they_manage(client, login, corpus):
    c = login(corpus["secretary"])
    response = post(c, f"{API}/overlaps/scan", {})
    assert response.status_code == 200
    # Nam Định's secretary sees Nam Định's plan and its Sở's (7 tasks), not the ministry's.
    assert response.json() == {"created": 1, "updated": 0, "removed": 0, "compared": 3, "tasks": 7}
    again = post(c, f"{API}/overlaps/scan", {"committee": corpus["committee"].pk})
    # The committee follows Nam Định's plan only: fewer pairs compared, the same one found, nothing new.
    assert again.json() == {"created": 0, "updated": 0, "removed": 0, "compared": 2, "tasks": 7}
    assert AuditEvent.objects.filter(action="plans.overlap.scan").count() == 2
    listed = c.get(f"{API}/overlaps").json()
    t = corpus["tasks"]
    candidate = OverlapCandidate.objects.get()
    assert listed == {
        "count": 1,
        "page": 1,
        "page_size": 50,
        "pages": 1,
        "items": [
            {
                "id": candidate.pk,
                "score": candidate.score,
                "same_plan": False,
                "status": "open",
                "note": "",
                "detected_at": listed["items"][0]["detected_at"],
                "decided_by": None,
                "decided_at": None,
                "task_a": {
                    "id": t[SECURITY[0]].pk,
                    "plan": corpus["plans"]["nd"].pk,
                    "organisation": "000.00.00.H40",
                    "title": SECURITY[0],
                    "lead_unit": "000.00.01.H40",
                },
                "task_b": {
                    "id": t[SECURITY[1]].pk,
                    "plan": corpus["plans"]["stttt"].pk,
                    "organisation": "000.00.12.H40",
                    "title": SECURITY[1],
                    "lead_unit": "000.02.12.H40",
                },
            }
        ],
    }
    assert round(candidate.score, 4) == 0.7824


def test_national_scan_and_filters(client, login, people, corpus):
    c = login(people["sysadmin"])
    assert post(c, f"{API}/overlaps/scan", {"plans": [corpus["plans"]["bvh"].pk]}).json() == {
        "created": 1,
        "updated": 0,
        "removed": 0,
        "compared": 1,
        "tasks": 10,
    }
    assert post(c, f"{API}/overlaps/scan", {}).json()["created"] == 1
    everyone = c.get(f"{API}/overlaps").json()["items"]
    assert pairs(everyone) == [(*SECURITY, 0.791, "open"), (*TRAINING, 0.6277, "open")]
    by_plan = c.get(f"{API}/overlaps", {"plan": corpus["plans"]["bvh"].pk}).json()["items"]
    assert pairs(by_plan) == [(*TRAINING, 0.6277, "open")]
    by_committee = c.get(f"{API}/overlaps", {"committee": corpus["committee"].pk}).json()["items"]
    assert pairs(by_committee) == [(*SECURITY, 0.791, "open"), (*TRAINING, 0.6277, "open")]
    assert c.get(f"{API}/overlaps", {"status": "linked"}).json()["count"] == 0
    paged = c.get(f"{API}/overlaps", {"page": 2, "page_size": 1}).json()
    assert (paged["count"], paged["pages"], pairs(paged["items"])) == (2, 2, [(*TRAINING, 0.6277, "open")])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"plans": [1], "committee": 1}, "plans"),
        ({"plans": []}, "plans"),
        ({"plans": [999999]}, "plans"),
        ({"plans": ["một"]}, "plans.0"),
        ({"plans": "bvh"}, "plans"),  # the ministry's plan: not visible to Nam Định's secretary
        ({"committee": 999999}, "committee"),
    ],
)
def test_scan_bad_input(client, login, corpus, body, field):
    if body.get("plans") == "bvh":
        body = {"plans": [corpus["plans"]["bvh"].pk]}
    before = everything()
    response = post(login(corpus["secretary"]), f"{API}/overlaps/scan", body)
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "validation_error", field)
    assert everything() == before


@pytest.mark.parametrize(
    ("persona", "body", "status"),
    [
        ("anonymous", {}, 401),
        ("applicant", {}, 403),
        ("qt_admin", {}, 403),  # manages no plan
        ("qt_admin", "committee", 422),  # Nam Định's committee: unknown to Quảng Trị
        ("nd_leader", {}, 403),
        ("nd_leader", "committee", 403),
        ("nd_leader", "plan", 403),
    ],
)
def test_scan_denied_changes_nothing(client, login, people, corpus, persona, body, status):
    if body == "committee":
        body = {"committee": corpus["committee"].pk}
    elif body == "plan":
        body = {"plans": [corpus["plans"]["nd"].pk]}
    before = everything()
    response = post(as_(persona, client, login, people, corpus), f"{API}/overlaps/scan", body)
    assert response.status_code == status
    assert everything() == before


# --- listing ------------------------------------------------------------------------------------------------


@pytest.fixture
def scanned(client, login, people, corpus):
    post(login(people["sysadmin"]), f"{API}/overlaps/scan", {})
    client.logout()
    return {
        "security": OverlapCandidate.objects.get(task_a__title=SECURITY[0]),
        "training": OverlapCandidate.objects.get(task_a__title=TRAINING[0]),
    }


@pytest.mark.parametrize(
    ("persona", "status", "expected"),
    [
        ("anonymous", 401, None),
        ("applicant", 403, None),
        ("qt_admin", 200, []),
        ("nd_specialist", 200, []),  # sees the Sở's task, not Nam Định's
        ("nd_leader", 200, [SECURITY]),  # sees Nam Định's tasks, not the ministry's
        ("sysadmin", 200, [SECURITY, TRAINING]),
    ],
)
def test_list_matrix(client, login, people, corpus, scanned, persona, status, expected):
    response = as_(persona, client, login, people, corpus).get(f"{API}/overlaps")
    assert response.status_code == status
    if expected is not None:
        assert [(i["task_a"]["title"], i["task_b"]["title"]) for i in response.json()["items"]] == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [({"plan": 999999}, "plan"), ({"plan": "bvh"}, "plan"), ({"committee": 999999}, "committee"),
     ({"status": "maybe"}, "status"), ({"plan": "một"}, "plan"), ({"page": 0}, "page")],
)  # fmt: skip
def test_list_bad_filters(client, login, corpus, scanned, query, field):
    if query.get("plan") == "bvh":
        query = {"plan": corpus["plans"]["bvh"].pk}
    response = login(corpus["secretary"]).get(f"{API}/overlaps", query)
    assert (response.status_code, response.json()["field"]) == (422, field)


# --- deciding -----------------------------------------------------------------------------------------------


def test_link_then_decided(client, login, corpus, scanned):
    c = login(corpus["secretary"])
    pair = scanned["security"]
    url = f"{API}/overlaps/{pair.pk}/decide"
    before = everything()
    for body, field in (({"decision": "maybe"}, "decision"), ({"decision": "linked", "note": "x" * 1001}, "note")):
        response = post(c, url, body)
        assert (response.status_code, response.json()["field"]) == (422, field)
    assert everything() == before
    linked = post(c, url, {"decision": "linked", "note": "Cùng một hệ thống"})
    assert linked.status_code == 200
    body = linked.json()
    assert (body["id"], body["status"], body["note"], body["decided_by"], body["decided_at"] is not None) == (
        pair.pk,
        "linked",
        "Cùng một hệ thống",
        "nd.secretary",
        True,
    )
    a, b = pair.task_a_id, pair.task_b_id
    assert sorted(TaskLink.objects.values_list("task_id", "related_task_id")) == sorted([(a, b), (b, a)])
    assert TaskEvent.objects.filter(kind="linked").count() == 2
    assert AuditEvent.objects.filter(action="plans.overlap.decide", object_id=str(pair.pk)).count() == 1
    after = everything()
    again = post(c, url, {"decision": "dismissed"})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    assert everything() == after
    assert c.get(f"{API}/overlaps", {"status": "linked"}).json()["items"][0]["id"] == pair.pk
    assert c.get(f"{API}/overlaps").json()["count"] == 0


def test_dismiss(client, login, people, corpus, scanned):
    c = login(people["sysadmin"])
    response = post(c, f"{API}/overlaps/{scanned['training'].pk}/decide", {"decision": "dismissed"})
    assert (response.status_code, response.json()["status"], response.json()["note"]) == (200, "dismissed", "")
    assert TaskLink.objects.count() == 0
    assert c.get(f"{API}/overlaps", {"status": "dismissed"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("persona", "pair", "status"),
    [
        ("anonymous", "security", 401),
        ("applicant", "security", 404),
        ("qt_admin", "security", 404),
        ("nd_leader", "security", 403),  # sees both tasks, manages neither plan
        ("secretary", "training", 404),  # the ministry's task is out of sight
    ],
)
def test_decide_denied_changes_nothing(client, login, people, corpus, scanned, persona, pair, status):
    before = everything()
    c = as_(persona, client, login, people, corpus)
    response = post(c, f"{API}/overlaps/{scanned[pair].pk}/decide", {"decision": "linked"})
    assert response.status_code == status
    assert everything() == before
