"""Forms of the plan pages: they parse input only; the rules (periods, numbers, transitions) live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.organisations.forms import OrganisationChoiceField
from egov.organisations.models import Organisation
from egov.plans.forms.fields import date_field
from egov.plans.models import PlanStatus, SteeringCommittee

NUMBER_HINT = _("Ví dụ: 1035/QĐ-BVHTTDL")


def _year(label, *, required: bool = True, help_text: str = "") -> forms.IntegerField:
    # No bounds here: the service checks the range and the order of the years and names the field.
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={"invalid": _("Nhập năm bằng chữ số, ví dụ: 2025.")},
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )


class CommitteeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SteeringCommittee) -> str:
        return f"{obj.name} ({obj.decision_number})"


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    organisation = OrganisationChoiceField(
        label=_("Cơ quan"),
        queryset=Organisation.objects.none(),
        help_text=_("Cơ quan tổ chức thực hiện và theo dõi kế hoạch."),
    )
    issuer = OrganisationChoiceField(label=_("Cơ quan ban hành"), queryset=Organisation.objects.none())
    committee = CommitteeChoiceField(
        label=_("Ban Chỉ đạo theo dõi"),
        queryset=SteeringCommittee.objects.none(),
        required=False,
        empty_label=_("(Không có)"),
    )
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=50, required=False, help_text=NUMBER_HINT)
    issued_on = date_field(_("Ngày ban hành"), required=False)
    signer = forms.CharField(label=_("Người ký"), max_length=150, required=False)
    source_title = forms.CharField(
        label=_("Văn bản được triển khai"),
        max_length=500,
        required=False,
        help_text=_("Ví dụ: Nghị quyết về một số nhiệm vụ, giải pháp trọng tâm phát triển Chính phủ điện tử"),
    )
    source_number = forms.CharField(
        label=_("Số, ký hiệu văn bản được triển khai"), max_length=50, required=False, help_text=_("Ví dụ: 17/NQ-CP")
    )
    source_date = date_field(_("Ngày của văn bản được triển khai"), required=False)
    period_start = _year(_("Giai đoạn từ năm"))
    period_end = _year(_("Đến năm"))
    orientation_year = _year(_("Định hướng đến năm"), required=False, help_text=_("Để trống nếu không có."))
    due_soon_days = forms.IntegerField(
        label=_("Số ngày làm việc báo sắp đến hạn"),
        initial=5,
        error_messages={"invalid": _("Nhập một số.")},
        help_text=_("Đầu việc chuyển sang “sắp đến hạn” và được nhắc trước hạn chừng này ngày làm việc."),
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    recurring_report_days = forms.IntegerField(
        label=_("Chu kỳ báo cáo nhiệm vụ thường xuyên (ngày)"),
        initial=92,
        error_messages={"invalid": _("Nhập một số.")},
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    file = forms.FileField(
        label=_("Tệp kế hoạch (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        help_text=_("Tệp PDF, tối đa 20 MB. Để trống nếu không thay tệp."),
    )

    def __init__(self, *args, organisations=None, committees=None, issued: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
            self.fields["issuer"].queryset = organisations
        if committees is not None:
            self.fields["committee"].queryset = committees
        if not issued:
            # A draft gets its number and date when it is issued (the transition form asks for them).
            del self.fields["number"]
            del self.fields["issued_on"]

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "file"}

    def files_data(self) -> dict:
        return {"file": self.cleaned_data["file"]} if self.cleaned_data.get("file") else {}


class PlanTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("Chuyển sang"), choices=(), widget=forms.RadioSelect)
    decision_number = forms.CharField(
        label=_("Theo quyết định số"),
        max_length=50,
        required=False,
        help_text=_("Bắt buộc khi ban hành hoặc sửa đổi, bổ sung. Ví dụ: 1035/QĐ-BVHTTDL"),
    )
    decision_date = date_field(_("Ngày quyết định"), required=False)
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi sửa đổi, bổ sung kế hoạch."),
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, PlanStatus(s).label) for s in PlanStatus.values if s in allowed]
        if len(self.fields["to"].choices) == 1:
            self.fields["to"].initial = self.fields["to"].choices[0][0]


class PlanFilterForm(forms.Form):
    """The list's search box and filters (GET); unknown values are ignored rather than refused."""

    q = forms.CharField(label=_("Tìm theo tên, số ký hiệu"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *PlanStatus.choices])
    org = forms.ModelChoiceField(
        label=_("Cơ quan"), required=False, queryset=Organisation.objects.none(), empty_label=_("Tất cả")
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["org"].queryset = organisations

    def filters(self) -> dict:
        self.is_valid()  # keeps the valid filters when another one is not
        data = self.cleaned_data
        return {"search": data.get("q") or "", "status": data.get("status") or "", "organisation": data.get("org")}
