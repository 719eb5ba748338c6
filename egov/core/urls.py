from django.urls import path

from egov.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", views.health, name="health"),
    path("readyz", views.ready, name="ready"),
]
