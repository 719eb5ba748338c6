"""Signing, numbering, registering and dispatching an outgoing document; recalling it."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.validation import acting_user
from egov.documents.models import DeliveryState, Document, FileRole, FileStage, OutgoingState
from egov.documents.permissions import require_at, require_see
from egov.documents.rules.notation import format_number, format_symbol
from egov.documents.services import checks, common, dispatch, keys
from egov.documents.services.numbering import take_number
from egov.documents.services.outgoing import ensure_outgoing


@contextmanager
def _pin_field():
    """A wrong PIN or passphrase is an error of the PIN field, shown next to it."""
    from egov.documents.signing.keys import SigningFailed

    try:
        yield
    except SigningFailed as exc:
        if exc.code in ("wrong_passphrase", "wrong_pin", "pin_locked"):
            raise ValidationFailed({"pin": [exc.message]}) from None
        raise


def _lock(document: Document) -> Document:
    return Document.objects.select_for_update(of=("self",)).get(pk=document.pk)


def _format_errors_block(findings) -> None:
    errors = checks.errors_of(findings)
    if errors:
        raise ValidationFailed({"format_check": [str(f.message) for f in errors]})


@transaction.atomic
def document_sign(*, actor: Actor, document: Document, pin: str) -> Document:
    """Ký số của người ký: the visible signature with the signer's image on the approved main file."""
    from egov.documents.signing.sign import sign_as_signer

    document = _lock(document)
    ensure_outgoing(document)
    require_see(actor, document)
    user = acting_user(actor)
    if user is None or user.pk != document.signer_id:
        raise PermissionDenied(
            _("Chỉ người ký được chỉ định (%(name)s) được ký văn bản này.") % {"name": document.signer_name}
        )
    common.require_state(document, OutgoingState.APPROVED, message=_("Văn bản chưa được phê duyệt để ký."))
    main = common.current_files(document, FileRole.MAIN)
    if not main:
        raise ValidationFailed({"main_file": [_("Văn bản chưa có tệp văn bản chính (PDF).")]})
    _format_errors_block(checks.run(document, stage="before_signing"))
    key = keys.active_key(person=user)
    with _pin_field():
        signed = sign_as_signer(
            common.read_file(main[0]),
            key=keys.signer_spec(key, pin),
            signature_image=keys.key_image(key, person=user),
            reason=_("Ký ban hành văn bản"),
            location=document.place,
            anchor=document.signer_name or None,
        )
    common.store_file(
        document,
        signed,
        name=main[0].original_name,
        role=FileRole.MAIN,
        stage=FileStage.SIGNED,
        actor=actor,
        page_count=main[0].page_count,
        replaces=main,
    )
    common.transition(document, OutgoingState.SIGNED, actor=actor, data={"certificate": key.subject_name})
    return document


def build_symbol(document: Document, year: int) -> str:
    """Ký hiệu per Appendix I: type + issuer (công văn: issuer + drafting unit); legal normative adds the year."""
    from egov.documents.rules.types import type_by_code

    issuer = document.issuer or document.organisation
    if not issuer.abbreviation:
        raise ValidationFailed(
            {"symbol": [_("%(org)s chưa có chữ viết tắt dùng trong ký hiệu văn bản.") % {"org": issuer.name}]}
        )
    rule = type_by_code(document.type_code, document.issued_on)
    abbreviation = rule.abbreviation if rule else ""
    if abbreviation:
        symbol = format_symbol(type_abbreviation=abbreviation, issuer_abbreviation=issuer.abbreviation)
    else:
        unit = document.drafting_unit
        if unit is None or not unit.abbreviation:
            raise ValidationFailed(
                {"drafting_unit": [_("Công văn cần đơn vị soạn thảo có chữ viết tắt để ghi ký hiệu (ví dụ UBND-VP).")]}
            )
        symbol = format_symbol(issuer_abbreviation=issuer.abbreviation, unit_abbreviation=unit.abbreviation)
    if document.legal_normative:
        symbol = f"{year}/{symbol}"
    return symbol


def series_of(document: Document) -> str:
    from egov.documents.rules.series import series_for

    return series_for(type_code=document.type_code, legal_normative=document.legal_normative, secret=document.is_secret)


@transaction.atomic
def document_issue(*, actor: Actor, document: Document, pin: str) -> Document:
    """Cấp số, ký số của cơ quan, vào sổ văn bản đi and dispatch — all or nothing, so numbers have no gaps."""
    from egov.documents.signing.sign import sign_appendix, sign_as_organisation_seal, sign_number

    document = _lock(document)
    ensure_outgoing(document)
    require_at(
        actor,
        Perm.DOCS_REGISTER,
        document.organisation,
        _("Chỉ văn thư của %(org)s được cấp số và phát hành văn bản.") % {"org": document.organisation.name},
    )
    require_see(actor, document)
    common.require_state(document, OutgoingState.SIGNED, message=_("Văn bản chưa được người có thẩm quyền ký số."))
    organisation = document.organisation
    key = keys.active_key(organisation=organisation)
    spec = keys.signer_spec(key, pin)
    now = timezone.now()
    today = timezone.localdate(now)
    document.issued_on = today
    document.year = today.year
    symbol = build_symbol(document, today.year)
    document.series = series_of(document)
    main = common.current_files(document, FileRole.MAIN)
    # The seal does not depend on the number: signed before the number is taken, so the sequence stays
    # locked only for the number's own signature and the commit.
    with _pin_field():
        sealed = sign_as_organisation_seal(
            common.read_file(main[0]),
            key=spec,
            seal_image=keys.key_image(key, organisation=organisation),
        )
    document.number = take_number(organisation=organisation, year=today.year, series=document.series)
    document.number_text = format_number(document.number)
    document.symbol = symbol
    with _pin_field():
        sealed = sign_number(sealed, key=spec, number_symbol=document.number_symbol, signed_at=now)
    common.store_file(
        document,
        sealed,
        name=main[0].original_name,
        role=FileRole.MAIN,
        stage=FileStage.ISSUED,
        actor=actor,
        page_count=main[0].page_count,
        replaces=main,
    )
    for appendix in common.current_files(document, FileRole.APPENDIX):
        signed = sign_appendix(
            common.read_file(appendix), key=spec, number_symbol=document.number_symbol, signed_at=now
        )
        common.store_file(
            document,
            signed,
            name=appendix.original_name,
            role=FileRole.APPENDIX,
            stage=FileStage.ISSUED,
            actor=actor,
            page_count=appendix.page_count,
            position=appendix.position,
            replaces=[appendix],
        )
    document.save()
    common.transition(
        document,
        OutgoingState.ISSUED,
        actor=actor,
        data={"number": document.number, "series": document.series, "symbol": document.symbol},
    )
    checks.run(document, stage="issued")
    audit_record(
        actor=actor,
        action="documents.outgoing.number",
        obj=document,
        scope_org=organisation,
        after={"number_symbol": document.number_symbol, "series": document.series, "year": document.year},
    )
    dispatch.dispatch_document(document, actor=actor)
    return document


@transaction.atomic
def document_recall(*, actor: Actor, document: Document, reason: str) -> Document:
    """Thu hồi: freeze the outgoing document and its metadata; recipients' copies are destroyed, the recall kept."""
    document = _lock(document)
    ensure_outgoing(document)
    require_see(actor, document)
    require_at(
        actor,
        Perm.DOCS_APPROVE,
        document.organisation,
        _("Chỉ lãnh đạo %(org)s được thu hồi văn bản.") % {"org": document.organisation.name},
    )
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed({"reason": [_("Nêu lý do thu hồi văn bản.")]})
    if len(reason) > 500:
        raise common.lengths_error("reason", reason, 500)
    common.require_state(document, OutgoingState.ISSUED, message=_("Chỉ thu hồi được văn bản đã ban hành."))
    document.recalled_at = timezone.now()
    document.recall_reason = reason
    document.save(update_fields=["recalled_at", "recall_reason", "updated_at"])
    common.transition(document, OutgoingState.RECALLED, actor=actor, note=reason)
    dispatch.recall_document(document, actor=actor, reason=reason)
    document.recipients.update(delivery_state=DeliveryState.RECALLED, state_changed_at=document.recalled_at)
    return document
