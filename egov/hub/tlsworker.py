"""A gunicorn worker that hands the client certificate of a mutual-TLS connection to the hub's views.

Gunicorn verifies the certificate against --ca-certs but does not put it in the WSGI environ; this worker puts
its SHA-256 fingerprint there (key `egov.hub.client_cert_sha256`), so a system registered with a certificate
must present exactly that one.
"""

from __future__ import annotations

import hashlib
import ssl
import threading

from gunicorn.workers.gthread import ThreadWorker

CLIENT_CERT_ENVIRON = "egov.hub.client_cert_sha256"
_local = threading.local()


def _fingerprint(sock) -> str:
    if not isinstance(sock, ssl.SSLSocket):
        return ""
    try:
        der = sock.getpeercert(binary_form=True)
    except (ValueError, OSError):
        return ""
    return hashlib.sha256(der).hexdigest() if der else ""


class ClientCertThreadWorker(ThreadWorker):
    def handle_request(self, req, conn):
        # gthread runs each request start to finish on one pool thread, so a thread-local carries it to the app.
        _local.fingerprint = _fingerprint(conn.sock)
        try:
            return super().handle_request(req, conn)
        finally:
            _local.fingerprint = ""

    def load_wsgi(self):
        super().load_wsgi()
        app = self.wsgi

        def with_client_cert(environ, start_response):
            environ.pop(CLIENT_CERT_ENVIRON, None)
            fingerprint = getattr(_local, "fingerprint", "")
            if fingerprint:
                environ[CLIENT_CERT_ENVIRON] = fingerprint
            return app(environ, start_response)

        self.wsgi = with_client_cert
