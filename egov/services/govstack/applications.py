"""Application files: a dossier submitted online from the spec's applicationFileSubmit, or supplemented (PUT)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.validation import acting_user
from egov.services.dossiers import drafts, processing
from egov.services.dossiers.submission import dossier_submit_online
from egov.services.govstack import documents, mapping
from egov.services.models import Dossier, ProcedureVersion, ResultDelivery

# Our services name their inputs our way; the spec's names for the same inputs.
_FIELDS = (("form", "formData.data"), ("files", "documentUrls"), ("applicant_name", "applicationName"))


def spec_errors(exc: ValidationFailed) -> ValidationFailed:
    """The same errors, named by the spec's fields (form.child_name → formData.data.child_name)."""
    renamed: dict[str, list[str]] = {}
    for name, messages in exc.errors.items():
        for ours, theirs in _FIELDS:
            if name == ours or name.startswith(f"{ours}."):
                name = theirs + name[len(ours) :]
                break
        renamed.setdefault(name, []).extend(messages)
    return ValidationFailed(renamed)


def _check_eform(version: ProcedureVersion, form_data) -> None:
    given = getattr(form_data, "eFormId", None) if form_data is not None else None
    if given is not None and given != mapping.eform_id(version):
        raise ValidationFailed(
            {"formData.eFormId": [_("Biểu mẫu của thủ tục này là “%(id)s”.") % {"id": mapping.eform_id(version)}]}
        )


def _papers(actor: Actor, refs: list[str] | None, service_id: str) -> list:
    files, seen = [], set()
    for index, ref in enumerate(refs or []):
        field = f"documentUrls.{index}"
        stored = documents.document_take(actor=actor, ref=ref, field=field)
        if stored.service_id != service_id or stored.requirement == documents.RESULT:
            raise ValidationFailed({field: [_("Giấy tờ này được tải lên cho thủ tục khác.")]})
        if stored.requirement in seen:
            raise ValidationFailed({field: [_("Thành phần hồ sơ này đã được gửi ở một giấy tờ khác.")]})
        seen.add(stored.requirement)
        files.append(stored.upload)
    return files


def _agency(version: ProcedureVersion, code: str | None):
    agencies = drafts.agencies_for(version)
    if code:
        agency = agencies.filter(code=code.strip()).first()
        if agency is None:
            raise ValidationFailed({"agencyCode": [_("Cơ quan “%(c)s” không giải quyết thủ tục này.") % {"c": code}]})
        return agency
    candidates = list(agencies[:2])
    if len(candidates) != 1:
        raise ValidationFailed({"agencyCode": [_("Hãy chọn cơ quan giải quyết (mã định danh cơ quan).")]})
    return candidates[0]


@transaction.atomic
def application_submit(*, actor: Actor, version: ProcedureVersion, payload, idempotency_key: str = "") -> Dossier:
    """An applicant's own online dossier; their profile gives the contact details, the papers come from /documents."""
    user = acting_user(actor)
    if user is None or user.kind != "applicant":
        raise PermissionDenied(_("Hãy đăng nhập bằng tài khoản công dân, doanh nghiệp để nộp hồ sơ trực tuyến."))
    if payload.applicantId != user.username:
        raise PermissionDenied(
            _("Chỉ nộp hồ sơ cho chính mình: applicantId phải là tài khoản đang đăng nhập."), field="applicantId"
        )
    _check_eform(version, payload.formData)
    agency = _agency(version, payload.agencyCode)
    values = drafts.prefill(user)
    if payload.applicationName is not None:
        values["applicant_name"] = payload.applicationName
    try:
        files = _papers(actor, payload.documentUrls, version.procedure.code)
        return dossier_submit_online(
            actor=actor,
            version=version,
            agency=agency,
            applicant_values=values,
            answers=(payload.formData.data if payload.formData is not None else None) or {},
            files=files,
            result_delivery=ResultDelivery.ONLINE,
            idempotency_key=idempotency_key,
        )
    except ValidationFailed as exc:
        raise spec_errors(exc) from None


@transaction.atomic
def application_supplement(*, actor: Actor, dossier: Dossier, payload) -> Dossier:
    """PUT: the papers and answers asked for (bổ sung), by the applicant or the agency's one-stop officer."""
    if payload.applicantId != mapping.applicant_id(dossier):
        raise ValidationFailed({"applicantId": [_("applicantId không phải người nộp hồ sơ này.")]})
    _check_eform(dossier.version, payload.formData)
    try:
        files = _papers(actor, payload.documentUrls, dossier.version.procedure.code)
        answers = payload.formData.data if payload.formData is not None else None
        return processing.dossier_supplement(actor=actor, dossier=dossier, files=files, answers=answers)
    except ValidationFailed as exc:
        raise spec_errors(exc) from None
