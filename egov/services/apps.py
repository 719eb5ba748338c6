from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "egov.services"
    label = "services"
    verbose_name = _("Dịch vụ công, một cửa")

    def ready(self) -> None:
        # The exchange announces what happens to a letter; the "another agency" step puts it on the dossier.
        from egov.exchange import signals
        from egov.services.dossiers import interagency

        signals.package_queued.connect(interagency.on_package_queued, dispatch_uid="services_agency_queued")
        signals.status_received.connect(interagency.on_status_received, dispatch_uid="services_agency_status")
