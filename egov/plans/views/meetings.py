"""Pages: review meetings of a committee (họp định kỳ) — agenda, conclusions, minutes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.errors import DomainError, NotFound, PermissionDenied
from egov.core.views_helpers import apply_error
from egov.plans import selectors
from egov.plans.forms.meetings import AgendaAddForm, ConclusionForm, MeetingForm, MinutesForm
from egov.plans.models import ConclusionKind, MeetingStatus, ReviewMeeting
from egov.plans.permissions import can_manage, require_manage
from egov.plans.selectors import meetings as selectors_meetings
from egov.plans.services import meetings as services_meetings
from egov.plans.status import TAG_COLOURS, TaskStatus


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
    agenda_form.fields["task"].queryset = selectors_meetings.meeting_open_tasks(meeting).exclude(pk__in=on_agenda)
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
        form.fields["task"].queryset = selectors_meetings.meeting_open_tasks(meeting)
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
