"""The project's URLs plus the exchange hub's, so the suite can drive the hub in-process."""

from django.urls import include, path

from egov.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("", include("egov.hub.urls"))]
