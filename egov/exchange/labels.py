"""The words a person reads for each line of an exchange timeline (QCVN 102:2016 status codes and node steps)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

# Status codes carried by status messages, then the steps this node records itself.
STATUS_LABELS = {
    "01": pgettext_lazy("exchange", "Đã đến"),
    "02": pgettext_lazy("exchange", "Từ chối tiếp nhận"),
    "03": pgettext_lazy("exchange", "Đã tiếp nhận, vào sổ"),
    "04": pgettext_lazy("exchange", "Đã phân công"),
    "05": pgettext_lazy("exchange", "Đang xử lý"),
    "06": pgettext_lazy("exchange", "Hoàn thành"),
    "13": pgettext_lazy("exchange", "Yêu cầu lấy lại"),
    "15": pgettext_lazy("exchange", "Đồng ý thu hồi, cập nhật"),
    "16": pgettext_lazy("exchange", "Từ chối thu hồi, cập nhật"),
    "queued": gettext_lazy("Xếp hàng gửi"),
    "sent": gettext_lazy("Đã gửi lên trục liên thông"),
    "recall": pgettext_lazy("exchange", "Thu hồi văn bản"),
    "update": pgettext_lazy("exchange", "Cập nhật văn bản"),
    "replace": pgettext_lazy("exchange", "Thay thế văn bản"),
    "received": gettext_lazy("Đã nhận gói tin, đăng ký văn bản đến"),
}


def status_label(code: str) -> str:
    """The label of a timeline code; a code this version does not know is still shown, by its number."""
    label = STATUS_LABELS.get(code)
    if label is not None:
        return str(label)
    return _("Trạng thái %(code)s") % {"code": code}
