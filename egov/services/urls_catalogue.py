"""The public procedure catalogue, mounted at /services/procedures/."""

from django.urls import path

from egov.services import views_catalogue

app_name = "catalogue"
urlpatterns = [
    path("", views_catalogue.procedure_list, name="list"),
    path("<str:code>/", views_catalogue.procedure_detail, name="detail"),
]
