"""Telling the applicant: a notice for every change of a dossier, naming the agency, the officer and the time.

Decree 224/2026 wants real-time status notices. An applicant with an account gets an in-app notice and its
e-mail copy (the notifications app, queued after the commit); a counter applicant without an account gets the
e-mail at the address they gave, and an SMS at their phone when an SMS sender is configured.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import override

logger = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsSender:
    """Writes the SMS to the log: a deployment plugs in its carrier's API behind the same `send`."""

    def send(self, phone: str, text: str) -> None:
        logger.info("sms to %s: %s", phone[-4:].rjust(len(phone), "*"), text)


def sms_sender() -> SmsSender | None:
    path = settings.EGOV_SERVICES_SMS_SENDER
    return import_string(path)() if path else None


def _texts(event) -> tuple[str, str]:
    from egov.services.selectors import event_label, public_who

    dossier = event.dossier
    at = timezone.localtime(event.at)
    title = _("Hồ sơ %(code)s: %(what)s") % {"code": dossier.code, "what": event_label(event)}
    body = _("%(what)s lúc %(time)s ngày %(date)s. Cơ quan: %(agency)s. Người thực hiện: %(who)s.") % {
        "what": event_label(event),
        "time": f"{at:%H:%M}",
        "date": f"{at:%d/%m/%Y}",
        "agency": event.agency_name,
        "who": public_who(event, dossier.applicant_id, in_sentence=True),
    }
    if dossier.due_at is not None and dossier.state not in ("returned", "refused", "withdrawn", "stopped"):
        due = timezone.localtime(dossier.due_at)
        body += " " + _("Hẹn trả kết quả: %(time)s ngày %(date)s.") % {
            "time": f"{due:%H:%M}",
            "date": f"{due:%d/%m/%Y}",
        }
    if event.note and event.kind in ("state.supplement", "state.refused", "state.stopped", "apology"):
        body += " " + _("Nội dung: %(note)s") % {"note": event.note}
    return title, body


def notify_applicant(event) -> None:
    """Queue the notices of one timeline event (inside the transaction that wrote it)."""
    dossier = event.dossier
    if event.actor_id is not None and event.actor_id == dossier.applicant_id and event.kind != "state.submitted":
        return  # the applicant knows what they just did (the submission itself is confirmed)
    with override(settings.LANGUAGE_CODE):
        title, body = _texts(event)
    if dossier.applicant_id is not None:
        from egov.notifications.services import notify_users

        notify_users(
            users=[dossier.applicant],
            topic="services.dossier",
            title=title,
            body=body,
            url=f"/services/my/{dossier.pk}/",
            obj=dossier,
        )
        return
    email, phone = dossier.applicant_email, dossier.applicant_phone
    if email:
        transaction.on_commit(lambda: _send_email(email, title, body))
    sender = sms_sender() if phone else None
    if sender is not None:
        transaction.on_commit(lambda: _send_sms(sender, phone, f"{title}. {body}"[:480]))


def _send_email(address: str, title: str, body: str) -> None:
    try:
        EmailMessage(" ".join(title.split()), body, None, [address]).send()
    except OSError:
        logger.exception("services: the notice to a counter applicant could not be e-mailed")


def _send_sms(sender: SmsSender, phone: str, text: str) -> None:
    try:
        sender.send(phone, text)
    except Exception:
        logger.exception("services: the SMS notice could not be sent")
