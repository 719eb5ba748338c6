"""The hub's settings with their defaults, so the hub also runs inside a project that does not define them."""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # Largest edXML message accepted (bytes): a 50 MiB PDF is about 67 MiB once base64-encoded.
    "EGOV_HUB_MAX_BYTES": 100 * 1024 * 1024,
    # Largest JSON body of a batch call (bytes).
    "EGOV_HUB_BATCH_MAX_BYTES": 200 * 1024 * 1024,
    "EGOV_HUB_BATCH_MAX_ITEMS": 100,
    # Total of the bodies one `received?include_body=1` reply carries (bytes, before base64).
    "EGOV_HUB_RECEIVED_BODY_CAP": 32 * 1024 * 1024,
    "EGOV_HUB_RATE_PER_SECOND": 50.0,
    "EGOV_HUB_RATE_BURST": 100,
    "EGOV_HUB_RETENTION_DAYS": 30,
    "EGOV_HUB_EXPIRE_DAYS": 90,
    "EGOV_HUB_METADATA_DAYS": 365,
    "EGOV_HUB_PURGE_BATCH": 500,
    # Comma-separated PEM files of the CAs whose certificates may sign packages; empty: the demo PKI's.
    "EGOV_HUB_TRUST_PEM": "",
    "EGOV_PKI_DIR": "",
    # Bearer token the metrics scraper must send; empty: metrics are open (bind the hub to a private address).
    "EGOV_HUB_METRICS_TOKEN": "",
    # How long a worker process trusts its cached copy of a system's credentials and organisations.
    "EGOV_HUB_AUTH_CACHE_SECONDS": 5.0,
}


def hub_setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
