"""The node's client for a hub: our `egov hub`, a province's LGSP or the national axis speaking the same operations.

Every operation authenticates with the system id and secret headers and reads a JSON reply of the form
`{status: OK|FAIL, ErrorCode, ErrorDesc, ...}`. Header names and the operations' path are settings, so the same
client can be pointed at an axis that names them differently (the adapter).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class HubError(Exception):
    """A call that failed. `transient` ones (network, 5xx, 429) are retried; the others will not get better."""

    def __init__(self, code: str, message: str, *, http_status: int | None = None, transient: bool = False):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status
        self.transient = transient


@dataclass(frozen=True)
class SendResult:
    ok: bool  # stored by the hub (now, or already before: a duplicate of bytes it has)
    doc_id: str
    http_status: int
    code: str
    message: str
    field: str = ""

    @property
    def transient(self) -> bool:
        return self.http_status in (0, 429) or self.http_status >= 500


@dataclass(frozen=True)
class Delivery:
    id: int
    doc_id: str
    kind: str
    from_code: str
    to_code: str
    document_id: str
    sha256: str
    size: int
    body: bytes | None


@dataclass(frozen=True)
class HubConfig:
    url: str
    system_id: str
    secret: str
    prefix: str = "hub/v1"
    header_system_id: str = "X-System-Id"
    header_secret: str = "X-System-Secret"
    timeout: float = 30.0
    client_cert: tuple[str, str] | None = None
    ca_file: str = ""

    @classmethod
    def from_settings(cls) -> HubConfig | None:
        if not settings.EGOV_EXCHANGE_HUB_URL:
            return None
        secret = settings.EGOV_EXCHANGE_SECRET
        if not secret and settings.EGOV_EXCHANGE_SECRET_FILE:
            secret = Path(settings.EGOV_EXCHANGE_SECRET_FILE).read_text(encoding="utf-8").strip()
        if not settings.EGOV_EXCHANGE_SYSTEM_ID or not secret:
            raise ImproperlyConfigured(
                "EGOV_EXCHANGE_HUB_URL is set: EGOV_EXCHANGE_SYSTEM_ID and EGOV_EXCHANGE_SECRET (or _SECRET_FILE) too"
            )
        cert = None
        if settings.EGOV_EXCHANGE_CLIENT_CERT:
            cert = (settings.EGOV_EXCHANGE_CLIENT_CERT, settings.EGOV_EXCHANGE_CLIENT_KEY)
        return cls(
            url=settings.EGOV_EXCHANGE_HUB_URL.rstrip("/"),
            system_id=settings.EGOV_EXCHANGE_SYSTEM_ID,
            secret=secret,
            prefix=settings.EGOV_EXCHANGE_API_PREFIX.strip("/"),
            header_system_id=settings.EGOV_EXCHANGE_HEADER_SYSTEM_ID,
            header_secret=settings.EGOV_EXCHANGE_HEADER_SECRET,
            timeout=float(settings.EGOV_EXCHANGE_TIMEOUT_SECONDS),
            client_cert=cert,
            ca_file=settings.EGOV_EXCHANGE_CA_FILE,
        )


def _result(response: httpx.Response) -> SendResult:
    try:
        data = response.json()
    except ValueError:
        data = {}
    code = str(data.get("ErrorCode", "")) or ("0" if response.is_success else f"HTTP_{response.status_code}")
    ok = data.get("status") == "OK" or code == "DUPLICATE"
    return SendResult(
        ok=ok,
        doc_id=str(data.get("DocId", "")),
        http_status=response.status_code,
        code=code,
        message=str(data.get("ErrorDesc", ""))[:500],
        field=str(data.get("Field", "") or ""),
    )


class HubClient:
    """One keep-alive connection to the hub. `transport` lets the suite run a hub in-process."""

    def __init__(self, config: HubConfig, *, transport: httpx.BaseTransport | None = None):
        self.config = config
        kwargs = {}
        if config.client_cert:
            kwargs["cert"] = config.client_cert
        if config.ca_file:
            kwargs["verify"] = config.ca_file
        self.http = httpx.Client(
            base_url=config.url,
            headers={config.header_system_id: config.system_id, config.header_secret: config.secret},
            timeout=config.timeout,
            transport=transport,
            **kwargs,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _path(self, name: str) -> str:
        return f"/{self.config.prefix}/{name}"

    def _call(self, method: str, name: str, **kwargs) -> httpx.Response:
        try:
            return self.http.request(method, self._path(name), **kwargs)
        except httpx.HTTPError as exc:
            raise HubError("NETWORK", str(exc) or type(exc).__name__, transient=True) from exc

    def _json(self, response: httpx.Response) -> dict:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("status") != "OK":
            data = data if isinstance(data, dict) else {}
            transient = response.status_code in (429,) or response.status_code >= 500
            raise HubError(
                str(data.get("ErrorCode", f"HTTP_{response.status_code}")),
                str(data.get("ErrorDesc", response.reason_phrase)),
                http_status=response.status_code,
                transient=transient,
            )
        return data

    # --- sending --------------------------------------------------------------------------------------
    def send(self, body: bytes, *, kind: str) -> SendResult:
        name = "edocs" if kind == "edoc" else "statuses"
        response = self._call("POST", name, content=body, headers={"Content-Type": "application/xml"})
        return _result(response)

    def send_batch(self, bodies: list[bytes]) -> list[SendResult]:
        """Several messages in one request; the hub stores the accepted ones in one transaction."""
        items = [{"body": base64.b64encode(body).decode("ascii")} for body in bodies]
        response = self._call("POST", "batch", json={"items": items})
        data = self._json(response)
        results = []
        for item in data.get("results", []):
            status = int(item.get("HttpStatus", 0))
            code = str(item.get("ErrorCode", "0"))
            results.append(
                SendResult(
                    ok=item.get("status") == "OK" or code == "DUPLICATE",
                    doc_id=str(item.get("DocId", "")),
                    http_status=status,
                    code=code,
                    message=str(item.get("ErrorDesc", ""))[:500],
                    field=str(item.get("Field", "") or ""),
                )
            )
        if len(results) != len(bodies):
            raise HubError("BAD_REPLY", "batch reply does not match the request", transient=True)
        return results

    # --- receiving ------------------------------------------------------------------------------------
    def received(self, *, limit: int = 50, include_body: bool = True) -> list[Delivery]:
        response = self._call("GET", "received", params={"limit": limit, "include_body": int(include_body)})
        rows = []
        for item in self._json(response).get("data", []):
            body = None
            if item.get("Body") is not None:
                try:
                    body = base64.b64decode(item["Body"], validate=True)
                except (binascii.Error, ValueError):
                    body = None  # fetched again one by one
            rows.append(
                Delivery(
                    id=int(item["Id"]),
                    doc_id=str(item.get("DocId", "")),
                    kind=str(item.get("MessageType", "edoc")),
                    from_code=str(item.get("From", "")),
                    to_code=str(item.get("To", "")),
                    document_id=str(item.get("DocumentId", "")),
                    sha256=str(item.get("Sha256", "")),
                    size=int(item.get("Size", 0) or 0),
                    body=body,
                )
            )
        return rows

    def get(self, delivery_id: int) -> bytes:
        response = self._call("GET", f"received/{delivery_id}")
        if response.status_code != 200:
            self._json(response)  # raises with the hub's error
        return response.content

    def ack(self, ids: list[int]) -> int:
        if not ids:
            return 0
        data = self._json(self._call("POST", "received/ack", json={"ids": ids}))
        return int(data.get("Acknowledged", 0))

    def count(self) -> dict:
        return self._json(self._call("GET", "count"))

    def sent(self, *, limit: int = 50, after: str = "") -> list[dict]:
        params = {"limit": limit}
        if after:
            params["after"] = after
        return self._json(self._call("GET", "sent", params=params)).get("data", [])


def configured_client(*, transport: httpx.BaseTransport | None = None) -> HubClient | None:
    config = HubConfig.from_settings()
    if config is None:
        return None
    return HubClient(config, transport=transport or _test_transport())


# The suite runs the hub in-process (egov.exchange.testing installs a transport here); None in production.
_TRANSPORT_FACTORY = None


def _test_transport():
    return _TRANSPORT_FACTORY() if _TRANSPORT_FACTORY else None
