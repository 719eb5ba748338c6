"""Running the exchange inside one process: the hub's real views reached through Django's test client.

The suite, the browser journeys and the demo checks use this to carry packages from the outbox through the hub
and into the recipients' registers without starting a hub process. It is the same hub code, the same HTTP
requests and replies, the same node code; only the socket is missing. (The reliability test in
tests/exchange/ runs hub and nodes as real processes.)
"""

from __future__ import annotations

import httpx

from egov.exchange import client as client_module

SYSTEM_ID = "egov-node"


class InProcessTransport(httpx.BaseTransport):
    """An httpx transport that hands each request to the project's URLs through Django's test client."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        content_type = headers.pop("content-type", "application/octet-stream")
        path = request.url.raw_path.decode("ascii")
        response = self.client.generic(
            request.method, path, data=request.read(), content_type=content_type, headers=headers
        )
        return httpx.Response(
            response.status_code, headers=dict(response.headers.items()), content=response.content, request=request
        )


def install(settings, codes: list[str], *, system_id: str = SYSTEM_ID) -> str:
    """Register this node at the in-process hub for `codes` and point the node's settings at it."""
    from egov.hub.services import system_register

    registration = system_register(system_id=system_id, name="egov (suite)", organs=codes)
    settings.EGOV_EXCHANGE_HUB_URL = "http://hub.test"
    settings.EGOV_EXCHANGE_SYSTEM_ID = system_id
    settings.EGOV_EXCHANGE_SECRET = registration.secret
    settings.EGOV_EXCHANGE_KEY_PASSPHRASE = "egov-demo"
    client_module._TRANSPORT_FACTORY = InProcessTransport
    return registration.secret


def uninstall() -> None:
    from egov.exchange import tasks

    client_module._TRANSPORT_FACTORY = None
    for client in tasks._clients.values():
        client.close()
    tasks._clients.clear()


def run_exchange(*, rounds: int = 10) -> dict[str, int]:
    """Push and poll until nothing moves, as the worker would (see `egov.exchange.tasks.exchange_now`)."""
    from egov.exchange.tasks import exchange_now

    return exchange_now(rounds=rounds)
