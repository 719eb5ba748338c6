"""Forms of the meeting pages: they parse input only; the service checks each conclusion again."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.organisations.forms import OrganisationChoiceField
from egov.organisations.models import Organisation
from egov.plans.models import ACTIVE_PLAN_STATES, ConclusionKind, Plan, ReviewMeeting, Task
from egov.plans.selectors import meetings as selectors_meetings

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
# Which inputs each kind of conclusion asks for (the service checks them again).
KIND_FIELDS = {
    ConclusionKind.GENERAL: ("text",),
    ConclusionKind.CHANGE_DEADLINE: ("task", "new_deadline_text", "reason", "text"),
    ConclusionKind.ADD_TASK: ("plan", "title", "product", "lead_unit", "new_deadline_text", "text"),
    ConclusionKind.CLOSE_TASK: ("task", "text"),
    ConclusionKind.DROP_TASK: ("task", "reason", "text"),
}
TASK_CHOICE_ERRORS = {
    "invalid_choice": gettext_lazy("Đầu việc không thuộc kế hoạch được rà soát tại cuộc họp này, hoặc đã kết thúc."),
    "required": gettext_lazy("Chọn đầu việc."),
}


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:
        number = f"{obj.number}. " if obj.number else ""
        return f"{number}{obj.title[:150]} ({obj.plan.number or obj.plan.title[:40]})"


class MeetingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên cuộc họp"), max_length=300)
    held_at = forms.DateTimeField(
        label=gettext_lazy("Thời gian họp"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    location = forms.CharField(label=gettext_lazy("Địa điểm"), max_length=300, required=False)
    chair_name = forms.CharField(
        label=gettext_lazy("Người chủ trì"),
        max_length=200,
        help_text=gettext_lazy("Họ tên và chức vụ, ví dụ: Nguyễn Văn A, Phó Chủ tịch UBND tỉnh, Trưởng ban"),
    )
    participants = forms.CharField(
        label=gettext_lazy("Thành phần tham dự"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Kế hoạch được rà soát"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=gettext_lazy("Tất cả kế hoạch đang thực hiện do Ban Chỉ đạo theo dõi"),
        help_text=gettext_lazy(
            "Chương trình họp được lập sẵn với các đầu việc chưa hoàn thành: quá hạn, sắp đến hạn, "
            "rồi các đầu việc khác."
        ),
    )

    def __init__(self, *args, committee=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["plan"]
        else:
            self.fields["plan"].queryset = Plan.objects.filter(
                committee=committee, status__in=ACTIVE_PLAN_STATES
            ).order_by("-issued_on", "pk")


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=gettext_lazy("Nội dung biên bản"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Diễn biến cuộc họp, ý kiến phát biểu. Kết luận ghi riêng ở phần dưới."),
    )


class AgendaAddForm(forms.Form):
    task = TaskChoiceField(
        label=gettext_lazy("Đầu việc"), queryset=Task.objects.none(), error_messages=TASK_CHOICE_ERRORS
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=1000, required=False)


class ConclusionForm(forms.Form):
    plan = forms.ModelChoiceField(label=gettext_lazy("Bổ sung vào kế hoạch"), queryset=Plan.objects.none())
    task = TaskChoiceField(
        label=gettext_lazy("Đầu việc"), queryset=Task.objects.none(), error_messages=TASK_CHOICE_ERRORS
    )
    title = forms.CharField(label=gettext_lazy("Tên đầu việc"), max_length=2000)
    product = forms.CharField(label=gettext_lazy("Sản phẩm"), max_length=2000, required=False)
    lead_unit = OrganisationChoiceField(label=gettext_lazy("Đơn vị chủ trì"), queryset=Organisation.objects.none())
    new_deadline_text = forms.CharField(
        label=gettext_lazy("Thời hạn mới"),
        max_length=100,
        help_text=gettext_lazy("Ví dụ: 30/6/2020, Tháng 9/2020, Quý II/2020, Năm 2020"),
    )
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=1000)
    text = forms.CharField(
        label=gettext_lazy("Nội dung kết luận"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args, kind: str, meeting: ReviewMeeting, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        self.kind = kind
        keep = set(KIND_FIELDS[kind])
        if meeting.plan_id is not None:
            keep.discard("plan")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "text" in self.fields and kind != ConclusionKind.GENERAL:
            self.fields["text"].required = False
            self.fields["text"].help_text = _("Để trống: hệ thống tự ghi nội dung theo thay đổi của đầu việc.")
        if "task" in self.fields:
            self.fields["task"].queryset = selectors_meetings.meeting_open_tasks(meeting)
        if "plan" in self.fields:
            self.fields["plan"].queryset = selectors_meetings.meeting_plans(meeting).order_by("pk")
        if "lead_unit" in self.fields:
            self.fields["lead_unit"].queryset = _lead_units(meeting)

    def values(self) -> dict:
        return {"kind": self.kind, **self.cleaned_data}


def _lead_units(meeting: ReviewMeeting):
    """Units under the committee's organisation and every unit already leading a task of the meeting's plans."""
    leading = selectors_meetings.meeting_tasks(meeting).values("lead_unit")
    inside = Q(path__startswith=meeting.committee.organisation.path)
    return Organisation.objects.filter(inside | Q(pk__in=leading)).order_by("path")
