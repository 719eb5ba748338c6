#!/usr/bin/env python3
"""Profile one benchmark target in-process: CPU per request, the SQL it runs, where the time goes.

    .venv/bin/python bench/run.py --quick --keep-data --no-record     # prints "data kept in DIR"
    .venv/bin/python bench/profile_target.py DIR home                        # or: api, healthz

Runs the production settings against the kept data directory, signed in as the demo system
administrator, through Django's test client (no HTTP server, no wrk). Like the server, it closes the
database connection after each request (CONN_MAX_AGE is 0 for SQLite). Uses only the standard
library's cProfile; the figures include its overhead, so compare shares, not absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

TARGETS = {"healthz": "/healthz", "home": "/", "api": "/api/v1/organisations?page=2&page_size=50"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, help="a data directory kept by `bench/run.py --keep-data`")
    parser.add_argument("target", choices=sorted(TARGETS), nargs="?", default="home")
    parser.add_argument("--requests", type=int, default=100, help="requests to time and profile (default 100)")
    parser.add_argument("--top", type=int, default=25, help="functions to list (default 25)")
    args = parser.parse_args(argv)
    if not (args.data_dir / "egov.sqlite3").exists() or not (args.data_dir / "static").exists():
        parser.error(f"{args.data_dir} has no egov.sqlite3 or static/; keep one with bench/run.py --keep-data")
    os.environ.update(
        EGOV_MODE="production",
        EGOV_SECRET_KEY=secrets.token_urlsafe(38)[:50],
        EGOV_ALLOWED_HOSTS="127.0.0.1,testserver",
        EGOV_DATA_DIR=str(args.data_dir.resolve()),
        EGOV_SECURE_COOKIES="false",
        EGOV_LOG_LEVEL="warning",
        DJANGO_SETTINGS_MODULE="egov.settings",
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from egov.accounts.models import User

    path = TARGETS[args.target]
    client = Client()
    client.force_login(User.objects.get(username="quantri"))

    def one() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        connection.close()

    for _ in range(5):
        one()
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.requests):
        one()
    wall_ms = (time.perf_counter() - started) / args.requests * 1000
    cpu_ms = (time.process_time() - cpu) / args.requests * 1000
    with CaptureQueriesContext(connection) as queries:
        one()
    print(f"GET {path}: {cpu_ms:.2f} ms CPU, {wall_ms:.2f} ms wall per request; {len(queries)} queries:")
    for query in queries.captured_queries:
        print(f"  {query['sql'][:150]}")

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        one()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"/egov/|render|ninja/operation|sqlite3/base", args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
