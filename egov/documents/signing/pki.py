"""Demo public-key infrastructure: a root CA, a signing CA, a time-stamping authority and holder certificates.

For demo data, tests and trying the platform without a token from a licensed CA. Production signatures use
certificates of a licensed certification authority; their roots go in EGOV_TRUST_STORE (docs/signatures.md).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_NAME = "egov Demo"
ROOT_NAME = f"{DEMO_NAME} Root CA"
SIGNING_CA_NAME = f"{DEMO_NAME} Signing CA"
TSA_NAME = f"{DEMO_NAME} Time-Stamping Authority"
# Passphrase of the demo PKCS#12 files when the caller gives none. Demo credentials only: anyone who can
# read the PKI folder can sign with them, which is what demo data needs and what production must never do.
DEMO_PASSPHRASE = "egov-demo"

# RSA 2048 with SHA-256: what the licensed Vietnamese CAs issue on USB tokens today, so the demo exercises the
# same algorithms (and PKCS#11 mechanisms) as a real token; pyHanko's test time-stamper also signs with RSA.
_KEY_BITS = 2048
_ROOT_YEARS = 20
_CA_YEARS = 10
DEFAULT_HOLDER_DAYS = 3 * 365
# Where holder certificates say their CA's revocation list is published. The .invalid domain never resolves:
# the demo CRL reaches validators offline, through the trust store, and validation never fetches anything.
DEMO_CRL_URL = "http://pki.egov.invalid/signing-ca.crl"

_CA_DIR = "ca"
_HOLDERS_DIR = "holders"


@dataclass(frozen=True)
class CredentialFiles:
    """One holder's key and certificate on disk (khóa bí mật và chứng thư số của người/cơ quan ký)."""

    p12_path: Path
    cert_path: Path
    passphrase: str
    common_name: str

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_path.read_bytes())


@dataclass(frozen=True)
class DemoPki:
    """The demo certification authority (tổ chức cung cấp dịch vụ chứng thực chữ ký số thử nghiệm)."""

    directory: Path
    root_cert: x509.Certificate
    ca_cert: x509.Certificate
    ca_key: rsa.RSAPrivateKey
    tsa_cert: x509.Certificate
    tsa_key: rsa.RSAPrivateKey

    @property
    def root_cert_path(self) -> Path:
        return self.directory / _CA_DIR / "root.pem"

    @property
    def ca_cert_path(self) -> Path:
        return self.directory / _CA_DIR / "signing-ca.pem"

    @property
    def holders_dir(self) -> Path:
        return self.directory / _HOLDERS_DIR

    def credential(self, file_stem: str, passphrase: str = DEMO_PASSPHRASE) -> CredentialFiles | None:
        """The credential issued earlier under that file name, if there is one."""
        p12_path = self.holders_dir / f"{file_stem}.p12"
        cert_path = self.holders_dir / f"{file_stem}.pem"
        if not (p12_path.is_file() and cert_path.is_file()):
            return None
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        return CredentialFiles(p12_path, cert_path, passphrase, _common_name(cert))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=_KEY_BITS)


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, *, secret: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    # Private keys are created readable by the owner only, never briefly world-readable.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    tmp.replace(path)


def _common_name(cert: x509.Certificate) -> str:
    values = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""


def _ca_certificate(
    *,
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    years: int,
    path_length: int,
) -> x509.Certificate:
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def _name(common_name: str, *extra: tuple) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    attributes += [x509.NameAttribute(oid, value) for oid, value in extra if value]
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def demo_ca_files(directory: Path) -> tuple[Path, Path, Path] | None:
    """The demo PKI's root and signing-CA certificates and its CRL path, without reading its private keys
    (verifiers need only these, and loading the keys costs far more than checking a signature)."""
    ca_dir = Path(directory) / _CA_DIR
    root, ca = ca_dir / "root.pem", ca_dir / "signing-ca.pem"
    if not (root.is_file() and ca.is_file()):
        return None
    return root, ca, ca_dir / "signing-ca.crl"


def load_demo_pki(directory: Path) -> DemoPki | None:
    """The demo PKI stored in that folder, or None when `egov pki init` has not made one there."""
    ca_dir = Path(directory) / _CA_DIR
    files = {name: ca_dir / name for name in ("root.pem", "signing-ca.pem", "signing-ca.key", "tsa.pem", "tsa.key")}
    if not all(path.is_file() for path in files.values()):
        return None
    return DemoPki(
        directory=Path(directory),
        root_cert=x509.load_pem_x509_certificate(files["root.pem"].read_bytes()),
        ca_cert=x509.load_pem_x509_certificate(files["signing-ca.pem"].read_bytes()),
        ca_key=serialization.load_pem_private_key(files["signing-ca.key"].read_bytes(), password=None),
        tsa_cert=x509.load_pem_x509_certificate(files["tsa.pem"].read_bytes()),
        tsa_key=serialization.load_pem_private_key(files["tsa.key"].read_bytes(), password=None),
    )


def init_demo_pki(directory: Path, *, force: bool = False, name: str = DEMO_NAME) -> DemoPki:
    """Create the demo root CA, signing CA and time-stamping authority; an existing one is kept unless `force`.

    `name` prefixes the authorities' names ("egov Demo Root CA"); tests give another CA another name.
    """
    directory = Path(directory)
    existing = load_demo_pki(directory)
    if existing and not force:
        return existing
    ca_dir = directory / _CA_DIR
    root_key, ca_key, tsa_key = _new_key(), _new_key(), _new_key()
    organisation = (NameOID.ORGANIZATION_NAME, name.lower())
    root_name = _name(f"{name} Root CA", organisation)
    root = _ca_certificate(
        subject=root_name, key=root_key, issuer=root_name, issuer_key=root_key, years=_ROOT_YEARS, path_length=1
    )
    ca_name = _name(f"{name} Signing CA", organisation)
    ca = _ca_certificate(
        subject=ca_name, key=ca_key, issuer=root_name, issuer_key=root_key, years=_CA_YEARS, path_length=0
    )
    now = _now()
    tsa = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name} Time-Stamping Authority", organisation))
        .issuer_name(ca_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * _CA_YEARS - 30))
        .add_extension(_leaf_key_usage(), critical=True)
        # RFC 3161 §2.3: a TSA certificate has exactly this extended key usage, marked critical.
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(tsa_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    # The root's private key is not kept: the signing CA is all the demo ever issues from.
    _write(ca_dir / "signing-ca.key", _pem_key(ca_key), secret=True)
    _write(ca_dir / "tsa.key", _pem_key(tsa_key), secret=True)
    _write(ca_dir / "signing-ca.pem", ca.public_bytes(pem))
    _write(ca_dir / "tsa.pem", tsa.public_bytes(pem))
    # Written last: load_demo_pki() treats a folder without root.pem as no PKI, so a crash midway is redone.
    _write(ca_dir / "root.pem", root.public_bytes(pem))
    pki = load_demo_pki(directory)
    assert pki is not None
    return pki


def _leaf_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def safe_file_stem(text: str) -> str:
    """A file name part from a code or user name: ASCII letters, digits, dot, dash and underscore only."""
    folded = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    stem = re.sub(r"[^a-z0-9._-]+", "-", folded).strip("-.")
    if not stem:
        raise ValueError(f"no usable file name in {text!r}")
    return stem[:80]


def _issue(
    pki: DemoPki,
    *,
    subject: x509.Name,
    file_stem: str,
    passphrase: str,
    valid_days: int,
    not_before: dt.datetime | None,
    email: str = "",
) -> CredentialFiles:
    key = _new_key()
    start = (not_before or _now()).astimezone(dt.UTC).replace(microsecond=0)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(pki.ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_leaf_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.ca_key.public_key()), critical=False)
        # Declaring a distribution point is what makes validators look for the CA's CRL at all.
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(DEMO_CRL_URL)], None, None, None)]
            ),
            critical=False,
        )
    )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    cert = builder.sign(pki.ca_key, hashes.SHA256())
    p12 = pkcs12.serialize_key_and_certificates(
        name=file_stem.encode(),
        key=key,
        cert=cert,
        cas=[pki.ca_cert, pki.root_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    p12_path = pki.holders_dir / f"{file_stem}.p12"
    cert_path = pki.holders_dir / f"{file_stem}.pem"
    _write(p12_path, p12, secret=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return CredentialFiles(p12_path, cert_path, passphrase, _common_name(cert))


def issue_person_certificate(
    pki: DemoPki,
    *,
    full_name: str,
    email: str,
    organisation_name: str,
    organisation_code: str,
    position: str,
    username: str = "",
    valid_days: int = DEFAULT_HOLDER_DAYS,
    not_before: dt.datetime | None = None,
    passphrase: str = DEMO_PASSPHRASE,
) -> CredentialFiles:
    """A person's signing certificate: CN = full name, title = position, O = organisation, its code in 2.5.4.97.

    `not_before` in the past with a short `valid_days` gives an already-expired certificate (for tests).
    The file name comes from `username`, else the part of the e-mail address before "@", else the name.
    """
    subject = _name(
        full_name,
        (NameOID.ORGANIZATION_NAME, organisation_name),
        (NameOID.ORGANIZATION_IDENTIFIER, organisation_code),
        (NameOID.TITLE, position),
    )
    stem = safe_file_stem(username or email.partition("@")[0] or full_name)
    return _issue(
        pki,
        subject=subject,
        file_stem=stem,
        passphrase=passphrase,
        valid_days=valid_days,
        not_before=not_before,
        email=email,
    )


def issue_organisation_certificate(
    pki: DemoPki,
    *,
    organisation_name: str,
    organisation_code: str,
    valid_days: int = DEFAULT_HOLDER_DAYS,
    not_before: dt.datetime | None = None,
    passphrase: str = DEMO_PASSPHRASE,
) -> CredentialFiles:
    """An organisation's (seal) certificate: CN = O = organisation name, identifier code in 2.5.4.97."""
    subject = _name(
        organisation_name,
        (NameOID.ORGANIZATION_NAME, organisation_name),
        (NameOID.ORGANIZATION_IDENTIFIER, organisation_code),
    )
    stem = "org-" + safe_file_stem(organisation_code)
    return _issue(
        pki, subject=subject, file_stem=stem, passphrase=passphrase, valid_days=valid_days, not_before=not_before
    )


def read_pkcs12(credential: CredentialFiles) -> tuple[rsa.RSAPrivateKey, x509.Certificate, list[x509.Certificate]]:
    """Key, certificate and chain of a credential (to load it into a token)."""
    key, cert, chain = pkcs12.load_key_and_certificates(
        credential.p12_path.read_bytes(), credential.passphrase.encode()
    )
    if key is None or cert is None:
        raise ValueError(f"{credential.p12_path.name} holds no key and certificate")
    return key, cert, list(chain)


def crl_path(pki: DemoPki) -> Path:
    return pki.directory / _CA_DIR / "signing-ca.crl"


def revoke_certificate(pki: DemoPki, cert: x509.Certificate, *, revoked_at: dt.datetime | None = None) -> Path:
    """Add the certificate to the signing CA's revocation list (CRL), which validation reads offline."""
    path = crl_path(pki)
    now = _now()
    entries: dict[int, x509.RevokedCertificate] = {}
    if path.is_file():
        for entry in x509.load_pem_x509_crl(path.read_bytes()):
            entries[entry.serial_number] = entry
    entries[cert.serial_number] = (
        x509.RevokedCertificateBuilder()
        .serial_number(cert.serial_number)
        .revocation_date((revoked_at or now).astimezone(dt.UTC))
        .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
        .build()
    )
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.ca_cert.subject)
        .last_update(now - dt.timedelta(minutes=1))
        .next_update(now + dt.timedelta(days=30))
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.ca_key.public_key()), critical=False)
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
    )
    for entry in entries.values():
        builder = builder.add_revoked_certificate(entry)
    _write(path, builder.sign(pki.ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
    return path
