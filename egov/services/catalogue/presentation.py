"""How catalogue values read on a page: amounts in đồng, times with their unit."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _


def vnd(amount: int) -> str:
    """50000 → “50.000 đồng”; 0 → “Miễn phí”."""
    if not amount:
        return _("Miễn phí")
    return _("%(amount)s đồng") % {"amount": f"{amount:,}".replace(",", ".")}


def processing_time(value: Decimal, unit_label: str) -> str:
    """3 → “3 ngày làm việc”; 0.5 → “0,5 ngày làm việc” (Vietnamese decimal comma)."""
    number = Decimal(value)
    text = str(int(number)) if number == number.to_integral_value() else str(number.normalize()).replace(".", ",")
    return f"{text} {unit_label}"
