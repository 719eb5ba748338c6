"""Thông báo hồ sơ đến hạn nộp lưu: 30 days before a file is due for the organisation's archive (App. VI III.5b).

Run daily by `egov worker`. Each file is noticed once — `archive_notice_sent_at` is set in the same
transaction as the notices — to the person who opened it and to the clerks of its organisation; a file
whose due date is changed later is noticed again for the new date. Files already past the threshold when
the job first sees them (a worker that was down, a due date set late) are noticed at the next run. A run
holds a lock for its whole transaction, so two workers cannot both send the same notice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from egov.accounts.actor import Actor
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.documents.models import CaseFile, CaseFileState
from egov.documents.people import holders
from egov.notifications.services import Notice, notify_each

NOTICE_DAYS = 30
SYSTEM_LABEL = "egov worker"
TOPIC = "documents.archive_due"
NOTICE_FILES_LISTED = 100


def casefile_url(case_file_id: int) -> str:
    return f"/documents/files/{case_file_id}/"


CATALOGUE_URL = "/documents/files/"


def _lock(name: str) -> None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


def due_for_notice(today: dt.date):
    """Files due for the archive within NOTICE_DAYS (or already overdue) whose notice has not gone out."""
    return (
        CaseFile.objects.filter(
            archive_due_on__isnull=False,
            archive_due_on__lte=today + dt.timedelta(days=NOTICE_DAYS),
            archive_notice_sent_at__isnull=True,
        )
        .exclude(state=CaseFileState.ARCHIVED)
        .order_by("archive_due_on", "pk")
    )


def _line(case_file: CaseFile, today: dt.date) -> str:
    due = case_file.archive_due_on.strftime("%d/%m/%Y")
    left = (case_file.archive_due_on - today).days
    if left < 0:
        return _("Hồ sơ %(code)s “%(title)s” đã quá hạn nộp lưu (hạn %(due)s).") % {
            "code": case_file.file_code,
            "title": case_file.title,
            "due": due,
        }
    return _("Hồ sơ %(code)s “%(title)s” đến hạn nộp lưu vào Lưu trữ cơ quan ngày %(due)s (còn %(n)d ngày).") % {
        "code": case_file.file_code,
        "title": case_file.title,
        "due": due,
        "n": left,
    }


def _notice(user, files: list[CaseFile], today: dt.date) -> Notice:
    files = sorted(files, key=lambda f: (f.archive_due_on, f.pk))
    if len(files) == 1:
        title = _("Hồ sơ đến hạn nộp lưu: %(code)s") % {"code": files[0].file_code}
        url, object_type, object_id = casefile_url(files[0].pk), "documents.casefile", str(files[0].pk)
    else:
        title = _("%(n)d hồ sơ đến hạn nộp lưu") % {"n": len(files)}
        url, object_type, object_id = CATALOGUE_URL, "", ""
    lines = [_("Kính gửi %(name)s,") % {"name": user.full_name}, ""]
    lines += [f"- {_line(f, today)}" for f in files[:NOTICE_FILES_LISTED]]
    if len(files) > NOTICE_FILES_LISTED:
        lines.append(_("… và %(n)d hồ sơ khác.") % {"n": len(files) - NOTICE_FILES_LISTED})
    lines += ["", _("Đề nghị hoàn thiện, kết thúc hồ sơ và chuẩn bị giao nộp theo Danh mục hồ sơ nộp lưu.")]
    return Notice(
        user=user,
        topic=TOPIC,
        title=title,
        body="\n".join(lines),
        url=url,
        object_type=object_type,
        object_id=object_id,
    )


def run_archive_notices(*, today: dt.date | None = None) -> dict[str, int]:
    """Send the notices not yet sent; returns how many files and people were noticed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock("documents.archive_notices")
        files = list(due_for_notice(today).select_for_update(of=("self",)).select_related("organisation", "creator"))
        if not files:
            return {"files": 0, "people": 0, "notifications": 0}
        clerks: dict[int, list] = {}
        per_person: dict[int, list[CaseFile]] = defaultdict(list)
        users = {}
        for case_file in files:
            if case_file.organisation_id not in clerks:
                clerks[case_file.organisation_id] = holders(Perm.DOCS_REGISTER, case_file.organisation)
            people = list(clerks[case_file.organisation_id])
            if case_file.creator is not None and case_file.creator.is_active:
                people.append(case_file.creator)
            for user in people:
                if case_file not in per_person[user.pk]:
                    users[user.pk] = user
                    per_person[user.pk].append(case_file)
        created = notify_each(_notice(users[pk], per_person[pk], today) for pk in sorted(per_person))
        now = timezone.now()
        CaseFile.objects.filter(pk__in=[f.pk for f in files]).update(archive_notice_sent_at=now)
        counts = {"files": len(files), "people": len(per_person), "notifications": len(created)}
        audit_record(
            actor=Actor.system(SYSTEM_LABEL),
            action="documents.casefile.archive_notice",
            object_type="documents.casefile",
            object_id=today.isoformat(),
            object_repr=_("Thông báo hồ sơ đến hạn nộp lưu ngày %(d)s") % {"d": today.strftime("%d/%m/%Y")},
            after={**counts, "case_files": [f.file_code for f in files]},
        )
    return counts


@task()
def daily_archive_notices(day: str) -> dict[str, int]:
    """The archive-notice run for `day` (YYYY-MM-DD)."""
    return run_archive_notices(today=dt.date.fromisoformat(day))
