"""The trust store (kho chứng thư số gốc tin cậy): which certification authorities validation accepts.

EGOV_TRUST_STORE names a folder of certificates (.pem/.crt/.cer/.der, PEM files may hold several) and optional
revocation lists (.crl). Self-signed certificates there are trust anchors; the others are intermediate CAs that
help build the chain when a PDF does not embed it. The demo PKI's root (and its CRL) in EGOV_PKI_DIR is trusted
too when it exists, so demo documents validate; a production installation does not run `egov pki init`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}
CRL_SUFFIXES = {".crl"}


@dataclass(frozen=True)
class TrustStore:
    """Trusted roots, helper intermediates and revocation lists for validating signatures."""

    roots: tuple[asn1_x509.Certificate, ...] = ()
    intermediates: tuple[asn1_x509.Certificate, ...] = ()
    crls: tuple[asn1_crl.CertificateList, ...] = ()

    def __add__(self, other: TrustStore) -> TrustStore:
        return TrustStore(self.roots + other.roots, self.intermediates + other.intermediates, self.crls + other.crls)

    def validation_context(self, moment: dt.datetime | None = None) -> ValidationContext:
        # Offline: no OCSP or CRL fetching from the network. Revocation is checked against the CRLs in the
        # store; a certificate no CRL speaks about is accepted ("soft-fail"), as there is nothing to ask.
        return ValidationContext(
            trust_roots=list(self.roots),
            other_certs=list(self.intermediates),
            crls=list(self.crls),
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment,
        )


def _blocks(data: bytes) -> list[bytes]:
    if pem.detect(data):
        return [der for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]


def _as_certificate(value) -> asn1_x509.Certificate:
    if isinstance(value, asn1_x509.Certificate):
        return value
    if hasattr(value, "public_bytes"):  # a cryptography certificate
        from cryptography.hazmat.primitives import serialization

        return asn1_x509.Certificate.load(value.public_bytes(serialization.Encoding.DER))
    if isinstance(value, bytes):
        return asn1_x509.Certificate.load(_blocks(value)[0])
    raise TypeError(f"not a certificate: {type(value).__name__}")


def _is_self_signed(cert: asn1_x509.Certificate) -> bool:
    return cert.self_signed in ("maybe", "yes")


def _split(certs: Iterable[asn1_x509.Certificate]) -> TrustStore:
    certs = list(certs)
    return TrustStore(
        roots=tuple(c for c in certs if _is_self_signed(c)),
        intermediates=tuple(c for c in certs if not _is_self_signed(c)),
    )


def trust_store_from_folder(folder: Path) -> TrustStore:
    """Every certificate and CRL file in the folder (not its subfolders); unreadable files are logged and skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        logger.warning("trust store folder %s does not exist", folder)
        return TrustStore()
    certs: list[asn1_x509.Certificate] = []
    crls: list[asn1_crl.CertificateList] = []
    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if not path.is_file() or suffix not in CERT_SUFFIXES | CRL_SUFFIXES:
            continue
        try:
            blocks = _blocks(path.read_bytes())
            if suffix in CRL_SUFFIXES:
                crls += [asn1_crl.CertificateList.load(block) for block in blocks]
            else:
                for block in blocks:
                    cert = asn1_x509.Certificate.load(block)
                    cert.native  # noqa: B018 (parse fully now: a damaged file is skipped here, not mid-validation)
                    certs.append(cert)
        except (OSError, ValueError, TypeError):
            logger.warning("trust store: cannot read %s, skipped", path)
    store = _split(certs)
    return TrustStore(store.roots, store.intermediates, tuple(crls))


def demo_trust_store(pki_dir: Path) -> TrustStore:
    """The demo PKI's root, its signing CA and CRL, when `egov pki init` made them in that folder."""
    from egov.documents.signing.pki import demo_ca_files

    files = demo_ca_files(pki_dir)
    if files is None:
        return TrustStore()
    root, ca, crl = files
    crls: tuple = ()
    if crl.is_file():
        crls = tuple(asn1_crl.CertificateList.load(b) for b in _blocks(crl.read_bytes()))
    return TrustStore(
        roots=(_as_certificate(root.read_bytes()),), intermediates=(_as_certificate(ca.read_bytes()),), crls=crls
    )


def default_trust_store() -> TrustStore:
    """EGOV_TRUST_STORE plus the demo PKI of EGOV_PKI_DIR (read on every call: adding a root needs no restart)."""
    from django.conf import settings

    store = TrustStore()
    if getattr(settings, "EGOV_TRUST_STORE", ""):
        store = store + trust_store_from_folder(Path(settings.EGOV_TRUST_STORE))
    pki_dir = getattr(settings, "EGOV_PKI_DIR", None)
    if pki_dir:
        store = store + demo_trust_store(Path(pki_dir))
    return store


def as_trust_store(trust_roots) -> TrustStore:
    """None: the configured store; a TrustStore; a folder path; or certificates (asn1crypto, cryptography, bytes)."""
    if trust_roots is None:
        return default_trust_store()
    if isinstance(trust_roots, TrustStore):
        return trust_roots
    if isinstance(trust_roots, str | Path):
        return trust_store_from_folder(Path(trust_roots))
    certs = [_as_certificate(item) for item in trust_roots]
    # Certificates handed over explicitly are all trusted as given, self-signed or not.
    return TrustStore(roots=tuple(certs))
