"""Plan pages: list, form, lifecycle and the plan with its task tree; permissions; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov.accounts.tests.factories import make_person
from egov.plans import services
from egov.plans.models import Plan, PlanStatus, PlanTransition, Task
from egov.plans.tests.factories import (
    SYSTEM,
    issue,
    issued_plan,
    make_committee,
    make_plan,
    make_section,
    make_task,
)


@pytest.fixture
def sec(tree):
    return make_person("sec", tree["bvh"], "plan_secretary")


@pytest.fixture
def spec(tree):
    """A specialist of the ministry: sees its plans, may not manage them."""
    return make_person("bvh.spec", tree["bvh"], "specialist")


PLAN_POST = {
    "title": "Kế hoạch chuyển đổi số ngành văn hóa",
    "signer": "Tạ Quang Đông",
    "source_title": "Nghị quyết về Chính phủ điện tử",
    "source_number": "17/NQ-CP",
    "source_date": "2019-03-07",
    "period_start": "2021",
    "period_end": "2025",
    "orientation_year": "2030",
    "due_soon_days": "7",
    "recurring_report_days": "92",
    "committee": "",
}


def plan_post(tree, **changes):
    return {**PLAN_POST, "organisation": tree["bvh"].pk, "issuer": tree["bvh"].pk, **changes}


def plans_state():
    return (
        list(
            Plan.objects.order_by("pk").values_list(
                "title", "status", "number", "issued_on", "period_start", "period_end", "orientation_year"
            )
        ),
        PlanTransition.objects.count(),
    )


class TestAnonymous:
    def test_pages_redirect_to_login_and_change_nothing(self, client, tree):
        plan = make_plan(tree["bvh"])
        before = plans_state()
        for name, args in [
            ("plans:index", []),
            ("plans:plan_create", []),
            ("plans:plan_detail", [plan.pk]),
            ("plans:plan_edit", [plan.pk]),
            ("plans:plan_transition", [plan.pk]),
        ]:
            url = reverse(name, args=args)
            for response in (client.get(url), client.post(url, plan_post(tree, to="issued"))):
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("accounts:login"))
        assert plans_state() == before


class TestList:
    def test_filters(self, login, sec, tree):
        older = make_plan(tree["bvh"], title="Kế hoạch ứng dụng CNTT 2019")
        issued = make_plan(tree["bvh"], title="Kế hoạch chuyển đổi số")
        make_task(issued, tree["bvh_cntt"])
        issue(issued)
        unit = make_plan(tree["bvh_cntt"], title="Kế hoạch của Trung tâm")
        make_plan(tree["qt"], title="Kế hoạch của Quảng Trị")
        client = login(sec)

        response = client.get(reverse("plans:index"))
        assert response.status_code == 200
        # Drafts (no issue date yet) first, newest first; then by issue date.
        assert [p.pk for p in response.context["page_obj"]] == [unit.pk, older.pk, issued.pk]
        html = response.content.decode()
        assert "1035/QĐ-BVHTTDL" in html
        assert 'govuk-tag--blue">Đã ban hành' in html

        def pks(**params):
            return [p.pk for p in client.get(reverse("plans:index"), params).context["page_obj"]]

        assert pks(q="chuyển đổi") == [issued.pk]
        assert pks(q="1035/QĐ") == [issued.pk]
        assert pks(status="draft") == [unit.pk, older.pk]
        assert pks(org=tree["bvh_cntt"].pk) == [unit.pk]
        # Unknown values are ignored rather than refused; a valid filter beside them still applies.
        assert pks(status="bogus", q="Trung tâm") == [unit.pk]
        assert pks(org=tree["qt"].pk) == [unit.pk, older.pk, issued.pk]

    def test_pagination(self, login, sec, tree):
        for i in range(27):
            make_plan(tree["bvh"], title=f"Kế hoạch số {i:02d}")
        client = login(sec)
        first = client.get(reverse("plans:index"))
        assert (len(first.context["page_obj"]), first.context["page_obj"].paginator.num_pages) == (25, 2)
        second = client.get(reverse("plans:index"), {"page": 2})
        assert [p.title for p in second.context["page_obj"]] == ["Kế hoạch số 01", "Kế hoạch số 00"]

    def test_who_sees_what(self, login, people, spec, tree):
        plan = make_plan(tree["bvh"])
        response = login(spec).get(reverse("plans:index"))
        assert [p.pk for p in response.context["page_obj"]] == [plan.pk]
        assert response.context["can_create"] is False
        assert reverse("plans:plan_create") not in response.content.decode()
        response = login(people["qt_clerk"]).get(reverse("plans:index"))
        assert (response.status_code, list(response.context["page_obj"])) == (200, [])
        assert login(people["applicant"]).get(reverse("plans:index")).status_code == 403

    def test_navigation_entry(self, login, spec, people):
        labels = [i["label"] for i in login(spec).get(reverse("plans:index")).context["nav_items"]]
        assert labels[labels.index("Lịch làm việc") + 1] == "Kế hoạch, nhiệm vụ"
        labels = [i["label"] for i in login(people["applicant"]).get("/").context["nav_items"]]
        assert "Kế hoạch, nhiệm vụ" not in labels


class TestCreate:
    def test_create(self, login, sec, tree):
        committee = make_committee(tree["bvh"])
        client = login(sec)
        response = client.get(reverse("plans:plan_create"), {"committee": committee.pk})
        assert response.status_code == 200
        form = response.context["form"]
        assert list(form.fields["organisation"].queryset) == [tree["bvh"], tree["bvh_cntt"]]
        assert (form.initial["organisation"], form.initial["committee"]) == (tree["bvh"].pk, str(committee.pk))
        assert "number" not in form.fields
        response = client.post(reverse("plans:plan_create"), plan_post(tree, committee=committee.pk))
        plan = Plan.objects.get()
        assert (response.status_code, response["Location"]) == (302, reverse("plans:plan_detail", args=[plan.pk]))
        assert (plan.title, plan.status, plan.number, plan.issued_on) == (PLAN_POST["title"], "draft", "", None)
        assert (plan.organisation, plan.issuer, plan.committee) == (tree["bvh"], tree["bvh"], committee)
        assert (plan.period_start, plan.period_end, plan.orientation_year) == (2021, 2025, 2030)
        assert (plan.source_number, plan.source_date, plan.due_soon_days) == ("17/NQ-CP", dt.date(2019, 3, 7), 7)
        html = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
        assert f'href="{reverse("plans:committee_detail", args=[committee.pk])}">{committee.name}</a>' in html
        assert 'govuk-tag--grey" id="plan-status">Dự thảo' in html
        assert "Chưa ban hành" in html

    @pytest.mark.parametrize(
        ("changes", "errors"),
        [
            ({"period_end": "2020"}, {"period_end": ["Năm kết thúc phải từ năm 2021 trở đi."]}),
            ({"orientation_year": "2024"},
             {"orientation_year": ["Năm định hướng phải từ năm kết thúc giai đoạn (2025) trở đi."]}),
            ({"period_start": "hai nghìn"}, {"period_start": ["Nhập năm bằng chữ số, ví dụ: 2025."]}),
            ({"source_number": "NQ 17"},
             {"source_number": ["Số, ký hiệu “NQ 17” không đúng dạng, ví dụ: 2508/QĐ-UBND."]}),
            ({"due_soon_days": "90"}, {"due_soon_days": ["Phải từ 0 đến 60."]}),
            ({"title": ""}, {"title": ["Trường này là bắt buộc."]}),
            ({"file": SimpleUploadedFile("kh.pdf", b"PK\x03\x04 zip")}, {"file": ["Tệp “kh.pdf” không phải PDF."]}),
        ],
    )  # fmt: skip
    def test_bad_input(self, login, sec, tree, changes, errors):
        response = login(sec).post(reverse("plans:plan_create"), plan_post(tree, **changes))
        assert response.status_code == 400
        assert response.context["form"].errors == errors
        assert 'class="govuk-error-summary"' in response.content.decode()
        assert Plan.objects.count() == 0

    def test_committee_of_another_organisation(self, login, sec, tree):
        # Visible to the secretary (it is the ministry's) but a unit's plan cannot be followed by... itself only.
        committee = make_committee(tree["bvh_cntt"], number="5/QĐ-TTCNTT")
        response = login(sec).post(reverse("plans:plan_create"), plan_post(tree, committee=committee.pk))
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "committee": ["Ban Chỉ đạo phải thuộc cơ quan của kế hoạch hoặc cơ quan cấp trên."]
        }
        assert Plan.objects.count() == 0

    def test_specialist_and_others_may_not_create(self, login, spec, people, tree):
        for user in (spec, people["qt_clerk"], people["nd_leader"]):
            client = login(user)
            assert client.get(reverse("plans:plan_create")).status_code == 403
            assert client.post(reverse("plans:plan_create"), plan_post(tree)).status_code == 403
        assert Plan.objects.count() == 0


class TestEdit:
    def test_edit_draft(self, login, sec, tree):
        plan = make_plan(tree["bvh"])
        client = login(sec)
        response = client.get(reverse("plans:plan_edit", args=[plan.pk]))
        assert response.status_code == 200
        assert response.context["form"].initial["period_start"] == 2019
        response = client.post(reverse("plans:plan_edit", args=[plan.pk]), plan_post(tree, title="Kế hoạch mới"))
        assert response.status_code == 302
        plan.refresh_from_db()
        assert (plan.title, plan.period_start, plan.period_end, plan.orientation_year) == (
            "Kế hoạch mới",
            2021,
            2025,
            2030,
        )

    def test_narrowing_the_period_below_a_task_is_refused(self, login, sec, tree):
        plan = make_plan(tree["bvh"], period=(2019, 2025), orientation_year=None)
        make_task(plan, tree["bvh_cntt"], deadline="Năm 2024", number="7")
        before = plans_state()
        response = login(sec).post(
            reverse("plans:plan_edit", args=[plan.pk]),
            plan_post(tree, period_start="2019", period_end="2020", orientation_year=""),
        )
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "period_end": ["1 đầu việc có thời hạn ngoài giai đoạn mới (STT: 7)."]
        }
        assert plans_state() == before

    def test_issued_plan_shows_number_fields(self, login, sec, tree):
        plan, _tasks = issued_plan(tree)
        response = login(sec).get(reverse("plans:plan_edit", args=[plan.pk]))
        assert response.context["form"].initial["number"] == "1035/QĐ-BVHTTDL"
        assert "issued_on" in response.context["form"].fields

    def test_closed_plan_cannot_be_edited(self, login, sec, tree):
        plan, _tasks = issued_plan(tree)
        services.plan_transition(actor=SYSTEM, plan=plan, to=PlanStatus.CLOSED)
        before = plans_state()
        client = login(sec)
        assert client.get(reverse("plans:plan_edit", args=[plan.pk])).status_code == 409
        assert client.post(reverse("plans:plan_edit", args=[plan.pk]), plan_post(tree)).status_code == 409
        assert client.get(reverse("plans:plan_transition", args=[plan.pk])).status_code == 409
        assert plans_state() == before

    def test_specialist_403_and_other_organisation_404(self, login, spec, people, tree):
        plan = make_plan(tree["bvh"])
        before = plans_state()
        for user, expected in ((spec, 403), (people["qt_admin"], 404), (people["applicant"], 404)):
            client = login(user)
            for name in ("plans:plan_edit", "plans:plan_transition"):
                url = reverse(name, args=[plan.pk])
                assert client.get(url).status_code == expected, (user, url)
                assert client.post(url, plan_post(tree, to="issued")).status_code == expected, (user, url)
        assert plans_state() == before


class TestTransition:
    def test_issuing_a_plan_without_tasks_is_refused(self, login, sec, tree):
        plan = make_plan(tree["bvh"])
        before = plans_state()
        response = login(sec).post(
            reverse("plans:plan_transition", args=[plan.pk]),
            {"to": "issued", "decision_number": "1035/QĐ-BVHTTDL", "decision_date": "2019-03-29"},
        )
        assert response.status_code == 400
        assert response.context["form"].non_field_errors() == ["Kế hoạch chưa có đầu việc nào, chưa ban hành được."]
        assert "Kế hoạch chưa có đầu việc nào, chưa ban hành được." in response.content.decode()
        assert plans_state() == before

    def test_issue_needs_a_well_formed_number_and_a_date(self, login, sec, tree):
        plan = make_plan(tree["bvh"])
        make_task(plan, tree["bvh_cntt"])
        before = plans_state()
        response = login(sec).post(
            reverse("plans:plan_transition", args=[plan.pk]), {"to": "issued", "decision_number": "QĐ/1035"}
        )
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "decision_number": ["Số, ký hiệu “QĐ/1035” không đúng dạng, ví dụ: 2508/QĐ-UBND."],
            "decision_date": ["Nhập ngày của quyết định."],
        }
        assert plans_state() == before

    def test_only_allowed_targets_are_offered(self, login, sec, tree):
        plan = make_plan(tree["bvh"])
        client = login(sec)
        response = client.get(reverse("plans:plan_transition", args=[plan.pk]))
        assert [value for value, _label in response.context["form"].fields["to"].choices] == ["issued"]
        response = client.post(reverse("plans:plan_transition", args=[plan.pk]), {"to": "closed"})
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["to"]
        assert Plan.objects.get().status == "draft"

    def test_issue_amend_close(self, login, sec, tree):
        plan = make_plan(tree["bvh"])
        make_task(plan, tree["bvh_cntt"])
        client = login(sec)
        url = reverse("plans:plan_transition", args=[plan.pk])
        response = client.post(
            url, {"to": "issued", "decision_number": "1035/QĐ-BVHTTDL", "decision_date": "2019-03-29"}
        )
        assert (response.status_code, response["Location"]) == (302, reverse("plans:plan_detail", args=[plan.pk]))
        plan.refresh_from_db()
        assert (plan.status, plan.number, plan.issued_on) == ("issued", "1035/QĐ-BVHTTDL", dt.date(2019, 3, 29))

        response = client.post(
            url, {"to": "amended", "decision_number": "2200/QĐ-BVHTTDL", "decision_date": "2020-06-01"}
        )
        assert response.status_code == 400
        assert response.context["form"].errors == {"reason": ["Trường này là bắt buộc."]}
        response = client.post(
            url,
            {"to": "amended", "decision_number": "2200/QĐ-BVHTTDL", "decision_date": "2020-06-01",
             "reason": "Bổ sung nhiệm vụ chuyển đổi số"},
        )  # fmt: skip
        assert response.status_code == 302
        assert client.post(url, {"to": "closed"}).status_code == 302
        plan.refresh_from_db()
        assert (plan.status, plan.number) == ("closed", "1035/QĐ-BVHTTDL")
        assert list(plan.transitions.values_list("from_status", "to_status", "decision_number", "reason", "by")) == [
            ("draft", "issued", "1035/QĐ-BVHTTDL", "", sec.pk),
            ("issued", "amended", "2200/QĐ-BVHTTDL", "Bổ sung nhiệm vụ chuyển đổi số", sec.pk),
            ("amended", "closed", "", "", sec.pk),
        ]
        html = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
        assert "Đã ban hành → Đã sửa đổi, bổ sung" in html
        assert "Bổ sung nhiệm vụ chuyển đổi số" in html
        assert reverse("plans:plan_edit", args=[plan.pk]) not in html


class TestDetail:
    def test_header_counts_and_tree(self, login, spec, tree):
        plan, tasks = issued_plan(tree)
        tasks["portal"].cooperating_units.set([tree["nd"], tree["bvh"]])
        response = login(spec).get(reverse("plans:plan_detail", args=[plan.pk]))
        assert response.status_code == 200
        ctx = response.context
        assert ctx["total"] == 3
        # Every deadline of the 2019–2020 plan has passed.
        assert [(c.status, c.label, c.count, c.tag_colour) for c in ctx["counts"]] == [("overdue", "Quá hạn", 3, "red")]
        rows = [(r.task.number, r.task.kind, r.depth, r.status_label, r.colour, r.cooperating) for r in ctx["rows"]]
        assert rows == [
            ("1", "section", 0, "", "", []),
            ("1.1", "task", 1, "Quá hạn", "red", ["Bộ Văn hóa, Thể thao và Du lịch", "Ủy ban nhân dân tỉnh Nam Định"]),
            ("1.2", "task", 1, "Quá hạn", "red", []),
            ("1.3", "task", 1, "Quá hạn", "red", []),
        ]
        html = response.content.decode()
        assert "1035/QĐ-BVHTTDL ngày 29/03/2019" in html
        assert "17/NQ-CP ngày 07/03/2019" in html
        assert "2019–2020, định hướng đến năm 2025" in html
        assert 'govuk-tag--blue" id="plan-status">Đã ban hành' in html
        assert '<strong class="govuk-tag govuk-tag--red">Quá hạn</strong>' in html
        assert "Bộ Văn hóa, Thể thao và Du lịch; Ủy ban nhân dân tỉnh Nam Định" in html
        assert "Dự thảo → Đã ban hành" in html
        assert "Tháng 9/2019" in html
        assert f'<a class="govuk-link" href="/plans/tasks/{tasks["portal"].pk}/">Xây dựng Cổng dịch vụ công</a>' in html
        assert ctx["rows"][1].url == reverse("plans:task_detail", args=[tasks["portal"].pk])
        assert (ctx["rows"][1].due, ctx["rows"][1].percent) == ("hạn 30/09/2019", "0%")
        assert ctx["can_manage"] is False
        assert 'id="plan-edit"' not in html
        assert 'id="plan-transition"' not in html

    def test_filters_keep_the_sections_above(self, login, spec, tree):
        # Deadlines years ahead, so the statuses do not depend on the day the test runs.
        plan = make_plan(tree["bvh"], period=(2026, 2035), orientation_year=None)
        infra = make_section(plan, title="Hạ tầng")
        make_task(plan, tree["bvh_cntt"], title="Nâng cấp trung tâm dữ liệu", deadline="Năm 2034", parent=infra)
        dropped = make_task(plan, tree["bvh_cntt"], title="Số hóa di sản", deadline="Năm 2035", parent=infra)
        data = make_section(plan, title="Dữ liệu")
        make_task(plan, tree["bvh"], title="Xây dựng kho dữ liệu", deadline="Năm 2035", parent=data)
        issue(plan, date=dt.date(2026, 1, 5))
        services.task_drop(actor=SYSTEM, task=dropped, reason="Đã có trong dự án khác", on=dt.date(2026, 2, 2))
        client = login(spec)
        url = reverse("plans:plan_detail", args=[plan.pk])

        def numbers(**params):
            return [r.task.number for r in client.get(url, params).context["rows"]]

        assert numbers() == ["1", "1.1", "1.2", "2", "2.1"]
        assert numbers(status="dropped") == ["1", "1.2"]
        assert numbers(status="not_started") == ["1", "1.1", "2", "2.1"]
        assert numbers(unit=tree["bvh"].pk) == ["2", "2.1"]
        assert numbers(unit=tree["bvh"].pk, status="dropped") == []
        assert numbers(status="nonsense", unit="abc") == ["1", "1.1", "1.2", "2", "2.1"]
        response = client.get(url, {"unit": tree["bvh"].pk, "status": "dropped"})
        assert "Không có đầu việc nào phù hợp." in response.content.decode()
        counts = [(c.status, c.count) for c in response.context["counts"]]
        assert counts == [("not_started", 2), ("dropped", 1)]

    def test_secretary_sees_the_actions(self, login, sec, tree):
        plan = make_plan(tree["bvh"])
        html = login(sec).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
        assert reverse("plans:plan_edit", args=[plan.pk]) in html
        assert reverse("plans:plan_transition", args=[plan.pk]) in html
        assert "Kế hoạch chưa có đầu việc nào." in html

    def test_other_organisation_gets_404_but_a_unit_with_a_task_sees_it(self, login, people, tree):
        plan, _tasks = issued_plan(tree)
        assert login(people["qt_clerk"]).get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 404
        assert login(people["applicant"]).get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 404
        unit_person = make_person("cntt", tree["bvh_cntt"], "specialist")
        assert login(unit_person).get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200


def _plan_with(tree, n: int) -> Plan:
    """A plan with sections of five tasks each, every task with two cooperating units."""
    plan = make_plan(tree["bvh"], title=f"Kế hoạch {n} đầu việc")
    section = None
    for i in range(n):
        if i % 5 == 0:
            section = make_section(plan, title=f"Mục {i // 5 + 1}")
        make_task(
            plan,
            tree["bvh_cntt"],
            title=f"Đầu việc {i + 1}",
            parent=section,
            cooperating_units=[tree["bvh"], tree["nd"]],
            deadline="Năm 2020",
        )
    return plan


def test_plan_detail_query_count_does_not_grow_with_tasks(login, sec, tree, django_assert_num_queries):
    small, large = _plan_with(tree, 5), _plan_with(tree, 50)
    assert Task.objects.filter(plan=large, kind="task").count() == 50
    client = login(sec)
    client.get(reverse("plans:plan_detail", args=[small.pk]))  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as small_queries:
        response = client.get(reverse("plans:plan_detail", args=[small.pk]))
    assert len(response.context["rows"]) == 6
    with django_assert_num_queries(len(small_queries)):
        response = client.get(reverse("plans:plan_detail", args=[large.pk]))
    assert len(response.context["rows"]) == 60
    assert response.context["rows"][-1].cooperating == [
        "Bộ Văn hóa, Thể thao và Du lịch",
        "Ủy ban nhân dân tỉnh Nam Định",
    ]
