"""System checks: a malformed EGOV_OFFICE_HOURS would otherwise fail on the first deadline computed."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def office_hours_setting(app_configs, **kwargs):
    from egov.calendar.hours import parse_office_hours

    try:
        parse_office_hours(settings.EGOV_DEFAULT_OFFICE_HOURS)
    except ValueError as exc:
        return [
            checks.Error(
                str(exc),
                hint="Set EGOV_OFFICE_HOURS like 07:30-11:30,13:30-17:00",
                id="calendar.E001",
            )
        ]
    return []
