"""The one error the codec raises, with a stable code, a Vietnamese message and the element it concerns."""

from __future__ import annotations


def gettext_noop(text: str) -> str:
    """Marks a message for makemessages without needing Django settings at import time."""
    return text


# Stable codes the hub and the nodes return in their replies; the messages are shown to people.
MESSAGES = {
    "malformed": gettext_noop("Gói tin không đúng định dạng XML."),
    "forbidden_dtd": gettext_noop("Gói tin chứa khai báo DOCTYPE, thực thể hoặc XInclude, không được chấp nhận."),
    "namespace": gettext_noop("Gói tin không thuộc không gian tên edXML (QCVN 102:2016)."),
    "missing": gettext_noop("Gói tin edXML thiếu thành phần bắt buộc."),
    "invalid": gettext_noop("Gói tin edXML có giá trị không hợp lệ."),
    "too_large": gettext_noop("Gói tin vượt quá kích thước cho phép."),
    "too_deep": gettext_noop("Gói tin có cấu trúc lồng nhau quá sâu."),
    "too_many_attachments": gettext_noop("Gói tin có quá nhiều tệp đính kèm."),
    "attachment_mismatch": gettext_noop("Nội dung tệp đính kèm không khớp với mã băm trong danh mục."),
    "attachment_missing": gettext_noop("Tệp đính kèm và danh mục tệp đính kèm của gói tin không khớp nhau."),
    "signature_missing": gettext_noop("Gói tin chưa được ký số."),
    "signature_invalid": gettext_noop("Chữ ký số trên gói tin không hợp lệ."),
    "untrusted": gettext_noop("Chứng thư số ký gói tin không do tổ chức chứng thực tin cậy cấp hoặc đã hết hiệu lực."),
    "signer_mismatch": gettext_noop("Chứng thư số ký gói tin không thuộc cơ quan gửi."),
}


def _translate(text: str) -> str:
    # The codec also runs in tools without Django settings; there the Vietnamese text is the message.
    try:
        from django.utils.translation import gettext

        return gettext(text)
    except Exception:
        return text


class EdxmlError(Exception):
    """A package that cannot be built, parsed or trusted (gói tin edXML không hợp lệ).

    `detail` is a technical English explanation for logs; it is never shown to users.
    """

    def __init__(self, code: str, *, field: str | None = None, message: str | None = None, detail: str = ""):
        if code not in MESSAGES:
            raise ValueError(f"unknown edXML error code {code!r}")
        self.code = code
        self.field = field
        self.message = message if message is not None else _translate(MESSAGES[code])
        self.detail = detail
        super().__init__(f"{code}: {field or '-'}: {detail or self.message}")

    def __reduce__(self):
        # Pickled as its parts (a worker process raising it to its parent), not as the formatted text.
        return (_rebuild, (type(self), self.code, self.field, self.message, self.detail))

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


def _rebuild(cls: type[EdxmlError], code: str, field: str | None, message: str, detail: str) -> EdxmlError:
    return cls(code, field=field, message=message, detail=detail)
