"""Signing on PKCS#11 devices through pyHanko and python-pkcs11, and loading demo credentials into SoftHSM2.

A USB token from a licensed CA, an HSM and SoftHSM2 all speak PKCS#11: the platform opens the module (the
vendor's .so), finds the token by its label, logs in with the PIN and asks the device to sign; the private key
never leaves it. SoftHSM2 (Debian package softhsm2) is a software token used by the tests and for trying it out.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pkcs11 as p11
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _
from pkcs11.util.rsa import decode_rsa_private_key
from pkcs11.util.x509 import decode_x509_certificate
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Signer

from egov.documents.signing.keys import SigningFailed, TokenKey
from egov.documents.signing.pki import CredentialFiles, read_pkcs12

_SOFTHSM_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/*/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",
    "/usr/lib64/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
    "/opt/homebrew/lib/softhsm/libsofthsm2.so",
)


def find_softhsm_module() -> str | None:
    """Path of SoftHSM2's PKCS#11 library on this machine, or None when softhsm2 is not installed."""
    for pattern in _SOFTHSM_CANDIDATES:
        for path in sorted(glob.glob(pattern)):
            if Path(path).is_file():
                return path
    return None


def _library(module_path: str):
    if not module_path or not Path(module_path).is_file():
        raise SigningFailed(
            _("Không tìm thấy thư viện PKCS#11 của thiết bị ký số: %(path)s.") % {"path": module_path or "—"},
            code="token_module_missing",
        )
    try:
        return p11.lib(module_path)
    except (RuntimeError, OSError, p11.PKCS11Error):
        raise SigningFailed(
            _("Không nạp được thư viện PKCS#11 %(path)s.") % {"path": module_path}, code="token_module_missing"
        ) from None


def _token(lib, label: str):
    try:
        return lib.get_token(token_label=label)
    except p11.NoSuchToken:
        raise SigningFailed(
            _("Không thấy thiết bị ký số “%(label)s”: hãy cắm thiết bị hoặc kiểm tra tên.") % {"label": label},
            code="token_missing",
        ) from None
    except p11.MultipleTokensReturned:
        raise SigningFailed(
            _("Có nhiều thiết bị ký số cùng tên “%(label)s”.") % {"label": label}, code="token_ambiguous"
        ) from None


@contextlib.contextmanager
def _session(token, pin: str, *, rw: bool = False) -> Iterator:
    try:
        session = token.open(user_pin=pin, rw=rw)
    except p11.PinIncorrect:
        raise SigningFailed(_("Mã PIN của thiết bị ký số không đúng."), code="wrong_pin") from None
    except p11.PinLocked:
        raise SigningFailed(
            _("Thiết bị ký số đã bị khóa do nhập sai mã PIN nhiều lần; liên hệ nơi cấp để mở khóa."),
            code="pin_locked",
        ) from None
    except (p11.PinLenRange, p11.ArgumentsBad):
        raise SigningFailed(_("Mã PIN của thiết bị ký số không đúng."), code="wrong_pin") from None
    except p11.PKCS11Error as exc:
        raise SigningFailed(
            _("Thiết bị ký số từ chối mở phiên làm việc (%(error)s).") % {"error": type(exc).__name__}
        ) from None
    try:
        yield session
    finally:
        with contextlib.suppress(p11.PKCS11Error):
            session.close()


@contextlib.contextmanager
def open_token_signer(key: TokenKey) -> Iterator[PKCS11Signer]:
    """A pyHanko signer on the token's key; the session is logged out and closed when the block ends."""
    lib = _library(key.module_path)
    token = _token(lib, key.token_label)
    with _session(token, key.pin) as session:
        # other_certs_to_pull=None pulls every certificate on the token, so the CA chain stored beside the
        # holder's certificate is embedded in the signature and the PDF validates without fetching it.
        signer = PKCS11Signer(
            session,
            key_label=key.key_label,
            cert_label=key.cert_label or key.key_label,
            other_certs_to_pull=None,
        )
        try:
            # Loads the key and certificate now, so that a wrong label is reported before the PDF is touched.
            signer.signing_cert  # noqa: B018
        except (SigningError, p11.PKCS11Error):
            raise SigningFailed(
                _("Không tìm thấy khóa “%(label)s” và chứng thư số của nó trên thiết bị ký số.")
                % {"label": key.key_label},
                code="token_key_missing",
            ) from None
        yield signer


def write_softhsm_conf(directory: Path) -> Path:
    """A SoftHSM2 configuration keeping its tokens in `directory`/tokens; point SOFTHSM2_CONF at it."""
    directory = Path(directory)
    (directory / "tokens").mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n",
        encoding="utf-8",
    )
    return conf


def _init_token(module_path: str, label: str, pin: str, so_pin: str) -> None:
    util = shutil.which("softhsm2-util")
    if not util:
        raise SigningFailed(_("Chưa cài softhsm2 (lệnh softhsm2-util)."), code="token_module_missing")
    result = subprocess.run(
        [util, "--module", module_path, "--init-token", "--free", "--label", label, "--so-pin", so_pin, "--pin", pin],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise SigningFailed(
            _("Không khởi tạo được thiết bị ký số SoftHSM2: %(error)s") % {"error": result.stderr.strip()}
        )


def softhsm_import(
    credential: CredentialFiles,
    *,
    token_label: str,
    pin: str,
    so_pin: str | None = None,
    key_label: str | None = None,
    module_path: str | None = None,
    conf: Path | None = None,
) -> TokenKey:
    """Put a demo credential (key, certificate and its CA chain) on a SoftHSM2 token, creating the token if needed.

    `conf` sets SOFTHSM2_CONF for this process: SoftHSM2 reads it when its library is first loaded, so set it
    before anything in the process signs with SoftHSM2. Returns the TokenKey to sign with.
    """
    if conf is not None:
        os.environ["SOFTHSM2_CONF"] = str(conf)
    module = module_path or find_softhsm_module()
    if not module:
        raise SigningFailed(_("Chưa cài softhsm2: không tìm thấy libsofthsm2.so."), code="token_module_missing")
    label = key_label or credential.p12_path.stem
    lib = _library(module)
    try:
        token = lib.get_token(token_label=token_label)
    except p11.NoSuchToken:
        _init_token(module, token_label, pin, so_pin or pin + "-so")
        # The library lists the tokens it found when it was initialised; a token created since by
        # softhsm2-util appears only after a re-initialisation (acceptable in an operator's tool, not in
        # a server that may hold sessions open).
        lib.reinitialize()
        token = _token(lib, token_label)
    private_key, cert, chain = read_pkcs12(credential)
    key_der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    object_id = cert.fingerprint(cert.signature_hash_algorithm)[:8]
    certificates = [cert, *chain]
    labels = [label] + [f"{label}-ca-{index}" for index in range(1, len(certificates))]
    with _session(token, pin, rw=True) as session:
        # Importing again replaces what an earlier import put there under the same labels.
        for existing_label in labels:
            for existing in list(session.get_objects({p11.Attribute.LABEL: existing_label})):
                existing.destroy()
        key_attrs = decode_rsa_private_key(key_der)
        key_attrs.update(
            {
                p11.Attribute.LABEL: label,
                p11.Attribute.ID: object_id,
                p11.Attribute.TOKEN: True,
                p11.Attribute.PRIVATE: True,
                p11.Attribute.SENSITIVE: True,
                p11.Attribute.EXTRACTABLE: False,
                p11.Attribute.SIGN: True,
                p11.Attribute.DECRYPT: False,
                p11.Attribute.UNWRAP: False,
            }
        )
        session.create_object(key_attrs)
        for index, (certificate, cert_label) in enumerate(zip(certificates, labels, strict=True)):
            attrs = decode_x509_certificate(certificate.public_bytes(serialization.Encoding.DER))
            attrs.update(
                {
                    p11.Attribute.LABEL: cert_label,
                    p11.Attribute.ID: object_id if index == 0 else object_id + bytes([index]),
                    p11.Attribute.TOKEN: True,
                }
            )
            session.create_object(attrs)
    return TokenKey(module_path=module, token_label=token_label, pin=pin, key_label=label)


def temporary_softhsm(directory: Path | None = None) -> Path:
    """A fresh SoftHSM2 configuration in a new folder (tests, the benchmark); returns the configuration's path."""
    base = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="egov-softhsm-"))
    return write_softhsm_conf(base)
