"""Mount with `path("api/govstack/registration/", include("egov.services.govstack.urls"))` in egov/urls.py."""

from django.urls import path

from egov.services.govstack.api import api

urlpatterns = [path("", api.urls)]
