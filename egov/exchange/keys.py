"""The keys a node signs packages with and the certificates it trusts when verifying what it receives.

An organisation signs its packages and status messages with its own seal key (chữ ký số cơ quan): the active
PKCS#12 key registered for it in the documents app, opened with EGOV_EXCHANGE_KEY_PASSPHRASE because nobody is
there to type a PIN when the worker sends. Trust is the documents app's: EGOV_TRUST_STORE plus the demo CA.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from cryptography import x509
from django.conf import settings
from django.utils.translation import gettext as _

from egov.documents.models import KeyStorage, SigningKey
from egov.exchange import edxml
from egov.organisations.models import Organisation


class NoExchangeKey(Exception):
    """The organisation has no key the worker can sign with; the message waits until one is added."""


_lock = threading.Lock()
_signers: dict[tuple, edxml.XmlSigner] = {}
_trust: tuple[float, edxml.TrustStore] | None = None
TRUST_TTL_SECONDS = 60


def signer_for(organisation: Organisation) -> edxml.XmlSigner:
    key = (
        SigningKey.objects.filter(organisation=organisation, active=True, storage=KeyStorage.PKCS12)
        .order_by("-created_at")
        .first()
    )
    if key is None:
        raise NoExchangeKey(
            _("%(org)s chưa có khóa ký số cơ quan (tệp PKCS#12) để ký gói tin liên thông.") % {"org": organisation.name}
        )
    path = Path(key.path)
    if not path.is_absolute():
        path = Path(settings.EGOV_PKI_DIR) / path
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise NoExchangeKey(_("Không đọc được tệp khóa ký số %(name)s.") % {"name": path.name}) from None
    cache_key = (key.pk, str(path), stamp)
    with _lock:
        signer = _signers.get(cache_key)
    if signer is None:
        try:
            signer = edxml.XmlSigner.from_pkcs12(path, settings.EGOV_EXCHANGE_KEY_PASSPHRASE)
        except Exception as exc:  # a wrong passphrase or a damaged file: the same fix for the operator
            raise NoExchangeKey(
                _("Không mở được khóa ký số của %(org)s bằng mật khẩu EGOV_EXCHANGE_KEY_PASSPHRASE.")
                % {"org": organisation.name}
            ) from exc
        with _lock:
            _signers[cache_key] = signer
    return signer


def trust_store() -> edxml.TrustStore:
    """The certificates packages must chain to (cached for a minute: adding a root needs no restart)."""
    global _trust
    from egov.documents.signing.trust import default_trust_store

    now = time.monotonic()
    with _lock:
        if _trust is not None and now - _trust[0] < TRUST_TTL_SECONDS:
            return _trust[1]
    store = default_trust_store()
    certs = [x509.load_der_x509_certificate(c.dump()) for c in (*store.roots, *store.intermediates)]
    result = edxml.TrustStore(certs)
    with _lock:
        _trust = (now, result)
    return result


def forget() -> None:
    """Drop the caches (tests that make new keys or roots)."""
    global _trust
    with _lock:
        _signers.clear()
        _trust = None
