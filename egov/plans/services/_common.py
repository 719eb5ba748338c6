"""Pieces the plan services share: text checks, the task timeline, uploaded PDF checks."""

from __future__ import annotations

import hashlib
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.core.errors import ValidationFailed
from egov.core.text import clean
from egov.plans.models import TaskEvent

NUMBER_SYMBOL = re.compile(r"^\d+[A-Za-z]?(?:/\d{4})?/[0-9A-ZĐa-zđ&.-]+(?:-[0-9A-ZĐa-zđ&.]+)*$")
PDF_MAX_BYTES = 20 * 1024 * 1024


class Errors:
    """Collects field errors so a form shows all of them at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def text(values: dict, name: str, errors: Errors, *, required: bool = False, max_length: int = 500) -> str:
    value = clean(values.get(name))
    if required and not value:
        errors.add(name, _("Trường này là bắt buộc."))
    elif len(value) > max_length:
        errors.add(name, _("Tối đa %(n)d ký tự (đang có %(m)d).") % {"n": max_length, "m": len(value)})
    return value


def long_text(values: dict, name: str, errors: Errors, *, required: bool = False, max_length: int = 20000) -> str:
    """Multi-line text: NFC, trimmed, line breaks kept."""
    import unicodedata

    raw = values.get(name) or ""
    value = "\n".join(line.rstrip() for line in unicodedata.normalize("NFC", str(raw)).strip().splitlines())
    if required and not value:
        errors.add(name, _("Trường này là bắt buộc."))
    elif len(value) > max_length:
        errors.add(name, _("Tối đa %(n)d ký tự (đang có %(m)d).") % {"n": max_length, "m": len(value)})
    return value


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


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def event(task, kind: str, summary: str, actor: Actor, data: dict | None = None) -> TaskEvent:
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    return TaskEvent.objects.create(
        task=task, kind=kind, summary=summary[:1000], data=data, by=user, by_label=actor.label[:300]
    )


def acting_user(actor: Actor):
    return actor.user if actor.user is not None and actor.user.is_authenticated else None


def today():
    return timezone.localdate()
