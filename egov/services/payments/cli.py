"""`egov paygate …`: the sandbox payment gateway as its own process, and the daily reconciliation."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import signal
import sys

DEFAULT_PORT = 8300


def cmd_serve(args) -> int:
    from egov.services.payments.sandbox import SandboxGateway, serve

    secret = args.secret or os.environ.get("EGOV_PAYGATE_SECRET", "")
    if not (secret and args.merchant):
        print("egov paygate serve: --merchant and --secret (or EGOV_PAYGATE_SECRET) are required.", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="paygate: %(message)s")
    app = SandboxGateway(
        merchant=args.merchant,
        secret=secret,
        callback_url=args.callback_url or "",
        callback_attempts=args.callback_attempts,
        callback_backoff=args.callback_backoff,
        callback_delay=args.callback_delay,
    )
    server = serve(app, host=args.host, port=args.port)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    host, port = server.server_address[:2]
    print(f"Sandbox payment gateway for {args.merchant} at http://{host}:{port}/pay; Ctrl-C stops it.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    server.server_close()
    return 0


def cmd_reconcile(args) -> int:
    from egov.cli import _setup

    _setup()
    from egov.organisations.models import Organisation
    from egov.services.payments import reconcile

    day = dt.date.fromisoformat(args.day) if args.day else dt.date.today() - dt.timedelta(days=1)
    agency = None
    if args.agency:
        agency = Organisation.objects.filter(code=args.agency).first()
        if agency is None:
            print(f"No organisation {args.agency}.", file=sys.stderr)
            return 2
    if args.query:
        for answer in reconcile.reconcile_pending():
            print(f"query {answer.reference}: {answer.result} {answer.rsp_code}".rstrip())
    report = reconcile.reconciliation_report(day, agency=agency)
    for total in report.totals:
        print(
            f"{total.agency_code} {total.agency_name}: {total.paid_count} paid, {total.paid_amount} đồng; "
            f"{total.failed_count} failed; {total.pending_count} pending"
        )
    for mismatch in report.mismatches:
        print(f"MISMATCH {mismatch.kind} {mismatch.dossier_code} {mismatch.reference}: {mismatch.detail}")
    if args.xlsx:
        with open(args.xlsx, "wb") as fh:
            fh.write(reconcile.reconciliation_xlsx(report))
        print(f"Written to {args.xlsx}.")
    return 1 if report.mismatches else 0


def add_parser(subparsers) -> None:
    """Register `paygate` and its subcommands on the `egov` command's subparsers."""
    parser = subparsers.add_parser("paygate", help="online payment: the sandbox gateway, reconciliation")
    sub = parser.add_subparsers(dest="paygate_command", required=True)

    p = sub.add_parser("serve", help="serve the sandbox payment gateway (no real money) on 127.0.0.1")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--merchant", required=True, help="the merchant code (EGOV_SERVICES_PAYMENT_MERCHANT)")
    p.add_argument("--secret", help="the shared secret (EGOV_SERVICES_PAYMENT_SECRET); or EGOV_PAYGATE_SECRET")
    p.add_argument(
        "--callback-url", help="the merchant's IPN address, e.g. http://127.0.0.1:8000/services/payments/callback/"
    )
    p.add_argument("--callback-attempts", type=int, default=5, help="tries per callback (default 5, at most 20)")
    p.add_argument("--callback-backoff", type=float, default=0.5, help="seconds before the 2nd try, doubling")
    p.add_argument("--callback-delay", type=float, default=0.0, help="seconds before the first try")
    p.add_argument("--verbose", action="store_true", help="log requests and callback attempts")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("reconcile", help="the day's payments, totals and mismatches (exit 1 on a mismatch)")
    p.add_argument("--day", help="YYYY-MM-DD (default yesterday)")
    p.add_argument("--agency", help="organisation code")
    p.add_argument("--query", action="store_true", help="first ask the gateway about stale pending payments")
    p.add_argument("--xlsx", help="also write the report to this .xlsx file")
    p.set_defaults(func=cmd_reconcile)


def main(argv: list[str] | None = None) -> int:
    """`python -m egov.services.payments.cli …` works like `egov paygate …`."""
    parser = argparse.ArgumentParser(prog="egov")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_parser(subparsers)
    args = parser.parse_args(["paygate", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
