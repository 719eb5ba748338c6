"""Pages: review meetings of a committee (họp định kỳ) — agenda, conclusions, minutes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.core.errors import DomainError, NotFound, PermissionDenied
from egov.core.views_helpers import apply_error
from egov.organisations.forms import OrganisationChoiceField
from egov.organisations.models import Organisation
from egov.plans import selectors, selectors_meetings
from egov.plans.models import ACTIVE_PLAN_STATES, ConclusionKind, MeetingStatus, Plan, ReviewMeeting, Task
from egov.plans.permissions import can_manage, require_manage
from egov.plans.services import meetings as services_meetings
from egov.plans.status import TAG_COLOURS, TaskStatus

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
            self.fields["task"].queryset = _open_tasks(meeting)
        if "plan" in self.fields:
            self.fields["plan"].queryset = services_meetings.meeting_plans(meeting).order_by("pk")
        if "lead_unit" in self.fields:
            self.fields["lead_unit"].queryset = _lead_units(meeting)

    def values(self) -> dict:
        return {"kind": self.kind, **self.cleaned_data}


def _open_tasks(meeting: ReviewMeeting):
    return (
        services_meetings.meeting_tasks(meeting)
        .filter(completed_on__isnull=True, dropped_on__isnull=True)
        .select_related("plan")
        .order_by("plan_id", "sort_key")
    )


def _lead_units(meeting: ReviewMeeting):
    """Units under the committee's organisation and every unit already leading a task of the meeting's plans."""
    leading = services_meetings.meeting_tasks(meeting).values("lead_unit")
    inside = Q(path__startswith=meeting.committee.organisation.path)
    return Organisation.objects.filter(inside | Q(pk__in=leading)).order_by("path")


def _conclusion_forms(meeting: ReviewMeeting, bound: ConclusionForm | None = None) -> list[tuple[str, str, object]]:
    rows = []
    for kind, label in ConclusionKind.choices:
        form = bound if bound is not None and bound.prefix == kind else ConclusionForm(kind=kind, meeting=meeting)
        rows.append((kind, label, form))
    return rows


def _detail_context(request, meeting: ReviewMeeting, **forms_in_use) -> dict:
    actor = request.actor
    managing = can_manage(actor, meeting.committee.organisation)
    agenda = selectors_meetings.meeting_agenda(meeting=meeting)
    for item in agenda:
        item.status_label = TaskStatus(item.status_then).label if item.status_then in TaskStatus.values else ""
        item.status_colour = TAG_COLOURS.get(item.status_then, "grey")
    is_open = meeting.status != MeetingStatus.CONCLUDED
    on_agenda = [item.task_id for item in agenda]
    agenda_form = forms_in_use.get("agenda_form") or AgendaAddForm()
    agenda_form.fields["task"].queryset = _open_tasks(meeting).exclude(pk__in=on_agenda)
    context = {
        "meeting": meeting,
        "committee": meeting.committee,
        "agenda": agenda,
        "conclusions": selectors_meetings.meeting_conclusions(meeting=meeting),
        "can_manage": managing,
        "is_open": is_open,
        "details_form": forms_in_use.get("details_form")
        or MeetingForm(initial=_details_initial(meeting), editing=True),
        "minutes_form": forms_in_use.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        "agenda_form": agenda_form,
        "conclusion_forms": _conclusion_forms(meeting, forms_in_use.get("conclusion_form")),
        "page_error": forms_in_use.get("page_error"),
        "open_form": forms_in_use.get("open_form", ""),
    }
    return context


def _details_initial(meeting: ReviewMeeting) -> dict:
    return {name: getattr(meeting, name) for name in ("title", "held_at", "location", "chair_name", "participants")}


@login_required
def meeting_list(request, committee_pk: int):
    committee = selectors.committee_get(actor=request.actor, pk=committee_pk)
    return render(
        request,
        "plans/meetings/list.html",
        {
            "committee": committee,
            "meetings": selectors_meetings.meeting_list(committee=committee),
            "can_manage": can_manage(request.actor, committee.organisation),
        },
    )


@login_required
def meeting_create(request, committee_pk: int):
    actor = request.actor
    committee = selectors.committee_get(actor=actor, pk=committee_pk)
    require_manage(actor, committee.organisation)
    form = MeetingForm(request.POST or None, committee=committee)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = services_meetings.meeting_create(actor=actor, committee=committee, values=form.cleaned_data)
            except (PermissionDenied, NotFound):
                raise
            except DomainError as exc:
                apply_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Đã tạo cuộc họp; chương trình họp có %(n)d đầu việc.") % {"n": meeting.agenda.count()},
                )
                return redirect("plans:meeting_detail", pk=meeting.pk)
        else:
            status = 422
    return render(request, "plans/meetings/form.html", {"committee": committee, "form": form}, status=status)


def _update(actor, meeting, data):
    return services_meetings.meeting_update(actor=actor, meeting=meeting, values=data)


def _agenda_add(actor, meeting, data):
    return services_meetings.agenda_add(actor=actor, meeting=meeting, task=data["task"], note=data["note"])


def _conclusion_add(actor, meeting, data):
    return services_meetings.conclusion_add(actor=actor, meeting=meeting, values=data)


def _bind(request, meeting: ReviewMeeting, action: str):
    """The form an action posts, the context key it is shown under, the service call and the success message."""
    if action == "details":
        form = MeetingForm(request.POST, editing=True)
        return form, {"details_form": form, "open_form": "details"}, _update, _("Đã lưu thông tin cuộc họp.")
    if action == "minutes":
        form = MinutesForm(request.POST)
        return form, {"minutes_form": form}, _update, _("Đã lưu nội dung biên bản.")
    if action == "agenda_add":
        form = AgendaAddForm(request.POST)
        form.fields["task"].queryset = _open_tasks(meeting)
        return form, {"agenda_form": form}, _agenda_add, _("Đã bổ sung đầu việc vào chương trình họp.")
    kind = request.POST.get("kind")
    if action == "conclusion" and kind in ConclusionKind.values:
        form = ConclusionForm(request.POST, kind=kind, meeting=meeting)
        return form, {"conclusion_form": form, "open_form": kind}, _conclusion_add, _("Đã ghi kết luận.")
    return None


def _handle_post(request, meeting: ReviewMeeting):
    """One of the forms of the meeting page; returns (context overrides, status) or a redirect."""
    actor = request.actor
    # Refuse before reading the input, so a person without the right learns that, not about a typo.
    require_manage(actor, meeting.committee.organisation)
    action = request.POST.get("action", "")
    if action == "agenda_remove":
        item = meeting.agenda.filter(pk=request.POST.get("item") or 0).first()
        if item is None:
            raise NotFound(_("Không tìm thấy mục trong chương trình họp."))
        services_meetings.agenda_remove(actor=actor, meeting=meeting, item=item)
        messages.success(request, _("Đã bỏ đầu việc khỏi chương trình họp."))
        return redirect("plans:meeting_detail", pk=meeting.pk)
    bound = _bind(request, meeting, action)
    if bound is None:
        return {"page_error": _("Thao tác không hợp lệ.")}, 400
    form, overrides, call, done = bound
    if not form.is_valid():
        return overrides, 422
    data = form.values() if isinstance(form, ConclusionForm) else form.cleaned_data
    try:
        call(actor, meeting, data)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        apply_error(form, exc)
        if not form.errors:
            overrides["page_error"] = exc.message
        return overrides, exc.status
    messages.success(request, done)
    return redirect("plans:meeting_detail", pk=meeting.pk)


@login_required
def meeting_detail(request, pk: int):
    meeting = selectors_meetings.meeting_get(actor=request.actor, pk=pk)
    overrides, status = {}, 200
    if request.method == "POST":
        result = _handle_post(request, meeting)
        if not isinstance(result, tuple):
            return result
        overrides, status = result
        meeting.refresh_from_db()
    return render(request, "plans/meetings/detail.html", _detail_context(request, meeting, **overrides), status=status)


@login_required
@require_POST
def meeting_conclude(request, pk: int):
    actor = request.actor
    meeting = selectors_meetings.meeting_get(actor=actor, pk=pk)
    try:
        services_meetings.meeting_conclude(actor=actor, meeting=meeting)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        context = _detail_context(request, meeting, page_error=exc.message)
        return render(request, "plans/meetings/detail.html", context, status=exc.status)
    messages.success(request, _("Đã ban hành kết luận cuộc họp."))
    return redirect("plans:meeting_detail", pk=meeting.pk)


@login_required
def meeting_minutes_pdf(request, pk: int):
    meeting = selectors_meetings.meeting_get(actor=request.actor, pk=pk)
    response = HttpResponse(services_meetings.meeting_minutes_pdf(meeting=meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-ban-hop-{meeting.pk}.pdf"'
    return response


urlpatterns: list = [
    path("committees/<int:committee_pk>/meetings/", meeting_list, name="meeting_list"),
    path("committees/<int:committee_pk>/meetings/new/", meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/conclude/", meeting_conclude, name="meeting_conclude"),
    path("meetings/<int:pk>/minutes.pdf", meeting_minutes_pdf, name="meeting_minutes_pdf"),
]
