"""Meeting pages: who sees and does what (anonymous, another province, a leader, the secretary)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from egov.plans.models import DeadlineChange, ReviewMeeting
from egov.plans.services import meetings as services_meetings
from egov.plans.tests.meetings_helpers import TODAY, VALUES, build_setup, meeting_state, pdf_text


@pytest.fixture
def setup(tree, people):
    return build_setup(tree)


@pytest.fixture
def meeting(setup, actor_for):
    actor = actor_for(setup["secretary"])
    return services_meetings.meeting_create(actor=actor, committee=setup["committee"], values=VALUES, today=TODAY)


FORM = {
    "title": "Họp giao ban quý III/2019",
    "held_at": "2019-09-25T14:00",
    "location": "Phòng họp số 1",
    "chair_name": "Trần Văn Hùng",
    "participants": "Các thành viên Ban Chỉ đạo",
    "plan": "",
}


class TestPages:
    def urls(self, setup, meeting):
        c = setup["committee"].pk
        return {
            "list": f"/plans/committees/{c}/meetings/",
            "create": f"/plans/committees/{c}/meetings/new/",
            "detail": f"/plans/meetings/{meeting.pk}/",
            "conclude": f"/plans/meetings/{meeting.pk}/conclude/",
            "pdf": f"/plans/meetings/{meeting.pk}/minutes.pdf",
        }

    def posts(self, setup, meeting):
        task = setup["tasks"]["overdue_early"]
        urls = self.urls(setup, meeting)
        return [
            (urls["create"], FORM),
            (urls["detail"], {"action": "conclusion", "kind": "close_task", "close_task-task": task.pk}),
            (urls["detail"], {"action": "minutes", "minutes": "Thay đổi"}),
            (urls["conclude"], {}),
        ]

    def test_anonymous(self, client, setup, meeting):
        urls = self.urls(setup, meeting)
        for name in ("list", "create", "detail", "pdf"):
            response = client.get(urls[name])
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("accounts:login"))
        before = meeting_state()
        for url, data in self.posts(setup, meeting):
            assert client.post(url, data).status_code == 302
        assert meeting_state() == before

    def test_another_organisation(self, login, people, setup, meeting):
        client = login(people["qt_admin"])
        urls = self.urls(setup, meeting)
        for name in ("list", "create", "detail", "pdf"):
            assert client.get(urls[name]).status_code == 404, name
        before = meeting_state()
        for url, data in self.posts(setup, meeting):
            assert client.post(url, data).status_code == 404, url
        assert meeting_state() == before

    def test_leader_reads_but_does_not_write(self, login, people, setup, meeting):
        client = login(people["nd_leader"])
        urls = self.urls(setup, meeting)
        response = client.get(urls["list"])
        assert response.status_code == 200
        assert [m.pk for m in response.context["meetings"]] == [meeting.pk]
        assert "Tạo cuộc họp" not in response.content.decode()
        response = client.get(urls["detail"])
        assert response.status_code == 200
        html = response.content.decode()
        assert "Ban hành quy chế" in html
        assert "Ghi kết luận" not in html
        response = client.get(urls["pdf"])
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
        assert "BIÊN BẢN CUỘC HỌP" in pdf_text(response.content)
        assert client.get(urls["create"]).status_code == 403
        before = meeting_state()
        for url, data in self.posts(setup, meeting):
            assert client.post(url, data).status_code == 403, url
        assert meeting_state() == before

    def test_secretary_creates_with_an_agenda(self, login, setup):
        client = login(setup["secretary"])
        url = f"/plans/committees/{setup['committee'].pk}/meetings/new/"
        assert client.get(url).status_code == 200
        response = client.post(url, FORM | {"title": "", "chair_name": ""})
        assert response.status_code == 422
        html = response.content.decode()
        assert 'href="#id_title"' in html
        assert 'href="#id_chair_name"' in html
        assert ReviewMeeting.objects.count() == 0
        response = client.post(url, FORM | {"plan": setup["draft"].pk})
        assert response.status_code == 422
        assert ReviewMeeting.objects.count() == 0
        response = client.post(url, FORM)
        meeting = ReviewMeeting.objects.get()
        assert (response.status_code, response["Location"]) == (302, f"/plans/meetings/{meeting.pk}/")
        # Seen from today, every task of 2019 is overdue: earliest due first.
        assert [i.task.title for i in meeting.agenda.all()] == [
            "Ban hành quy chế",
            "Kết nối mạng diện rộng",
            "Triển khai Cổng dịch vụ công",
            "Số hóa hồ sơ lưu trữ",
            "Bảo đảm an toàn thông tin",
        ]
        assert (meeting.title, timezone.localtime(meeting.held_at).strftime("%d/%m/%Y %H:%M")) == (
            "Họp giao ban quý III/2019", "25/09/2019 14:00",
        )  # fmt: skip

    def test_secretary_records_conclusions_and_concludes(self, login, setup, meeting):
        client = login(setup["secretary"])
        url = f"/plans/meetings/{meeting.pk}/"
        task = setup["tasks"]["overdue_late"]
        bad = {"action": "conclusion", "kind": "change_deadline", "change_deadline-task": task.pk,
               "change_deadline-new_deadline_text": "cuối năm", "change_deadline-reason": "Chờ vốn"}  # fmt: skip
        before = meeting_state()
        response = client.post(url, bad)
        assert response.status_code == 422
        assert 'href="#id_change_deadline-new_deadline_text"' in response.content.decode()
        assert meeting_state() == before
        other = bad | {"change_deadline-task": setup["other_task"].pk, "change_deadline-new_deadline_text": "Năm 2020"}
        response = client.post(url, other)
        assert response.status_code == 422
        assert 'href="#id_change_deadline-task"' in response.content.decode()
        response = client.post(url, bad | {"change_deadline-new_deadline_text": "Quý I/2020"})
        assert (response.status_code, response["Location"]) == (302, url)
        assert DeadlineChange.objects.get(task=task).meeting == meeting
        response = client.post(url, {"action": "minutes", "minutes": "Các sở báo cáo tiến độ."})
        assert response.status_code == 302
        item = meeting.agenda.get(task=setup["tasks"]["recurring"])
        assert client.post(url, {"action": "agenda_remove", "item": item.pk}).status_code == 302
        assert meeting.agenda.count() == 4
        response = client.post(f"/plans/meetings/{meeting.pk}/conclude/")
        assert (response.status_code, response["Location"]) == (302, url)
        meeting.refresh_from_db()
        assert (meeting.status, meeting.minutes) == ("concluded", "Các sở báo cáo tiến độ.")
        response = client.post(f"/plans/meetings/{meeting.pk}/conclude/")
        assert response.status_code == 409
        assert "Cuộc họp đã ban hành kết luận." in response.content.decode()
        before = meeting_state()
        response = client.post(url, {"action": "conclusion", "kind": "general", "general-text": "Thêm"})
        assert response.status_code == 409
        assert meeting_state() == before
        assert "Ghi kết luận" not in client.get(url).content.decode()

    def test_secretary_edits_the_details(self, login, setup, meeting):
        client = login(setup["secretary"])
        url = f"/plans/meetings/{meeting.pk}/"
        before = meeting_state()
        response = client.post(url, {"action": "details", **FORM, "held_at": "ngày mai"})
        assert response.status_code == 422
        assert 'href="#id_held_at"' in response.content.decode()
        assert meeting_state() == before
        response = client.post(url, {"action": "details", **FORM, "location": "Hội trường UBND tỉnh"})
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert (meeting.title, meeting.location, meeting.agenda.count()) == (
            "Họp giao ban quý III/2019", "Hội trường UBND tỉnh", 5,
        )  # fmt: skip
