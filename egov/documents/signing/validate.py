"""Validation of the signatures in a PDF (kiểm tra chữ ký số), offline, into a PdfReport.

Per signature: intact (the signed bytes and the cryptographic signature verify), trusted (the certificate
chains to the trust store and is within its validity, not revoked by a CRL the store holds), who signed
(CN, O, the organisation's code), when (the time stamp's time, else the time the signer's software wrote),
how much of the file it covers and what changed after it.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import unicodedata

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from egov.documents.signing.pdfcheck import READ_ERRORS, looks_like_pdf
from egov.documents.signing.report import PdfReport, SignatureFacts
from egov.documents.signing.trust import TrustStore, as_trust_store

logger = logging.getLogger(__name__)

# Licensed CAs issue signing certificates with digitalSignature, nonRepudiation or both: either will do.
_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)

MODIFICATION_WORDS = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "validation data",
    ModificationLevel.FORM_FILLING: "form filling",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "other",
}
# Later revisions that each only add another signature (the seal after the signer's): pyHanko files them
# under form filling; the report says so precisely.
ONLY_SIGNATURES = "signatures"


def _subject(cert: asn1_x509.Certificate) -> dict:
    native = cert.subject.native
    return {key: (value[-1] if isinstance(value, list) else value) for key, value in native.items()}


def _same(a: str, b: str) -> bool:
    def fold(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return bool(a) and fold(a) == fold(b)


def is_organisation_certificate(subject: dict) -> bool:
    """An organisation's (seal) certificate rather than a person's.

    The demo PKI's rule, which licensed CAs in Vietnam follow too: the subject's common name is the
    organisation's name (CN = O). Certificates whose user ID carries a tax code (MST:) or budget-unit code (MNS:)
    and no personal identity number are organisations' as well.
    """
    if _same(str(subject.get("common_name", "")), str(subject.get("organization_name", ""))):
        return True
    user_id = str(subject.get("user_id", "")).upper()
    personal = any(tag in user_id for tag in ("CMND:", "CCCD:", "HC:"))
    return not personal and any(tag in user_id for tag in ("MST:", "MNS:"))


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _trust_problem(status: PdfSignatureStatus, cert: asn1_x509.Certificate, moment: dt.datetime) -> str:
    if status.trusted:
        return ""
    if not (status.intact and status.valid):
        return _("Chữ ký không còn nguyên vẹn: tài liệu đã bị sửa sau khi ký, hoặc chữ ký không đúng.")
    if status.revoked:
        return _("Chứng thư số đã bị thu hồi.")
    indic = status.trust_problem_indic
    name = getattr(indic, "name", "")
    not_before = _as_utc(cert["tbs_certificate"]["validity"]["not_before"].native)
    not_after = _as_utc(cert["tbs_certificate"]["validity"]["not_after"].native)
    if name in ("EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "NOT_YET_VALID") or not (
        not_before <= moment <= not_after
    ):
        if moment < not_before:
            return _("Chứng thư số chưa có hiệu lực (có hiệu lực từ %(date)s).") % {
                "date": not_before.strftime("%d/%m/%Y")
            }
        if moment > not_after:
            return _("Chứng thư số đã hết hạn ngày %(date)s.") % {"date": not_after.strftime("%d/%m/%Y")}
    if status.validation_path is None or name == "NO_CERTIFICATE_CHAIN_FOUND":
        return _("Chứng thư số không do tổ chức chứng thực nào trong danh sách tin cậy cấp.")
    if name in ("REVOKED_NO_POE", "REVOKED_CA_NO_POE"):
        return _("Chứng thư số hoặc chứng thư của tổ chức cấp đã bị thu hồi.")
    if name == "SIG_CONSTRAINTS_FAILURE":
        return _("Chứng thư số không được cấp cho mục đích ký số.")
    if name in ("CRYPTO_CONSTRAINTS_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"):
        return _("Chữ ký dùng thuật toán mật mã không còn an toàn.")
    return _("Chuỗi chứng thư số không hợp lệ (%(reason)s).") % {"reason": name or "?"}


def _only_signatures_after(embedded, later_revisions: set[int], total_revisions: int) -> bool:
    after = set(range(embedded.signed_revision + 1, total_revisions))
    return bool(after) and after <= later_revisions


def _facts(embedded, store: TrustStore, moment: dt.datetime, signature_revisions: set[int], total: int):
    status = validate_pdf_signature(
        embedded, signer_validation_context=store.validation_context(moment), key_usage_settings=_KEY_USAGE
    )
    ts = status.timestamp_validity
    timestamped = bool(ts is not None and ts.intact and ts.valid and ts.trusted)
    if (
        not status.trusted
        and timestamped
        and getattr(status.trust_problem_indic, "name", "")
        in (
            "EXPIRED",
            "OUT_OF_BOUNDS_NO_POE",
            "OUT_OF_BOUNDS_NOT_REVOKED",
        )
    ):
        # A trusted time stamp proves the signature existed then: a certificate that expired since is judged
        # at that time (the AdES rule), so a document signed years ago keeps validating.
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=store.validation_context(ts.timestamp),
            key_usage_settings=_KEY_USAGE,
        )
    cert = embedded.signer_cert
    subject = _subject(cert)
    level = status.modification_level
    words = MODIFICATION_WORDS.get(level, "other") if level is not None else "other"
    if level == ModificationLevel.FORM_FILLING and _only_signatures_after(embedded, signature_revisions, total):
        words = ONLY_SIGNATURES
    signed_at = ts.timestamp if timestamped else status.signer_reported_dt
    return SignatureFacts(
        field_name=str(embedded.field_name),
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        trust_problem=_trust_problem(status, cert, moment),
        signer_common_name=str(subject.get("common_name", "")),
        signer_organisation=str(subject.get("organization_name", "")),
        signer_organisation_code=str(subject.get("organization_identifier", "")),
        is_organisation=is_organisation_certificate(subject),
        signed_at=signed_at,
        timestamped=timestamped,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification_level=words,
        certificate_not_after=_as_utc(cert["tbs_certificate"]["validity"]["not_after"].native),
    )


def _broken(field_name: str, message: str) -> SignatureFacts:
    return SignatureFacts(
        field_name=field_name,
        intact=False,
        trusted=False,
        trust_problem=message,
        signer_common_name="",
        signer_organisation="",
        signer_organisation_code="",
        is_organisation=False,
        signed_at=None,
        timestamped=False,
        covers_whole_file=False,
        modification_level="other",
    )


def _collect(reader: PdfFileReader) -> list[tuple[int, str, EmbeddedPdfSignature | None]]:
    """(revision, field name, signature) of every signed field in signing order; None where it cannot be parsed.

    pyHanko's own collection stops at the first unreadable signature; here one damaged signature becomes one
    finding and the others are still checked.
    """
    found = []
    for name, _value, field_ref in enumerate_sig_fields(reader, filled_status=True):
        try:
            revision = reader.xrefs.get_last_change(field_ref.get_object().raw_get("/V").reference)
        except READ_ERRORS:
            revision = reader.xrefs.total_revisions
        try:
            embedded = EmbeddedPdfSignature(reader, field_ref.get_object(), name)
        except Exception:  # whatever the CMS parser trips on in a damaged or hostile blob
            logger.warning("signature %r cannot be parsed", name, exc_info=True)
            embedded = None
        found.append((revision, str(name), embedded))
    return sorted(found, key=lambda item: item[0])


def validate_pdf(pdf: bytes, *, trust_roots=None, validation_time: dt.datetime | None = None) -> PdfReport:
    """Every signature of the PDF checked against the trust store; never raises for a bad file.

    `trust_roots`: None for the configured store (EGOV_TRUST_STORE and the demo PKI), a TrustStore, a folder,
    or certificates. `validation_time`: when to judge certificates' validity, now by default.
    """
    if not pdf:
        return PdfReport(error=_("Tệp rỗng."))
    if not looks_like_pdf(pdf):
        return PdfReport(error=_("Tệp không phải là PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if reader.encrypted:
            return PdfReport(error=_("Tệp PDF được đặt mật khẩu hoặc mã hóa; không kiểm tra được chữ ký."))
        found = _collect(reader)
        total = reader.xrefs.total_revisions
    except READ_ERRORS:
        return PdfReport(error=_("Tệp PDF bị hỏng, không đọc được."))
    # Document time stamps (PAdES-LTA) are not anyone's signature; they count only as "a signature was added".
    signature_revisions = {revision for revision, _name, _sig in found}
    regular = [(name, sig) for _rev, name, sig in found if sig is None or sig.sig_object_type == "/Sig"]
    if not regular:
        return PdfReport()
    store = as_trust_store(trust_roots)
    moment = _as_utc(validation_time or dt.datetime.now(dt.UTC))
    facts = []
    for name, sig in regular:
        if sig is None:
            facts.append(_broken(name, _("Chữ ký bị hỏng, không kiểm tra được.")))
            continue
        try:
            facts.append(_facts(sig, store, moment, signature_revisions, total))
        except Exception:  # a hostile or damaged signature must give a finding, not a 500
            logger.warning("signature %r could not be validated", name, exc_info=True)
            facts.append(_broken(name, _("Chữ ký bị hỏng, không kiểm tra được.")))
    return PdfReport(signatures=tuple(facts))
