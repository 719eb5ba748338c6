"""Dossiers coming in: submitted online by an applicant, entered at the counter, or supplemented."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.permissions import require
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.calendar.hours import localise
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.validation import acting_user
from egov.services import eforms
from egov.services.dossiers import codes, common, states, uploads
from egov.services.dossiers.uploads import Upload
from egov.services.models import Channel, Dossier, DossierFile, DossierState, ProcedureVersion, ResultDelivery

MAX_FILES = 30


def check_papers(version: ProcedureVersion, files: list[Upload], *, complete: bool) -> None:
    """Each upload belongs to a listed paper and passes its checks; with `complete`, every mandatory one is there."""
    if len(files) > MAX_FILES:
        raise ValidationFailed({"files": [_("Tối đa %(n)d tệp cho một hồ sơ.") % {"n": MAX_FILES}]})
    requirements = {r.key: r for r in version.required_documents.all()}
    errors: dict[str, list[str]] = {}
    for index, upload in enumerate(files):
        field = f"files.{upload.requirement or index}"
        requirement = requirements.get(upload.requirement)
        if requirement is None:
            errors.setdefault(field, []).append(_("Giấy tờ này không thuộc thành phần hồ sơ của thủ tục."))
            continue
        try:
            uploads.check(requirement, upload, field)
        except ValidationFailed as exc:
            for name, messages in exc.errors.items():
                errors.setdefault(name, []).extend(messages)
    if complete:
        given = {upload.requirement for upload in files}
        for key, requirement in requirements.items():
            if requirement.mandatory and key not in given:
                errors.setdefault(f"files.{key}", []).append(_("Thiếu “%(name)s”.") % {"name": requirement.name})
    if errors:
        raise ValidationFailed(errors)


def clean_applicant_values(values: dict) -> dict:
    from egov.core.validation import Errors, text

    errors = Errors()
    cleaned = {
        "applicant_name": text(values, "applicant_name", errors, required=True, max_length=200),
        "applicant_id_number": text(values, "applicant_id_number", errors, max_length=20),
        "applicant_phone": text(values, "applicant_phone", errors, max_length=20),
        "applicant_email": text(values, "applicant_email", errors, max_length=254),
        "applicant_address": text(values, "applicant_address", errors, max_length=300),
    }
    number = cleaned["applicant_id_number"]
    if number and not number.replace("-", "").isdigit():
        errors.add("applicant_id_number", _("Số định danh, mã số doanh nghiệp chỉ gồm chữ số."))
    phone = cleaned["applicant_phone"]
    if phone and not phone.replace(" ", "").lstrip("+").isdigit():
        errors.add("applicant_phone", _("Số điện thoại không hợp lệ."))
    errors.raise_if_any()
    return cleaned


def _create(
    *,
    actor: Actor,
    version: ProcedureVersion,
    agency,
    channel: str,
    applicant,
    applicant_values: dict,
    answers: dict,
    files: list[Upload],
    result_delivery: str,
    idempotency_key: str,
) -> Dossier:
    now = timezone.now()
    common.require_in_force(version, agency, localise(now).date())
    if result_delivery not in ResultDelivery.values:
        raise ValidationFailed({"result_delivery": [_("Hãy chọn cách nhận kết quả.")]})
    cleaned = eforms.validate_answers(version.form_schema, answers)
    check_papers(version, files, complete=True)
    dossier = Dossier(
        code=codes.next_code(agency, localise(now).date()),
        agency=agency,
        version=version,
        state=DossierState.SUBMITTED,
        channel=channel,
        result_delivery=result_delivery,
        applicant=applicant,
        form_data=cleaned,
        lookup_secret=common.lookup_secret(),
        submitted_at=now,
        fee_total=common.fee_total(version),
        idempotency_key=idempotency_key[:80],
        **applicant_values,
    )
    dossier.save()
    for upload in files:
        common.store_file(dossier, upload, kind=DossierFile.Kind.SUBMITTED, actor=actor, requirement=upload.requirement)
    states.event(dossier, "state.submitted", actor=actor, data={"channel": channel, "files": len(files)})
    audit_record(
        actor=actor,
        action="services.dossier.submitted",
        obj=dossier,
        scope_org=agency,
        after={"procedure": version.procedure.code, "version": version.number, "channel": channel},
    )
    return dossier


def dossier_submit_online(
    *,
    actor: Actor,
    version: ProcedureVersion,
    agency,
    applicant_values: dict,
    answers: dict,
    files: list[Upload],
    result_delivery: str = ResultDelivery.ONLINE,
    idempotency_key: str = "",
) -> Dossier:
    """An applicant's online dossier (trạng thái 1 Mới đăng ký). The same idempotency key returns the same dossier."""
    user = acting_user(actor)
    if user is None or user.kind != "applicant":
        raise PermissionDenied(_("Hãy đăng nhập bằng tài khoản công dân, doanh nghiệp để nộp hồ sơ trực tuyến."))
    if idempotency_key:
        existing = Dossier.objects.filter(applicant=user, idempotency_key=idempotency_key[:80]).first()
        if existing is not None:
            return existing
    values = clean_applicant_values(applicant_values)
    try:
        with transaction.atomic():
            return _create(
                actor=actor,
                version=version,
                agency=agency,
                channel=Channel.ONLINE,
                applicant=user,
                applicant_values=values,
                answers=answers,
                files=files,
                result_delivery=result_delivery,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # The same submission sent twice at once: the first one stands.
        existing = Dossier.objects.filter(applicant=user, idempotency_key=idempotency_key[:80]).first()
        if idempotency_key and existing is not None:
            return existing
        raise


@transaction.atomic
def dossier_intake_counter(
    *,
    actor: Actor,
    version: ProcedureVersion,
    agency,
    applicant_values: dict,
    answers: dict,
    files: list[Upload],
    channel: str = Channel.COUNTER,
    result_delivery: str = ResultDelivery.COUNTER,
) -> Dossier:
    """A paper dossier entered and scanned by the one-stop officer (or arrived by post), then checked as usual."""
    require(actor, Perm.SERVICES_INTAKE, agency)
    if channel not in (Channel.COUNTER, Channel.POSTAL):
        raise ValidationFailed({"channel": [_("Hình thức nộp không hợp lệ.")]})
    return _create(
        actor=actor,
        version=version,
        agency=agency,
        channel=channel,
        applicant=None,
        applicant_values=clean_applicant_values(applicant_values),
        answers=answers,
        files=files,
        result_delivery=result_delivery,
        idempotency_key="",
    )
