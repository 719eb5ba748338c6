"""System checks for unsafe configuration (run by `egov check`, `egov serve` and `egov migrate`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=False)
def check_configuration(app_configs, **kwargs):
    problems = []
    production = getattr(settings, "PRODUCTION", False)
    if not production:
        return problems
    if len(settings.SECRET_KEY) < 40 or len(set(settings.SECRET_KEY)) < 10:
        problems.append(
            Error(
                "EGOV_SECRET_KEY is too short or too simple.",
                hint="Use at least 40 random characters: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id="egov.E001",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "EGOV_ALLOWED_HOSTS contains '*', which lets any Host header through.",
                hint="List the host names the platform is served under.",
                id="egov.E002",
            )
        )
    if not settings.SESSION_COOKIE_SECURE:
        problems.append(
            Warning(
                "Session and CSRF cookies are sent over plain HTTP (EGOV_SECURE_COOKIES=false).",
                hint="Serve the platform over HTTPS and leave EGOV_SECURE_COOKIES at its default.",
                id="egov.W001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append(
            Warning(
                "Production mode on the embedded SQLite database.",
                hint="Set EGOV_DATABASE_URL to a PostgreSQL database for more than one office.",
                id="egov.W002",
            )
        )
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        problems.append(
            Warning(
                "E-mail is written to the log, not sent (password reset will not reach people).",
                hint="Set EGOV_EMAIL_HOST and related variables.",
                id="egov.W003",
            )
        )
    return problems
