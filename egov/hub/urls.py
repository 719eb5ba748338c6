"""The hub's URLs; every path begins with hub/ so the same patterns serve the hub process and the test project."""

from django.urls import include, path

from egov.hub import admin_views, api, metrics

_patterns = [
    path("hub/v1/edocs", api.edocs, name="edocs"),
    path("hub/v1/statuses", api.statuses, name="statuses"),
    path("hub/v1/batch", api.batch, name="batch"),
    path("hub/v1/received", api.received, name="received"),
    path("hub/v1/received/ack", api.ack, name="ack"),
    path("hub/v1/received/<int:delivery_id>", api.received_one, name="received-one"),
    path("hub/v1/received/<int:delivery_id>/ack", api.ack_one, name="ack-one"),
    path("hub/v1/sent", api.sent, name="sent"),
    path("hub/v1/count", api.count, name="count"),
    path("hub/health", api.health, name="health"),
    path("hub/metrics", metrics.metrics, name="metrics"),
    path("hub/admin/", admin_views.dashboard, name="admin"),
    path("hub/admin/login/", admin_views.LoginView.as_view(), name="login"),
    path("hub/admin/logout/", admin_views.LogoutView.as_view(), name="logout"),
]

# The namespace is set here rather than by app_name, so it also exists when this module is the ROOT_URLCONF
# (the hub process) and not only when a project includes it (the test suite).
urlpatterns = [path("", include((_patterns, "hub")))]
