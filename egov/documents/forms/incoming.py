"""The clerk's registration form for a paper document (vào sổ văn bản đến giấy), in keyboard order."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.documents.forms.fields import date_field, pdf_field
from egov.documents.models import Secrecy, SignerPrefix, Urgency
from egov.documents.rules.types import document_types
from egov.organisations.forms import OrganisationChoiceField
from egov.organisations.models import Organisation

# What the issuer datalist offers: "Tên cơ quan (mã định danh)".
_NAMED_WITH_CODE = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[^()]+)\)\s*$")


def type_choices(empty_label=None) -> list[tuple[str, str]]:
    """The document types in force today (Decree 30 Appendix III), with their abbreviations."""
    choices = [("", empty_label)] if empty_label is not None else []
    for rule in document_types():
        label = f"{rule.name} ({rule.abbreviation})" if rule.abbreviation else rule.name
        choices.append((rule.code, label))
    return choices


def split_issuer(name: str, code: str = "") -> tuple[str, str]:
    """An issuer picked from the datalist arrives as "name (code)": split it when the code is a known one."""
    name = (name or "").strip()
    code = (code or "").strip()
    match = _NAMED_WITH_CODE.match(name)
    if match and Organisation.objects.filter(code=match["code"].strip()).exists():
        found = match["code"].strip()
        if not code or code == found:
            return match["name"].strip(), found
    return name, code


class PaperRegisterForm(forms.Form):
    """Vào sổ văn bản đến giấy: the scan and the metadata the clerk reads off the paper."""

    organisation = OrganisationChoiceField(label=_("Vào sổ của cơ quan"), queryset=Organisation.objects.none())
    type_code = forms.ChoiceField(label=_("Loại văn bản"), choices=())
    number_symbol = forms.CharField(
        label=_("Số, ký hiệu"),
        max_length=42,
        required=False,
        help_text=_("Ví dụ: 125/UBND-VP hoặc 05/2024/QĐ-UBND. Công văn không số thì để trống."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off", "spellcheck": "false"}),
    )
    issued_on = date_field(_("Ngày ban hành"), required=True)
    issuer_name = forms.CharField(
        label=_("Cơ quan ban hành"),
        max_length=250,
        help_text=_("Gõ vài chữ để chọn cơ quan trên hệ thống, hoặc nhập tên cơ quan khác."),
        widget=forms.TextInput(attrs={"list": "known-issuers", "autocomplete": "off"}),
    )
    issuer_code = forms.CharField(
        label=_("Mã định danh cơ quan ban hành"),
        max_length=35,
        required=False,
        help_text=_("Tự điền khi chọn cơ quan trong danh sách."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
    )
    subject = forms.CharField(label=_("Trích yếu nội dung"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    signer_name = forms.CharField(label=_("Người ký"), max_length=50, required=False)
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False)
    signer_prefix = forms.ChoiceField(label=_("Quyền hạn ký"), choices=SignerPrefix.choices, required=False)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, initial=Secrecy.NONE)
    grant_to = forms.TypedMultipleChoiceField(
        label=_("Lãnh đạo nhận văn bản mật"),
        choices=(),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        help_text=_("Chỉ với văn bản mật: chỉ những người được chọn (và văn thư) biết văn bản này."),
    )
    received_on = date_field(_("Ngày đến"), required=True)
    handling_due_on = date_field(_("Hạn xử lý"), help_text=_("Thời hạn giải quyết ghi trên văn bản, nếu có."))
    main_file = pdf_field(_("Bản quét (PDF)"), required=True)
    allow_duplicate = forms.BooleanField(
        label=_("Vẫn vào sổ"),
        required=False,
        help_text=_("Tôi đã kiểm tra: đây không phải văn bản đã vào sổ."),
    )

    def __init__(self, *args, organisations, leaders=(), show_duplicate: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grant_to"].choices = list(leaders)
        self.fields["organisation"].queryset = organisations
        self.only_organisation = organisations[0] if len(organisations) == 1 else None
        if self.only_organisation is not None:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = self.only_organisation.pk
            self.fields["organisation"].required = False
        self.fields["type_code"].choices = type_choices(_("(Chọn loại văn bản)"))
        self.fields["type_code"].widget.attrs["autofocus"] = True
        self.fields["received_on"].initial = timezone.localdate()
        self.show_duplicate = show_duplicate or bool(self.data.get("allow_duplicate"))
        if not self.show_duplicate:
            self.fields["allow_duplicate"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and self.only_organisation is not None:
            data["organisation"] = self.only_organisation
        if data.get("issuer_name"):
            data["issuer_name"], data["issuer_code"] = split_issuer(data["issuer_name"], data.get("issuer_code", ""))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        names = (
            "type_code",
            "number_symbol",
            "issued_on",
            "issuer_name",
            "issuer_code",
            "subject",
            "signer_name",
            "signer_position",
            "signer_prefix",
            "urgency",
            "secrecy",
            "grant_to",
            "received_on",
            "handling_due_on",
        )
        return {name: data.get(name) for name in names}


class DuplicateQueryForm(forms.Form):
    """What the inline duplicate check reads from the registration form while the clerk types."""

    organisation = forms.IntegerField(required=False)
    number_symbol = forms.CharField(max_length=42, required=False)
    issuer_name = forms.CharField(max_length=250, required=False)
    issuer_code = forms.CharField(max_length=35, required=False)
