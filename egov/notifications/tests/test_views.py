"""The inbox: a person sees only their own notices, unread first, marks one or all read; the header counts them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from egov.notifications.models import Notification
from egov.notifications.services import notify_users


@pytest.fixture
def notices(people):
    """Three notices for the Nam Định clerk (the oldest already read) and one for the Quảng Trị clerk."""
    clerk = people["nd_clerk"]
    first = notify_users(users=[clerk], topic="t", title="Thông báo cũ", body="Đã đọc rồi", url="/calendar/")[0]
    Notification.objects.filter(pk=first.pk).update(read_at="2026-01-05T08:00:00+07:00")
    second = notify_users(users=[clerk], topic="t", title="Đôn đốc thứ nhất", body="Dòng 1\nDòng 2", url="/plans/")[0]
    third = notify_users(users=[clerk], topic="t", title="Đôn đốc thứ hai", body="Nội dung")[0]
    other = notify_users(users=[people["qt_clerk"]], topic="t", title="Của Quảng Trị", body="Riêng tư")[0]
    return {"read": first, "second": second, "third": third, "other": other}


def _titles(html: str) -> list[str]:
    return re.findall(r'<li class="[^"]*egov-notice[^"]*" id="notice-\d+">\s*<h2[^>]*>(.*?)</h2>', html, re.S)


def _unread(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def test_anonymous_is_sent_to_log_in_and_changes_nothing(client, notices):
    for url in (reverse("notifications:inbox"),):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    for url in (
        reverse("notifications:mark_read", args=[notices["second"].pk]),
        reverse("notifications:mark_all_read"),
    ):
        assert client.post(url).status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 3


def test_inbox_lists_own_notices_unread_first(login, people, notices):
    response = login(people["nd_clerk"]).get(reverse("notifications:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    titles = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", t)).strip() for t in _titles(html)]
    assert titles == ["Chưa đọc Đôn đốc thứ hai", "Chưa đọc Đôn đốc thứ nhất", "Thông báo cũ"]
    assert "Của Quảng Trị" not in html
    assert '<a class="govuk-link" href="/plans/">Đôn đốc thứ nhất</a>' in html
    assert "Dòng 1<br>Dòng 2" in html
    assert "Bạn có 2 thông báo chưa đọc." in html
    # the header shows the unread count as a link to the inbox
    assert re.search(r'id="header-notifications" href="/notifications/">Thông báo <strong[^>]*>2<', html)


def test_header_count_on_other_pages_and_none_when_all_read(login, people, notices):
    client = login(people["nd_clerk"])
    assert re.search(
        r'id="header-notifications" href="/notifications/">Thông báo <strong[^>]*>2<', client.get("/").content.decode()
    )
    Notification.objects.update(read_at="2026-01-05T08:00:00+07:00")
    html = client.get("/").content.decode()
    assert 'id="header-notifications" href="/notifications/">Thông báo</a>' in html


def test_mark_one_read(login, people, notices):
    client = login(people["nd_clerk"])
    response = client.post(reverse("notifications:mark_read", args=[notices["third"].pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")
    assert Notification.objects.get(pk=notices["third"].pk).read_at is not None
    assert Notification.objects.get(pk=notices["second"].pk).read_at is None


def test_mark_one_read_and_open_goes_to_the_notice_url(login, people, notices):
    client = login(people["nd_clerk"])
    response = client.post(reverse("notifications:mark_read", args=[notices["second"].pk]), {"open": "1"})
    assert response["Location"] == "/plans/"
    assert _unread(people["nd_clerk"]) == 1


def test_mark_all_read(login, people, notices):
    client = login(people["nd_clerk"])
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.content.decode()
    assert _unread(people["nd_clerk"]) == 0
    assert _unread(people["qt_clerk"]) == 1  # someone else's notices are untouched


def test_another_organisations_person_cannot_mark_someone_elses_notice(login, people, notices):
    client = login(people["qt_clerk"])
    response = client.post(reverse("notifications:mark_read", args=[notices["second"].pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=notices["second"].pk).read_at is None
    # and their own inbox does not show it
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "Đôn đốc thứ nhất" not in html
    assert "Của Quảng Trị" in html


def test_a_person_with_no_staff_role_sees_only_their_own_empty_inbox(login, people, notices):
    client = login(people["applicant"])
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "Bạn chưa có thông báo nào." in html
    assert client.post(reverse("notifications:mark_read", args=[notices["third"].pk])).status_code == 404
    assert client.post(reverse("notifications:mark_all_read")).status_code == 302
    assert _unread(people["nd_clerk"]) == 2


def test_writes_are_post_only_and_unknown_ids_are_404(login, people, notices):
    client = login(people["nd_clerk"])
    assert client.get(reverse("notifications:mark_read", args=[notices["second"].pk])).status_code == 405
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    assert client.post(reverse("notifications:mark_read", args=[999999])).status_code == 404
    assert _unread(people["nd_clerk"]) == 2


def test_inbox_query_count_does_not_grow_with_notices(login, people, notices):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(people["nd_clerk"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("notifications:inbox")).status_code == 200
    for i in range(20):
        notify_users(users=[people["nd_clerk"]], topic="t", title=f"Thêm {i}", body="…")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("notifications:inbox")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
