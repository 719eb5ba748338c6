from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "egov.hub"
    label = "hub"
    verbose_name = _("Trục liên thông")
    default_auto_field = "django.db.models.BigAutoField"
