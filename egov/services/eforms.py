"""E-forms: each procedure version's application form is a JSON Schema; answers are checked against it here.

The schema says what is valid (jsonschema, draft 2020-12, with formats); the messages are ours, in Vietnamese,
named by the field's path (`form.child_name`), so a form page can put each next to its question.
"""

from __future__ import annotations

import json
import unicodedata

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from egov.core.errors import ValidationFailed

MAX_ANSWER_BYTES = 64 * 1024


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    if isinstance(value, dict):
        return {key: _nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    return value


def _message(error) -> str:
    keyword, limit = error.validator, error.validator_value
    if keyword == "required":
        return _("Trường này là bắt buộc.")
    if keyword == "maxLength":
        return _("Tối đa %(n)d ký tự.") % {"n": limit}
    if keyword == "minLength":
        return _("Trường này là bắt buộc.") if limit == 1 else _("Tối thiểu %(n)d ký tự.") % {"n": limit}
    if keyword == "format":
        return {
            "date": _("Ngày không hợp lệ (nhập theo dạng năm-tháng-ngày)."),
            "email": _("Địa chỉ thư điện tử không hợp lệ."),
        }.get(limit, _("Giá trị không đúng định dạng."))
    if keyword in ("minimum", "exclusiveMinimum"):
        return _("Giá trị phải từ %(n)s trở lên.") % {"n": limit}
    if keyword in ("maximum", "exclusiveMaximum"):
        return _("Giá trị không được vượt quá %(n)s.") % {"n": limit}
    if keyword == "enum":
        return _("Hãy chọn một giá trị trong danh sách.")
    if keyword == "pattern":
        return _("Giá trị không đúng định dạng.")
    if keyword == "type":
        return _("Giá trị không đúng kiểu dữ liệu.")
    if keyword == "additionalProperties":
        return _("Tờ khai có trường không thuộc biểu mẫu.")
    return _("Giá trị không hợp lệ.")


def _path(error) -> str:
    parts = [str(part) for part in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        parts.append(missing)
    return ".".join(["form", *[p for p in parts if p]])


def check_schema(schema: dict) -> None:
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ValidationFailed(
            {"form_schema": [_("Biểu mẫu điện tử không hợp lệ: %(e)s") % {"e": exc.message}]}
        ) from None


def validate_answers(schema: dict, answers) -> dict:
    """The answers, NFC-normalised and trimmed, if they satisfy the schema; else every error by field."""
    if not isinstance(answers, dict):
        raise ValidationFailed({"form": [_("Tờ khai phải là một đối tượng JSON.")]})

    if len(json.dumps(answers, ensure_ascii=False).encode()) > MAX_ANSWER_BYTES:
        raise ValidationFailed({"form": [_("Tờ khai quá dài.")]})
    cleaned = _nfc(answers)
    if not schema:
        return cleaned
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(cleaned), key=lambda e: list(e.absolute_path)):
        errors.setdefault(_path(error), []).append(_message(error))
    if errors:
        raise ValidationFailed(errors)
    return cleaned
