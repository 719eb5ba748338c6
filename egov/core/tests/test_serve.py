"""`egov serve` as an operator runs it: production mode, gunicorn on loopback, static files, JSON logs."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_production_server_serves_pages_static_files_and_json_logs(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        EGOV_DATA_DIR=str(tmp_path),
        EGOV_SECRET_KEY=secrets.token_urlsafe(50),
        EGOV_ALLOWED_HOSTS="127.0.0.1",
        EGOV_SECURE_COOKIES="false",
        EGOV_ACCESS_LOG="0",
        EGOV_LOG_LEVEL="info",
    )
    cli = [sys.executable, "-m", "egov.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True, timeout=180)
    log = open(tmp_path / "server.log", "w+b")  # noqa: SIM115  (closed below, after the server stops)
    server = subprocess.Popen(
        [*cli, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "server did not start within 60 s"
            time.sleep(0.2)

        status, headers, body = _get(f"{base}/login/")
        assert status == 200
        html = body.decode()
        assert '<html lang="vi"' in html and "Đăng nhập" in html
        css = html.split('href="/static/egov/egov.')[1].split('"')[0]
        assert css.endswith(".css") and css != "css", "production pages link the hashed stylesheet"
        status, headers, body = _get(f"{base}/static/egov/egov.{css}")
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert "max-age" in headers.get("Cache-Control", "")

        assert _get(f"{base}/readyz")[2] == b'{"status": "ok"}'
        assert _get(f"{base}/", {"Host": "evil.example"})[0] == 400  # not an allowed host

        status, headers, _ = _get(f"{base}/khong-co-trang-nay", {"X-Request-Id": "kiem-tra-123"})
        assert status == 404 and headers["X-Request-Id"] == "kiem-tra-123"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    log.seek(0)
    records = [json.loads(line) for line in log.read().decode().splitlines() if line.startswith("{")]
    log.close()
    not_found = [r for r in records if r.get("request_id") == "kiem-tra-123"]
    assert not_found and not_found[0]["level"] == "WARNING" and not_found[0]["logger"] == "django.request"
