from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "egov.core"
    label = "core"
    verbose_name = _("Nền tảng")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from egov.core import checks  # noqa: F401  (registers system checks)
        from egov.core.logging import clear_request_id

        request_finished.connect(clear_request_id, dispatch_uid="egov_clear_request_id")
