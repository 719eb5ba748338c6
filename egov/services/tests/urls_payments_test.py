"""The site's URLs with the applicant and payment pages under /services/, until egov/services/urls.py has them."""

from django.urls import include, path

from egov.conf.test_urls import urlpatterns as site_patterns
from egov.services import urls as services_urls
from egov.services.applicants import views as applicants
from egov.services.payments import views as payments
from egov.urls import handler400, handler403, handler404, handler500  # noqa: F401 (Django reads them here)

services = ([*services_urls.urlpatterns, *applicants.urlpatterns, *payments.urlpatterns], "services")
urlpatterns = [
    path("services/", include(services)),
    *[p for p in site_patterns if str(p.pattern) != "services/"],
]
