"""RFC 3161 time stamps (dấu thời gian): the client used when signing, and a demo time-stamping server.

The demo server answers on 127.0.0.1 with tokens signed by the demo PKI's time-stamping authority. Tests and
the benchmark use it; an operator can try it with `egov pki serve-tsa` and EGOV_TSA_URL. Production points
EGOV_TSA_URL at a licensed time-stamping service.
"""

from __future__ import annotations

import functools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import DummyTimeStamper, HTTPTimeStamper, TimeStamper

from egov.documents.signing.pki import DemoPki

# Seconds a signing request waits for the time-stamping service before it gives up.
TSA_TIMEOUT = 15


def configured_tsa_url() -> str:
    """EGOV_TSA_URL, or "" when Django is not configured (standalone scripts) or no TSA is set."""
    from django.conf import settings

    if not settings.configured:
        return ""
    return getattr(settings, "EGOV_TSA_URL", "") or ""


@functools.lru_cache(maxsize=8)
def _http_timestamper(url: str) -> HTTPTimeStamper:
    # One client per URL for the process: pyHanko sizes the signature with a sample time stamp, which the
    # client keeps. A new client per signature would ask the service twice for every signature, and
    # time-stamping services count (and often bill) every request.
    return HTTPTimeStamper(url, timeout=TSA_TIMEOUT)


def timestamper_for(tsa_url: str | None) -> TimeStamper | None:
    """The client for `tsa_url`, the configured URL when None, or no time stamp when the URL is empty."""
    url = configured_tsa_url() if tsa_url is None else tsa_url
    return _http_timestamper(url) if url else None


def _asn1_cert(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def demo_timestamper(pki: DemoPki) -> DummyTimeStamper:
    """A time stamper that signs with the demo TSA's key in this process (what the demo server runs)."""
    key = pki.tsa_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return DummyTimeStamper(
        tsa_cert=_asn1_cert(pki.tsa_cert),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key),
        certs_to_embed=[_asn1_cert(pki.ca_cert)],
    )


class _Handler(BaseHTTPRequestHandler):
    server: _TsaHttpServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Content-Type") != "application/timestamp-query" or not 0 < length <= 64 * 1024:
            self.send_error(400, "expected an RFC 3161 time-stamp query")
            return
        try:
            request = tsp.TimeStampReq.load(self.rfile.read(length))
            request.native  # noqa: B018 (parses the whole request: a malformed one fails here, not below)
            with self.server.lock:
                body = self.server.stamper.request_tsa_response(request).dump()
        except (ValueError, TypeError, KeyError):
            self.send_error(400, "malformed time-stamp query")
            return
        self.server.served += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass  # quiet: the tests and the benchmark print their own output


class _TsaHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, stamper: DummyTimeStamper) -> None:
        super().__init__(address, _Handler)
        self.stamper = stamper
        self.lock = threading.Lock()
        self.served = 0


class DemoTimeStampServer:
    """The demo PKI's time-stamping authority over HTTP on 127.0.0.1 (máy chủ cấp dấu thời gian thử nghiệm).

    Use as a context manager: `with DemoTimeStampServer(pki) as tsa: sign(..., tsa_url=tsa.url)`.
    """

    def __init__(self, pki: DemoPki, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _TsaHttpServer((host, port), demo_timestamper(pki))
        self._thread = threading.Thread(target=self._server.serve_forever, name="egov-demo-tsa", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def served(self) -> int:
        """How many time stamps it has issued."""
        return self._server.served

    def start(self) -> DemoTimeStampServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (`egov pki serve-tsa`)."""
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def __enter__(self) -> DemoTimeStampServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
