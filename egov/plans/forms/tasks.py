"""Forms of the task pages: they parse input only; the rules (deadlines, units, loops, percents) live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.organisations.forms import OrganisationChoiceField, org_label
from egov.organisations.models import Organisation
from egov.plans.forms.fields import date_field
from egov.plans.models import Priority, ReviewDecision, Task, TaskKind

DEADLINE_HINT = _(
    "Viết như trong kế hoạch, theo một trong các dạng: 30/6/2019, Tháng 9/2019, Quý II/2019, Năm 2019, "
    "2019–2020, Thường xuyên đến năm 2025."
)
# Above this many units a list of checkboxes is too long to scan; a multiple select is used instead.
CHECKBOX_LIMIT = 40


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return org_label(obj)


class _RequiredForTasks:
    """Shown as required (a task needs it) but not enforced here: a section has none, and the service knows which."""

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


class LeadUnitField(_RequiredForTasks, OrganisationChoiceField):
    pass


class DeadlineField(_RequiredForTasks, forms.CharField):
    pass


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:
        prefix = _("Mục") if obj.kind == TaskKind.SECTION else _("Đầu việc")
        depth = len(obj.sort_key) // 5 if obj.sort_key else 1
        return f"{'— ' * (depth - 1)}{prefix} {obj.number}. {obj.title[:120]}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.username})"


class TaskForm(forms.Form):
    """A task or a section of a plan. The deadline field is left out once the plan is issued."""

    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=TaskKind.choices,
        initial=TaskKind.TASK,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        help_text=_("Mục chỉ dùng để nhóm các đầu việc; mục không có đơn vị chủ trì, thời hạn."),
    )
    parent = TaskChoiceField(
        label=_("Thuộc mục"), queryset=Task.objects.none(), required=False, empty_label=_("(Cấp cao nhất)")
    )
    number = forms.CharField(
        label=_("STT"),
        max_length=20,
        required=False,
        help_text=_("Để trống để đánh số tự động theo thứ tự."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    product = forms.CharField(
        label=_("Sản phẩm"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_unit = LeadUnitField(
        label=_("Đơn vị chủ trì"),
        queryset=Organisation.objects.none(),
        empty_label=_("(Chọn đơn vị)"),
        help_text=_("Mỗi đầu việc có đúng một đơn vị chủ trì; mục thì không có."),
    )
    cooperating_units = OrganisationMultipleChoiceField(
        label=_("Đơn vị phối hợp"), queryset=Organisation.objects.none(), required=False
    )
    responsible_leader = PersonChoiceField(
        label=_("Lãnh đạo phụ trách"), queryset=User.objects.none(), required=False, empty_label=_("(Không)")
    )
    deadline = DeadlineField(label=_("Thời gian hoàn thành"), max_length=100, help_text=DEADLINE_HINT)
    priority = forms.ChoiceField(
        label=_("Mức ưu tiên"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
    )

    def __init__(self, *args, parents, units, people, with_deadline: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["lead_unit"].queryset = units
        self.fields["cooperating_units"].queryset = units
        self.fields["responsible_leader"].queryset = people
        if units.count() <= CHECKBOX_LIMIT:
            self.fields["cooperating_units"].widget = forms.CheckboxSelectMultiple(
                attrs={"class": "govuk-checkboxes--small"}
            )
        else:
            self.fields["cooperating_units"].widget = forms.SelectMultiple(attrs={"size": 10})
            self.fields["cooperating_units"].help_text = _("Giữ phím Ctrl (hoặc Cmd) để chọn nhiều đơn vị.")
        # The widget was replaced after the queryset was set, so it needs the choices again.
        self.fields["cooperating_units"].widget.choices = self.fields["cooperating_units"].choices
        if not with_deadline:
            del self.fields["deadline"]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["cooperating_units"] = list(data.get("cooperating_units") or [])
        return data


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is only checked to be a file here (the service checks content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    """Báo cáo tiến độ: the lead unit gives a percent; a cooperating unit only writes what it did."""

    unit = forms.ModelChoiceField(label=_("Đơn vị báo cáo"), queryset=Organisation.objects.all())
    percent = forms.IntegerField(
        label=_("Tiến độ (%)"),
        required=False,
        help_text=_("Chỉ đơn vị chủ trì nhập tiến độ, từ 0 đến 100."),
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    narrative = forms.CharField(label=_("Nội dung, kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 4}))
    products = forms.CharField(
        label=_("Sản phẩm đã hoàn thành"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Lý do điều chỉnh giảm tiến độ"),
        max_length=1000,
        required=False,
        help_text=_("Bắt buộc khi tiến độ thấp hơn lần báo cáo trước."),
    )
    requests_completion = forms.BooleanField(
        label=_("Đề nghị xác nhận hoàn thành"),
        required=False,
        help_text=_("Chỉ đơn vị chủ trì, khi tiến độ là 100%."),
    )
    reported_on = date_field(_("Ngày báo cáo"), required=False, help_text=_("Để trống nếu là hôm nay."))
    evidence = MultipleFileField(
        label=_("Tài liệu minh chứng"),
        required=False,
        help_text=_("PDF, văn bản Office, ảnh PNG/JPEG hoặc tệp ZIP; tối đa 10 tệp, mỗi tệp không quá 20 MB."),
    )

    def __init__(self, *args, units: list[Organisation], lead_unit_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if all(u.pk != lead_unit_id for u in units):
            # A cooperating unit contributes what it did; the percent and the completion request are the lead's.
            del self.fields["percent"]
            del self.fields["requests_completion"]
        # Any unit is accepted here so that the service, not the form, decides whether the unit may report
        # (a unit that is not assigned is refused with 403); the select offers only the actor's own units.
        choices = [(u.pk, u.name) for u in units]
        if len(choices) != 1:
            choices.insert(0, ("", _("(Chọn đơn vị)")))
        self.fields["unit"].widget.choices = choices

    def values(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key not in ("unit", "evidence")}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Ý kiến của lãnh đạo"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    completed_on = date_field(
        _("Ngày hoàn thành"), required=False, help_text=_("Để trống: lấy ngày đơn vị chủ trì báo cáo hoàn thành.")
    )
    comment = forms.CharField(
        label=_("Ý kiến"),
        max_length=2000,
        required=False,
        help_text=_("Bắt buộc khi trả lại."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UrgeForm(forms.Form):
    message = forms.CharField(label=_("Nội dung đôn đốc"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class DeadlineForm(forms.Form):
    deadline = forms.CharField(label=_("Thời hạn mới"), max_length=100, help_text=DEADLINE_HINT)
    reason = forms.CharField(label=_("Lý do điều chỉnh"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DropForm(forms.Form):
    reason = forms.CharField(label=_("Lý do dừng thực hiện"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(forms.Form):
    document_number = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=50, help_text=_("Ví dụ: 2508/QĐ-UBND"))
    document_date = date_field(_("Ngày văn bản"), required=False)
    title = forms.CharField(label=_("Trích yếu"), max_length=500)
    url = forms.CharField(
        label=_("Địa chỉ"), max_length=500, required=False, help_text=_("Ví dụ: https://vanban.chinhphu.vn/…")
    )
