"""The `egov` command: everything an operator does, in one place."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
import time
from pathlib import Path


def _setup(mode: str | None = None) -> None:
    if mode:
        os.environ.setdefault("EGOV_MODE", mode)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
    import django

    django.setup()


def _manage(*args: str, **options) -> None:
    from django.core.management import call_command

    call_command(*args, **options)


def _gunicorn(bind: str, workers: int, threads: int) -> None:
    """Replace this process with the gunicorn server."""
    max_requests = int(os.environ.get("EGOV_MAX_REQUESTS", "50000"))
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "egov.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        os.environ.get("EGOV_REQUEST_TIMEOUT", "60"),
        "--graceful-timeout",
        "20",
        # A worker is recycled after this many requests (bounding any slow leak). Each new worker starts with
        # cold caches (templates, URL resolver, translations, database connections): 5,000 recycled every
        # worker every few seconds at full load and put one-second stalls into the tail (bench/README.md).
        "--max-requests",
        str(max_requests),
        "--max-requests-jitter",
        str(max_requests // 10),
        "--access-logfile",
        "-" if os.environ.get("EGOV_ACCESS_LOG", "1") != "0" else "/dev/null",
        "--forwarded-allow-ips",
        os.environ.get("EGOV_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        # egov is managed through its own command and signals: no control socket in the home directory
        "--no-control-socket",
    ]
    sys.stdout.flush()
    os.execv(sys.executable, argv)


def _deploy_problems() -> list[str]:
    from django.core import checks

    return [
        f"{m.id}: {m.msg} {m.hint or ''}".strip()
        for m in checks.run_checks(include_deployment_checks=False)
        if m.level >= checks.ERROR
    ]


def cmd_demo(args) -> int:
    from egov.exchange import demo as exchange_demo

    os.environ.setdefault("EGOV_DATA_DIR", str(Path.cwd() / "var"))
    os.environ["EGOV_MODE"] = "development"
    os.environ.setdefault("EGOV_SECURE_COOKIES", "false")
    hub_port = exchange_demo.free_port(args.port + 100)
    for name, value in exchange_demo.node_environment(Path(os.environ["EGOV_DATA_DIR"]), hub_port).items():
        os.environ.setdefault(name, value)
    _setup()
    from django.conf import settings

    print(f"egov demo — data in {settings.DATA_DIR}")
    _manage("migrate", "--no-input", verbosity=0)
    from egov.core.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
    from egov.documents.demo import ACCOUNTS as DOCUMENT_ACCOUNTS
    from egov.plans.demo import ACCOUNTS as PLAN_ACCOUNTS
    from egov.services.demo import ACCOUNTS as SERVICE_ACCOUNTS

    added = load_demo()
    print(
        f"Demo data: {added['organisations']} organisations and {added['accounts']} accounts added "
        "(existing data kept)."
    )
    print(
        f"Plans demo: {added['plan_organisations']} organisations, {added['plan_accounts']} accounts, "
        f"{added['committees']} steering committees, {added['plans']} plans, {added['tasks']} tasks and "
        f"{added['meetings']} review meeting{'' if added['meetings'] == 1 else 's'} added."
    )
    print(
        f"Documents demo: {added['document_accounts']} accounts, {added['signing_keys']} signing keys "
        f"(PIN egov-demo) and {added['documents']} documents added."
    )
    print(
        f"Public services demo: {added['procedure_versions']} procedure versions in the catalogue, "
        f"{added['service_accounts']} accounts and {added['dossiers']} dossiers at UBND xã Hải Bắc added "
        f"(citizen portal: http://127.0.0.1:{args.port}/services/procedures/)."
    )
    print(
        f"\nOpen http://127.0.0.1:{args.port}/ and sign in with one of these accounts "
        f"(password for all: {DEMO_PASSWORD}):\n"
    )
    for account in (*ACCOUNTS, *PLAN_ACCOUNTS, *DOCUMENT_ACCOUNTS, *SERVICE_ACCOUNTS):
        print(f"  {account.username:<26} {account.role.label:<40} {account.full_name}")
    print()
    # Documents travel between agencies through an exchange hub: the demo runs its own, with its own database.
    data_dir, pki_dir = Path(settings.DATA_DIR), Path(settings.EGOV_PKI_DIR)
    hub = exchange_demo.start_hub(data_dir, pki_dir, hub_port)
    from egov.documents.demo import register_delivered
    from egov.exchange.tasks import exchange_now
    from egov.organisations.models import Organisation

    exchange_demo.register_systems(data_dir, pki_dir, list(Organisation.objects.values_list("code", flat=True)))
    moved = exchange_now()
    register_delivered()
    exchange_now()
    print(
        f"Exchange hub on http://127.0.0.1:{hub_port}/hub/ (its own database and log in {data_dir / 'hub'}): "
        f"{moved.get('sent', 0)} messages sent, {moved.get('applied', 0)} received."
    )
    if args.no_serve:
        hub.terminate()
        hub.wait(timeout=30)
        return 0
    # Reminders and e-mail copies of notices need the background worker: the demo runs one beside the
    # server. It stops with Ctrl-C (same process group) or, should the server be killed, when its parent
    # (this process, which becomes gunicorn) is gone.
    import subprocess

    subprocess.Popen([sys.executable, "-m", "egov.cli", "worker", "--parent-pid", str(os.getpid())])
    _gunicorn(f"127.0.0.1:{args.port}", workers=2, threads=4)
    return 0


def cmd_serve(args) -> int:
    _setup()
    from django.conf import settings

    problems = _deploy_problems()
    if problems:
        print("egov serve refuses to start:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    if settings.PRODUCTION:
        _manage("collectstatic", "--no-input", verbosity=0)
    bind = args.bind or os.environ.get("EGOV_BIND", "127.0.0.1:8000")
    workers = args.workers or int(os.environ.get("EGOV_WORKERS", str(min(8, (os.cpu_count() or 1) + 1))))
    threads = args.threads or int(os.environ.get("EGOV_THREADS", "4"))
    _gunicorn(bind, workers, threads)
    return 0


def cmd_migrate(args) -> int:
    _setup()
    _manage("migrate", "--no-input")
    return 0


def cmd_check(args) -> int:
    _setup()
    _manage("check", "--deploy") if args.deploy else _manage("check")
    return 0


def new_password(variable: str) -> str | None:
    """The password from `variable`, else asked twice at the terminal; None (after saying why) when they differ."""
    password = os.environ.get(variable) or ""
    if not password:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            print("The two passwords differ.", file=sys.stderr)
            return None
    return password


def cmd_createadmin(args) -> int:
    _setup()
    from egov.accounts.actor import Actor
    from egov.accounts.roles import Role
    from egov.accounts.services import person_create, role_assign
    from egov.core.errors import DomainError

    password = new_password("EGOV_ADMIN_PASSWORD")
    if password is None:
        return 2
    actor = Actor.system("egov createadmin")
    from django.db import transaction

    try:
        with transaction.atomic():
            user = person_create(
                actor=actor,
                values={"username": args.username, "full_name": args.full_name, "email": args.email or ""},
                organisation=None,
                password=password,
            )
            role_assign(actor=actor, user=user, role=Role.SYSTEM_ADMIN, organisation=None)
    except DomainError as exc:
        for field, messages in getattr(exc, "errors", {exc.field: [exc.message]}).items():
            for message in messages:
                print(f"{field}: {message}", file=sys.stderr)
        return 2
    print(f"System administrator {user.username} created.")
    return 0


def cmd_import_organisations(args) -> int:
    _setup()
    from egov.accounts.actor import Actor
    from egov.organisations.csvio import import_organisations

    data = Path(args.file).read_bytes()
    report = import_organisations(actor=Actor.system("egov import-organisations"), data=data, dry_run=args.dry_run)
    for error in report.errors:
        print(f"line {error.line}: {error.field or '-'}: {error.message}", file=sys.stderr)
    if not report.ok:
        print("Nothing was imported.", file=sys.stderr)
        return 1
    verb = "would be" if args.dry_run else "were"
    print(f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged ({verb} saved).")
    return 0


def cmd_export_organisations(args) -> int:
    _setup()
    from egov.accounts.actor import Actor
    from egov.organisations.csvio import export_organisations

    text = export_organisations(actor=Actor.system("egov export-organisations"))
    if args.file in (None, "-"):
        sys.stdout.write(text)
    else:
        Path(args.file).write_text(text, encoding="utf-8")
    return 0


def cmd_audit_verify(args) -> int:
    _setup()
    from egov.audit.services import audit_verify

    report = audit_verify()
    for problem in report.problems:
        print(f"event {problem}", file=sys.stderr)
    if report.ok:
        print(f"Audit trail intact: {report.checked} events, newest #{report.last_seq}, hash {report.last_hash}")
        return 0
    print(f"Audit trail BROKEN: {len(report.problems)} problem(s) in {report.checked} events.", file=sys.stderr)
    return 1


def _pki_dir(args) -> Path:
    from django.conf import settings

    return Path(args.dir) if args.dir else Path(settings.EGOV_PKI_DIR)


def _pki_or_exit(args):
    from egov.documents.signing.pki import load_demo_pki

    pki = load_demo_pki(_pki_dir(args))
    if pki is None:
        print(f"No demo PKI in {_pki_dir(args)}: run `egov pki init` first.", file=sys.stderr)
    return pki


def _fingerprint(cert) -> str:
    from cryptography.hazmat.primitives import hashes

    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def cmd_pki_init(args) -> int:
    _setup("development")
    from egov.documents.signing.pki import init_demo_pki, load_demo_pki

    directory = _pki_dir(args)
    existed = load_demo_pki(directory) is not None
    pki = init_demo_pki(directory, force=args.force)
    state = "replaced" if existed and args.force else "kept (use --force to replace it)" if existed else "created"
    print(f"Demo PKI in {directory}: {state}.")
    print(f"  root CA     {pki.root_cert_path}  SHA-256 {_fingerprint(pki.root_cert)}")
    print(f"  signing CA  {pki.ca_cert_path}")
    print(f"  TSA         {directory / 'ca' / 'tsa.pem'}")
    print("Signatures made with demo certificates validate here because the demo root is trusted next to")
    print("EGOV_TRUST_STORE. A production installation uses certificates of a licensed CA instead.")
    return 0


def _print_credential(credential) -> None:
    print(f"  PKCS#12     {credential.p12_path}")
    print(f"  certificate {credential.cert_path}")
    print(f"  subject     {credential.certificate.subject.rfc4514_string()}")


def cmd_pki_issue_person(args) -> int:
    _setup("development")
    from egov.documents.signing.pki import issue_person_certificate

    pki = _pki_or_exit(args)
    if pki is None:
        return 2
    credential = issue_person_certificate(
        pki,
        full_name=args.full_name,
        email=args.email,
        organisation_name=args.organisation_name,
        organisation_code=args.organisation_code,
        position=args.position,
        username=args.username or "",
        valid_days=args.days,
        passphrase=os.environ.get("EGOV_PKI_PASSPHRASE") or "egov-demo",
    )
    print(f"Certificate issued to {credential.common_name}:")
    _print_credential(credential)
    return 0


def cmd_pki_issue_organisation(args) -> int:
    _setup("development")
    from egov.documents.signing.pki import issue_organisation_certificate

    pki = _pki_or_exit(args)
    if pki is None:
        return 2
    credential = issue_organisation_certificate(
        pki,
        organisation_name=args.organisation_name,
        organisation_code=args.organisation_code,
        valid_days=args.days,
        passphrase=os.environ.get("EGOV_PKI_PASSPHRASE") or "egov-demo",
    )
    print(f"Organisation certificate issued to {credential.common_name}:")
    _print_credential(credential)
    return 0


def cmd_pki_softhsm_import(args) -> int:
    _setup("development")
    from egov.core.errors import DomainError
    from egov.documents.signing.pkcs11 import softhsm_import, write_softhsm_conf

    pki = _pki_or_exit(args)
    if pki is None:
        return 2
    credential = pki.credential(args.holder, os.environ.get("EGOV_PKI_PASSPHRASE") or "egov-demo")
    if credential is None:
        print(f"No credential {args.holder!r} in {pki.holders_dir}.", file=sys.stderr)
        return 2
    pin = os.environ.get("EGOV_TOKEN_PIN") or getpass.getpass("Token PIN: ")
    conf = None
    if args.softhsm_dir:
        conf = Path(args.softhsm_dir) / "softhsm2.conf"
        if not conf.is_file():
            conf = write_softhsm_conf(Path(args.softhsm_dir))
    try:
        key = softhsm_import(
            credential,
            token_label=args.token_label,
            pin=pin,
            key_label=args.key_label,
            module_path=args.module,
            conf=conf,
        )
    except DomainError as exc:
        print(f"egov pki softhsm-import: {exc.message}", file=sys.stderr)
        return 2
    print(f"{credential.common_name} is on token {key.token_label!r} as key {key.key_label!r} ({key.module_path}).")
    print(f"Sign with: EGOV_PKCS11_MODULE={key.module_path}, token {key.token_label!r}, key {key.key_label!r}.")
    if conf:
        print(f"The signing process needs SOFTHSM2_CONF={conf} in its environment.")
    return 0


def cmd_pki_serve_tsa(args) -> int:
    _setup("development")
    from egov.documents.signing.tsa import DemoTimeStampServer

    pki = _pki_or_exit(args)
    if pki is None:
        return 2
    server = DemoTimeStampServer(pki, host=args.host, port=args.port)
    print(f"Demo time-stamping authority at {server.url} (set EGOV_TSA_URL to it); Ctrl-C stops it.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def _worker_id() -> str:
    import socket

    return f"{socket.gethostname()}-{os.getpid()}"[-64:]


def _run_scheduler(log) -> None:
    """Enqueue the periodic jobs that are due; a failure (database away) is logged and tried at the next tick."""
    from django.db import close_old_connections

    from egov.exchange.tasks import tick as exchange_tick
    from egov.notifications.scheduler import enqueue_due

    close_old_connections()
    try:
        for run in enqueue_due():
            log(f"enqueued {run.job} for {run.period}")
        exchange_tick()
    except Exception:
        import logging

        logging.getLogger("egov.worker").exception("scheduler tick failed")
    finally:
        close_old_connections()


def _rq_worker(args, log) -> int:
    import threading

    from django_rq import get_worker
    from django_tasks_rq import Job

    worker = get_worker("default", job_class=Job, name=_worker_id())
    if args.once:
        _run_scheduler(log)
        worker.work(burst=True)
        return 0

    def tick() -> None:
        while True:
            _run_scheduler(log)
            time.sleep(args.interval)

    threading.Thread(target=tick, name="egov-scheduler", daemon=True).start()
    worker.work(with_scheduler=True)
    return 0


def _parent_alive(pid: int | None) -> bool:
    """True unless the worker was started for a parent process that has gone (the demo server)."""
    if not pid:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cmd_worker(args) -> int:
    """Background jobs: run queued tasks and enqueue the periodic ones (daily reminders, weekly digest)."""
    _setup()
    from django.conf import settings

    def log(message: str) -> None:
        print(f"egov worker: {message}", flush=True)

    log(
        f"{settings.TASKS_BACKEND} backend, reminders at {settings.EGOV_REMINDER_TIME} {settings.TIME_ZONE}"
        + (" (once)" if args.once else "")
    )
    if settings.TASKS_BACKEND == "redis":
        return _rq_worker(args, log)
    from django_tasks_db.management.commands.db_worker import Worker

    # The package's database worker in batch mode: each call drains the queue and returns, so the
    # scheduler gets a tick between batches without a second thread or process.
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=_worker_id(),
        excluded_queue_names=[],
    )
    if args.once:
        _run_scheduler(log)
        worker.run()
        return 0
    worker.configure_signals()  # SIGTERM: finish the running task, then stop
    # The clock ticks in its own thread: a long queue of slow jobs (text extraction after a burst of arrivals)
    # must not hold back the exchange's poll, which the clock enqueues at a higher priority.
    import threading

    def tick() -> None:
        while worker.running:
            _run_scheduler(log)
            time.sleep(args.interval)

    threading.Thread(target=tick, name="egov-scheduler", daemon=True).start()
    while worker.running and _parent_alive(args.parent_pid):
        worker.run()
        if worker.running:
            time.sleep(args.interval)
    return 0


def cmd_bench(args) -> int:
    """Run the benchmark harness of a source checkout (bench/run.py) with the same Python."""
    runner = Path(__file__).resolve().parent.parent / "bench" / "run.py"
    if not runner.exists():
        print("egov bench needs a source checkout: bench/run.py is not next to this installation.", file=sys.stderr)
        return 2
    os.execv(sys.executable, [sys.executable, str(runner), *args.args])
    return 0


def cmd_manage(args) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["egov manage", *args.args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="egov", description="egov e-government platform")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="set up ./var with demo data and serve on 127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="prepare the data only")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="production server (gunicorn), configured by EGOV_* variables")
    p.add_argument("--bind", help="address:port (default EGOV_BIND or 127.0.0.1:8000)")
    p.add_argument("--workers", type=int)
    p.add_argument("--threads", type=int)
    p.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    p = sub.add_parser("check", help="check the configuration")
    p.add_argument("--deploy", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "createadmin", help="create a system administrator (password from EGOV_ADMIN_PASSWORD or prompted)"
    )
    p.add_argument("--username", required=True)
    p.add_argument("--full-name", required=True)
    p.add_argument("--email")
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser("import-organisations", help="import organisations from a CSV file (all or nothing)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=cmd_import_organisations)

    p = sub.add_parser("export-organisations", help="export organisations as CSV")
    p.add_argument("file", nargs="?")
    p.set_defaults(func=cmd_export_organisations)

    p = sub.add_parser("audit", help="audit trail tools")
    audit_sub = p.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="verify the hash chain").set_defaults(func=cmd_audit_verify)

    p = sub.add_parser("pki", help="demo certification authority, certificates and tokens (docs/signatures.md)")
    pki_sub = p.add_subparsers(dest="pki_command", required=True)
    dir_help = "PKI folder (default EGOV_PKI_DIR)"
    q = pki_sub.add_parser("init", help="create the demo root CA, signing CA and time-stamping authority")
    q.add_argument("--dir", help=dir_help)
    q.add_argument("--force", action="store_true", help="replace an existing demo PKI")
    q.set_defaults(func=cmd_pki_init)
    q = pki_sub.add_parser("issue-person", help="issue a person's signing certificate (PKCS#12 in holders/)")
    q.add_argument("--dir", help=dir_help)
    q.add_argument("--full-name", required=True)
    q.add_argument("--email", required=True)
    q.add_argument("--organisation-name", required=True)
    q.add_argument("--organisation-code", required=True)
    q.add_argument("--position", required=True)
    q.add_argument("--username", help="file name (default: the e-mail address before @)")
    q.add_argument("--days", type=int, default=3 * 365)
    q.set_defaults(func=cmd_pki_issue_person)
    q = pki_sub.add_parser("issue-organisation", help="issue an organisation's (seal) certificate")
    q.add_argument("--dir", help=dir_help)
    q.add_argument("--organisation-name", required=True)
    q.add_argument("--organisation-code", required=True)
    q.add_argument("--days", type=int, default=3 * 365)
    q.set_defaults(func=cmd_pki_issue_organisation)
    q = pki_sub.add_parser(
        "softhsm-import", help="put a demo credential on a SoftHSM2 token (PIN from EGOV_TOKEN_PIN or prompted)"
    )
    q.add_argument("holder", help="credential file name in holders/ without .p12, e.g. org-000.00.00.h40")
    q.add_argument("--dir", help=dir_help)
    q.add_argument("--token-label", required=True)
    q.add_argument("--key-label", help="label of the key on the token (default: the holder's file name)")
    q.add_argument("--module", help="PKCS#11 library (default: SoftHSM2's, found on this machine)")
    q.add_argument(
        "--softhsm-dir", help="keep SoftHSM2's configuration and tokens in this folder (default: SOFTHSM2_CONF)"
    )
    q.set_defaults(func=cmd_pki_softhsm_import)
    q = pki_sub.add_parser("serve-tsa", help="serve the demo time-stamping authority (RFC 3161) over HTTP")
    q.add_argument("--dir", help=dir_help)
    q.add_argument("--host", default="127.0.0.1")
    q.add_argument("--port", type=int, default=3161)
    q.set_defaults(func=cmd_pki_serve_tsa)

    p = sub.add_parser(
        "worker", help="run background jobs and the daily reminders / weekly digest (EGOV_TASKS_BACKEND)"
    )
    p.add_argument("--once", action="store_true", help="enqueue the due periodic jobs, run every queued job, exit")
    p.add_argument("--interval", type=float, default=5.0, help="seconds between polls when idle (default 5)")
    p.add_argument("--parent-pid", type=int, help="stop when this process has ended (used by egov demo)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("bench", help="run the benchmarks (bench/run.py; --quick for a smoke run)")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("manage", help="run a Django management command")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    from egov.hub.cli import add_parser as add_hub_parser

    add_hub_parser(sub)
    from egov.services.catalogue.cli import add_parser as add_services_parser

    add_services_parser(sub)
    from egov.services.payments.cli import add_parser as add_paygate_parser

    add_paygate_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(exc, ImproperlyConfigured):
            print(f"egov: configuration error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
