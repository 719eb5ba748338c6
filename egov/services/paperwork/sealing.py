"""The agency's seal on a one-stop form: a PAdES signature with the organisation's key (chữ ký số của cơ quan)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from egov.core.errors import DomainError, ValidationFailed
from egov.documents.services.keys import active_key, key_image, signer_spec
from egov.documents.signing import images
from egov.documents.signing import layout as placement
from egov.documents.signing.pdfcheck import READ_ERRORS
from egov.documents.signing.sign import sign_as_organisation_seal
from egov.organisations.models import Organisation


def _box_over(pdf: bytes, anchor: str) -> placement.Box | None:
    """The seal over the left third of the space above the last page's `anchor` (a signer's printed name)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        geometry = placement.page_geometry(PdfFileReader(io.BytesIO(pdf), strict=False), -1)
    except (*READ_ERRORS, IndexError):
        return None  # the signing step reports a bad file in its own words
    space = placement.find_anchor_box(pdf, geometry, anchor)
    return placement.seal_box(space, images.SEAL_DIAMETER_PT) if space else None


def seal_form(pdf: bytes, organisation: Organisation, *, pin: str, anchor: str | None = None) -> bytes:
    """The form signed with the organisation's active seal key and its seal image; the signed PDF's bytes.

    With `anchor` (the name printed under a signature block) the seal overlaps the left third of that block, as
    Decree 30/2020 Appendix I places it; otherwise the documents app's default, the lower right of the last page.
    """
    try:
        key = active_key(organisation=organisation)
    except ValidationFailed:
        raise DomainError(
            _("%(name)s chưa có chứng thư số của cơ quan còn hiệu lực nên chưa đóng dấu số được biểu mẫu.")
            % {"name": organisation.name},
            field="seal",
            code="seal_key_missing",
        ) from None
    return sign_as_organisation_seal(
        pdf,
        key=signer_spec(key, pin),
        seal_image=key_image(key, organisation=organisation),
        box=_box_over(pdf, anchor) if anchor else None,
        reason=_("Đóng dấu số biểu mẫu một cửa"),
    )
