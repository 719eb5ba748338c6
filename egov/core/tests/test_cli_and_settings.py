"""The `egov` command and production-mode refusals, run as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(args, env_extra, cwd, timeout=180):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "egov.cli", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def test_production_mode_refuses_to_start_without_secret_and_hosts(tmp_path):
    result = _run(["serve"], {"EGOV_DATA_DIR": str(tmp_path)}, tmp_path)
    assert result.returncode == 2
    assert "Production mode needs EGOV_SECRET_KEY and EGOV_ALLOWED_HOSTS" in result.stderr


def test_serve_refuses_a_weak_secret_and_a_wildcard_host(tmp_path):
    result = _run(
        ["serve"], {"EGOV_DATA_DIR": str(tmp_path), "EGOV_SECRET_KEY": "short", "EGOV_ALLOWED_HOSTS": "*"}, tmp_path
    )
    assert result.returncode == 2
    assert "egov serve refuses to start" in result.stderr
    assert "egov.E001" in result.stderr and "egov.E002" in result.stderr


def test_debug_is_refused_in_production(tmp_path):
    result = _run(
        ["check"],
        {"EGOV_DATA_DIR": str(tmp_path), "EGOV_DEBUG": "true", "EGOV_SECRET_KEY": "x" * 50, "EGOV_ALLOWED_HOSTS": "a"},
        tmp_path,
    )
    assert result.returncode == 2
    assert "EGOV_DEBUG cannot be enabled when EGOV_MODE=production" in result.stderr


def test_a_malformed_variable_is_named(tmp_path):
    result = _run(
        ["check"],
        {"EGOV_MODE": "development", "EGOV_DATA_DIR": str(tmp_path), "EGOV_LOCKOUT_ATTEMPTS": "five"},
        tmp_path,
    )
    assert result.returncode == 2
    assert "EGOV_LOCKOUT_ATTEMPTS must be an integer, got 'five'" in result.stderr


def test_demo_sets_up_idempotently_and_keeps_edits(tmp_path):
    import socket

    env = {"EGOV_DATA_DIR": str(tmp_path / "var")}
    with socket.socket() as probe:  # the demo's own hub listens on the port after this one plus 100
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1] % 20000 + 30000)
    first = _run(["demo", "--no-serve", "--port", port], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Demo data: 30 organisations and 16 accounts added" in first.stdout
    assert "quantri.namdinh" in first.stdout and "Demo@egov-2026" in first.stdout
    assert (tmp_path / "var" / "egov.sqlite3").exists()
    # an operator edits a unit; a second run adds nothing and keeps the edit
    edit = tmp_path / "edit.csv"
    edit.write_text(
        "code,name,level\n000.00.12.H40,Sở Khoa học và Công nghệ tỉnh Nam Định,department\n", encoding="utf-8"
    )
    dev = {**env, "EGOV_MODE": "development"}
    assert _run(["import-organisations", str(edit)], dev, tmp_path).stdout.strip() == (
        "0 created, 1 updated, 0 unchanged (were saved)."
    )
    second = _run(["demo", "--no-serve", "--port", port], env, tmp_path)
    assert "Demo data: 0 organisations and 0 accounts added" in second.stdout
    exported = _run(["export-organisations"], dev, tmp_path).stdout
    assert "000.00.12.H40,Sở Khoa học và Công nghệ tỉnh Nam Định," in exported
    assert len(exported.strip().splitlines()) == 110
    verify = _run(["audit", "verify"], dev, tmp_path)
    assert verify.returncode == 0 and verify.stdout.startswith("Audit trail intact:")


def test_import_command_reports_lines_and_exits_1(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,level\nSAI,Tên,province\n", encoding="utf-8")
    env = {"EGOV_MODE": "development", "EGOV_DATA_DIR": str(tmp_path / "var")}
    assert _run(["migrate"], env, tmp_path).returncode == 0
    result = _run(["import-organisations", str(bad)], env, tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("line 2: code: Mã định danh “SAI” không đúng định dạng")
    assert result.stderr.splitlines()[-1] == "Nothing was imported."


def test_createadmin(tmp_path):
    env = {
        "EGOV_MODE": "development",
        "EGOV_DATA_DIR": str(tmp_path / "var"),
        "EGOV_ADMIN_PASSWORD": "Quản-trị-2026-mạnh",
    }
    _run(["migrate"], env, tmp_path)
    ok = _run(["createadmin", "--username", "quantri", "--full-name", "Quản trị"], env, tmp_path)
    assert ok.returncode == 0 and ok.stdout.strip() == "System administrator quantri created."
    again = _run(["createadmin", "--username", "quantri", "--full-name", "Quản trị"], env, tmp_path)
    assert again.returncode == 2 and "username: Tên đăng nhập quantri đã có người dùng." in again.stderr
    weak = _run(["createadmin", "--username", "b", "--full-name", "B"], {**env, "EGOV_ADMIN_PASSWORD": "123"}, tmp_path)
    assert weak.returncode == 2 and weak.stderr.startswith("password: ")


@pytest.mark.django_db
def test_system_checks_in_production(settings):
    from egov.core.checks import check_configuration

    settings.PRODUCTION = True
    settings.SECRET_KEY = "a" * 60
    settings.ALLOWED_HOSTS = ["*"]
    settings.SESSION_COOKIE_SECURE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    ids = sorted(p.id for p in check_configuration(None))
    from django.db import connection

    on_sqlite = ["egov.W002"] if connection.vendor == "sqlite" else []  # W002 warns of SQLite in production
    assert ids == ["egov.E001", "egov.E002", "egov.W001", *on_sqlite, "egov.W003"]
    settings.PRODUCTION = False
    assert check_configuration(None) == []


def _settings_probe(tmp_path, expr: str, **env_extra) -> str:
    code = (
        "import os;os.environ['DJANGO_SETTINGS_MODULE']='egov.settings';import django;django.setup();"
        f"from django.conf import settings;d=settings.DATABASES['default'];print({expr})"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    env.update(EGOV_MODE="development", EGOV_DATA_DIR=str(tmp_path), **env_extra)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=Path.cwd()
    ).stdout.strip()


def test_sqlite_is_the_default_with_wal_and_immediate_transactions(tmp_path):
    out = _settings_probe(
        tmp_path, "d['ENGINE'], d['NAME'], d['OPTIONS']['transaction_mode'], d['OPTIONS']['init_command']"
    )
    assert out == (
        f"django.db.backends.sqlite3 {tmp_path / 'egov.sqlite3'} IMMEDIATE "
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;PRAGMA cache_size=-20000;"
    )


def test_postgresql_is_used_when_a_url_is_given(tmp_path):
    out = _settings_probe(
        tmp_path,
        "d['ENGINE'], d['NAME'], d['HOST'], d['PORT']",
        EGOV_DATABASE_URL="postgres://u:p@db.example:5433/egov_tinh",
    )
    assert out == "django.db.backends.postgresql egov_tinh db.example 5433"
