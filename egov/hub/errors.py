"""The hub's refusals: each carries the ErrorCode, the Vietnamese ErrorDesc and the HTTP status of its reply."""

from __future__ import annotations

from django.utils.translation import gettext as _


class HubError(Exception):
    def __init__(self, code: str, message: str, status: int, *, field: str = "", extra: dict | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.field = field
        self.extra = extra or {}

    def as_dict(self) -> dict:
        reply = {"status": "FAIL", "ErrorCode": self.code, "ErrorDesc": self.message}
        if self.field:
            reply["Field"] = self.field
        reply.update(self.extra)
        return reply


def unauthorized() -> HubError:
    return HubError("UNAUTHORIZED", _("Mã hệ thống hoặc mật khẩu kết nối không đúng."), 401)


def too_large(limit: int) -> HubError:
    return HubError("too_large", _("Gói tin vượt quá dung lượng cho phép (%(limit)s byte).") % {"limit": limit}, 413)


def bad_request(message: str, field: str = "") -> HubError:
    return HubError("BAD_REQUEST", message, 400, field=field)


def not_found() -> HubError:
    return HubError("NOT_FOUND", _("Không tìm thấy gói tin."), 404)
