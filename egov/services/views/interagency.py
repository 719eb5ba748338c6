"""The dossier page's "another agency" step: draft or link the letter that carries the dossier there, link the reply."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from egov.accounts.models import User
from egov.services.dossiers import interagency as ia

SIGNER_ROLES = ("leader", "deputy_leader")


def signers(dossier):
    """The agency's leaders, who sign its letters."""
    return (
        User.objects.filter(
            is_active=True, role_assignments__organisation=dossier.agency, role_assignments__role__in=SIGNER_ROLES
        )
        .distinct()
        .order_by("full_name")
    )


def _document_label(document) -> str:
    number = document.number_symbol or _("chưa cấp số")
    return f"{number} — {document.subject[:120]}"


class LetterDraftForm(forms.Form):
    subject = forms.CharField(label=_("Trích yếu"), max_length=500)
    signer = forms.ModelChoiceField(label=_("Người ký"), queryset=None)
    main_file = forms.FileField(
        label=_("Văn bản xin ý kiến (PDF)"),
        help_text=_("Các giấy tờ PDF của hồ sơ được đính kèm làm phụ lục."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = signers(dossier)
        self.fields["signer"].empty_label = _("— Chọn lãnh đạo ký —")
        if not self.is_bound:
            self.initial.setdefault(
                "subject",
                _("V/v xin ý kiến về hồ sơ %(code)s (%(procedure)s)")
                % {"code": dossier.code, "procedure": dossier.version.name},
            )


class LetterLinkForm(forms.Form):
    letter = forms.TypedChoiceField(label=_("Văn bản đi đã soạn"), coerce=int)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter"].choices = [("", _("— Chọn văn bản —"))] + [(d.pk, _document_label(d)) for d in choices]


class ReplyLinkForm(forms.Form):
    reply = forms.TypedChoiceField(label=_("Văn bản trả lời (văn bản đến)"), coerce=int)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].choices = [("", _("— Chọn văn bản —"))] + [(d.pk, _document_label(d)) for d in choices]


def page_context(request, dossier, forms_given: dict) -> dict:
    """The step's block on the dossier page: what was sent and came back, and the forms the holder may use."""
    from egov.services.dossiers.processing import _holds_step, _open_step

    step = ia.agency_step(request.actor, dossier, _open_step(dossier))
    if step is None:
        return {"agency_step": None}
    return {
        "agency_step": step,
        "agency_holder": _holds_step(request.actor, dossier),
        "letter_draft_form": forms_given.get("letter_draft_form") or LetterDraftForm(dossier=dossier, prefix="letter"),
        "letter_link_form": forms_given.get("letter_link_form")
        or LetterLinkForm(choices=step.letter_choices, prefix="link"),
        "reply_link_form": forms_given.get("reply_link_form")
        or ReplyLinkForm(choices=step.reply_choices, prefix="reply"),
    }


def _choices(request, dossier, attribute: str):
    from egov.services.dossiers.processing import _open_step

    step = ia.agency_step(request.actor, dossier, _open_step(dossier))
    return getattr(step, attribute) if step is not None else []


def _upload(data) -> tuple[str, bytes]:
    upload = data["main_file"]
    return upload.name, upload.read()


@login_required
@require_POST
def letter_draft(request, pk: int):
    from egov.services.views.desk import _act

    return _act(
        request,
        pk,
        "letter_draft_form",
        lambda d: LetterDraftForm(request.POST, request.FILES, dossier=d, prefix="letter"),
        lambda d, data: ia.dossier_letter_draft(
            actor=request.actor,
            dossier=d,
            subject=data["subject"],
            signer=data["signer"],
            main_file=_upload(data),
            note=data["note"],
        ),
    )


@login_required
@require_POST
def letter_link(request, pk: int):
    from egov.services.views.desk import _act

    return _act(
        request,
        pk,
        "letter_link_form",
        lambda d: LetterLinkForm(request.POST, choices=_choices(request, d, "letter_choices"), prefix="link"),
        lambda d, data: ia.dossier_letter_link(actor=request.actor, dossier=d, letter_id=data["letter"]),
    )


@login_required
@require_POST
def reply_link(request, pk: int):
    from egov.services.views.desk import _act

    return _act(
        request,
        pk,
        "reply_link_form",
        lambda d: ReplyLinkForm(request.POST, choices=_choices(request, d, "reply_choices"), prefix="reply"),
        lambda d, data: ia.dossier_reply_link(actor=request.actor, dossier=d, reply_id=data["reply"]),
    )


urlpatterns = [
    path("desk/<int:pk>/agency/letter/", letter_draft, name="desk_agency_letter"),
    path("desk/<int:pk>/agency/link/", letter_link, name="desk_agency_link"),
    path("desk/<int:pk>/agency/reply/", reply_link, name="desk_agency_reply"),
]
