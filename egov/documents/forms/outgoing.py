"""The draft form of an outgoing document (dự thảo văn bản đi): metadata, recipients, the PDF and appendices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.documents.forms.fields import MultipleFileField, pdf_field, unit_label
from egov.documents.forms.incoming import type_choices
from egov.documents.models import Secrecy, SignerPrefix, Urgency
from egov.organisations.forms import org_label
from egov.organisations.models import Organisation

# Agencies outside the platform are typed as code + name rows; this many rows are offered at once.
EXTERNAL_ROWS = 3
DRAFT_FIELDS = (
    "type_code",
    "subject",
    "legal_normative",
    "drafting_unit",
    "signer",
    "signer_prefix",
    "signer_position",
    "urgency",
    "secrecy",
    "place",
    "description",
)


class _UnitField(forms.ModelChoiceField):
    def __init__(self, *args, root=None, **kwargs):
        self.root = root
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return unit_label(obj, self.root) if self.root is not None else obj.name


class _SignerField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class _RecipientsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return org_label(obj)


class DraftForm(forms.Form):
    """Dự thảo văn bản đi. The organisation is chosen only by someone who drafts for several."""

    organisation = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=Organisation.objects.none())
    type_code = forms.ChoiceField(label=_("Loại văn bản"), choices=())
    subject = forms.CharField(label=_("Trích yếu nội dung"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    legal_normative = forms.BooleanField(label=_("Văn bản quy phạm pháp luật"), required=False)
    drafting_unit = _UnitField(
        label=_("Đơn vị soạn thảo"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("(Không qua đơn vị — trình thẳng lãnh đạo cơ quan)"),
        help_text=_("Dự thảo được trình lãnh đạo đơn vị này duyệt trước khi trình lãnh đạo cơ quan."),
    )
    signer = _SignerField(label=_("Người ký"), queryset=User.objects.none(), empty_label=_("(Chọn người ký)"))
    signer_prefix = forms.ChoiceField(label=_("Quyền hạn ký"), choices=SignerPrefix.choices, required=False)
    signer_position = forms.CharField(
        label=_("Chức vụ người ký"),
        max_length=100,
        required=False,
        help_text=_("Để trống để lấy chức vụ của người ký."),
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, initial=Secrecy.NONE)
    place = forms.CharField(label=_("Địa danh"), max_length=100, required=False)
    description = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
    recipients_internal = _RecipientsField(
        label=_("Nơi nhận trên hệ thống"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8, "style": "height:auto"}),
        help_text=_("Giữ phím Ctrl (hoặc Cmd) để chọn nhiều cơ quan, đơn vị."),
    )
    main_file = pdf_field(_("Tệp dự thảo (PDF)"), required=True)
    appendices = MultipleFileField(label=_("Phụ lục (PDF)"), help_text=_("Có thể chọn nhiều tệp."))

    def __init__(self, *args, organisations, organisation, units, signers, recipients, with_files=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        # The page offers the other organisations as links: units, signers and recipients depend on it.
        self.fields["organisation"].widget = forms.HiddenInput()
        self.fields["type_code"].choices = type_choices(_("(Chọn loại văn bản)"))
        self.fields["type_code"].widget.attrs["autofocus"] = True
        self.fields["drafting_unit"].queryset = units
        self.fields["drafting_unit"].root = organisation
        self.fields["signer"].queryset = signers
        self.fields["recipients_internal"].queryset = recipients
        for index in range(EXTERNAL_ROWS):
            self.fields[f"external_code_{index}"] = forms.CharField(
                label=_("Mã định danh cơ quan ngoài hệ thống %(n)d") % {"n": index + 1},
                max_length=35,
                required=False,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
            )
            self.fields[f"external_name_{index}"] = forms.CharField(
                label=_("Tên cơ quan ngoài hệ thống %(n)d") % {"n": index + 1}, max_length=200, required=False
            )
        if not with_files:
            del self.fields["main_file"]
            del self.fields["appendices"]

    @property
    def external_rows(self):
        return [(self[f"external_code_{i}"], self[f"external_name_{i}"]) for i in range(EXTERNAL_ROWS)]

    @property
    def main_fields(self):
        skip = {"organisation", "recipients_internal", "main_file", "appendices"}
        return [self[name] for name in self.fields if name not in skip and not name.startswith("external_")]

    def _externals(self) -> list[tuple[int, dict]]:
        rows = []
        for index in range(EXTERNAL_ROWS):
            code = self.cleaned_data.get(f"external_code_{index}", "")
            name = self.cleaned_data.get(f"external_name_{index}", "")
            if code or name:
                rows.append((index, {"code": code, "name": name}))
        return rows

    def values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in DRAFT_FIELDS}
        values["drafting_unit"] = data["drafting_unit"].pk if data.get("drafting_unit") else None
        values["signer"] = data["signer"].pk if data.get("signer") else None
        internal = [org.pk for org in data.get("recipients_internal") or []]
        values["recipients"] = internal + [row for _index, row in self._externals()]
        return values

    def error_map(self) -> dict[str, str]:
        """Service error keys ("recipients.3", "appendices.0") → the field that shows them."""
        internal = len(self.cleaned_data.get("recipients_internal") or [])
        mapping = {f"recipients.{i}": "recipients_internal" for i in range(internal)}
        for offset, (index, _row) in enumerate(self._externals()):
            mapping[f"recipients.{internal + offset}"] = f"external_code_{index}"
        mapping["appendices"] = "appendices"
        return mapping

    def files_data(self) -> tuple:
        return self.cleaned_data.get("main_file"), list(self.cleaned_data.get("appendices") or [])
