"""Form fields the plans forms share."""

from __future__ import annotations

from django import forms


def date_field(label, *, required: bool, help_text: str = "") -> forms.DateField:
    """A date with the browser's date picker (the value posts as YYYY-MM-DD)."""
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )
