"""Actions of the document page on the way out: submit, review, approve, sign, issue, recall; and for every
document: comments, new draft versions, the format check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.errors import ValidationFailed
from egov.documents.forms import actions as action_forms
from egov.documents.selectors.documents import document_get
from egov.documents.services import issuing, outgoing
from egov.documents.views import _abilities
from egov.documents.views._common import shows_refusal
from egov.documents.views.detail import run_action


def _document(request, pk: int, action: str):
    document = document_get(request.actor, pk)
    _abilities.require(request.actor, document, action)
    return document


@login_required
@shows_refusal
@require_POST
def submit(request, pk: int):
    document = _document(request, pk, "submit")
    form = action_forms.SubmitForm(request.POST, prefix="submit")

    def call(form):
        return outgoing.document_submit(actor=request.actor, document=document, note=form.cleaned_data["note"])

    return run_action(request, document, "submit", form, call, _("Đã trình duyệt dự thảo."))


def _decision(request, pk: int, name: str, service, approved: str, returned: str):
    document = _document(request, pk, name)
    form = action_forms.NoteDecisionForm(request.POST, prefix=name)

    def call(form):
        approve = form.cleaned_data["decision"] == "approve"
        service(actor=request.actor, document=document, approve=approve, note=form.cleaned_data["note"])
        return approve

    return run_action(
        request, document, name, form, call, lambda approve: approved if approve else returned, field_map={}
    )


@login_required
@shows_refusal
@require_POST
def review(request, pk: int):
    approved = _("Đã duyệt, trình lãnh đạo cơ quan.")
    return _decision(request, pk, "review", outgoing.document_review, approved, _("Đã trả lại dự thảo."))


@login_required
@shows_refusal
@require_POST
def approve(request, pk: int):
    return _decision(
        request, pk, "approve", outgoing.document_approve, _("Đã phê duyệt, chờ ký số."), _("Đã trả lại dự thảo.")
    )


# A missing key is shown where the PIN is typed: that is where the person is looking.
_SIGN_ERRORS = {"signer": "pin", "seal": "pin"}


def _with_key(sign):
    """A key that does not open (wrong PIN or passphrase, token refused) is the PIN field's error."""
    from egov.documents.signing.keys import SigningFailed

    try:
        return sign()
    except SigningFailed as exc:
        raise ValidationFailed({"pin": [exc.message]}) from exc


@login_required
@shows_refusal
@require_POST
def sign(request, pk: int):
    document = _document(request, pk, "sign")
    form = action_forms.PinForm(request.POST, prefix="sign")

    def call(form):
        pin = form.cleaned_data["pin"]
        return _with_key(lambda: issuing.document_sign(actor=request.actor, document=document, pin=pin))

    return run_action(request, document, "sign", form, call, _("Đã ký số văn bản."), field_map=_SIGN_ERRORS)


@login_required
@shows_refusal
@require_POST
def issue(request, pk: int):
    document = _document(request, pk, "issue")
    form = action_forms.PinForm(request.POST, prefix="issue")

    def call(form):
        pin = form.cleaned_data["pin"]
        return _with_key(lambda: issuing.document_issue(actor=request.actor, document=document, pin=pin))

    def success(issued):
        return _("Đã cấp số %(ns)s, ký số của cơ quan và phát hành.") % {"ns": issued.number_symbol}

    return run_action(request, document, "issue", form, call, success, field_map=_SIGN_ERRORS)


@login_required
@shows_refusal
@require_POST
def recall(request, pk: int):
    document = _document(request, pk, "recall")
    form = action_forms.ReasonForm(request.POST, prefix="recall")

    def call(form):
        return issuing.document_recall(actor=request.actor, document=document, reason=form.cleaned_data["reason"])

    return run_action(request, document, "recall", form, call, _("Đã thu hồi văn bản."))


@login_required
@shows_refusal
@require_POST
def comment(request, pk: int):
    document = document_get(request.actor, pk)
    form = action_forms.CommentForm(request.POST, prefix="comment")

    def call(form):
        return outgoing.document_comment(actor=request.actor, document=document, text=form.cleaned_data["text"])

    return run_action(request, document, "comment", form, call, _("Đã ghi ý kiến."))


@login_required
@shows_refusal
@require_POST
def version(request, pk: int):
    document = _document(request, pk, "version")
    form = action_forms.VersionForm(request.POST, request.FILES, prefix="version")

    def call(form):
        return outgoing.document_add_version(
            actor=request.actor, document=document, file=form.cleaned_data["file"], note=form.cleaned_data["note"]
        )

    def success(row):
        return _("Đã thêm phiên bản dự thảo %(v)s.") % {"v": row.version}

    return run_action(request, document, "version", form, call, success)


@login_required
@shows_refusal
@require_POST
def format_check(request, pk: int):
    """Kiểm tra thể thức on request (the clerk's button); the findings are kept on the document."""
    from egov.documents.services import checks

    document = _document(request, pk, "check")
    form = action_forms.EmptyForm(request.POST, prefix="check")

    def call(form):
        return checks.document_check_format(actor=request.actor, document=document)

    def success(findings):
        errors = sum(1 for f in findings if f.severity == "error")
        if not findings:
            return _("Kiểm tra thể thức: không phát hiện vấn đề.")
        return _("Kiểm tra thể thức: %(n)d phát hiện, %(e)d lỗi.") % {"n": len(findings), "e": errors}

    return run_action(request, document, "check", form, call, success)


urlpatterns: list = [
    path("<int:pk>/submit/", submit, name="submit"),
    path("<int:pk>/review/", review, name="review"),
    path("<int:pk>/approve/", approve, name="approve"),
    path("<int:pk>/sign/", sign, name="sign"),
    path("<int:pk>/issue/", issue, name="issue"),
    path("<int:pk>/recall/", recall, name="recall"),
    path("<int:pk>/comment/", comment, name="comment"),
    path("<int:pk>/version/", version, name="version"),
    path("<int:pk>/check/", format_check, name="check"),
]
