"""Dossier codes `<OrganId>-YYMMDD-XXXX` (Decree 61/2018 Art. 26; Circular 01/2018/TT-VPCP Art. 19).

XXXX runs per receiving agency and receipt day, taken under a row lock in the caller's transaction, so codes
are unique and a failed transaction gives its number back.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from egov.core.errors import Conflict
from egov.services.models import DossierSequence

MAX_PER_DAY = 9999


def _upsert_sql() -> str:
    table = DossierSequence._meta.db_table
    # One statement takes the number and the row lock (PostgreSQL, and SQLite from 3.35): the same as creating
    # the day's row if missing, locking it and raising it, in one round trip instead of five.
    return (
        f"INSERT INTO {table} (agency_id, day, last_number) VALUES (%s, %s, 1)"
        f" ON CONFLICT (agency_id, day) DO UPDATE SET last_number = {table}.last_number + 1"
        f" RETURNING last_number"
    )


def next_code(agency, day: dt.date) -> str:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("dossier codes are taken inside the transaction that uses them")
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [agency.pk, day])
        (number,) = cursor.fetchone()
    if number > MAX_PER_DAY:
        raise Conflict(_("Đã hết số hồ sơ trong ngày của cơ quan (tối đa %(n)d).") % {"n": MAX_PER_DAY})
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def parse_code(code: str) -> tuple[str, dt.date, int] | None:
    """(OrganId, day, number) of a well-formed code, else None."""
    organ, sep, rest = code.rpartition("-")
    if not sep:
        return None
    organ, sep, day_text = organ.rpartition("-")
    if not (sep and organ and len(day_text) == 6 and day_text.isdigit() and len(rest) == 4 and rest.isdigit()):
        return None
    try:
        day = dt.datetime.strptime(day_text, "%y%m%d").date()
    except ValueError:
        return None
    return organ, day, int(rest)
