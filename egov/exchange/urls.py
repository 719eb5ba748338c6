from django.urls import path

from egov.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.operator, name="operator"),
    path("outbox/<int:pk>/retry/", views.retry, name="retry"),
]
