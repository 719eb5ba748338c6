"""`egov hub` subcommands that manage systems, run against the test database."""

from __future__ import annotations

import hashlib
import os

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from egov.hub import auth, cli
from egov.hub.models import HubOrganisation, HubSystem
from egov.hub.tests.conftest import A1, B1

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_settings_module(monkeypatch):
    # The commands point DJANGO_SETTINGS_MODULE at the hub's settings; the suite's must come back afterwards.
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "egov.conf.test_settings"))


def test_register_system_writes_the_secret_once(tmp_path, keys, capsys):
    secret_file = tmp_path / "secrets" / "sys-x.secret"
    cert_path = keys.pki.holders_dir / "org-000.00.31.h40.pem"

    code = cli.main(
        [
            *("register-system", "sys-x", "--name", "Hệ thống X", "--organ", "000.00.41.H40"),
            *("--organ", "000.00.42.H40", "--client-cert", str(cert_path), "--secret-file", str(secret_file)),
        ]
    )

    assert code == 0
    system = HubSystem.objects.get(system_id="sys-x")
    assert (system.name, system.rate_per_second, system.rate_burst, system.active) == ("Hệ thống X", None, None, True)
    secret = secret_file.read_text().strip()
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    assert auth.authenticate("sys-x", secret).organs == frozenset({"000.00.41.H40", "000.00.42.H40"})
    der = x509.load_pem_x509_certificate(cert_path.read_bytes()).public_bytes(serialization.Encoding.DER)
    assert system.client_cert_sha256 == hashlib.sha256(der).hexdigest()
    out = capsys.readouterr().out
    assert secret not in out
    assert "System sys-x registered for 000.00.41.H40, 000.00.42.H40" in out


def test_register_system_prints_the_secret_when_no_file_is_given(capsys):
    argv = ["register-system", "sys-y", "--name", "Y", "--organ", "000.00.43.H40", "--rate-per-second", "2.5"]
    assert cli.main([*argv, "--rate-burst", "7"]) == 0

    secret = capsys.readouterr().out.strip().splitlines()[-1]
    credentials = auth.authenticate("sys-y", secret)
    assert (credentials.rate_per_second, credentials.rate_burst) == (2.5, 7)


def test_register_system_refuses_a_taken_id_or_organisation(systems, capsys):
    assert cli.main(["register-system", "sys-a", "--name", "A", "--organ", "000.00.44.H40"]) == 2
    assert cli.main(["register-system", "sys-z", "--name", "Z", "--organ", A1]) == 2

    err = capsys.readouterr().err
    assert "System sys-a is already registered" in err
    assert "Mã định danh 000.00.31.H40 đã thuộc hệ thống sys-a." in err
    assert not HubSystem.objects.filter(system_id="sys-z").exists()


def test_add_organ_and_rotate_secret(systems, capsys):
    assert cli.main(["add-organ", "sys-b", "000.00.45.H40"]) == 0
    assert HubOrganisation.objects.get(organ_id="000.00.45.H40").system.system_id == "sys-b"
    assert cli.main(["add-organ", "sys-b", A1]) == 2
    assert cli.main(["add-organ", "nobody", "000.00.46.H40"]) == 2

    assert cli.main(["rotate-secret", "sys-b"]) == 0
    new_secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert auth.authenticate("sys-b", systems["sys-b"].secret) is None
    assert auth.authenticate("sys-b", new_secret).organs == frozenset({B1, "000.00.45.H40"})


def test_purge_command(systems, capsys):
    assert cli.main(["purge"]) == 0

    assert capsys.readouterr().out == (
        "0 deliveries expired, 0 bodies deleted, 0 old messages and 0 old rejections forgotten.\n"
    )


def test_serve_checks_its_tls_options(capsys):
    assert cli.main(["serve", "--certfile", "a.pem"]) == 2
    assert cli.main(["serve", "--ca-certs", "ca.pem"]) == 2


def test_gunicorn_command_line(tmp_path):
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    cli.add_parser(sub)
    args = parser.parse_args(
        [
            *("hub", "serve", "--bind", "127.0.0.1:9", "--workers", "3", "--threads", "5"),
            *("--certfile", "c.pem", "--keyfile", "k.pem", "--ca-certs", "ca.pem"),
        ]
    )
    argv = cli._gunicorn_argv(args)

    assert argv[3:10] == ["egov.hub.wsgi:application", "--bind", "127.0.0.1:9", "--workers", "3", "--threads", "5"]
    assert argv[argv.index("--worker-class") + 1] == "egov.hub.tlsworker.ClientCertThreadWorker"
    assert argv[-8:] == ["--certfile", "c.pem", "--keyfile", "k.pem", "--ca-certs", "ca.pem", "--cert-reqs", "2"]
    # `egov hub` alone serves.
    assert parser.parse_args(["hub"]).func is cli.cmd_serve
