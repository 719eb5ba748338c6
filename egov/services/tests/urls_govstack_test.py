"""The site's URLs plus the GovStack Registration API, until egov/urls.py mounts it."""

from django.urls import include, path

from egov.urls import handler400, handler403, handler404, handler500  # noqa: F401 (Django reads them here)
from egov.urls import urlpatterns as site_patterns

urlpatterns = [
    *site_patterns,
    path("api/govstack/registration/", include("egov.services.govstack.urls")),
]
