"""Actions of the document page on explicit access: grant, revoke, and a leader's confirmation of a change."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.models import User
from egov.core.errors import NotFound
from egov.documents.forms import actions as action_forms
from egov.documents.forms.fields import people_of
from egov.documents.models import AccessGrant
from egov.documents.selectors.documents import document_get
from egov.documents.services import access
from egov.documents.views import _abilities
from egov.documents.views._common import shows_refusal
from egov.documents.views.detail import run_action


def _document(request, pk: int):
    document = document_get(request.actor, pk)
    _abilities.require(request.actor, document, "grant")
    return document


def _grant(document, grant_id: int) -> AccessGrant:
    grant = document.grants.select_related("person", "document").filter(pk=grant_id).first()
    if grant is None:
        raise NotFound(_("Không tìm thấy quyền truy cập này."))
    return grant


@login_required
@shows_refusal
@require_POST
def grant_add(request, pk: int):
    document = _document(request, pk)
    form = action_forms.GrantForm(request.POST, prefix="grant", people=people_of(document.organisation))

    def call(form):
        person = User.objects.filter(pk=form.cleaned_data["person"]).first()
        return access.access_grant(
            actor=request.actor, document=document, person=person, reason=form.cleaned_data["reason"]
        )

    def success(grant):
        return _("Đã cấp quyền truy cập cho %(name)s; chờ lãnh đạo xác nhận.") % {"name": grant.person.full_name}

    return run_action(request, document, "grant", form, call, success)


@login_required
@shows_refusal
@require_POST
def grant_revoke(request, pk: int, grant_id: int):
    document = _document(request, pk)
    grant = _grant(document, grant_id)
    name = f"revoke-{grant.pk}"
    form = action_forms.EmptyForm(request.POST, prefix=name)

    def call(form):
        return access.access_revoke(actor=request.actor, grant=grant)

    success = _("Đã thu hồi quyền truy cập của %(name)s.") % {"name": grant.person.full_name}
    return run_action(request, document, name, form, call, success)


@login_required
@shows_refusal
@require_POST
def grant_confirm(request, pk: int, grant_id: int):
    document = _document(request, pk)
    grant = _grant(document, grant_id)
    name = f"confirm-{grant.pk}"
    form = action_forms.EmptyForm(request.POST, prefix=name)

    def call(form):
        return access.access_confirm(actor=request.actor, grant=grant)

    return run_action(request, document, name, form, call, _("Đã xác nhận thay đổi quyền truy cập."))


urlpatterns: list = [
    path("<int:pk>/access/grant/", grant_add, name="grant_add"),
    path("<int:pk>/access/<int:grant_id>/revoke/", grant_revoke, name="grant_revoke"),
    path("<int:pk>/access/<int:grant_id>/confirm/", grant_confirm, name="grant_confirm"),
]
