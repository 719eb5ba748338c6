from django.urls import path

from egov.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_index, name="index"),
    path("new/", views.organisation_create, name="create"),
    path("import/", views.organisation_import, name="import"),
    path("export.csv", views.organisation_export, name="export"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/children/", views.organisation_children, name="children"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/delete/", views.organisation_delete, name="delete"),
]
