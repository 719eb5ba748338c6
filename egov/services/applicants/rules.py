"""How an applicant's identifiers are written: phone numbers, email addresses, personal and tax numbers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator

from egov.core.text import clean

# Vietnamese mobile numbers since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x, ten digits in all.
_MOBILE = re.compile(r"0[35789][0-9]{8}")
# Separators people type between digit groups: spaces, dots, dashes, brackets.
_SEPARATORS = re.compile(r"[\s.\-()]")


def normalise_phone(value: str | None) -> str | None:
    """The number as 0xxxxxxxxx, from "0912 345 678", "+84 912.345.678", "84912345678"…; None if not a mobile."""
    text = _SEPARATORS.sub("", clean(value))
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("0084"):
        text = "0" + text[4:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    return text if _MOBILE.fullmatch(text) else None


def normalise_email(value: str | None) -> str | None:
    """The address lower-cased, or None if it is not one."""
    text = clean(value).lower()
    if not text or len(text) > 254:
        return None
    try:
        EmailValidator()(text)
    except DjangoValidationError:
        return None
    return text


def looks_like_email(identifier: str) -> bool:
    return "@" in identifier


def normalise_id_number(value: str | None, kind: str) -> str | None:
    """Số định danh cá nhân (12 digits) or mã số doanh nghiệp (10 digits, or 13 for a branch: 0101234567-001).

    Returned as digits only; None if it does not have the shape the kind requires.
    """
    text = _SEPARATORS.sub("", clean(value))
    if not text.isdigit() or not text.isascii():
        return None
    if kind == "citizen":
        return text if len(text) == 12 else None
    return text if len(text) in (10, 13) else None
