from django.urls import path

from egov.calendar import views

app_name = "calendar"
urlpatterns = [
    path("", views.calendar_year, name="year"),
    path("<int:year>/", views.calendar_year, name="year_detail"),
    path("days/new/", views.day_create, name="day_create"),
    path("days/<int:pk>/delete/", views.day_delete, name="day_delete"),
    path("office-hours/", views.office_hours, name="office_hours"),
    path("office-hours/platform/", views.office_hours_platform, name="office_hours_platform"),
    path("office-hours/<int:pk>/delete/", views.office_hours_delete, name="office_hours_delete"),
]
