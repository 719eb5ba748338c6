"""Pieces the plan services share: text checks, the task timeline, uploaded PDF checks."""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.core.validation import Errors, acting_user, long_text, sha256_of, text  # noqa: F401 (shared)
from egov.plans.models import TaskEvent

NUMBER_SYMBOL = re.compile(r"^\d+[A-Za-z]?(?:/\d{4})?/[0-9A-ZĐa-zđ&.-]+(?:-[0-9A-ZĐa-zđ&.]+)*$")
PDF_MAX_BYTES = 20 * 1024 * 1024


def number_symbol(values: dict, name: str, errors: Errors, *, required: bool = False) -> str:
    """A document number and symbol such as 2508/QĐ-UBND or 17/NQ-CP."""
    value = text(values, name, errors, required=required, max_length=50)
    if value and not NUMBER_SYMBOL.match(value):
        errors.add(name, _("Số, ký hiệu “%(v)s” không đúng dạng, ví dụ: 2508/QĐ-UBND.") % {"v": value})
    return value


def check_pdf(upload, field: str, errors: Errors) -> None:
    """An attached decision or regulation must be a PDF of reasonable size."""
    if upload is None:
        return
    if upload.size > PDF_MAX_BYTES:
        errors.add(field, _("Tệp lớn hơn 20 MB."))
        return
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        errors.add(field, _("Tệp “%(name)s” không phải PDF.") % {"name": upload.name})


def event(task, kind: str, summary: str, actor: Actor, data: dict | None = None) -> TaskEvent:
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    return TaskEvent.objects.create(
        task=task, kind=kind, summary=summary[:1000], data=data, by=user, by_label=actor.label[:300]
    )


def today():
    return timezone.localdate()
