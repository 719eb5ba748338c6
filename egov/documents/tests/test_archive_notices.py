"""The notice 30 days before a hồ sơ is due for the archive: who gets it, when, and only once."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.audit.models import AuditEvent
from egov.documents.archive import daily_archive_notices, due_for_notice, run_archive_notices
from egov.documents.models import CaseFile, CaseFileState
from egov.documents.services.casefiles import casefile_update
from egov.documents.tests.test_casefiles_services import open_file, org  # noqa: F401 — fixture
from egov.notifications.models import Notification

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 12, 1)
NOTHING = {"files": 0, "people": 0, "notifications": 0}


@pytest.fixture
def files(org, people, actor_for):  # noqa: F811
    specialist, clerk = actor_for(people["nd_specialist"]), actor_for(people["nd_clerk"])
    due = open_file(specialist, org)
    casefile_update(actor=clerk, case_file=due, values={"archive_due_on": "2025-12-31"})  # 30 days ahead
    later = open_file(clerk, org, notation="02.VP", archive_due_on="2026-01-01")  # 31 days ahead
    overdue = open_file(clerk, org, notation="03.VP", archive_due_on="2025-11-20")
    archived = open_file(clerk, org, notation="04.VP", archive_due_on="2025-12-05")
    CaseFile.objects.filter(pk=archived.pk).update(state=CaseFileState.ARCHIVED)
    undated = open_file(clerk, org, notation="05.VP")
    return {"due": due, "later": later, "overdue": overdue, "archived": archived, "undated": undated}


def _notices() -> list[tuple[str, str, str]]:
    return [
        (n.user.username, n.title, n.url)
        for n in Notification.objects.select_related("user").order_by("user__username")
    ]


def test_files_within_30_days_are_noticed_to_creator_and_clerks(files, people):
    assert [f.notation for f in due_for_notice(TODAY)] == ["03.VP", "01.CNTT"]
    assert run_archive_notices(today=TODAY) == {"files": 2, "people": 2, "notifications": 2}
    due = files["due"].pk
    assert _notices() == [
        ("nd.clerk", "2 hồ sơ đến hạn nộp lưu", "/documents/files/"),
        ("nd.specialist", "Hồ sơ đến hạn nộp lưu: 000.00.12.H40.2024.01.CNTT", f"/documents/files/{due}/"),
    ]
    body = Notification.objects.get(user=people["nd_clerk"]).body
    assert body == (
        "Kính gửi Người dùng nd.clerk,\n\n"
        "- Hồ sơ 000.00.12.H40.2024.03.VP “Hồ sơ triển khai chuyển đổi số” đã quá hạn nộp lưu (hạn 20/11/2025).\n"
        "- Hồ sơ 000.00.12.H40.2024.01.CNTT “Hồ sơ triển khai chuyển đổi số” đến hạn nộp lưu vào Lưu trữ cơ quan "
        "ngày 31/12/2025 (còn 30 ngày).\n\n"
        "Đề nghị hoàn thiện, kết thúc hồ sơ và chuẩn bị giao nộp theo Danh mục hồ sơ nộp lưu."
    )
    sent = dict(CaseFile.objects.values_list("notation", "archive_notice_sent_at"))
    assert sent["01.CNTT"] is not None and sent["03.VP"] is not None
    assert (sent["02.VP"], sent["04.VP"], sent["05.VP"]) == (None, None, None)
    event = AuditEvent.objects.get(action="documents.casefile.archive_notice")
    assert (event.actor_label, event.object_id) == ("egov worker", "2025-12-01")
    assert event.after == {
        "files": 2,
        "people": 2,
        "notifications": 2,
        "case_files": ["000.00.12.H40.2024.03.VP", "000.00.12.H40.2024.01.CNTT"],
    }
    assert Notification.objects.get(user=people["nd_specialist"]).object_id == str(due)


def test_each_file_is_noticed_once(files):
    assert run_archive_notices(today=TODAY)["files"] == 2
    assert run_archive_notices(today=TODAY) == NOTHING
    # The next day the 31-day file enters the window, alone.
    assert run_archive_notices(today=TODAY + dt.timedelta(days=1)) == {"files": 1, "people": 1, "notifications": 1}
    assert Notification.objects.count() == 3
    assert AuditEvent.objects.filter(action="documents.casefile.archive_notice").count() == 2


def test_a_new_due_date_is_noticed_again(files, people, actor_for):
    run_archive_notices(today=TODAY)
    casefile_update(
        actor=actor_for(people["nd_clerk"]), case_file=files["due"], values={"archive_due_on": "2026-06-30"}
    )
    assert run_archive_notices(today=TODAY) == NOTHING
    later = dt.date(2026, 5, 31)
    assert [f.notation for f in due_for_notice(later)] == ["02.VP", "01.CNTT"]
    assert run_archive_notices(today=later) == {"files": 2, "people": 2, "notifications": 2}
    assert Notification.objects.filter(user=people["nd_specialist"]).count() == 2


def test_the_worker_task_runs_the_same_job(files):
    assert daily_archive_notices.call("2025-12-01") == {"files": 2, "people": 2, "notifications": 2}
    assert daily_archive_notices.call("2025-12-01") == NOTHING


def test_nothing_due_sends_nothing(org, people, actor_for):  # noqa: F811
    open_file(actor_for(people["nd_clerk"]), org, archive_due_on="2027-01-01")
    assert run_archive_notices(today=TODAY) == NOTHING
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action="documents.casefile.archive_notice").exists()
