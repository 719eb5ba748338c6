"""Reading document metadata from a form or the API: every field checked, all errors reported together."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from egov.core.validation import Errors, long_text, text
from egov.documents.models import Secrecy, SignerPrefix, Urgency

# Appendix VI Part II lengths.
SUBJECT_MAX = 500
POSITION_MAX = 100
FULL_NAME_MAX = 50
ORGAN_NAME_MAX = 200
DESCRIPTION_MAX = 500


def choice(values: dict, name: str, errors: Errors, choices, default: str) -> str:
    value = (values.get(name) or default) if values.get(name) is not None else default
    value = str(value).strip()
    if value not in choices.values:
        errors.add(name, _("Giá trị “%(v)s” không hợp lệ.") % {"v": value})
        return default
    return value


def date_value(values: dict, name: str, errors: Errors, *, required: bool = False) -> dt.date | None:
    raw = values.get(name)
    if raw in (None, ""):
        if required:
            errors.add(name, _("Trường này là bắt buộc."))
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(str(raw).strip(), fmt).date()
        except ValueError:
            continue
    errors.add(name, _("Ngày “%(v)s” không hợp lệ (dd/mm/yyyy).") % {"v": raw})
    return None


def small_int(values: dict, name: str, errors: Errors, *, maximum: int = 999) -> int | None:
    raw = values.get(name)
    if raw in (None, ""):
        return None
    try:
        number = int(str(raw).strip())
    except ValueError:
        errors.add(name, _("Phải là số nguyên."))
        return None
    if not 1 <= number <= maximum:
        errors.add(name, _("Phải từ 1 đến %(n)d.") % {"n": maximum})
        return None
    return number


def flag(values: dict, name: str) -> bool:
    raw = values.get(name)
    return raw is True or str(raw).lower() in {"1", "true", "on", "yes"}


def document_type(values: dict, errors: Errors, *, on: dt.date | None = None):
    """The type rule for `type_code` in force on the given day."""
    from egov.documents.rules.types import type_by_code

    code = text(values, "type_code", errors, required=True, max_length=40)
    if not code:
        return None
    rule = type_by_code(code, on)
    if rule is None:
        errors.add("type_code", _("Loại văn bản “%(v)s” không có trong danh mục đang có hiệu lực.") % {"v": code})
    return rule


def common_fields(values: dict, errors: Errors, *, on: dt.date | None = None) -> dict:
    """Fields every document has, whatever its direction."""
    rule = document_type(values, errors, on=on)
    legal_normative = flag(values, "legal_normative")
    if rule is not None and legal_normative and not rule.may_be_legal_normative:
        errors.add(
            "legal_normative",
            _("Loại “%(t)s” không phải là văn bản quy phạm pháp luật.") % {"t": rule.name},
        )
    fields = {
        "type_code": rule.code if rule else "",
        "type_name": rule.name if rule else "",
        "legal_normative": legal_normative,
        "subject": text(values, "subject", errors, required=True, max_length=SUBJECT_MAX),
        "urgency": choice(values, "urgency", errors, Urgency, Urgency.NORMAL),
        "secrecy": choice(values, "secrecy", errors, Secrecy, Secrecy.NONE),
        "signer_prefix": choice(values, "signer_prefix", errors, SignerPrefix, SignerPrefix.NONE),
        "signer_position": text(values, "signer_position", errors, max_length=POSITION_MAX),
        "signer_name": text(values, "signer_name", errors, max_length=FULL_NAME_MAX),
        "page_count": small_int(values, "page_count", errors),
        "copies": small_int(values, "copies", errors),
        "language": text(values, "language", errors, max_length=30) or "Tiếng Việt",
        "description": long_text(values, "description", errors, max_length=DESCRIPTION_MAX),
        "handling_due_on": date_value(values, "handling_due_on", errors),
        "place": text(values, "place", errors, max_length=100),
    }
    return fields
