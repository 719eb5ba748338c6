"""The one place the hub reads edXML: the exchange codec, with the hub's trust anchors and size limit."""

from __future__ import annotations

import threading
from pathlib import Path

from django.utils.translation import gettext as _

from egov.hub.conf import hub_setting
from egov.hub.errors import HubError

_trust_lock = threading.Lock()
_trust_cache: dict[tuple[str, ...], object] = {}


def trust_pem_paths() -> list[str]:
    """EGOV_HUB_TRUST_PEM, else the CA certificates of the demo PKI in EGOV_PKI_DIR, else none."""
    configured = hub_setting("EGOV_HUB_TRUST_PEM")
    if isinstance(configured, list | tuple):
        paths = [str(path) for path in configured]
    else:
        paths = [part.strip() for part in str(configured or "").split(",") if part.strip()]
    if paths:
        return paths
    pki_dir = hub_setting("EGOV_PKI_DIR")
    if pki_dir:
        from egov.documents.signing.pki import demo_ca_files

        files = demo_ca_files(Path(pki_dir))
        if files is not None:
            return [str(files[0]), str(files[1])]
    return []


def trust_store():
    """The TrustStore of the configured CA files, built once per process for each set of paths."""
    from egov.exchange.edxml import TrustStore

    key = tuple(trust_pem_paths())
    with _trust_lock:
        store = _trust_cache.get(key)
        if store is None:
            store = _trust_cache[key] = TrustStore.from_pem_files([Path(path) for path in key])
    return store


def read(data: bytes):
    """The verified Message in `data`; any problem becomes a HubError carrying the codec's code and field."""
    from egov.exchange.edxml import EdxmlError, Limits, read_message

    if not trust_pem_paths():
        raise HubError("NO_TRUST", _("Trục chưa được cấu hình chứng thư gốc tin cậy để kiểm tra chữ ký."), 503)
    try:
        return read_message(
            data,
            trust=trust_store(),
            limits=Limits(max_bytes=int(hub_setting("EGOV_HUB_MAX_BYTES"))),
            require_signature=True,
        )
    except EdxmlError as exc:
        status = 413 if exc.code == "too_large" else 400
        raise HubError(exc.code, exc.message, status, field=exc.field or "") from None
