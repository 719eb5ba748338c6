from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "egov.calendar"
    label = "calendar"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        from egov.calendar import checks  # noqa: F401  (registers system checks)
