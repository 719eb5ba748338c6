"""Field-by-field input checks shared by services: collect every error, then raise them together."""

from __future__ import annotations

import hashlib
import unicodedata

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed
from egov.core.text import clean


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
    raw = values.get(name) or ""
    value = "\n".join(line.rstrip() for line in unicodedata.normalize("NFC", str(raw)).strip().splitlines())
    if required and not value:
        errors.add(name, _("Trường này là bắt buộc."))
    elif len(value) > max_length:
        errors.add(name, _("Tối đa %(n)d ký tự (đang có %(m)d).") % {"n": max_length, "m": len(value)})
    return value


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def acting_user(actor):
    """The signed-in person behind an actor, or None for systems and API keys."""
    return actor.user if actor.user is not None and actor.user.is_authenticated else None
