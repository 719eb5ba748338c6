"""hub/admin/: the operators' page (staff accounts of the hub's own database)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from egov.hub import selectors


def is_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_staff", False))


def dashboard(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("hub:login"))
    if not is_operator(request.user):
        raise PermissionDenied
    overview = selectors.systems_overview()
    now = timezone.now()
    for row in overview:
        row["oldest_age"] = int((now - row["oldest"]).total_seconds()) if row["oldest"] else None
    oldest = min((row["oldest"] for row in overview if row["oldest"]), default=None)
    context = {
        "overview": overview,
        "total_waiting": sum(row["waiting"] for row in overview),
        "oldest": oldest,
        "oldest_age": int((now - oldest).total_seconds()) if oldest else None,
        "rejections": selectors.recent_rejections(50),
        "now": now,
    }
    return render(request, "hub/admin.html", context)


class LoginView(auth_views.LoginView):
    template_name = "hub/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse("hub:admin")


class LogoutView(auth_views.LogoutView):
    def get_success_url(self):
        return reverse("hub:login")
