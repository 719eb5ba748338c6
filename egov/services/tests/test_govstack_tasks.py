"""GovStack Registration API: tasks (the dossier's open step, or its intake) and completing them; statistics."""

import pytest
from freezegun import freeze_time

from egov.accounts.tests.factories import make_person
from egov.services.models import Dossier, DossierFile, DossierState, DossierStep
from egov.services.tests.test_govstack_support import (
    BASE,
    CLIENT,
    URLS,
    assert_matches_spec,
    post_json,
    sign_in,
    submit_via_api,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]
NOW = "2026-11-23 10:00:00+07:00"
CODE = "000.00.15.H40-261123-0001"
S = DossierState


def _complete(client, task_id, data=None):
    return post_json(client, f"{BASE}/tasks/{task_id}/complete", {"data": data or {}})


def _open_step(dossier) -> DossierStep:
    return dossier.steps.get(finished_at__isnull=True)


@freeze_time(NOW)
def test_a_dossier_from_intake_to_result_through_tasks(client, agency, version):
    submit_via_api(client, agency)
    dossier = Dossier.objects.get()

    sign_in(client, agency.officer)
    response = client.get(f"{BASE}/tasks")
    assert response.status_code == 200
    assert response.json() == [
        {
            "taskId": f"intake-{CODE}",
            "mainTaskId": CODE,
            "name": "Tiếp nhận hồ sơ",
            "roleId": "one_stop_officer",
            "created": "2026-11-23T10:00:00+07:00",
            "description": "Tiếp nhận",
            "serviceId": "1.001193",
            "serviceName": "Thủ tục đăng ký khai sinh",
            "fileId": CODE,
            "eFormId": "1.001193-v1",
            "status": {"code": "PENDING", "title": "Mới đăng ký"},
        }
    ]
    assert_matches_spec(response.json(), "/tasks", "get")
    response = client.get(f"{BASE}/tasks/intake-{CODE}")
    assert response.status_code == 200
    assert response.json() == {
        "taskId": f"intake-{CODE}",
        "taskName": "Tiếp nhận hồ sơ",
        "roleId": "one_stop_officer",
        "created": "2026-11-23T10:00:00+07:00",
        "description": "Tiếp nhận",
        "fileId": CODE,
        "serviceId": "1.001193",
        "serviceName": "Thủ tục đăng ký khai sinh",
        "eFormId": "1.001193-v1",
        "formVariables": {
            "child_name": {"value": "Trần Minh An", "type": "String"},
            "birth_date": {"value": "2026-11-02", "type": "String"},
        },
        "status": {"code": "PENDING", "title": "Mới đăng ký"},
        "data": {
            "action": {"value": "accept", "type": "String"},
            "kind": {"value": "intake", "type": "String"},
            "agencyCode": {"value": "000.00.15.H40", "type": "String"},
            "applicantName": {"value": "Nguyễn Thị Hoa", "type": "String"},
            "papers": {"value": 2, "type": "Long"},
        },
    }
    assert_matches_spec(response.json(), "/tasks/{taskId}", "get")

    # Intake: accepted, handed to the specialist.
    response = _complete(client, f"intake-{CODE}", {"assignee": {"value": "chuyenvien"}})
    assert response.status_code == 200, response.json()
    dossier.refresh_from_db()
    appraisal = _open_step(dossier)
    assert (dossier.state, appraisal.name, appraisal.assignee) == (S.PROCESSING, "Thẩm định hồ sơ", agency.specialist)
    assert response.json() == {
        "taskId": f"intake-{CODE}",
        "fileId": CODE,
        "serviceId": "1.001193",
        "status": {"code": "PENDING", "title": "Đang xử lý"},
        "variables": {
            "result": {
                "data": {
                    "action": {"value": "accept", "type": "String"},
                    "state": {"value": "processing", "type": "String"},
                    "nextTaskId": {"value": f"step-{appraisal.pk}", "type": "String"},
                }
            }
        },
    }
    assert_matches_spec(response.json(), "/tasks/{taskId}/complete", "post")
    assert client.get(f"{BASE}/tasks").json() == []  # the officer holds nothing now

    # Appraisal: the specialist hands over to the leader's approval.
    sign_in(client, agency.specialist)
    assert [t["taskId"] for t in client.get(f"{BASE}/tasks").json()] == [f"step-{appraisal.pk}"]
    assert client.get(f"{BASE}/tasks", {"assigneeId": "chuyenvien"}).json()[0]["assigneeId"] == "chuyenvien"
    response = _complete(client, f"step-{appraisal.pk}", {"note": {"value": "Đủ điều kiện"}})
    assert response.json()["variables"]["result"]["data"]["action"] == {"value": "hand_over", "type": "String"}
    approval = _open_step(dossier)
    assert approval.name == "Lãnh đạo phê duyệt, ký"
    appraisal.refresh_from_db()
    assert appraisal.note == "Đủ điều kiện"

    # Approval: the leader resolves, with the signed result uploaded first.
    sign_in(client, agency.leader)
    result = upload(client, "result").json()["url"]
    response = _complete(client, f"step-{approval.pk}", {"result": {"value": result}})
    assert response.status_code == 200, response.json()
    dossier.refresh_from_db()
    handback = _open_step(dossier)
    assert (dossier.state, handback.name) == (S.RESOLVED, "Trả kết quả")
    assert dossier.files.filter(kind=DossierFile.Kind.RESULT).count() == 1
    assert response.json()["status"] == {"code": "APPROVED", "title": "Đã xử lý xong"}

    # Return: the one-stop officer hands the result over.
    sign_in(client, agency.officer)
    response = _complete(client, f"step-{handback.pk}")
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.state == S.RETURNED
    assert response.json()["variables"]["result"]["data"] == {
        "action": {"value": "return", "type": "String"},
        "state": {"value": "returned", "type": "String"},
    }
    # A finished task is gone.
    assert _complete(client, f"step-{handback.pk}").status_code == 404


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("who", "list_status", "listed", "get_status", "complete_status"),
    [
        ("anonymous", 401, None, 401, 401),
        ("applicant", 200, [], 404, 404),
        ("other_officer", 200, [], 404, 404),
        ("specialist", 200, [], 200, 403),
        ("officer", 200, [f"intake-{CODE}"], 200, 200),
    ],
)
def test_task_permission_matrix(client, agency, version, who, list_status, listed, get_status, complete_status):
    submit_via_api(client, agency)
    users = {
        "anonymous": None,
        "applicant": agency.applicant,
        "other_officer": agency.other_officer,
        "specialist": agency.specialist,
        "officer": agency.officer,
    }
    sign_in(client, users[who])
    response = client.get(f"{BASE}/tasks")
    assert response.status_code == list_status
    if listed is not None:
        assert [t["taskId"] for t in response.json()] == listed
    assert client.get(f"{BASE}/tasks/intake-{CODE}").status_code == get_status
    response = _complete(client, f"intake-{CODE}")
    assert response.status_code == complete_status
    dossier = Dossier.objects.get()
    expected = S.PROCESSING if complete_status == 200 else S.SUBMITTED
    assert (dossier.state, dossier.steps.count()) == (expected, 2 if complete_status == 200 else 0)


@freeze_time(NOW)
def test_completing_a_step_the_caller_does_not_hold_changes_nothing(client, agency, version):
    submit_via_api(client, agency)
    sign_in(client, agency.officer)
    _complete(client, f"intake-{CODE}", {"assignee": {"value": "chuyenvien"}})
    dossier = Dossier.objects.get()
    appraisal = _open_step(dossier)
    for user in (agency.officer, agency.leader):
        sign_in(client, user)
        assert client.get(f"{BASE}/tasks").json() == []
        response = _complete(client, f"step-{appraisal.pk}")
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    sign_in(client, agency.other_officer)
    assert _complete(client, f"step-{appraisal.pk}").status_code == 404
    appraisal.refresh_from_db()
    assert (appraisal.finished_at, dossier.steps.count()) == (None, 2)


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("task", "body", "status", "field"),
    [
        ("intake-{code}", {"data": {"assignee": "chuyenvien"}}, 400, "data.assignee"),
        ("intake-{code}", {"data": {"assignee": {"value": 7}}}, 400, "data.assignee.value"),
        ("intake-{code}", {"data": {"assignee": {"value": "khong-co"}}}, 400, "data.assignee.value"),
        ("intake-{code}", {"data": {"assignee": {"value": "congdan"}}}, 400, "data.assignee.value"),
        ("intake-{code}", {"data": {"colour": {"value": "red"}}}, 400, "data.colour"),
        ("intake-{code}", {"data": []}, 400, "data"),
        ("intake-000.00.15.H40-261123-0009", {}, 404, None),
        ("step-x", {}, 404, None),
        ("nonsense", {}, 404, None),
    ],
)
def test_bad_task_completion(client, agency, version, task, body, status, field):
    submit_via_api(client, agency)
    sign_in(client, agency.officer)
    response = post_json(client, f"{BASE}/tasks/{task.format(code=CODE)}/complete", body)
    assert response.status_code == status, response.json()
    assert response.json().get("field") == field
    assert Dossier.objects.get().state == S.SUBMITTED


@freeze_time(NOW)
def test_assignee_without_the_step_permission_is_refused(client, agency, version):
    submit_via_api(client, agency)
    make_person("chuyenvienkhac", agency.org, "one_stop_officer")
    sign_in(client, agency.officer)
    response = _complete(client, f"intake-{CODE}", {"assignee": {"value": "chuyenvienkhac"}})
    assert (response.status_code, response.json()["field"]) == (400, "data.assignee")
    assert Dossier.objects.get().state == S.SUBMITTED


@freeze_time(NOW)
def test_task_list_sorting_and_filters(client, agency, version):
    submit_via_api(client, agency)
    submit_via_api(client, agency)
    second = CODE.replace("0001", "0002")
    sign_in(client, agency.officer)

    def ids(**params):
        response = client.get(f"{BASE}/tasks", params)
        assert response.status_code == 200, response.json()
        return [t["fileId"] for t in response.json()]

    assert ids(sortBy="instanceId", sortOrder="desc") == [second, CODE]
    assert ids(sortBy="instanceId", sortOrder="asc", maxResult=1) == [CODE]
    assert ids(fileId=second) == [second]
    assert ids(mainTaskId=CODE, fileId=second) == []
    response = client.get(f"{BASE}/tasks", {"sortBy": "colour", "sortOrder": "asc"})
    assert (response.status_code, response.json()["field"]) == (400, "sortBy")


@freeze_time(NOW)
def test_lists_take_the_same_queries_for_one_dossier_or_three(client, agency, version):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        out = []
        for user, url, extra in (
            (agency.officer, f"{BASE}/tasks", {}),
            (agency.officer, f"{BASE}/applications", CLIENT),
        ):
            sign_in(client, user)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, **extra).status_code == 200
            out.append(len(captured))
        return out

    submit_via_api(client, agency)
    one = counts()
    submit_via_api(client, agency)
    submit_via_api(client, agency)
    assert counts() == one
