"""`egov hub …`: run and operate the exchange hub (its own process, settings and database)."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

DEFAULT_BIND = "127.0.0.1:8100"


def _setup() -> None:
    # The hub never runs with the node's settings, whatever the caller's environment says.
    os.environ["DJANGO_SETTINGS_MODULE"] = "egov.hub.settings"
    import django

    django.setup()


def _migrate(verbosity: int = 1) -> None:
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=verbosity)


def _gunicorn_argv(args) -> list[str]:
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "egov.hub.wsgi:application",
        "--bind",
        args.bind or os.environ.get("EGOV_HUB_BIND", DEFAULT_BIND),
        "--workers",
        str(args.workers or int(os.environ.get("EGOV_HUB_WORKERS", str(min(8, (os.cpu_count() or 1) + 1))))),
        "--threads",
        str(args.threads or int(os.environ.get("EGOV_HUB_THREADS", "4"))),
        "--worker-class",
        "egov.hub.tlsworker.ClientCertThreadWorker",
        "--timeout",
        os.environ.get("EGOV_REQUEST_TIMEOUT", "120"),
        "--graceful-timeout",
        "20",
        "--access-logfile",
        "-" if os.environ.get("EGOV_ACCESS_LOG", "1") != "0" else "/dev/null",
        "--forwarded-allow-ips",
        os.environ.get("EGOV_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--no-control-socket",
    ]
    if args.certfile:
        argv += ["--certfile", args.certfile, "--keyfile", args.keyfile]
        if args.ca_certs:
            # CERT_REQUIRED: the TLS handshake fails without a client certificate issued by one of these CAs.
            argv += ["--ca-certs", args.ca_certs, "--cert-reqs", "2"]
    return argv


def cmd_serve(args) -> int:
    if bool(args.certfile) != bool(args.keyfile):
        print("egov hub serve: --certfile and --keyfile go together.", file=sys.stderr)
        return 2
    if args.ca_certs and not args.certfile:
        print("egov hub serve: --ca-certs needs --certfile and --keyfile (mutual TLS).", file=sys.stderr)
        return 2
    _setup()
    from django.core import checks

    problems = [m for m in checks.run_checks() if m.level >= checks.ERROR]
    if problems:
        print("egov hub serve refuses to start:\n  " + "\n  ".join(str(m) for m in problems), file=sys.stderr)
        return 2
    _migrate(verbosity=0)
    argv = _gunicorn_argv(args)
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 0


def cmd_migrate(args) -> int:
    _setup()
    _migrate()
    return 0


def _read_cert_fingerprint(path: str) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    data = Path(path).read_bytes()
    cert = x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _give_secret(secret: str, secret_file: str | None, what: str) -> None:
    if secret_file:
        path = Path(secret_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secret + "\n")
        print(f"{what}: the secret was written to {path} (readable by its owner only).")
    else:
        print(f"{what}. Its secret, shown this once (the hub keeps only a hash of it):")
        print(secret)


def cmd_register_system(args) -> int:
    _setup()
    from django.db import IntegrityError

    from egov.hub.errors import HubError
    from egov.hub.models import HubSystem
    from egov.hub.services import system_register

    if HubSystem.objects.filter(system_id=args.system_id).exists():
        print(f"System {args.system_id} is already registered (rotate-secret gives it a new secret).", file=sys.stderr)
        return 2
    fingerprint = _read_cert_fingerprint(args.client_cert) if args.client_cert else ""
    try:
        registration = system_register(
            system_id=args.system_id,
            name=args.name,
            organs=args.organ,
            client_cert_sha256=fingerprint,
            rate_per_second=args.rate_per_second,
            rate_burst=args.rate_burst,
        )
    except (HubError, IntegrityError) as exc:
        print(f"egov hub register-system: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    organs = ", ".join(args.organ)
    _give_secret(registration.secret, args.secret_file, f"System {args.system_id} registered for {organs}")
    return 0


def _system_or_exit(system_id: str):
    from egov.hub.models import HubSystem

    system = HubSystem.objects.filter(system_id=system_id).first()
    if system is None:
        print(f"No system {system_id} on this hub.", file=sys.stderr)
    return system


def cmd_add_organ(args) -> int:
    _setup()
    from egov.hub.errors import HubError
    from egov.hub.services import organisation_add

    system = _system_or_exit(args.system_id)
    if system is None:
        return 2
    try:
        organisation_add(system=system, organ_id=args.code)
    except HubError as exc:
        print(f"egov hub add-organ: {exc.message}", file=sys.stderr)
        return 2
    print(f"{args.code} now sends and receives through {args.system_id}.")
    return 0


def cmd_rotate_secret(args) -> int:
    _setup()
    from egov.hub.services import secret_rotate

    system = _system_or_exit(args.system_id)
    if system is None:
        return 2
    _give_secret(
        secret_rotate(system=system), args.secret_file, f"New secret for {args.system_id}; the old one no longer works"
    )
    return 0


def cmd_purge(args) -> int:
    _setup()
    from egov.hub.services import purge

    report = purge()
    print(
        f"{report.expired} deliveries expired, {report.bodies_deleted} bodies deleted, "
        f"{report.messages_deleted} old messages and {report.rejections_deleted} old rejections forgotten."
    )
    return 0


def cmd_createadmin(args) -> int:
    _setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import ValidationError, validate_password

    from egov.cli import new_password

    password = new_password("EGOV_HUB_ADMIN_PASSWORD")
    if password is None:
        return 2
    try:
        validate_password(password)
    except ValidationError as exc:
        print("\n".join(exc.messages), file=sys.stderr)
        return 2
    User = get_user_model()
    user = User.objects.filter(username=args.username).first()
    if user is None:
        user = User(username=args.username)
    user.is_staff = True
    user.is_active = True
    user.set_password(password)
    user.save()
    print(f"Hub operator {args.username} can sign in at /hub/admin/.")
    return 0


def add_parser(subparsers) -> None:
    """Register `hub` and its subcommands on the `egov` command's subparsers."""
    parser = subparsers.add_parser("hub", help="the exchange hub: serve it and manage connected systems (docs/hub.md)")
    parser.set_defaults(
        func=cmd_serve, bind=None, workers=None, threads=None, certfile=None, keyfile=None, ca_certs=None
    )
    hub_sub = parser.add_subparsers(dest="hub_command")

    p = hub_sub.add_parser("serve", help="migrate, then serve the hub with gunicorn (the default)")
    p.add_argument("--bind", help=f"address:port (default EGOV_HUB_BIND or {DEFAULT_BIND})")
    p.add_argument("--workers", type=int)
    p.add_argument("--threads", type=int)
    p.add_argument("--certfile", help="TLS: the hub's certificate (PEM)")
    p.add_argument("--keyfile", help="TLS: the hub's private key (PEM)")
    p.add_argument("--ca-certs", help="mutual TLS: CA certificates (PEM) that client certificates must chain to")
    p.set_defaults(func=cmd_serve)

    hub_sub.add_parser("migrate", help="create or update the hub's tables").set_defaults(func=cmd_migrate)

    p = hub_sub.add_parser("register-system", help="register a connected system; prints its secret once")
    p.add_argument("system_id")
    p.add_argument("--name", required=True)
    p.add_argument("--organ", action="append", required=True, metavar="CODE", help="organisation code (repeatable)")
    p.add_argument("--client-cert", metavar="PEM", help="the system must connect with this client certificate")
    p.add_argument("--secret-file", metavar="PATH", help="write the secret to this file instead of printing it")
    p.add_argument("--rate-per-second", type=float, help="rate limit (default EGOV_HUB_RATE_PER_SECOND)")
    p.add_argument("--rate-burst", type=int, help="requests saved up (default EGOV_HUB_RATE_BURST)")
    p.set_defaults(func=cmd_register_system)

    p = hub_sub.add_parser("add-organ", help="let a system send and receive for one more organisation")
    p.add_argument("system_id")
    p.add_argument("code")
    p.set_defaults(func=cmd_add_organ)

    p = hub_sub.add_parser("rotate-secret", help="give a system a new secret (the old one stops working)")
    p.add_argument("system_id")
    p.add_argument("--secret-file", metavar="PATH")
    p.set_defaults(func=cmd_rotate_secret)

    hub_sub.add_parser("purge", help="apply the retention rules (run daily)").set_defaults(func=cmd_purge)

    p = hub_sub.add_parser(
        "createadmin", help="create a hub operator (password from EGOV_HUB_ADMIN_PASSWORD or prompted)"
    )
    p.add_argument("username")
    p.set_defaults(func=cmd_createadmin)


def main(argv: list[str] | None = None) -> int:
    """`python -m egov.hub.cli …` works like `egov hub …`."""
    parser = argparse.ArgumentParser(prog="egov")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_parser(subparsers)
    args = parser.parse_args(["hub", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
