"""Every change of a dossier tells the applicant: agency, officer and time, in-app and by e-mail (real SMTP)."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from egov.accounts.actor import Actor
from egov.accounts.tests.smtp import smtp_server
from egov.notifications import mail
from egov.notifications.models import Notification
from egov.notifications.tests.helpers import smtp_settings
from egov.services.dossiers import processing as p
from egov.services.dossiers.submission import dossier_intake_counter
from egov.services.tests.helpers import ANSWERS, APPLICANT, papers, submit

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def local(*args):
    return dt.datetime(*args, tzinfo=TZ)


def test_the_applicant_hears_of_each_step_with_the_officer_and_the_time(agency, version):
    with freeze_time(local(2026, 11, 23, 10, 0)):
        dossier = submit(agency, version)
    with freeze_time(local(2026, 11, 23, 10, 30)):
        p.dossier_accept(actor=Actor(user=agency.officer), dossier=dossier, assignee=agency.specialist)
    notices = list(Notification.objects.filter(user=agency.applicant).order_by("pk").values_list("title", "body"))
    code = dossier.code
    assert notices == [
        (
            f"Hồ sơ {code}: Mới đăng ký",
            "Mới đăng ký lúc 10:00 ngày 23/11/2026. Cơ quan: Ủy ban nhân dân xã Hải Hậu. "
            "Người thực hiện: người nộp hồ sơ.",
        ),
        (
            f"Hồ sơ {code}: Đã tiếp nhận",
            "Đã tiếp nhận lúc 10:30 ngày 23/11/2026. Cơ quan: Ủy ban nhân dân xã Hải Hậu. "
            "Người thực hiện: Người dùng motcua. Hẹn trả kết quả: 17:00 ngày 27/11/2026.",
        ),
        (
            f"Hồ sơ {code}: Đang xử lý",
            "Đang xử lý lúc 10:30 ngày 23/11/2026. Cơ quan: Ủy ban nhân dân xã Hải Hậu. "
            "Người thực hiện: Người dùng motcua. Hẹn trả kết quả: 17:00 ngày 27/11/2026.",
        ),
    ]
    assert Notification.objects.filter(user=agency.applicant).first().url == f"/services/my/{dossier.pk}/"


def test_the_applicant_is_not_told_what_they_did_themselves(agency, version):
    dossier = submit(agency, version)
    p.dossier_withdraw(actor=Actor(user=agency.applicant), dossier=dossier, reason="Nộp nhầm")
    assert list(Notification.objects.filter(user=agency.applicant).values_list("title", flat=True)) == [
        f"Hồ sơ {dossier.code}: Mới đăng ký"
    ]


def test_a_supplement_request_says_what_is_missing_and_reaches_the_mailbox(
    agency, version, django_capture_on_commit_callbacks
):
    dossier = submit(agency, version)
    with django_capture_on_commit_callbacks(execute=False):
        p.dossier_request_supplement(
            actor=Actor(user=agency.officer),
            dossier=dossier,
            items=[{"name": "Giấy chứng sinh", "reason": "Bản chụp mờ"}],
        )
    notice = Notification.objects.filter(user=agency.applicant).order_by("-pk").first()
    assert notice.body.endswith("Nội dung: Giấy chứng sinh")
    with smtp_server() as (port, messages), smtp_settings(port):
        assert mail.send_emails([notice.pk]) == {"sent": 1, "failed": 0}
    assert (messages[0]["To"], messages[0]["Subject"].strip()) == (
        "congdan@example.test",
        f"Hồ sơ {dossier.code}: Yêu cầu bổ sung giấy tờ",
    )


def test_a_counter_applicant_without_an_account_gets_an_email_and_an_sms(
    agency, version, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EGOV_SERVICES_SMS_SENDER = "egov.services.notify.LogSmsSender"
    with smtp_server() as (port, messages), smtp_settings(port):
        with django_capture_on_commit_callbacks(execute=True):
            dossier = dossier_intake_counter(
                actor=Actor(user=agency.officer),
                version=version,
                agency=agency.org,
                applicant_values=APPLICANT,
                answers=ANSWERS,
                files=papers(),
            )
        with caplog.at_level("INFO", logger="egov.services.notify"), django_capture_on_commit_callbacks(execute=True):
            p.dossier_accept(actor=Actor(user=agency.officer), dossier=dossier)
    subjects = [m["Subject"].strip() for m in messages]  # a long encoded subject is folded
    assert subjects == [
        f"Hồ sơ {dossier.code}: Mới đăng ký",
        f"Hồ sơ {dossier.code}: Đã tiếp nhận",
        f"Hồ sơ {dossier.code}: Đang xử lý",
    ]
    assert {m["To"] for m in messages} == {"hoa@example.test"}
    sms = [r.getMessage() for r in caplog.records if r.getMessage().startswith("sms to")]
    assert sms[0].startswith(f"sms to ******5678: Hồ sơ {dossier.code}: Đã tiếp nhận.")
    assert Notification.objects.count() == 0
