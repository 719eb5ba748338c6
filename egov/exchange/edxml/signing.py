"""XML-DSig for packages: signing with an organisation's key, verifying against trusted CAs.

The Reference covers the envelope by Id (URI="#edXMLEnvelope"): the envelope is small, so signing and
verifying stay cheap however large the attachments are, and each attachment is bound to the signature through
the SHA-256 digest in its (signed) manifest reference. Signatures whose Reference URI="" covers the whole
document, as other implementations make, are accepted too.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureConstructionMethod, SignatureMethod
from signxml import XMLSigner as _SignxmlSigner
from signxml import XMLVerifier as _SignxmlVerifier
from signxml.verifier import SignatureConfiguration

from . import names as n
from .errors import EdxmlError

DS = f"{{{n.DS_NS}}}"
_MAX_CHAIN = 8
_CACHE_SIZE = 512

_EXPECT = SignatureConfiguration(
    require_x509=True,
    location=".//",
    expect_references=True,  # any number; each must verify, and one must cover the envelope
    signature_methods=frozenset(
        {
            SignatureMethod.RSA_SHA256,
            SignatureMethod.RSA_SHA384,
            SignatureMethod.RSA_SHA512,
            SignatureMethod.ECDSA_SHA256,
            SignatureMethod.ECDSA_SHA384,
            SignatureMethod.ECDSA_SHA512,
        }
    ),
    digest_algorithms=frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512}),
)


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject


class XmlSigner:
    """The sending organisation's key and certificate (with its CA chain) that signs packages."""

    def __init__(self, private_key, certificate: x509.Certificate, chain: list[x509.Certificate] | None = None):
        self.private_key = private_key
        self.certificate = certificate
        self.chain = list(chain or [])
        # Roots are left out of KeyInfo: a verifier must have them already, and they only add bytes.
        self._key_info_certs = [certificate] + [c for c in self.chain if not _self_signed(c)]

    @classmethod
    def from_pkcs12(cls, path: str | Path, passphrase: str) -> XmlSigner:
        key, cert, chain = pkcs12.load_key_and_certificates(Path(path).read_bytes(), passphrase.encode())
        if key is None or cert is None:
            raise ValueError(f"{Path(path).name} holds no key and certificate")
        return cls(key, cert, list(chain))

    def sign(self, root: etree._Element, header: etree._Element) -> etree._Element:
        """Root of a copy of the tree with an enveloped signature at the end of edXMLHeader."""
        etree.SubElement(header, DS + "Signature", Id="placeholder", nsmap={"ds": n.DS_NS})
        signer = _SignxmlSigner(
            method=SignatureConstructionMethod.enveloped,
            signature_algorithm=SignatureMethod.RSA_SHA256,
            digest_algorithm=DigestAlgorithm.SHA256,
            c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
        )
        return signer.sign(root, key=self.private_key, cert=self._key_info_certs, reference_uri="#" + n.ENVELOPE_ID)


RevocationCheck = Callable[[list[x509.Certificate], dt.datetime], None]


class TrustStore:
    """CA certificates (roots and intermediates) a verifier trusts; every one of them is an anchor.

    `revocation_check(chain, moment)` is the hook for CRL/OCSP checking: it raises EdxmlError("untrusted") to
    refuse a chain. None checks no revocation.
    """

    def __init__(self, certificates: Iterable[x509.Certificate], *, revocation_check: RevocationCheck | None = None):
        self.certificates = list(certificates)
        self.revocation_check = revocation_check
        self._anchors = {c.fingerprint(hashes.SHA256()) for c in self.certificates}
        self._by_subject: dict[x509.Name, list[x509.Certificate]] = {}
        for cert in self.certificates:
            self._by_subject.setdefault(cert.subject, []).append(cert)
        self._chains: dict[tuple[bytes, ...], list[x509.Certificate]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_pem(cls, data: bytes, **kwargs) -> TrustStore:
        return cls(x509.load_pem_x509_certificates(data), **kwargs)

    @classmethod
    def from_pem_files(cls, paths: Iterable[str | Path], **kwargs) -> TrustStore:
        certificates: list[x509.Certificate] = []
        for path in paths:
            certificates += x509.load_pem_x509_certificates(Path(path).read_bytes())
        return cls(certificates, **kwargs)

    def validate(
        self, leaf: x509.Certificate, others: list[x509.Certificate], moment: dt.datetime | None = None
    ) -> list[x509.Certificate]:
        """The chain from `leaf` to a trusted certificate, valid at `moment` (now by default)."""
        moment = moment or dt.datetime.now(dt.UTC)
        key = tuple(c.public_bytes(serialization.Encoding.DER) for c in [leaf, *others])
        chain = self._chains.get(key)
        if chain is None:
            chain = self._build(leaf, others)
            with self._lock:
                if len(self._chains) >= _CACHE_SIZE:
                    self._chains.clear()
                self._chains[key] = chain
        for cert in chain:
            if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
                raise EdxmlError("untrusted", detail=f"certificate {cert.subject.rfc4514_string()} not valid now")
        if self.revocation_check is not None:
            self.revocation_check(chain, moment)
        return chain

    def _build(self, leaf: x509.Certificate, others: list[x509.Certificate]) -> list[x509.Certificate]:
        _check_leaf(leaf)
        chain = [leaf]
        current = leaf
        for _ in range(_MAX_CHAIN):
            if current.fingerprint(hashes.SHA256()) in self._anchors:
                return chain
            candidates = self._by_subject.get(current.issuer, []) + [c for c in others if c.subject == current.issuer]
            issuer = next((c for c in candidates if _issued_by(current, c, len(chain) - 1)), None)
            if issuer is None:
                raise EdxmlError("untrusted", detail=f"no trusted issuer for {current.subject.rfc4514_string()}")
            chain.append(issuer)
            current = issuer
        raise EdxmlError("untrusted", detail="certificate chain too long")


def _check_leaf(leaf: x509.Certificate) -> None:
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise EdxmlError("untrusted", detail="certificate not for signing")


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate, intermediates_below: int) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:
        return False
    try:
        constraints = issuer.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not constraints.ca:
        return False
    if constraints.path_length is not None and intermediates_below > constraints.path_length:
        return False
    try:
        usage = issuer.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return usage.key_cert_sign


def organisation_ids(cert: x509.Certificate) -> list[str]:
    """The organisation identifier codes (OID 2.5.4.97) in a certificate's subject."""
    return [str(a.value).strip() for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)]


def find_signature(root: etree._Element) -> etree._Element | None:
    found = list(root.iter(DS + "Signature"))
    if len(found) > 1:
        raise EdxmlError("signature_invalid", detail="more than one signature")
    return found[0] if found else None


def signature_certificates(signature: etree._Element) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """(signing certificate, the other certificates) from KeyInfo/X509Data."""
    certs = []
    for element in signature.iterfind(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate"):
        try:
            der = base64.b64decode("".join((element.text or "").split()), validate=True)
            certs.append(x509.load_der_x509_certificate(der))
        except (binascii.Error, ValueError) as exc:
            raise EdxmlError("signature_invalid", detail=f"bad certificate: {exc}") from None
    if not certs:
        raise EdxmlError("signature_invalid", detail="no X509Certificate in KeyInfo")
    leaves = [c for c in certs if not _is_ca(c)]
    leaf = leaves[0] if leaves else certs[0]
    return leaf, [c for c in certs if c is not leaf]


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except (x509.ExtensionNotFound, ValueError):
        return False


_BY_ID = etree.XPath("//*[@Id=$value or @ID=$value or @id=$value]")


def _with_id(root: etree._Element, value: str) -> list[etree._Element]:
    # The same attributes signxml resolves a "#id" reference with, so both see the same element.
    return _BY_ID(root, value=value)


def verify_signature(
    root: etree._Element,
    envelope: etree._Element,
    signature: etree._Element,
    leaf: x509.Certificate,
    *,
    all_digested: bool,
    huge: bool,
) -> None:
    """Check the signature value and digests, and that what it covers binds the envelope and every attachment."""
    uris = [ref.get("URI") for ref in signature.iterfind(f"{DS}SignedInfo/{DS}Reference")]
    whole = envelope_only = False
    for uri in uris:
        if uri == "":
            whole = True
        elif uri and uri.startswith("#"):
            targets = _with_id(root, uri[1:])
            if len(targets) != 1:
                raise EdxmlError("signature_invalid", detail=f"reference {uri} matches {len(targets)} elements")
            whole = whole or targets[0] is root
            envelope_only = envelope_only or targets[0] is envelope
    if not (whole or envelope_only):
        raise EdxmlError("signature_invalid", detail="the signature does not cover the envelope")
    if not whole and not all_digested:
        raise EdxmlError("signature_invalid", detail="an attachment is covered neither by the signature nor a digest")
    # When only the envelope is signed, the attachments' base64 (most of the bytes) need not be copied around
    # by signxml: detach it during verification.
    detached = None
    if not whole:
        detached = [child for child in root if isinstance(child.tag, str) and child.tag.endswith("AttachmentEncoded")]
        for child in detached:
            root.remove(child)
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=huge)
        _SignxmlVerifier().verify(root, x509_cert=leaf, expect_config=_EXPECT, parser=parser, validate_schema=False)
    except EdxmlError:
        raise
    except Exception as exc:  # signxml raises assorted exceptions on crafted input; all mean "does not verify"
        raise EdxmlError("signature_invalid", detail=f"{type(exc).__name__}: {exc}"[:300]) from None
    finally:
        if detached:
            for child in detached:
                root.append(child)
