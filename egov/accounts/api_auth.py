"""API authentication: the browser session (with CSRF) or an API key; both give request.actor."""

from __future__ import annotations

import hashlib
import hmac

from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from egov.accounts.actor import Actor
from egov.accounts.middleware import client_ip

KEY_PREFIX = "egov_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(raw: str) -> tuple[str, str] | None:
    """Split `egov_<prefix>_<secret>` into (prefix, full key)."""
    if not raw.startswith(KEY_PREFIX):
        return None
    rest = raw[len(KEY_PREFIX) :]
    prefix, sep, secret = rest.partition("_")
    if not sep or not prefix or not secret:
        return None
    return prefix, raw


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer egov_<prefix>_<secret>`; keys are stored as SHA-256 hashes."""

    def authenticate(self, request, token: str | None):
        from egov.accounts.models import ApiKey

        parsed = parse_key((token or "").strip())
        if parsed is None:
            return None
        prefix, full = parsed
        api_key = ApiKey.objects.select_related("organisation").filter(prefix=prefix).first()
        if api_key is None or not hmac.compare_digest(api_key.key_hash, hash_secret(full)):
            return None
        now = timezone.now()
        if not api_key.is_usable(now):
            return None
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        request.actor = Actor(
            api_key=api_key,
            organisation=api_key.organisation,
            ip_address=client_ip(request),
            request_id=getattr(request, "request_id", None),
        )
        return api_key


class SessionAuth(NinjaSessionAuth):
    """The signed-in browser session; CSRF is enforced on unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        return user
