"""The site's URLs plus the public catalogue, until egov/urls.py mounts it."""

from django.urls import include, path

from egov.urls import handler400, handler403, handler404, handler500  # noqa: F401 (Django reads them here)
from egov.urls import urlpatterns as site_patterns

urlpatterns = [
    path("services/procedures/", include("egov.services.urls_catalogue")),
    *site_patterns,
]
