"""Building and reading edXML packages: the codec's entry points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cryptography import x509

from . import reader, writer
from .errors import EdxmlError
from .limits import Limits
from .model import Package, StatusMessage
from .signing import TrustStore, XmlSigner, find_signature, organisation_ids, signature_certificates, verify_signature
from .xmlsafe import HUGE_FROM, parse

Kind = Literal["edoc", "status"]
DEFAULT_LIMITS = Limits()


def build_package(package: Package, *, signer: XmlSigner | None = None) -> bytes:
    """The UTF-8 bytes of an edoc package, signed when a signer is given."""
    root, header = writer.package_tree(package)
    if signer is not None:
        root = signer.sign(root, header)
    root.append(writer.attachment_elements(package.attachments))
    return writer.serialize(root)


def build_status(status: StatusMessage, *, signer: XmlSigner | None = None) -> bytes:
    """The UTF-8 bytes of a status message, signed when a signer is given."""
    root, header = writer.status_tree(status)
    if signer is not None:
        root = signer.sign(root, header)
    return writer.serialize(root)


@dataclass(kw_only=True)
class Message:
    """A package read from bytes: an edoc or a status, who sent it to whom, and who signed it."""

    kind: Kind
    package: Package | None = None
    status: StatusMessage | None = None
    signer_certificate: x509.Certificate | None = None
    sender_organ_id: str
    recipient_organ_ids: list[str] = field(default_factory=list)
    document_id: str
    # True when the signature was checked (value, digests, coverage, signer organisation, and the chain when a
    # trust store was given); False when there was no signature or it was not checked.
    signature_verified: bool = False


def read_message(
    data: bytes, *, trust: TrustStore | None, limits: Limits = DEFAULT_LIMITS, require_signature: bool = True
) -> Message:
    """Parse, check and (unless `trust` is None and `require_signature` False) verify a package.

    With a trust store, the signing certificate must chain to it and carry the sender's OrganId in its
    organizationIdentifier. With trust=None and require_signature=True the signature is checked but not who
    issued its certificate.
    """
    root = parse(data, limits)
    top = reader.root_check(root)
    envelope, header = reader.envelope_header(top)
    kind = reader.kind_of(header)
    package = status = None
    all_digested = True
    if kind == "edoc":
        package, all_digested = reader.package(top, envelope, header, limits)
        sender, recipients, doc_id = (
            package.header.from_.organ_id,
            [organ.organ_id for organ in package.header.to],
            package.header.document_id,
        )
    else:
        status = reader.status(envelope, header)
        sender, recipients, doc_id = (
            status.from_.organ_id,
            [status.response_for.organ_id],
            status.response_for.document_id,
        )
    message = Message(
        kind=kind,
        package=package,
        status=status,
        sender_organ_id=sender,
        recipient_organ_ids=recipients,
        document_id=doc_id,
    )
    signature = find_signature(root)
    if signature is None:
        if require_signature:
            raise EdxmlError("signature_missing")
        return message
    leaf, others = signature_certificates(signature)
    message.signer_certificate = leaf
    if trust is None and not require_signature:
        return message
    verify_signature(root, envelope.element, signature, leaf, all_digested=all_digested, huge=len(data) > HUGE_FROM)
    if trust is not None:
        trust.validate(leaf, others)
    if sender not in organisation_ids(leaf):
        raise EdxmlError("signer_mismatch", detail=f"certificate organisation {organisation_ids(leaf)} != {sender}")
    message.signature_verified = True
    return message


def peek(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Kind, str, list[str], str]:
    """(kind, sender OrganId, recipient OrganIds, DocumentId), without checking the signature or attachments."""
    root = parse(data, limits)
    _, header = reader.envelope_header(reader.root_check(root))
    kind = reader.kind_of(header)
    sender, recipients, doc_id = reader.routing(header, kind)
    return kind, sender, recipients, doc_id
