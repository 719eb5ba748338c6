"""The small forms of the document page's actions: each parses one POST, the service decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.documents.forms.fields import date_field, pdf_field

# GOV.UK's select has a fixed height made for one line; a list box shows its rows.
LIST_BOX = {"size": 6, "style": "height:auto"}
DECISIONS = (("approve", _("Đồng ý")), ("return", pgettext_lazy("action", "Trả lại")))


class NoteDecisionForm(forms.Form):
    """Duyệt / phê duyệt: the button pressed gives the decision; a return needs a reason."""

    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Ý kiến"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi trả lại dự thảo."),
    )


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú khi trình"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PinForm(forms.Form):
    pin = forms.CharField(
        label=_("Mã PIN của khóa ký"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "class": "govuk-input--width-10"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RegisterForm(forms.Form):
    """Vào sổ an electronic arrival; the duplicate confirmation appears only after a warning."""

    handling_due_on = date_field(_("Hạn xử lý"), help_text=_("Thời hạn giải quyết ghi trên văn bản, nếu có."))
    allow_duplicate = forms.BooleanField(
        label=_("Vẫn vào sổ"), required=False, help_text=_("Tôi đã kiểm tra: đây không phải văn bản đã vào sổ.")
    )

    def __init__(self, *args, show_duplicate: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_duplicate = show_duplicate or bool(self.data.get(self.add_prefix("allow_duplicate")))
        if not self.show_duplicate:
            self.fields["allow_duplicate"].widget = forms.HiddenInput()


class TargetsForm(forms.Form):
    """Phân công: one lead, cooperating and for-information targets, a deadline, the leader's instructions."""

    lead = forms.ChoiceField(label=_("Chủ trì giải quyết"), choices=())
    cooperate = forms.MultipleChoiceField(
        label=_("Phối hợp"),
        choices=(),
        required=False,
        widget=forms.SelectMultiple(attrs=LIST_BOX),
        help_text=_("Giữ phím Ctrl (hoặc Cmd) để chọn nhiều."),
    )
    inform = forms.MultipleChoiceField(
        label=_("Để biết"), choices=(), required=False, widget=forms.SelectMultiple(attrs=LIST_BOX)
    )
    due_on = date_field(_("Hạn giải quyết"))
    due_in_days = forms.IntegerField(
        label=_("Hoặc số ngày làm việc"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_("Tính từ hôm nay, bỏ qua ngày nghỉ."),
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    instructions = forms.CharField(
        label=_("Ý kiến chỉ đạo"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("", _("(Chọn đơn vị hoặc cá nhân)")), *targets]
        self.fields["cooperate"].choices = targets
        self.fields["inform"].choices = targets

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "lead": data["lead"],
            "cooperate": list(data.get("cooperate") or []),
            "inform": list(data.get("inform") or []),
            "due_on": data.get("due_on"),
            "due_in_days": data.get("due_in_days"),
            "instructions": data.get("instructions") or "",
        }


class QuickAssignForm(forms.Form):
    """The inbox's one-click assignment: only the lead; the deadline is the one registered."""

    lead = forms.ChoiceField(
        label=_("Chủ trì giải quyết"), choices=(), widget=forms.Select(attrs={"style": "max-width:18em"})
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("", _("(Chọn đơn vị hoặc cá nhân)")), *targets]

    def values(self) -> dict:
        return {"lead": self.cleaned_data["lead"]}


class ForwardForm(forms.Form):
    """Chuyển tiếp, giao tiếp: to a person or a unit of the organisation."""

    to = forms.ChoiceField(label=_("Chuyển cho"), choices=())
    due_on = date_field(_("Hạn giải quyết"), help_text=_("Để trống để giữ hạn của việc được giao."))
    instructions = forms.CharField(
        label=_("Ý kiến"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("(Chọn người hoặc đơn vị)")), *targets]

    def values(self) -> dict:
        data = self.cleaned_data
        due = data.get("due_on")
        return {"to": data["to"], "due_on": due.isoformat() if due else "", "instructions": data.get("instructions")}


class CompleteForm(forms.Form):
    result = forms.CharField(
        label=_("Kết quả giải quyết"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class UrgeForm(forms.Form):
    message = forms.CharField(
        label=_("Nội dung đôn đốc"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Ý kiến"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(forms.Form):
    file = pdf_field(_("Tệp dự thảo mới (PDF)"), required=True)
    note = forms.CharField(label=_("Nội dung sửa đổi"), max_length=500, required=False)


class GrantForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Người được cấp quyền"), choices=(), coerce=int)
    reason = forms.CharField(label=_("Lý do"), max_length=500)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("(Chọn người)")), *people]


class EmptyForm(forms.Form):
    """A button-only action (start, confirm, revoke, format check): the errors still have a form to sit on."""
