"""Where a signing key lives: a PKCS#12 file or a PKCS#11 token, opened as a pyHanko signer for one signature."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from pyhanko.sign import signers

from egov.core.errors import DomainError


@dataclass(frozen=True)
class Pkcs12Key:
    """A key and certificate in a PKCS#12 (.p12/.pfx) file protected by a passphrase (tệp khóa ký số)."""

    path: Path
    passphrase: str = field(repr=False)

    @classmethod
    def from_credential(cls, credential) -> Pkcs12Key:
        """From the files `pki.issue_*_certificate` wrote."""
        return cls(path=credential.p12_path, passphrase=credential.passphrase)


@dataclass(frozen=True)
class TokenKey:
    """A key on a PKCS#11 device: a USB token, a smart card, an HSM, SoftHSM2 (thiết bị ký số / USB token)."""

    module_path: str
    token_label: str
    pin: str = field(repr=False)
    key_label: str
    # The certificate's label when it differs from the key's (pyHanko looks the certificate up by label).
    cert_label: str | None = None


SignerSpec = Pkcs12Key | TokenKey


class SigningFailed(DomainError):
    """The key could not be used: wrong passphrase or PIN, missing file or token, refused by the device."""

    code = "signing_failed"


def _pkcs12_signer(key: Pkcs12Key) -> signers.SimpleSigner:
    path = Path(key.path)
    try:
        data = path.read_bytes()
    except OSError:
        raise SigningFailed(_("Không đọc được tệp khóa ký số %(name)s.") % {"name": path.name}) from None
    try:
        return signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=key.passphrase.encode())
    except (ValueError, TypeError, AttributeError):
        # A wrong passphrase, a file that is not PKCS#12, or one without a private key: pyHanko says only
        # that loading failed, and the holder can fix all three the same way (choose the right file and
        # passphrase).
        raise SigningFailed(
            _("Mật khẩu của tệp khóa ký số không đúng, hoặc tệp không chứa khóa bí mật và chứng thư số."),
            code="wrong_passphrase",
        ) from None


@contextlib.contextmanager
def open_signer(key: SignerSpec) -> Iterator[signers.Signer]:
    """A pyHanko signer for the key, open for the duration of the block (a token session is closed after)."""
    if isinstance(key, Pkcs12Key):
        yield _pkcs12_signer(key)
    elif isinstance(key, TokenKey):
        from egov.documents.signing.pkcs11 import open_token_signer

        with open_token_signer(key) as signer:
            yield signer
    else:
        raise TypeError(f"unknown key specification {type(key).__name__}")
