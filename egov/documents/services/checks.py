"""Running the format check (kiểm tra thể thức) on a stored document and keeping its findings."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.actor import Actor
from egov.accounts.roles import Perm
from egov.audit.services import audit_record
from egov.core.errors import InvalidTransition
from egov.documents.models import Document, FileRole
from egov.documents.permissions import require_at, require_see
from egov.documents.services import common


def signature_reports(document: Document):
    """Validation of the current main file and of each appendix (None for the main file when there is none)."""
    from egov.documents.signing.validate import validate_pdf

    main = common.current_files(document, FileRole.MAIN)
    main_report = validate_pdf(common.read_file(main[0])) if main else None
    appendices = tuple(validate_pdf(common.read_file(f)) for f in common.current_files(document, FileRole.APPENDIX))
    return main_report, appendices


def facts_for(document: Document, *, stage: str, main_report, appendix_reports):
    from egov.documents.rules.formatcheck import DocumentFacts

    issuer = document.issuer
    return DocumentFacts(
        stage=stage,
        type_code=document.type_code,
        number_symbol=document.number_symbol,
        issued_on=document.issued_on,
        received_on=timezone.localdate(document.received_at) if document.received_at else None,
        issuer_code=document.issuer_code,
        issuer_name=document.issuer_name,
        issuer_abbreviation=(issuer.abbreviation if issuer else ""),
        issuer_is_collective=is_collective(issuer) if issuer else False,
        signer_name=document.signer_name,
        signer_position=document.signer_position,
        signer_prefix=document.signer_prefix,
        legal_normative=document.legal_normative,
        secret=document.is_secret,
        subject=document.subject,
        main_file=main_report,
        appendices=tuple(appendix_reports),
        today=timezone.localdate(),
    )


def is_collective(organisation) -> bool:
    """Organisations under the collective regime sign "TM." — people's committees and councils, the Government."""
    from egov.core.text import fold

    name = fold(organisation.name)
    return any(key in name for key in ("uy ban nhan dan", "hoi dong nhan dan", "chinh phu", "ubnd", "hdnd"))


def run(document: Document, *, stage: str, reports=None) -> list:
    """Check the document, keep the findings on it (as plain dicts) and return them."""
    from egov.documents.rules.formatcheck import check_format

    main_report, appendix_reports = reports if reports is not None else signature_reports(document)
    findings = check_format(
        facts_for(document, stage=stage, main_report=main_report, appendix_reports=appendix_reports)
    )
    document.format_findings = [{**asdict(f), "message": str(f.message)} for f in findings]
    document.format_checked_at = timezone.now()
    document.save(update_fields=["format_findings", "format_checked_at", "updated_at"])
    return findings


def errors_of(findings) -> list:
    return [f for f in findings if f.severity == "error"]


@transaction.atomic
def document_check_format(*, actor: Actor, document: Document) -> list:
    """Kiểm tra thể thức on request: a clerk of the organisation runs it; the findings are kept and recorded."""
    from egov.documents.models import Direction, OutgoingState

    document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    require_see(actor, document)
    require_at(
        actor,
        Perm.DOCS_REGISTER,
        document.organisation,
        _("Chỉ văn thư của %(org)s được kiểm tra thể thức văn bản.") % {"org": document.organisation.name},
    )
    if document.is_recalled and document.direction == Direction.INCOMING:
        raise InvalidTransition(_("Văn bản đã bị nơi gửi thu hồi: tệp và nội dung đã được hủy."))
    if document.direction == Direction.INCOMING:
        stage = "incoming"
    elif document.state in (OutgoingState.ISSUED, OutgoingState.RECALLED):
        stage = "issued"
    else:
        stage = "before_signing"
    findings = run(document, stage=stage)
    common.event(
        document,
        "format_check",
        actor=actor,
        data={"stage": stage, "errors": len(errors_of(findings)), "findings": len(findings)},
    )
    audit_record(
        actor=actor,
        action="documents.format_check",
        obj=document,
        scope_org=document.organisation,
        after={"stage": stage, "codes": [f.code for f in findings]},
    )
    return findings
