"""Applying online, page by page: the draft keeps each answer until the applicant submits it."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.core.validation import acting_user
from egov.organisations.models import Organisation
from egov.services.applicants.services import prefill
from egov.services.dossiers import common, uploads
from egov.services.dossiers.submission import clean_applicant_values, dossier_submit_online
from egov.services.dossiers.uploads import Upload
from egov.services.models import ApplicationDraft, Dossier, DraftFile, ProcedureVersion, ResultDelivery


def _applicant(actor: Actor):
    user = acting_user(actor)
    if user is None or user.kind != "applicant":
        raise PermissionDenied(_("Hãy đăng nhập bằng tài khoản công dân, doanh nghiệp để nộp hồ sơ trực tuyến."))
    return user


def agencies_for(version: ProcedureVersion):
    """The organisations that receive dossiers of this version: those it names, else every one of its level."""
    rows = Organisation.objects.filter(active_to__isnull=True)
    if version.agency_codes:
        return rows.filter(code__in=version.agency_codes).order_by("name")
    levels = common.organisation_levels(version.procedure.level)
    # A department takes its province's procedures only when the version names it; by default the people's
    # committee of the level receives them.
    levels = [level for level in levels if level != "department"]
    return rows.filter(level__in=levels).order_by("name")


def draft_start(*, actor: Actor, version: ProcedureVersion) -> ApplicationDraft:
    """The applicant's draft for this version (the one they left, or a new one prefilled from their profile)."""
    user = _applicant(actor)
    common.require_in_force(version, None, timezone.localdate())
    draft = ApplicationDraft.objects.filter(applicant=user, version=version).order_by("-updated_at").first()
    if draft is not None:
        return draft
    agencies = list(agencies_for(version)[:2])
    return ApplicationDraft.objects.create(
        applicant=user,
        version=version,
        agency=agencies[0] if len(agencies) == 1 else None,
        applicant_values=prefill(user),
        result_delivery=ResultDelivery.ONLINE,
    )


def draft_get(*, actor: Actor, pk: int) -> ApplicationDraft:
    user = acting_user(actor)
    draft = (
        ApplicationDraft.objects.select_related("version", "version__procedure", "agency")
        .filter(pk=pk, applicant=user)
        .first()
        if user is not None
        else None
    )
    if draft is None:
        raise NotFound("draft")
    return draft


def draft_set_agency(*, actor: Actor, draft: ApplicationDraft, agency_id) -> ApplicationDraft:
    _applicant(actor)
    agency = agencies_for(draft.version).filter(pk=agency_id).first() if agency_id else None
    if agency is None:
        raise ValidationFailed({"agency": [_("Hãy chọn cơ quan giải quyết.")]})
    draft.agency = agency
    draft.save(update_fields=["agency", "updated_at"])
    return draft


def draft_set_applicant(*, actor: Actor, draft: ApplicationDraft, values: dict) -> ApplicationDraft:
    _applicant(actor)
    draft.applicant_values = clean_applicant_values(values)
    if values.get("result_delivery") not in ResultDelivery.values:
        raise ValidationFailed({"result_delivery": [_("Hãy chọn cách nhận kết quả.")]})
    draft.result_delivery = values["result_delivery"]
    draft.save(update_fields=["applicant_values", "result_delivery", "updated_at"])
    return draft


def draft_set_answers(*, actor: Actor, draft: ApplicationDraft, answers: dict) -> ApplicationDraft:
    """Keep one page's answers (already checked by its form); the whole form is checked again on submission."""
    _applicant(actor)
    draft.answers = {**draft.answers, **answers}
    draft.save(update_fields=["answers", "updated_at"])
    return draft


@transaction.atomic
def draft_attach(*, actor: Actor, draft: ApplicationDraft, upload: Upload) -> DraftFile:
    """Check a paper now (so the applicant hears at once) and keep it; a second upload replaces the first."""
    _applicant(actor)
    requirement = draft.version.required_documents.filter(key=upload.requirement).first()
    if requirement is None:
        raise ValidationFailed({"file": [_("Giấy tờ này không thuộc thành phần hồ sơ của thủ tục.")]})
    uploads.check(requirement, upload, "file")
    DraftFile.objects.filter(draft=draft, requirement=upload.requirement).delete()
    row = DraftFile(
        draft=draft,
        requirement=upload.requirement,
        original_name=upload.name[:255],
        content_type=uploads.sniff(upload.data) or upload.content_type,
        size=len(upload.data),
    )
    row.file.save(f"draft-{draft.pk}-{upload.requirement}", ContentFile(upload.data), save=False)
    row.save()
    draft.save(update_fields=["updated_at"])
    return row


def draft_detach(*, actor: Actor, draft: ApplicationDraft, requirement: str) -> None:
    _applicant(actor)
    DraftFile.objects.filter(draft=draft, requirement=requirement).delete()


@transaction.atomic
def draft_submit(*, actor: Actor, draft: ApplicationDraft) -> Dossier:
    """Turn the draft into a dossier (everything checked again); the draft is gone once the dossier exists."""
    user = _applicant(actor)
    if draft.agency is None:
        raise ValidationFailed({"agency": [_("Hãy chọn cơ quan giải quyết.")]})
    files = []
    for row in draft.files.all():
        with row.file.open("rb") as handle:
            files.append(Upload(row.requirement, row.original_name, row.content_type, handle.read()))
    dossier = dossier_submit_online(
        actor=actor,
        version=draft.version,
        agency=draft.agency,
        applicant_values=draft.applicant_values,
        answers=draft.answers,
        files=files,
        result_delivery=draft.result_delivery or ResultDelivery.ONLINE,
        idempotency_key=str(draft.idempotency_key),
    )
    names = [row.file.name for row in draft.files.all()]
    storage = DraftFile._meta.get_field("file").storage
    ApplicationDraft.objects.filter(pk=draft.pk, applicant=user).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return dossier
