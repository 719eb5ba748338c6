"""Committee pages: what each person sees and may change; bad input is refused with the field named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.accounts.tests.factories import make_person
from egov.plans import services
from egov.plans.models import CommitteeMember, MembershipChange, SteeringCommittee
from egov.plans.tests.factories import SYSTEM, make_committee, make_plan

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name: str = "qd-660.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def sec(tree):
    return make_person("sec", tree["bvh"], "plan_secretary")


@pytest.fixture
def spec(tree):
    """A specialist of the ministry: sees its committees, may not manage them."""
    return make_person("bvh.spec", tree["bvh"], "specialist")


@pytest.fixture
def committee(tree):
    return make_committee(tree["bvh"], decision_signer="Nguyễn Ngọc Thiện", duties="Chỉ đạo xây dựng Chính phủ số.")


def add(committee, name, role, *, org, joined=dt.date(2018, 11, 2), position="Vụ trưởng", part_time=True):
    values = {"full_name": name, "role": role, "position": position, "member_organisation": org, "part_time": part_time}
    return services.member_add(actor=SYSTEM, committee=committee, values=values, joined_on=joined)


def committee_state():
    return (
        list(SteeringCommittee.objects.order_by("pk").values_list("name", "decision_number", "decision_file")),
        list(CommitteeMember.objects.order_by("pk").values_list("full_name", "role", "left_on")),
        MembershipChange.objects.count(),
    )


COMMITTEE_POST = {
    "name": "Ban Chỉ đạo chuyển đổi số Bộ Văn hóa, Thể thao và Du lịch",
    "decision_number": "1035/QĐ-BVHTTDL",
    "decision_date": "2021-03-29",
    "decision_signer": "Nguyễn Văn Hùng",
    "regulation_number": "",
    "regulation_date": "",
    "duties": "Giúp Bộ trưởng chỉ đạo chuyển đổi số.",
    "dissolved_on": "",
}


def committee_post(tree, **changes):
    return {**COMMITTEE_POST, "organisation": tree["bvh"].pk, "decision_issuer": tree["bvh"].pk, **changes}


class TestAnonymous:
    def test_pages_redirect_to_login_and_change_nothing(self, client, committee, tree):
        member = add(committee, "Tạ Quang Đông", "head", org=tree["bvh"])
        before = committee_state()
        for name, args in [
            ("plans:committee_list", []),
            ("plans:committee_create", []),
            ("plans:committee_detail", [committee.pk]),
            ("plans:committee_edit", [committee.pk]),
            ("plans:member_add", [committee.pk]),
            ("plans:member_edit", [member.pk]),
            ("plans:member_leave", [member.pk]),
            ("plans:committee_file", [committee.pk, "decision"]),
        ]:
            url = reverse(name, args=args)
            for response in (client.get(url), client.post(url, {"name": "x", "left_on": "2020-01-01"})):
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("accounts:login"))
        assert committee_state() == before


class TestList:
    def test_secretary_sees_own_committees_only(self, login, sec, committee, tree):
        make_committee(tree["qt"], number="12/QĐ-UBND")
        response = login(sec).get(reverse("plans:committee_list"))
        assert response.status_code == 200
        assert [c.pk for c in response.context["committees"]] == [committee.pk]
        assert response.context["can_create"] is True
        html = response.content.decode()
        assert "660/QĐ-UBDT ngày 02/11/2018" in html
        assert reverse("plans:committee_create") in html

    def test_specialist_reads_without_create_button(self, login, spec, committee):
        response = login(spec).get(reverse("plans:committee_list"))
        assert [c.pk for c in response.context["committees"]] == [committee.pk]
        assert reverse("plans:committee_create") not in response.content.decode()

    def test_other_organisation_sees_nothing_and_applicant_is_refused(self, login, people, committee):
        response = login(people["qt_clerk"]).get(reverse("plans:committee_list"))
        assert (response.status_code, list(response.context["committees"])) == (200, [])
        assert login(people["applicant"]).get(reverse("plans:committee_list")).status_code == 403


class TestDetail:
    def test_members_in_role_order_with_history_and_plans(self, login, spec, committee, tree):
        member = add(committee, "Nguyễn Thị Lan", "member", org=tree["bvh_cntt"], position="Giám đốc Trung tâm")
        member.followed_units.set([tree["bvh_cntt"]])
        add(committee, "Tạ Quang Đông", "head", org=tree["bvh"], position="Thứ trưởng", part_time=True)
        gone = add(committee, "Lê Văn Cũ", "deputy", org=tree["bvh"], position="Chánh Văn phòng")
        services.member_leave(actor=SYSTEM, member=gone, left_on=dt.date(2020, 5, 4), decision_number="99/QĐ-BVHTTDL")
        services.member_update(
            actor=SYSTEM,
            member=member,
            values={"role": "deputy"},
            effective_on=dt.date(2020, 6, 1),
            decision_number="120/QĐ-BVHTTDL",
            note="Kiện toàn Ban Chỉ đạo",
        )
        plan = make_plan(tree["bvh"], committee=committee)
        make_plan(tree["bvh"], title="Kế hoạch khác")

        response = login(spec).get(reverse("plans:committee_detail", args=[committee.pk]))
        assert response.status_code == 200
        ctx = response.context
        assert [(m.full_name, m.role) for m in ctx["current_members"]] == [
            ("Tạ Quang Đông", "head"),
            ("Nguyễn Thị Lan", "deputy"),
        ]
        assert [m.full_name for m in ctx["former_members"]] == ["Lê Văn Cũ"]
        assert [(c.kind, c.member.full_name, c.effective_on, c.decision_number) for c in ctx["history"]] == [
            ("changed", "Nguyễn Thị Lan", dt.date(2020, 6, 1), "120/QĐ-BVHTTDL"),
            ("left", "Lê Văn Cũ", dt.date(2020, 5, 4), "99/QĐ-BVHTTDL"),
            ("joined", "Lê Văn Cũ", dt.date(2018, 11, 2), "660/QĐ-UBDT"),
            ("joined", "Tạ Quang Đông", dt.date(2018, 11, 2), "660/QĐ-UBDT"),
            ("joined", "Nguyễn Thị Lan", dt.date(2018, 11, 2), "660/QĐ-UBDT"),
        ]
        assert ctx["history"][0].summary == ["chức danh: Ủy viên → Phó Trưởng ban"]
        assert [p.pk for p in ctx["plans"]] == [plan.pk]
        assert ctx["can_manage"] is False
        html = response.content.decode()
        assert "Chỉ đạo xây dựng Chính phủ số." in html
        assert "Nguyễn Ngọc Thiện" in html
        assert "Trung tâm Công nghệ thông tin" in html
        assert "Thay đổi chức danh, nhiệm vụ: chức danh: Ủy viên → Phó Trưởng ban" in html
        assert reverse("plans:committee_edit", args=[committee.pk]) not in html
        assert reverse("plans:member_edit", args=[member.pk]) not in html
        # No file uploaded: no download links.
        assert reverse("plans:committee_file", args=[committee.pk, "decision"]) not in html

    def test_secretary_sees_the_edit_actions(self, login, sec, committee, tree):
        member = add(committee, "Tạ Quang Đông", "head", org=tree["bvh"])
        html = login(sec).get(reverse("plans:committee_detail", args=[committee.pk])).content.decode()
        for name, pk in [("committee_edit", committee.pk), ("member_add", committee.pk), ("member_edit", member.pk),
                         ("member_leave", member.pk)]:  # fmt: skip
            assert reverse(f"plans:{name}", args=[pk]) in html

    def test_other_organisation_gets_404(self, login, people, committee):
        assert login(people["qt_clerk"]).get(reverse("plans:committee_detail", args=[committee.pk])).status_code == 404
        assert login(people["applicant"]).get(reverse("plans:committee_detail", args=[committee.pk])).status_code == 404


class TestCreateAndEdit:
    def test_create_with_pdfs_then_download(self, login, sec, tree, spec, client):
        response = login(sec).post(
            reverse("plans:committee_create"),
            committee_post(
                tree,
                regulation_number="12/QĐ-BCĐ",
                regulation_date="2021-04-10",
                decision_file=pdf(),
                regulation_file=pdf("quy-che.pdf"),
            ),
        )
        committee = SteeringCommittee.objects.get()
        assert (response.status_code, response["Location"]) == (
            302,
            reverse("plans:committee_detail", args=[committee.pk]),
        )
        assert (committee.name, committee.organisation, committee.decision_issuer) == (
            COMMITTEE_POST["name"],
            tree["bvh"],
            tree["bvh"],
        )
        assert (committee.decision_number, committee.decision_date, committee.decision_signer) == (
            "1035/QĐ-BVHTTDL",
            dt.date(2021, 3, 29),
            "Nguyễn Văn Hùng",
        )
        assert (committee.regulation_number, committee.regulation_date) == ("12/QĐ-BCĐ", dt.date(2021, 4, 10))
        assert committee.duties == "Giúp Bộ trưởng chỉ đạo chuyển đổi số."
        assert committee.decision_file.name.startswith("plans/committees/qd-660")

        html = client.get(reverse("plans:committee_detail", args=[committee.pk])).content.decode()
        assert reverse("plans:committee_file", args=[committee.pk, "decision"]) in html
        assert reverse("plans:committee_file", args=[committee.pk, "regulation"]) in html

        # Anyone who may see the committee may download its decision.
        login(spec)
        response = client.get(reverse("plans:committee_file", args=[committee.pk, "decision"]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert b"".join(response.streaming_content) == PDF

    def test_form_offers_only_organisations_managed(self, login, sec, tree):
        response = login(sec).get(reverse("plans:committee_create"))
        assert response.status_code == 200
        form = response.context["form"]
        assert list(form.fields["organisation"].queryset) == [tree["bvh"], tree["bvh_cntt"]]
        assert form.initial["organisation"] == tree["bvh"].pk

    def test_non_pdf_upload_is_refused(self, login, sec, tree):
        upload = SimpleUploadedFile("qd.pdf", b"GIF89a not a pdf", content_type="application/pdf")
        response = login(sec).post(reverse("plans:committee_create"), committee_post(tree, decision_file=upload))
        assert response.status_code == 400
        assert response.context["form"].errors == {"decision_file": ["Tệp “qd.pdf” không phải PDF."]}
        assert 'href="#id_decision_file"' in response.content.decode()
        assert SteeringCommittee.objects.count() == 0

    def test_malformed_decision_number_and_missing_date(self, login, sec, tree):
        response = login(sec).post(
            reverse("plans:committee_create"), committee_post(tree, decision_number="QĐ 1035", decision_date="")
        )
        assert response.status_code == 400
        assert response.context["form"].errors["decision_date"] == ["Trường này là bắt buộc."]
        # Form-level parsing stops before the service; fix the date to see the service's number check.
        response = login(sec).post(reverse("plans:committee_create"), committee_post(tree, decision_number="QĐ 1035"))
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "decision_number": ["Số, ký hiệu “QĐ 1035” không đúng dạng, ví dụ: 2508/QĐ-UBND."]
        }
        assert SteeringCommittee.objects.count() == 0

    def test_duplicate_decision_and_dissolved_before_established(self, login, sec, tree, committee):
        response = login(sec).post(
            reverse("plans:committee_create"),
            committee_post(tree, decision_number="660/QĐ-UBDT", dissolved_on="2020-01-01"),
        )
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert errors["decision_number"] == [
            "Bộ Văn hóa, Thể thao và Du lịch đã có Ban Chỉ đạo thành lập theo quyết định 660/QĐ-UBDT."
        ]
        assert errors["dissolved_on"] == ["Ngày giải thể phải sau ngày quyết định thành lập."]
        assert SteeringCommittee.objects.count() == 1

    def test_organisation_outside_the_choices(self, login, sec, tree):
        response = login(sec).post(reverse("plans:committee_create"), committee_post(tree, organisation=tree["qt"].pk))
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["organisation"]
        assert SteeringCommittee.objects.count() == 0

    def test_edit(self, login, sec, tree, committee):
        client = login(sec)
        response = client.get(reverse("plans:committee_edit", args=[committee.pk]))
        assert response.status_code == 200
        assert response.context["form"].initial["decision_number"] == "660/QĐ-UBDT"
        response = client.post(
            reverse("plans:committee_edit", args=[committee.pk]),
            committee_post(tree, name="Ban Chỉ đạo Chính phủ số", decision_number="660/QĐ-UBDT",
                           decision_date="2018-11-02", decision_file=pdf()),
        )  # fmt: skip
        assert response.status_code == 302
        committee.refresh_from_db()
        assert (committee.name, committee.decision_signer) == ("Ban Chỉ đạo Chính phủ số", "Nguyễn Văn Hùng")
        assert committee.decision_file.name.startswith("plans/committees/qd-660")
        response = client.post(
            reverse("plans:committee_edit", args=[committee.pk]),
            committee_post(tree, decision_number="660/QĐ-UBDT", decision_date="2018-11-02", dissolved_on="2025-12-31"),
        )
        assert response.status_code == 302
        html = client.get(reverse("plans:committee_detail", args=[committee.pk])).content.decode()
        assert "Đã giải thể</strong>" in html
        assert "31/12/2025" in html
        # The file uploaded before is kept when the form leaves the upload empty.
        assert reverse("plans:committee_file", args=[committee.pk, "decision"]) in html

    def test_edit_bad_input_changes_nothing(self, login, sec, tree, committee):
        before = committee_state()
        response = login(sec).post(
            reverse("plans:committee_edit", args=[committee.pk]),
            committee_post(tree, name="", decision_file=SimpleUploadedFile("a.txt", b"hello")),
        )
        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"name"}
        assert committee_state() == before

    def test_specialist_may_not_create_or_edit(self, login, spec, tree, committee):
        client = login(spec)
        before = committee_state()
        assert client.get(reverse("plans:committee_create")).status_code == 403
        assert client.post(reverse("plans:committee_create"), committee_post(tree)).status_code == 403
        assert client.get(reverse("plans:committee_edit", args=[committee.pk])).status_code == 403
        response = client.post(reverse("plans:committee_edit", args=[committee.pk]), committee_post(tree, name="X"))
        assert response.status_code == 403
        assert committee_state() == before

    def test_other_organisation_gets_404_on_edit(self, login, people, tree, committee):
        client = login(people["qt_admin"])
        before = committee_state()
        assert client.get(reverse("plans:committee_edit", args=[committee.pk])).status_code == 404
        assert (
            client.post(reverse("plans:committee_edit", args=[committee.pk]), committee_post(tree)).status_code == 404
        )
        assert committee_state() == before


class TestFiles:
    def test_missing_file_unknown_kind_and_other_organisation(self, login, sec, people, tree):
        committee = services.committee_create(
            actor=SYSTEM,
            values={**committee_post(tree), "organisation": tree["bvh"], "decision_issuer": tree["bvh"],
                    "decision_date": dt.date(2021, 3, 29)},
            files={"decision_file": pdf()},
        )  # fmt: skip
        client = login(sec)
        assert client.get(reverse("plans:committee_file", args=[committee.pk, "regulation"])).status_code == 404
        assert client.get(reverse("plans:committee_file", args=[committee.pk, "minutes"])).status_code == 404
        assert client.get(reverse("plans:committee_file", args=[committee.pk, "decision"])).status_code == 200
        client = login(people["qt_clerk"])
        assert client.get(reverse("plans:committee_file", args=[committee.pk, "decision"])).status_code == 404


MEMBER_POST = {
    "full_name": "Nguyễn Thị Lan",
    "role": "member",
    "position": "Giám đốc Trung tâm Công nghệ thông tin",
    "part_time": "on",
    "responsibilities": "Theo dõi hạ tầng kỹ thuật",
    "joined_on": "2019-01-15",
    "decision_number": "",
}


class TestMembers:
    def test_add(self, login, sec, tree, committee):
        response = login(sec).post(
            reverse("plans:member_add", args=[committee.pk]),
            {**MEMBER_POST, "member_organisation": tree["bvh_cntt"].pk, "followed_units": [tree["bvh_cntt"].pk]},
        )
        assert (response.status_code, response["Location"]) == (
            302,
            reverse("plans:committee_detail", args=[committee.pk]),
        )
        member = CommitteeMember.objects.get()
        assert (member.full_name, member.role, member.position, member.member_organisation) == (
            "Nguyễn Thị Lan",
            "member",
            "Giám đốc Trung tâm Công nghệ thông tin",
            tree["bvh_cntt"],
        )
        assert (member.part_time, member.joined_on, member.left_on) == (True, dt.date(2019, 1, 15), None)
        assert list(member.followed_units.all()) == [tree["bvh_cntt"]]
        change = MembershipChange.objects.get()
        assert (change.kind, change.decision_number, change.effective_on) == (
            "joined",
            "660/QĐ-UBDT",
            dt.date(2019, 1, 15),
        )

    def test_add_full_time_member(self, login, sec, tree, committee):
        data = {**MEMBER_POST, "member_organisation": tree["bvh"].pk}
        del data["part_time"]
        assert login(sec).post(reverse("plans:member_add", args=[committee.pk]), data).status_code == 302
        assert CommitteeMember.objects.get().part_time is False

    def test_member_linked_to_an_account_takes_its_name(self, login, sec, tree, committee):
        leader = make_person("hai.lk", tree["bvh"], "deputy_leader")
        leader.full_name = "Lê Khánh Hải"
        leader.save(update_fields=["full_name"])
        other = make_person("qt.someone", tree["qt"], "leader")
        data = {**MEMBER_POST, "member_organisation": tree["bvh"].pk, "full_name": "", "user": leader.pk}
        assert login(sec).post(reverse("plans:member_add", args=[committee.pk]), data).status_code == 302
        member = CommitteeMember.objects.get()
        assert (member.user_id, member.full_name) == (leader.pk, "Lê Khánh Hải")
        # A person the secretary cannot see is not a choice.
        response = login(sec).post(reverse("plans:member_add", args=[committee.pk]), {**data, "user": other.pk})
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["user"]
        assert CommitteeMember.objects.count() == 1

    def test_second_head_and_joining_before_establishment(self, login, sec, tree, committee):
        add(committee, "Tạ Quang Đông", "head", org=tree["bvh"])
        before = committee_state()
        response = login(sec).post(
            reverse("plans:member_add", args=[committee.pk]),
            {**MEMBER_POST, "role": "head", "member_organisation": tree["bvh"].pk},
        )
        assert response.status_code == 400
        assert response.context["form"].errors == {"role": ["Ban Chỉ đạo đã có Trưởng ban: Tạ Quang Đông."]}
        response = login(sec).post(
            reverse("plans:member_add", args=[committee.pk]),
            {**MEMBER_POST, "joined_on": "2018-01-01", "member_organisation": tree["bvh"].pk},
        )
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "joined_on": ["Ngày tham gia không thể trước ngày thành lập Ban Chỉ đạo."]
        }
        assert committee_state() == before

    def test_edit_role_records_history(self, login, sec, tree, committee):
        member = add(committee, "Nguyễn Thị Lan", "member", org=tree["bvh_cntt"])
        client = login(sec)
        response = client.get(reverse("plans:member_edit", args=[member.pk]))
        assert response.status_code == 200
        assert response.context["form"].initial["role"] == "member"
        response = client.post(
            reverse("plans:member_edit", args=[member.pk]),
            {**MEMBER_POST, "role": "standing_deputy", "member_organisation": tree["bvh_cntt"].pk,
             "effective_on": "2021-02-01", "decision_number": "45/QĐ-BVHTTDL", "note": "Kiện toàn"},
        )  # fmt: skip
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.role == "standing_deputy"
        change = MembershipChange.objects.get(kind="changed")
        assert (change.effective_on, change.decision_number, change.note) == (
            dt.date(2021, 2, 1),
            "45/QĐ-BVHTTDL",
            "Kiện toàn",
        )
        assert (change.before["role"], change.after["role"]) == ("member", "standing_deputy")
        assert change.recorded_by == sec

    def test_edit_without_effective_date_changes_nothing(self, login, sec, tree, committee):
        member = add(committee, "Nguyễn Thị Lan", "member", org=tree["bvh_cntt"])
        before = committee_state()
        response = login(sec).post(
            reverse("plans:member_edit", args=[member.pk]),
            {**MEMBER_POST, "role": "deputy", "member_organisation": tree["bvh_cntt"].pk, "effective_on": ""},
        )
        assert response.status_code == 400
        assert response.context["form"].errors == {"effective_on": ["Trường này là bắt buộc."]}
        assert committee_state() == before

    def test_leave(self, login, sec, tree, committee):
        member = add(committee, "Nguyễn Thị Lan", "member", org=tree["bvh_cntt"], joined=dt.date(2019, 1, 15))
        client = login(sec)
        assert client.get(reverse("plans:member_leave", args=[member.pk])).status_code == 200
        response = client.post(
            reverse("plans:member_leave", args=[member.pk]),
            {"left_on": "2018-12-31", "decision_number": "", "note": ""},
        )
        assert response.status_code == 400
        assert response.context["form"].errors == {
            "left_on": ["Ngày thôi tham gia không thể trước ngày tham gia (15/01/2019)."]
        }
        response = client.post(
            reverse("plans:member_leave", args=[member.pk]),
            {"left_on": "2022-07-01", "decision_number": "77/QĐ-BVHTTDL", "note": "Nghỉ hưu"},
        )
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.left_on == dt.date(2022, 7, 1)
        change = MembershipChange.objects.get(kind="left")
        assert (change.decision_number, change.note) == ("77/QĐ-BVHTTDL", "Nghỉ hưu")
        # Leaving twice is refused, and a former member cannot be edited.
        response = client.post(reverse("plans:member_leave", args=[member.pk]), {"left_on": "2022-08-01"})
        assert response.status_code == 400
        assert response.context["form"].non_field_errors() == ["Thành viên đã thôi tham gia Ban Chỉ đạo."]
        assert client.get(reverse("plans:member_edit", args=[member.pk])).status_code == 409

    @pytest.mark.parametrize("who", ["spec", "qt_admin"])
    def test_denied(self, login, spec, people, tree, committee, who):
        member = add(committee, "Nguyễn Thị Lan", "member", org=tree["bvh_cntt"])
        client = login(spec if who == "spec" else people[who])
        expected = 403 if who == "spec" else 404
        before = committee_state()
        data = {**MEMBER_POST, "member_organisation": tree["bvh"].pk, "effective_on": "2021-01-01",
                "left_on": "2021-01-01"}  # fmt: skip
        for name, pk in [("member_add", committee.pk), ("member_edit", member.pk), ("member_leave", member.pk)]:
            url = reverse(f"plans:{name}", args=[pk])
            assert client.get(url).status_code == expected, url
            assert client.post(url, data).status_code == expected, url
        assert committee_state() == before
