"""What validating a signed PDF found: one report per signature, read by the format check and shown to people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SignatureFacts:
    """One signature in a PDF, as validation found it."""

    field_name: str
    # The signed bytes are unchanged (hash and cryptographic signature verify).
    intact: bool
    # The signing certificate chains to a root in the trust store and was valid at signing time.
    trusted: bool
    # Why it is not trusted (expired, revoked, unknown issuer…), empty when trusted.
    trust_problem: str
    signer_common_name: str
    # O= of the signing certificate's subject (the organisation the certificate was issued to).
    signer_organisation: str
    # The organisation's identifier code if the certificate carries one (demo certificates put it in
    # the subject's organizationIdentifier / serialNumber), else "".
    signer_organisation_code: str
    # True when the certificate is an organisation's (seal) certificate rather than a person's.
    is_organisation: bool
    signed_at: dt.datetime | None
    timestamped: bool
    # The signature covers the whole file as it is now.
    covers_whole_file: bool
    # Changes made after this signature, in words: "none", "signatures" (only later signatures were added),
    # "validation data" (PAdES-LTA updates), "form filling", "annotations", "other".
    modification_level: str
    certificate_not_after: dt.datetime | None = None


@dataclass(frozen=True)
class PdfReport:
    """Validation of every signature in one PDF."""

    signatures: tuple[SignatureFacts, ...] = field(default_factory=tuple)
    # A problem reading the file at all (not a PDF, corrupt, encrypted), empty when it was read.
    error: str = ""

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def all_valid(self) -> bool:
        return bool(self.signatures) and all(s.intact and s.trusted for s in self.signatures)
