"""The public catalogue's search and filter form (GET)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.services.models import GovernmentLevel, OnlineClass


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm thủ tục"), required=False, max_length=200)
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    level = forms.ChoiceField(
        label=_("Cấp thực hiện"), required=False, choices=[("", _("Tất cả")), *GovernmentLevel.choices]
    )
    online_class = forms.ChoiceField(
        label=_("Dịch vụ công trực tuyến"),
        required=False,
        choices=[("", _("Tất cả")), *OnlineClass.choices],
    )

    def __init__(self, *args, service_fields=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("Tất cả"))] + [(f.code, f.name) for f in service_fields]

    def filters(self) -> dict[str, str]:
        """The valid filters given; an unknown value (an old bookmark) is ignored rather than refused."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
