from django.urls import include, path

from egov.api import api

urlpatterns = [
    path("", include("egov.core.urls")),
    path("", include("egov.accounts.urls")),
    path("organisations/", include("egov.organisations.urls")),
    path("audit/", include("egov.audit.urls")),
    path("calendar/", include("egov.calendar.urls")),
    path("plans/", include("egov.plans.urls")),
    path("documents/", include("egov.documents.urls")),
    path("exchange/", include("egov.exchange.urls")),
    path("services/procedures/", include("egov.services.urls_catalogue")),
    path("services/", include("egov.services.urls")),
    path("notifications/", include("egov.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/govstack/registration/", include("egov.services.govstack.urls")),
]

handler400 = "egov.core.views.error_400"
handler403 = "egov.core.views.error_403"
handler404 = "egov.core.views.error_404"
handler500 = "egov.core.views.error_500"
