"""Authenticating connected systems: generated secrets, their salted hashes and a short per-process cache."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from egov.hub.conf import hub_setting
from egov.hub.models import HubSystem

_SCHEME = "hmac-sha256"


def generate_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str, *, salt: str | None = None) -> str:
    """Salted HMAC-SHA-256 of a generated secret (256 random bits need no slow key-derivation function)."""
    salt = salt or secrets.token_hex(16)
    digest = hmac.new(salt.encode(), secret.encode(), hashlib.sha256).hexdigest()
    return f"{_SCHEME}${salt}${digest}"


def check_secret(secret: str, stored: str) -> bool:
    scheme, _sep, rest = stored.partition("$")
    salt, _sep, expected = rest.partition("$")
    if scheme != _SCHEME or not salt or not expected:
        return False
    digest = hmac.new(salt.encode(), secret.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(digest, expected)


@dataclass(frozen=True)
class SystemCredentials:
    """What a request needs to know about its caller, cached briefly per process."""

    pk: int
    system_id: str
    secret_hash: str
    active: bool
    client_cert_sha256: str
    rate_per_second: float | None
    rate_burst: int | None
    organs: frozenset[str]


_cache: dict[str, tuple[float, SystemCredentials | None]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget cached credentials (called by every service that changes a system or its organisations)."""
    with _cache_lock:
        _cache.clear()


def _load(system_id: str) -> SystemCredentials | None:
    system = HubSystem.objects.filter(system_id=system_id).first()
    if system is None:
        return None
    organs = frozenset(system.organisations.values_list("organ_id", flat=True))
    return SystemCredentials(
        pk=system.pk,
        system_id=system.system_id,
        secret_hash=system.secret_hash,
        active=system.active,
        client_cert_sha256=system.client_cert_sha256.lower(),
        rate_per_second=system.rate_per_second,
        rate_burst=system.rate_burst,
        organs=organs,
    )


def lookup(system_id: str) -> SystemCredentials | None:
    ttl = float(hub_setting("EGOV_HUB_AUTH_CACHE_SECONDS"))
    now = time.monotonic()
    if ttl > 0:
        with _cache_lock:
            hit = _cache.get(system_id)
        if hit is not None and hit[0] > now:
            return hit[1]
    credentials = _load(system_id)
    if ttl > 0:
        with _cache_lock:
            if len(_cache) > 10_000:  # unknown ids sent by a scanner must not grow the cache without bound
                _cache.clear()
            _cache[system_id] = (now + ttl, credentials)
    return credentials


def authenticate(system_id: str, secret: str) -> SystemCredentials | None:
    """The active system with that id and secret, or None (the caller does not learn which part was wrong)."""
    if not system_id or not secret or len(system_id) > 64 or len(secret) > 200:
        return None
    credentials = lookup(system_id)
    if credentials is None:
        # Same work as a real check, so timing does not tell registered ids from unknown ones.
        check_secret(secret, hash_secret("-", salt="0" * 32))
        return None
    if not check_secret(secret, credentials.secret_hash) or not credentials.active:
        return None
    return credentials
