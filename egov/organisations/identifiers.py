"""Electronic identifier codes of agencies (mã định danh điện tử), in the two legal styles.

- QCVN 102:2016 / Circular 10/2016/TT-BTTTT: 13 characters V1V2V3.Z1Z2.Y1Y2.MX1X2, level 1 on the right.
- Decision 20/2020/QĐ-TTg: up to 35 characters of [0-9A-Z.], dot-separated, level 1 (MX1X2) on the left.
The code is stored as an opaque string with the style that matched.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

QCVN102_PATTERN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
QD20_PATTERN = re.compile(r"^(?:[A-Y]\d{2}|Z\d{2})(?:\.[0-9A-Z]+)*$")
MAX_LENGTH = 35


class CodeStyle(models.TextChoices):
    QCVN102 = "qcvn102", _("QCVN 102:2016 (13 ký tự)")
    QD20 = "qd20", _("Quyết định 20/2020/QĐ-TTg")


class InvalidCode(ValueError):
    pass


def normalise_code(raw: str) -> str:
    return (raw or "").strip().upper()


def code_style(code: str) -> CodeStyle:
    """The style `code` is written in; raises InvalidCode with a message for the user."""
    if not code:
        raise InvalidCode(_("Mã định danh không được để trống."))
    if len(code) > MAX_LENGTH:
        raise InvalidCode(_("Mã định danh dài tối đa %(max)d ký tự.") % {"max": MAX_LENGTH})
    if QCVN102_PATTERN.match(code):
        return CodeStyle.QCVN102
    if QD20_PATTERN.match(code):
        if code.startswith("Z") and len(code) > 3 + 1 + 32:
            raise InvalidCode(_("Mã tổ chức sau nhóm Z dài tối đa 32 ký tự."))
        return CodeStyle.QD20
    raise InvalidCode(
        _(
            "Mã định danh “%(code)s” không đúng định dạng: dùng dạng 000.00.00.G22 (QCVN 102:2016) "
            "hoặc H37.xx.xxx (Quyết định 20/2020/QĐ-TTg), chỉ gồm chữ in hoa, chữ số và dấu chấm."
        )
        % {"code": code}
    )


def level_one_group(code: str) -> str:
    """The level-1 group (MX1X2): last group in QCVN 102 codes, first group in Decision 20 codes."""
    groups = code.split(".")
    return groups[-1] if code_style(code) == CodeStyle.QCVN102 else groups[0]
