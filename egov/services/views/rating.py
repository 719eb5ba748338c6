"""The applicant's rating of a completed dossier (from the dossier's page in "Hồ sơ của tôi")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.errors import DomainError, NotFound
from egov.services import selectors
from egov.services.dossiers.rating import dossier_rate


@login_required
@require_POST
def rate(request, pk: int):
    try:
        dossier = selectors.dossier_get(request.actor, pk)
        dossier_rate(
            actor=request.actor,
            dossier=dossier,
            score=request.POST.get("score"),
            comment=request.POST.get("comment", ""),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        response = redirect(reverse("services:my_dossier", args=[pk]) + "#rating")
        response.status_code = 303
        return response
    messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect(reverse("services:my_dossier", args=[pk]) + "#rating")


urlpatterns = [path("my/<int:pk>/rate/", rate, name="my_dossier_rate")]
