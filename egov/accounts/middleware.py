from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from egov.accounts.actor import Actor


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def actor_for_request(request) -> Actor:
    from egov.accounts.selectors import acting_organisation

    user = request.user if request.user.is_authenticated else None
    return Actor(
        user=user,
        organisation=acting_organisation(request) if user else None,
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", None),
    )


class ActorMiddleware:
    """Attaches `request.actor`, built on first use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: actor_for_request(request))
        return self.get_response(request)
