"""Typed readers for EGOV_* environment variables.

Each reader names the variable in its error so a misconfigured deployment says exactly what is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PREFIX = "EGOV_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Reads EGOV_* variables from a mapping (os.environ by default)."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source = os.environ if source is None else source

    def _raw(self, name: str) -> str | None:
        value = self.source.get(PREFIX + name)
        return None if value is None else value.strip()

    def is_set(self, name: str) -> bool:
        return self._raw(name) not in (None, "")

    def str(self, name: str, default: str = "") -> str:
        raw = self._raw(name)
        return default if raw in (None, "") else raw

    def bool(self, name: str, default: bool) -> bool:
        raw = self._raw(name)
        if raw is None:
            return default
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{PREFIX}{name} must be true or false, got {raw!r}")

    def int(self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        raw = self._raw(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{PREFIX}{name} must be an integer, got {raw!r}") from None
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(f"{PREFIX}{name} must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise ImproperlyConfigured(f"{PREFIX}{name} must be at most {maximum}, got {value}")
        return value

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        raw = self._raw(name)
        if raw in (None, ""):
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.str(name, default).lower()
        if value not in choices:
            raise ImproperlyConfigured(f"{PREFIX}{name} must be one of {', '.join(choices)}, got {value!r}")
        return value

    def path(self, name: str, default: Path) -> Path:
        raw = self._raw(name)
        return (Path(raw) if raw else default).expanduser().resolve()
