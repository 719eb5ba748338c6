"""Actions of the document page on the way in: register, return, assign, urge; and on one assignment: start,
forward, complete."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.errors import Conflict, PermissionDenied
from egov.core.validation import acting_user
from egov.documents.forms import actions as action_forms
from egov.documents.forms.fields import target_choices
from egov.documents.permissions import member_org_ids
from egov.documents.selectors.documents import assignment_get, document_get
from egov.documents.services import assignments, incoming
from egov.documents.views import _abilities
from egov.documents.views._common import shows_refusal
from egov.documents.views.detail import run_action


def _document(request, pk: int, action: str):
    document = document_get(request.actor, pk)
    _abilities.require(request.actor, document, action)
    return document


def _offer_duplicate(form, exc) -> None:
    if isinstance(exc, Conflict) and exc.code == "duplicate":
        form.show_duplicate = True
        form.fields["allow_duplicate"].widget = forms.CheckboxInput()


@login_required
@shows_refusal
@require_POST
def register(request, pk: int):
    document = _document(request, pk, "register")
    form = action_forms.RegisterForm(request.POST, prefix="register")

    def call(form):
        data = form.cleaned_data
        values = {"handling_due_on": data["handling_due_on"]} if data.get("handling_due_on") else None
        return incoming.document_register(
            actor=request.actor, document=document, allow_duplicate=data["allow_duplicate"], values=values
        )

    def success(registered):
        return _("Đã vào sổ văn bản đến, số đến %(n)s.") % {"n": registered.arrival_number}

    return run_action(
        request,
        document,
        "register",
        form,
        call,
        success,
        field_map={"number_symbol": "allow_duplicate"},
        on_error=_offer_duplicate,
    )


@login_required
@shows_refusal
@require_POST
def return_to_sender(request, pk: int):
    document = _document(request, pk, "return")
    form = action_forms.ReasonForm(request.POST, prefix="return")

    def call(form):
        return incoming.document_return(actor=request.actor, document=document, reason=form.cleaned_data["reason"])

    return run_action(request, document, "return", form, call, _("Đã trả lại văn bản cho nơi gửi."))


@login_required
@shows_refusal
@require_POST
def assign(request, pk: int):
    """Phân công — from the document page or in one click from the leader's inbox (only the lead chosen)."""
    document = _document(request, pk, "assign")
    form = action_forms.TargetsForm(request.POST, prefix="assign", targets=target_choices(document.organisation))

    def call(form):
        return assignments.document_assign(actor=request.actor, document=document, values=form.values())

    return run_action(request, document, "assign", form, call, _("Đã phân công giải quyết."))


@login_required
@shows_refusal
@require_POST
def urge(request, pk: int):
    document = _document(request, pk, "urge")
    form = action_forms.UrgeForm(request.POST, prefix="urge")

    def call(form):
        return assignments.document_urge(actor=request.actor, document=document, message=form.cleaned_data["message"])

    def success(count):
        return _("Đã gửi đôn đốc đến %(n)d người.") % {"n": count}

    return run_action(request, document, "urge", form, call, success)


def _assignment(request, pk: int):
    """An assignment on a document the actor may see, and theirs (or their unit's) to act on."""
    row = assignment_get(request.actor, pk)
    document = document_get(request.actor, row.document_id)
    user = acting_user(request.actor)
    mine = (user is not None and row.person_id == user.pk) or (
        row.unit_id is not None and row.unit_id in member_org_ids(request.actor)
    )
    if not mine:
        raise PermissionDenied(_("Việc này không được giao cho bạn hoặc đơn vị của bạn."))
    return row, document


@login_required
@shows_refusal
@require_POST
def start(request, pk: int):
    row, document = _assignment(request, pk)
    name = f"start-{row.pk}"
    form = action_forms.EmptyForm(request.POST, prefix=name)

    def call(form):
        return assignments.assignment_start(actor=request.actor, assignment=row)

    return run_action(request, document, name, form, call, _("Đã nhận xử lý."))


@login_required
@shows_refusal
@require_POST
def forward(request, pk: int):
    row, document = _assignment(request, pk)
    name = f"forward-{row.pk}"
    form = action_forms.ForwardForm(request.POST, prefix=name, targets=target_choices(document.organisation))

    def call(form):
        return assignments.assignment_forward(actor=request.actor, assignment=row, values=form.values())

    return run_action(request, document, name, form, call, _("Đã chuyển tiếp."))


@login_required
@shows_refusal
@require_POST
def complete(request, pk: int):
    row, document = _assignment(request, pk)
    name = f"complete-{row.pk}"
    form = action_forms.CompleteForm(request.POST, prefix=name)

    def call(form):
        return assignments.assignment_complete(actor=request.actor, assignment=row, result=form.cleaned_data["result"])

    return run_action(request, document, name, form, call, _("Đã ghi kết quả giải quyết."))


urlpatterns: list = [
    path("<int:pk>/register/", register, name="register"),
    path("<int:pk>/return/", return_to_sender, name="return"),
    path("<int:pk>/assign/", assign, name="assign"),
    path("<int:pk>/urge/", urge, name="urge"),
    path("assignments/<int:pk>/start/", start, name="assignment_start"),
    path("assignments/<int:pk>/forward/", forward, name="assignment_forward"),
    path("assignments/<int:pk>/complete/", complete, name="assignment_complete"),
]
