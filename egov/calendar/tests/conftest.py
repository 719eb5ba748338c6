"""Fixtures of the calendar tests."""

from __future__ import annotations

import pytest

from egov.calendar.workdays import WorkingCalendar


@pytest.fixture
def cal(db):
    """A calendar reading the real (migrated) tables."""
    return WorkingCalendar()
