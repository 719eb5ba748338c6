"""Forms of the back office (bộ phận một cửa and the officials handling dossiers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.services.models import DossierState


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Mọi hồ sơ đang giải quyết"))]
        + [
            (s.value, s.label)
            for s in DossierState
            if s not in (DossierState.REFUSED, DossierState.WITHDRAWN, DossierState.STOPPED, DossierState.RETURNED)
        ],
    )
    overdue = forms.BooleanField(label=_("Chỉ hồ sơ quá hạn"), required=False)


class AssigneeForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Chuyển cho"), queryset=None, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people
        self.fields["assignee"].empty_label = _("— Chưa giao người cụ thể —")


class HandOverForm(AssigneeForm):
    note = forms.CharField(
        label=_("Ý kiến xử lý"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class SupplementRequestForm(forms.Form):
    name = forms.CharField(label=_("Giấy tờ cần bổ sung, hoàn thiện"), max_length=300)
    reason = forms.CharField(label=_("Lý do"), max_length=500)


class ResolveForm(forms.Form):
    result = forms.FileField(label=_("Kết quả giải quyết (PDF đã ký số)"), required=False)
    note = forms.CharField(
        label=_("Ý kiến phê duyệt"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApologyForm(forms.Form):
    new_due_date = forms.DateField(label=_("Ngày hẹn trả mới"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Lý do chậm"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class PaidForm(forms.Form):
    reference = forms.CharField(label=_("Số biên lai, chứng từ nộp phí"), max_length=100)
