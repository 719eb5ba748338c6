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


def secret_key_file(data_dir: Path) -> str:
    """A per-installation key kept in the data directory (created on first use), so sessions survive a restart."""
    import secrets

    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


PREPARE_ONLY_WHEN_ASKED = 2**31 - 1  # psycopg prepares a query after this many runs, or when told to


def databases(env: Env, prefix: str, sqlite_path: Path, *, server_side_binding: bool = False) -> dict:
    """DATABASES from <prefix>DATABASE_URL, else the embedded SQLite file at `sqlite_path`.

    The embedded default: WAL lets readers run beside the writer, IMMEDIATE takes the write lock at BEGIN so two
    writers queue on busy_timeout instead of failing mid-transaction, and synchronous=FULL makes an acknowledged
    commit survive a crash of the machine. Reusing a thread's connection saves re-running the PRAGMAs.
    """
    import dj_database_url

    conn_max_age = env.int(f"{prefix}DATABASE_CONN_MAX_AGE", 60, minimum=0)
    if env.is_set(f"{prefix}DATABASE_URL"):
        config = dj_database_url.parse(
            env.str(f"{prefix}DATABASE_URL"), conn_max_age=conn_max_age, conn_health_checks=True
        )
        if server_side_binding and config["ENGINE"].endswith("postgresql"):
            # Parameters travel apart from the SQL, bytes as binary: a 140 KB body is not turned into 280 KB of
            # hex inside the statement for the server to parse.
            config.setdefault("OPTIONS", {})["server_side_binding"] = True
        elif config["ENGINE"].endswith("postgresql") and env.bool(f"{prefix}DATABASE_PREPARED", True):
            # Django's queries stay unprepared (client-side binding never prepares); this only lets the few reads
            # that ask for it (egov.core.sql) be prepared once per connection. Off behind a pooler that cannot
            # keep prepared statements (PgBouncer in transaction mode before 1.21).
            config.setdefault("OPTIONS", {})["prepare_threshold"] = PREPARE_ONLY_WHEN_ASKED
        return {"default": config}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": sqlite_path,
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;PRAGMA cache_size=-20000;"
                ),
            },
        }
    }


def logging_config(env: Env, *, production: bool, loggers: Mapping[str, dict] | None = None) -> dict:
    """One console handler, JSON lines in production (text in development), each line with the request id."""
    log_format = env.choice("LOG_FORMAT", ("json", "text"), "json" if production else "text")
    level = env.choice("LOG_LEVEL", ("debug", "info", "warning", "error"), "info").upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "egov.core.logging.RequestIdFilter"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["request_id"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}, **(loggers or {})},
    }
