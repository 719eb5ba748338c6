"""Automatic numbers: outgoing numbers per organisation, year and series (Art. 15); incoming numbers (Art. 22).

Numbers are taken under a row lock on the sequence inside the caller's transaction, so they are unique and
gap-free: a transaction that fails after taking a number rolls the number back with everything else.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from egov.documents.models import NumberSequence

INCOMING_SERIES = "incoming"


def _locked_sequence(organisation, year: int, series: str) -> NumberSequence:
    try:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(organisation=organisation, year=year, series=series)
    except IntegrityError:
        pass  # another transaction created it first; the lock below waits for it
    return NumberSequence.objects.select_for_update().get(organisation=organisation, year=year, series=series)


def take_number(*, organisation, year: int, series: str) -> int:
    """The next number of a series; must run inside the transaction that stores it on the document."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are taken inside the transaction that uses them")
    sequence = _locked_sequence(organisation, year, series)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number
