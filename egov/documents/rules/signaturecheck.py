"""Checks of the digital signatures of a document (Decree 30/2020 Appendix I, Sections II.7–8 and III.1.d).

An electronic document carries the signature of the person with authority, then the organisation's
signature (the seal) over it; appendices in separate files carry the organisation's signature.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from django.utils.translation import gettext as _

from egov.documents.signing.report import PdfReport, SignatureFacts

from .findings import ERROR, WARNING, Finding

# Changes pyHanko's difference analysis allows after a signature without invalidating the document:
# filling in the next signature field (and adding validation data) is how a second signature is made.
# Later signatures (the seal and the number after the signer's) and PAdES validation data change nothing signed.
ALLOWED_AFTER_SIGNING = ("none", "form filling", "signatures", "validation data")
TOLERATED_AFTER_SIGNING = ("annotations",)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join((text or "").split()))


def fold(text: str) -> str:
    """Lower-case, without diacritics (đ → d): «NGUYEN VAN AN» and «Nguyễn Văn An» fold alike."""
    decomposed = unicodedata.normalize("NFD", nfc(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def who(signature: SignatureFacts) -> str:
    return signature.signer_common_name or signature.signer_organisation or signature.field_name


def code_for(name: str, appendix: int | None) -> str:
    """«signature.broken» on the main file, «appendix.signature_broken» on an appendix."""
    return f"signature.{name}" if appendix is None else f"appendix.signature_{name}"


def file_label(appendix: int | None) -> str:
    return _("tệp văn bản") if appendix is None else _("phụ lục %(n)d") % {"n": appendix}


def check_file_readable(report: PdfReport | None, appendix: int | None = None) -> list[Finding]:
    if report is None or not report.error:
        return []
    code, field = ("file.unreadable", "main_file") if appendix is None else ("appendix.unreadable", "appendices")
    message = _("Không đọc được %(file)s: %(error)s.") % {"file": file_label(appendix), "error": report.error}
    return [Finding(code, ERROR, message, field)]


def check_signature_integrity(signatures: Sequence[SignatureFacts], appendix: int | None = None) -> list[Finding]:
    """Every signature intact, trusted, and nothing changed after it beyond adding the next signature."""
    field = "main_file" if appendix is None else "appendices"
    findings = []
    for sig in signatures:
        names = {"who": who(sig), "field": sig.field_name, "file": file_label(appendix)}
        if not sig.intact:
            findings.append(
                Finding(
                    code_for("broken", appendix),
                    ERROR,
                    _("Chữ ký số của «%(who)s» trên %(file)s không còn nguyên vẹn: nội dung đã bị thay đổi sau khi ký.")
                    % names,
                    field,
                )
            )
        if not sig.trusted:
            problem = sig.trust_problem or _("không rõ lý do")
            findings.append(
                Finding(
                    code_for("untrusted", appendix),
                    ERROR,
                    _("Chữ ký số của «%(who)s» trên %(file)s không được tin cậy: %(problem)s.")
                    % {**names, "problem": problem},
                    field,
                )
            )
        level = (sig.modification_level or "").strip().lower()
        if level in TOLERATED_AFTER_SIGNING:
            findings.append(
                Finding(
                    code_for("annotations_after", appendix),
                    WARNING,
                    _("Sau chữ ký số của «%(who)s», %(file)s đã được thêm chú thích (annotation).") % names,
                    field,
                )
            )
        elif level not in ALLOWED_AFTER_SIGNING:
            findings.append(
                Finding(
                    code_for("modified_after", appendix),
                    ERROR,
                    _("Sau chữ ký số của «%(who)s», %(file)s đã bị sửa đổi (%(level)s).")
                    % {**names, "level": level or "?"},
                    field,
                )
            )
    return findings


def find_signer(signatures: Sequence[SignatureFacts], signer_name: str) -> tuple[int | None, list[Finding]]:
    """Index of the person signature made by `signer_name`, and what is wrong if there is none exact."""
    people = [(i, s) for i, s in enumerate(signatures) if not s.is_organisation]
    if not people:
        return None, [
            Finding(
                "signature.no_person",
                ERROR,
                _("Văn bản không có chữ ký số của người có thẩm quyền «%(name)s».") % {"name": signer_name},
                "main_file",
            )
        ]
    for i, sig in people:
        if nfc(sig.signer_common_name) == nfc(signer_name):
            return i, []
    for i, sig in people:
        if fold(sig.signer_common_name) == fold(signer_name):
            return i, [
                Finding(
                    "signature.signer_name_differs",
                    WARNING,
                    _(
                        "Tên trong chứng thư số «%(cn)s» chỉ khớp với người ký «%(name)s» khi bỏ qua dấu "
                        "và chữ hoa, chữ thường."
                    )
                    % {"cn": sig.signer_common_name, "name": signer_name},
                    "signer_name",
                )
            ]
    found = ", ".join(f"«{s.signer_common_name}»" for _i, s in people)
    return None, [
        Finding(
            "signature.signer_mismatch",
            ERROR,
            _("Không có chữ ký số của người ký «%(name)s»; văn bản được ký bởi %(found)s.")
            % {"name": signer_name, "found": found},
            "signer_name",
        )
    ]


def is_issuer_signature(sig: SignatureFacts, *, issuer_code: str, issuer_name: str) -> bool | None:
    """True: the issuer's seal; None: the same name only without diacritics; False: someone else's."""
    if not sig.is_organisation:
        return False
    code = (sig.signer_organisation_code or "").strip().upper()
    if code and issuer_code and code == issuer_code.strip().upper():
        return True
    if issuer_name and nfc(sig.signer_organisation).casefold() == nfc(issuer_name).casefold():
        return True
    if issuer_name and fold(sig.signer_organisation) == fold(issuer_name):
        return None
    return False


def find_issuer_seal(
    signatures: Sequence[SignatureFacts], *, issuer_code: str, issuer_name: str, appendix: int | None = None
) -> tuple[int | None, list[Finding]]:
    """Index of the last organisation signature of the issuer, and what is wrong if there is none."""
    field = "main_file" if appendix is None else "appendices"
    label = file_label(appendix)
    organisations = [(i, s) for i, s in enumerate(signatures) if s.is_organisation]
    if not organisations:
        return None, [
            Finding(
                "signature.no_organisation" if field == "main_file" else "appendix.not_signed_by_issuer",
                ERROR,
                _("%(file)s chưa có chữ ký số của cơ quan, tổ chức ban hành «%(issuer)s».")
                % {"file": label[:1].upper() + label[1:], "issuer": issuer_name},
                field,
            )
        ]
    verdicts = [
        (i, s, is_issuer_signature(s, issuer_code=issuer_code, issuer_name=issuer_name)) for i, s in organisations
    ]
    exact = [i for i, _s, verdict in verdicts if verdict is True]
    if exact:
        return exact[-1], []
    loose = [(i, s) for i, s, verdict in verdicts if verdict is None]
    if loose:
        i, sig = loose[-1]
        return i, [
            Finding(
                code_for("organisation_name_differs", appendix),
                WARNING,
                _(
                    "Tên cơ quan trong chứng thư số «%(found)s» chỉ khớp với «%(issuer)s» khi bỏ qua dấu; "
                    "chứng thư không mang mã định danh %(code)s."
                )
                % {"found": sig.signer_organisation, "issuer": issuer_name, "code": issuer_code or "—"},
                field,
            )
        ]
    found = ", ".join(
        f"«{s.signer_organisation}»" + (f" ({s.signer_organisation_code})" if s.signer_organisation_code else "")
        for _i, s in organisations
    )
    return None, [
        Finding(
            "signature.organisation_mismatch" if field == "main_file" else "appendix.not_signed_by_issuer",
            ERROR,
            _("Chữ ký số của cơ quan, tổ chức trên %(file)s là của %(found)s, không phải của «%(issuer)s» (%(code)s).")
            % {"file": label, "found": found, "issuer": issuer_name, "code": issuer_code or "—"},
            field,
        )
    ]


def check_seal_order(signatures: Sequence[SignatureFacts], person: int, seal: int) -> list[Finding]:
    """The organisation signs over the person's signature, so it must come later in the file and in time."""
    earlier_in_file = seal < person
    p, s = signatures[person], signatures[seal]
    earlier_in_time = p.signed_at is not None and s.signed_at is not None and s.signed_at < p.signed_at
    if not (earlier_in_file or earlier_in_time):
        return []
    return [
        Finding(
            "signature.seal_before_signer",
            ERROR,
            _("Chữ ký số của cơ quan, tổ chức «%(org)s» được ký trước chữ ký số của người có thẩm quyền «%(person)s».")
            % {"org": who(s), "person": who(p)},
            "main_file",
        )
    ]


def check_main_file(report: PdfReport, *, signer_name: str, issuer_code: str, issuer_name: str) -> list[Finding]:
    findings = check_file_readable(report)
    if findings:
        return findings
    if not report.signed:
        return [Finding("signature.missing", ERROR, _("Tệp văn bản chưa được ký số."), "main_file")]
    signatures = report.signatures
    findings += check_signature_integrity(signatures)
    person, person_findings = find_signer(signatures, signer_name) if signer_name else (None, [])
    seal, seal_findings = find_issuer_seal(signatures, issuer_code=issuer_code, issuer_name=issuer_name)
    findings += person_findings + seal_findings
    if person is not None and seal is not None:
        findings += check_seal_order(signatures, person, seal)
    return findings


def check_appendix(report: PdfReport, number: int, *, issuer_code: str, issuer_name: str) -> list[Finding]:
    """An appendix in its own file carries the issuing organisation's signature (Appendix I, III.1.d)."""
    field = "appendices"
    findings = check_file_readable(report, number)
    if findings:
        return findings
    if not report.signed:
        return [
            Finding(
                "appendix.unsigned",
                ERROR,
                _("Phụ lục %(n)d chưa được ký số của cơ quan, tổ chức ban hành «%(issuer)s».")
                % {"n": number, "issuer": issuer_name},
                field,
            )
        ]
    findings += check_signature_integrity(report.signatures, number)
    findings += find_issuer_seal(report.signatures, issuer_code=issuer_code, issuer_name=issuer_name, appendix=number)[
        1
    ]
    return findings
