"""What the in-process PostgreSQL benchmarks share: their own database on loopback, Django set up on it,
COPY into a table, and percentiles."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent


def bench_database(pg_url: str, name: str, *, data_dir: str | None = None, reuse: bool = False, **env: str) -> None:
    """(Re)create database `name` on the server of `pg_url` (loopback only), point egov at it and migrate."""
    parts = urlsplit(pg_url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the benchmark creates and drops a database: point it at a PostgreSQL on loopback only")
    import psycopg

    if not reuse:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        EGOV_MODE="development",
        EGOV_DATA_DIR=data_dir or tempfile.mkdtemp(prefix="egov-bench-"),
        EGOV_DATABASE_URL=urlunsplit(parts._replace(path=f"/{name}")),
        EGOV_LOG_LEVEL="warning",
        EGOV_EMAIL_TO_LOG="true",
        DJANGO_SETTINGS_MODULE="egov.settings",
        **env,
    )
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def drop_database(pg_url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_rows(table: str, columns: list[str], rows) -> int:
    """COPY rows into a table through Django's connection (psycopg 3)."""
    from django.db import connection

    n = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def percentile(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
