"""Numbering series (hệ thống số) of outgoing documents, Decree 30/2020 Art. 15.

Numbers run from 01 on 1 January to 31 December, unique per organisation and year within a series:
secret documents have their own series; each type of legal normative document has its own series; copies
share one series (Appendix I, Part II, II.1.c: "số thứ tự đăng ký được đánh chung cho các loại bản sao");
everything else is numbered in the ordinary series.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .types import type_by_code_any_date

SECRET = "secret"
ORDINARY = "ordinary"
COPY = "copy"
NORMATIVE_PREFIX = "normative:"


def series_for(*, type_code: str, legal_normative: bool, secret: bool) -> str:
    """The series key a new number is drawn from: "secret", "normative:<type_code>", "copy" or "ordinary"."""
    if not type_code:
        raise ValueError("type_code is required")
    # A secret document never shares numbers with public ones, whatever its type.
    if secret:
        return SECRET
    if legal_normative:
        return NORMATIVE_PREFIX + type_code
    rule = type_by_code_any_date(type_code)
    if rule is not None and rule.is_copy:
        return COPY
    return ORDINARY


def series_label(key: str) -> str:
    """A person-readable name for a series key."""
    if key == SECRET:
        return _("Văn bản mật")
    if key == ORDINARY:
        return _("Văn bản hành chính")
    if key == COPY:
        return _("Bản sao văn bản")
    if key.startswith(NORMATIVE_PREFIX):
        code = key.removeprefix(NORMATIVE_PREFIX)
        rule = type_by_code_any_date(code)
        return _("Văn bản quy phạm pháp luật: %(type)s") % {"type": rule.name if rule else code}
    raise ValueError(f"unknown numbering series {key!r}")
