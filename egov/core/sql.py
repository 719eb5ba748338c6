"""Plain SQL for the hottest reads, planned once per database connection.

Django sends PostgreSQL its queries with the values inlined (client-side binding), so the server plans every
query again. For a query run thousands of times a second (the public dossier lookup), planning costs more than
running it: on PostgreSQL such a query goes through a psycopg cursor with server-side binding and
`prepare=True`, so psycopg prepares it once per connection and keeps it (unless EGOV_DATABASE_PREPARED=false,
for a pooler that cannot keep prepared statements). SQLite has nothing to gain.
"""

from __future__ import annotations

from django.db import connection


def fetch_all_prepared(sql: str, params: list) -> list[tuple]:
    """The rows of `sql` (with %s placeholders) for `params`, prepared once per connection on PostgreSQL."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
    if connection.vendor != "postgresql" or connection.connection.prepare_threshold is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()
