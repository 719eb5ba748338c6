"""`egov hub serve` as a real process: a round trip over HTTP, the operators' login, and mutual TLS."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from egov.documents.signing.pki import read_pkcs12
from egov.hub.tests.conftest import A1, B1, make_edoc

ADMIN_PASSWORD = "operator-passphrase-2025"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(data_dir: Path, keys) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        EGOV_MODE="development",
        EGOV_HUB_DATA_DIR=str(data_dir),
        EGOV_HUB_TRUST_PEM=",".join(keys.trust),
        EGOV_LOG_LEVEL="warning",
        EGOV_ACCESS_LOG="0",
        EGOV_HUB_ADMIN_PASSWORD=ADMIN_PASSWORD,
    )
    return env


def _hub(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "egov.hub.cli", *args], env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class Server:
    def __init__(self, env: dict, port: int, *extra: str, scheme: str = "http", verify=None) -> None:
        self.url = f"{scheme}://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "egov.hub.cli", "serve", "--bind", f"127.0.0.1:{port}"),
                *("--workers", "1", "--threads", "2", *extra),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.verify = verify

    def wait_ready(self, **client_kwargs) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"hub exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", int(self.url.rsplit(":", 1)[1])), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("hub did not start within 15 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process.stderr.close()


@pytest.fixture
def hub_env(tmp_path, keys):
    env = _env(tmp_path / "hub-data", keys)
    _hub(env, "migrate")
    return env


def _secret(env: dict, tmp_path: Path, system_id: str, *args: str) -> str:
    path = tmp_path / f"{system_id}.secret"
    _hub(env, "register-system", system_id, "--name", system_id, *args, "--secret-file", str(path))
    return path.read_text().strip()


def test_round_trip_over_http(hub_env, tmp_path, keys):
    secret_a = _secret(hub_env, tmp_path, "sys-a", "--organ", A1)
    secret_b = _secret(hub_env, tmp_path, "sys-b", "--organ", B1)
    _hub(hub_env, "createadmin", "operator")
    server = Server(hub_env, _free_port())
    try:
        server.wait_ready()
        body, doc = make_edoc(keys, A1, [B1])
        a = httpx.Client(base_url=server.url, headers={"X-System-Id": "sys-a", "X-System-Secret": secret_a})
        b = httpx.Client(base_url=server.url, headers={"X-System-Id": "sys-b", "X-System-Secret": secret_b})
        with a, b:
            assert httpx.get(f"{server.url}/hub/health").json() == {"status": "OK", "Database": "OK"}
            sent = a.post("/hub/v1/edocs", content=body, headers={"Content-Type": "application/xml"})
            assert sent.status_code == 201, sent.text
            doc_id = sent.json()["DocId"]
            assert a.post("/hub/v1/edocs", content=body).status_code == 409

            rows = b.get("/hub/v1/received", params={"include_body": 1}).json()["data"]
            assert [(r["DocId"], r["From"], r["To"], r["DocumentId"]) for r in rows] == [(doc_id, A1, B1, doc)]
            fetched = b.get(f"/hub/v1/received/{rows[0]['Id']}")
            assert (fetched.content, fetched.headers["X-Doc-Id"]) == (body, doc_id)
            assert b.post("/hub/v1/received/ack", json={"ids": [rows[0]["Id"]]}).json()["Acknowledged"] == 1
            assert b.get("/hub/v1/count").json()["Waiting"] == 0
            recipients = a.get("/hub/v1/sent").json()["data"][0]["Recipients"]
            assert [(r["To"], r["State"]) for r in recipients] == [(B1, "acknowledged")]
            assert a.get("/hub/v1/count", headers={"X-System-Secret": "wrong"}).status_code == 401

        # The operators' page, with the hub's own staff account and the project's stylesheet.
        with httpx.Client(base_url=server.url) as browser:
            assert browser.get("/hub/admin/").headers["location"] == "/hub/admin/login/?next=/hub/admin/"
            login = browser.get("/hub/admin/login/?next=/hub/admin/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
            page = browser.post(
                "/hub/admin/login/",
                data={"csrfmiddlewaretoken": token, "username": "operator", "password": ADMIN_PASSWORD, "next": ""},
                follow_redirects=True,
            )
            assert page.status_code == 200
            assert str(page.url) == f"{server.url}/hub/admin/"
            assert '<th scope="row" class="govuk-table__header">sys-b</th>' in page.text
            assert browser.get("/hub/static/egov/egov.css").status_code == 200
        metrics = httpx.get(f"{server.url}/hub/metrics").text
        assert 'egov_hub_acknowledged_total{system="sys-b"} 1' in metrics.splitlines()
    finally:
        server.stop()


def _server_certificate(keys, directory: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hub.test")]))
        .issuer_name(keys.pki.ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(keys.pki.ca_key, hashes.SHA256())
    )
    cert_path, key_path = directory / "server.pem", directory / "server.key"
    pem = serialization.Encoding.PEM
    cert_path.write_bytes(cert.public_bytes(pem) + keys.pki.ca_cert.public_bytes(pem))
    key_path.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def _client_pem(keys, code: str, directory: Path) -> tuple[str, str]:
    credential = keys.pki.credential("org-" + code.lower())
    key, cert, _chain = read_pkcs12(credential)
    pem = serialization.Encoding.PEM
    cert_path, key_path = directory / f"{code}.pem", directory / f"{code}.key"
    cert_path.write_bytes(cert.public_bytes(pem))
    key_path.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_mutual_tls_requires_the_registered_client_certificate(hub_env, tmp_path, keys):
    own_cert = _client_pem(keys, A1, tmp_path)
    other_cert = _client_pem(keys, B1, tmp_path)
    secret = _secret(hub_env, tmp_path, "sys-a", "--organ", A1, "--client-cert", own_cert[0])
    cert_path, key_path = _server_certificate(keys, tmp_path)
    ca_bundle = tmp_path / "ca-bundle.pem"
    ca_bundle.write_bytes(Path(keys.trust[0]).read_bytes() + Path(keys.trust[1]).read_bytes())
    port = _free_port()
    server = Server(
        hub_env,
        port,
        "--certfile",
        str(cert_path),
        "--keyfile",
        str(key_path),
        "--ca-certs",
        str(ca_bundle),
        scheme="https",
    )
    headers = {"X-System-Id": "sys-a", "X-System-Secret": secret}

    def context(cert=None) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=keys.trust[0])
        if cert:
            ctx.load_cert_chain(*cert)
        return ctx

    try:
        server.wait_ready()
        with httpx.Client(base_url=server.url, verify=context(own_cert), headers=headers) as client:
            response = client.get("/hub/v1/count")
            assert response.status_code == 200, response.text
            assert response.json()["Waiting"] == 0
        # Another certificate from the same CA passes the handshake but is not this system's.
        with httpx.Client(base_url=server.url, verify=context(other_cert), headers=headers) as client:
            response = client.get("/hub/v1/count")
            assert (response.status_code, response.json()["ErrorCode"]) == (403, "CLIENT_CERT_REQUIRED")
        # No certificate at all: the TLS handshake itself is refused.
        with (
            httpx.Client(base_url=server.url, verify=context(), headers=headers) as client,
            pytest.raises(httpx.TransportError),
        ):
            client.get("/hub/v1/count")
    finally:
        server.stop()
