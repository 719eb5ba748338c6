"""Words and tag colours of the document pages: ``{% load documents_ui %}``."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.documents.models import (
    AccessAction,
    DeliveryState,
    Direction,
    IncomingState,
    OutgoingState,
    Secrecy,
    Urgency,
)

register = template.Library()

EVENT_WORDS = {
    "created": pgettext_lazy("event", "Tạo dự thảo"),
    "updated": pgettext_lazy("event", "Sửa thông tin dự thảo"),
    "version": pgettext_lazy("event", "Thêm phiên bản dự thảo"),
    "comment": pgettext_lazy("event", "Cho ý kiến"),
    "arrived": pgettext_lazy("event", "Văn bản đến"),
    "assignment.started": pgettext_lazy("event", "Nhận xử lý"),
    "assignment.forwarded": pgettext_lazy("event", "Chuyển tiếp, giao xử lý"),
    "assignment.completed": pgettext_lazy("event", "Báo cáo kết quả giải quyết"),
    "urged": pgettext_lazy("event", "Đôn đốc giải quyết"),
    "access.granted": pgettext_lazy("event", "Cấp quyền truy cập"),
    "access.revoked": pgettext_lazy("event", "Thu hồi quyền truy cập"),
    "dispatch.delivered": pgettext_lazy("event", "Đã gửi đến nơi nhận trên hệ thống"),
    "dispatch.awaiting_exchange": pgettext_lazy("event", "Chờ gửi qua trục liên thông"),
    "dispatch.none": pgettext_lazy("event", "Không có nơi nhận ngoài bản lưu"),
    "recall.awaiting_exchange": pgettext_lazy("event", "Chờ báo thu hồi qua trục liên thông"),
    "exchange.queued": pgettext_lazy("event", "Xếp vào hàng gửi qua trục liên thông"),
    "exchange.recall_queued": pgettext_lazy("event", "Xếp vào hàng gửi thông báo thu hồi"),
    "exchange.withdrawn": pgettext_lazy("event", "Rút khỏi hàng gửi trước khi gửi đi"),
    "exchange.refused": pgettext_lazy("event", "Trục liên thông từ chối gói tin"),
    "exchange.secret_not_sent": pgettext_lazy("event", "Văn bản mật: không gửi qua trục liên thông"),
    "exchange.updated": pgettext_lazy("event", "Nơi gửi cập nhật văn bản"),
    "exchange.replaced": pgettext_lazy("event", "Nơi gửi ban hành văn bản thay thế"),
    "exchange.status.13": pgettext_lazy("event", "Nơi nhận yêu cầu lấy lại văn bản"),
    "exchange.status.16": pgettext_lazy("event", "Nơi nhận từ chối thu hồi, cập nhật"),
    "casefile.added": pgettext_lazy("event", "Đưa vào hồ sơ"),
    "casefile.removed": pgettext_lazy("event", "Rút khỏi hồ sơ"),
    "format_check": pgettext_lazy("event", "Kiểm tra thể thức"),
}

SEVERITY = {
    "error": ("red", pgettext_lazy("finding", "Lỗi")),
    "warning": ("yellow", _("Cảnh báo")),
    "info": ("blue", _("Thông tin")),
}

MODIFICATIONS = {
    "none": _("Không có thay đổi"),
    "signatures": _("Chỉ thêm chữ ký số"),
    "validation data": _("Chỉ bổ sung dữ liệu kiểm tra chữ ký"),
    "form filling": _("Điền biểu mẫu"),
    "annotations": _("Thêm ghi chú"),
    "other": _("Có sửa đổi khác"),
}

STATE_COLOURS = {
    OutgoingState.DRAFT: "grey",
    OutgoingState.IN_REVIEW: "light-blue",
    OutgoingState.AWAITING_APPROVAL: "light-blue",
    OutgoingState.APPROVED: "purple",
    OutgoingState.SIGNED: "purple",
    OutgoingState.ISSUED: "green",
    IncomingState.ARRIVED: "yellow",
    IncomingState.REGISTERED: "orange",
    IncomingState.ASSIGNED: "light-blue",
    IncomingState.COMPLETED: "green",
    IncomingState.RETURNED: "grey",
    "recalled": "red",
}

DELIVERY_COLOURS = {
    DeliveryState.PENDING: "grey",
    DeliveryState.DELIVERED: "light-blue",
    DeliveryState.AWAITING_EXCHANGE: "yellow",
    DeliveryState.RECEIVED: "blue",
    DeliveryState.HANDLING: "blue",
    DeliveryState.COMPLETED: "green",
    DeliveryState.RETURNED: "orange",
    DeliveryState.RECALLED: "red",
}


def _state_label(direction: str, state: str) -> str:
    choices = OutgoingState if direction == Direction.OUTGOING else IncomingState
    return str(choices(state).label) if state in choices.values else state


@register.filter
def state_label(document) -> str:
    return _state_label(document.direction, document.state)


@register.filter
def dashes(depth) -> str:
    """The indent of a forwarded assignment under the one it came from."""
    return "— " * int(depth or 0)


@register.filter
def state_colour(state: str) -> str:
    return STATE_COLOURS.get(state, "grey")


@register.filter
def delivery_colour(state: str) -> str:
    return DELIVERY_COLOURS.get(state, "grey")


@register.filter
def severity_colour(severity: str) -> str:
    return SEVERITY.get(severity, ("grey", severity))[0]


@register.filter
def severity_label(severity: str) -> str:
    return str(SEVERITY.get(severity, ("grey", severity))[1])


@register.filter
def modification_words(level: str) -> str:
    return str(MODIFICATIONS.get(level, level))


@register.filter
def urgency_label(value: str) -> str:
    return str(Urgency(value).label) if value in Urgency.values else value


@register.filter
def secrecy_label(value: str) -> str:
    return str(Secrecy(value).label) if value in Secrecy.values else value


@register.filter
def access_action_label(value: str) -> str:
    return str(AccessAction(value).label) if value in AccessAction.values else value


@register.filter
def event_text(event, direction: str = "") -> str:
    """One timeline line in words: a state change names the new state, a delivery names the recipient's status."""
    kind = event.kind
    if kind.startswith("state."):
        return str(_("Chuyển sang “%(state)s”")) % {"state": _state_label(direction, kind.split(".", 1)[1])}
    if kind.startswith("recipient."):
        state = kind.split(".", 1)[1]
        return str(DeliveryState(state).label) if state in DeliveryState.values else state
    return str(EVENT_WORDS.get(kind, kind))
