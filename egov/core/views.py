"""The home page of each role, health checks and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from egov.core import home as home_blocks


@login_required
def home(request):
    return render(request, "core/home.html", home_blocks.context_for(request.actor))


def about(request):
    import egov

    return render(request, "core/about.html", {"version": egov.__version__})


def health(request):
    """Liveness: the process answers (the minimal view the benchmark compares against)."""
    return HttpResponse("ok", content_type="text/plain")


def ready(request):
    """Readiness: the database answers too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means "not ready", reported, not raised
        return JsonResponse({"status": "unavailable", "error": exc.__class__.__name__}, status=503)
    return JsonResponse({"status": "ok"})


def error_400(request, exception=None):
    return render(request, "core/400.html", status=400)


def error_403(request, exception=None):
    message = str(exception) if exception and str(exception) else None
    return render(request, "core/403.html", {"message": message}, status=403)


def error_404(request, exception=None):
    return render(request, "core/404.html", status=404)


def error_500(request):
    from django.template import loader

    return HttpResponse(loader.get_template("core/500.html").render(), status=500)
