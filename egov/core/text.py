"""Text hygiene shared by every input path: Unicode NFC and trimmed whitespace."""

from __future__ import annotations

import unicodedata


def clean(value: str | None) -> str:
    """NFC-normalised, trimmed, inner runs of whitespace collapsed to one space."""
    if not value:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def fold(value: str) -> str:
    """Lower-case without diacritics (đ → d), for diacritic-insensitive matching."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
