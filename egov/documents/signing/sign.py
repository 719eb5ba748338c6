"""PAdES signatures on official documents (ký số văn bản), laid out as Decree 30/2020 Appendix I describes.

Three kinds, each an incremental update that leaves earlier signatures intact:
- the signer's signature, with the signer's blue image between their title and name;
- the organisation's seal signature, the red seal over the left third of the signer's image;
- the organisation's signature on an appendix in a separate file: no image, the number/symbol and the signing
  time in Times-like 10 pt type at the top right of the first page.
PAdES B-B, or B-T when a time-stamping authority is configured (EGOV_TSA_URL or `tsa_url`).
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pkcs11 import PKCS11Error
from pyhanko.pdf_utils import layout as pdf_layout
from pyhanko.pdf_utils import text as pdf_text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from egov.core.errors import DomainError, ValidationFailed
from egov.documents.signing import fonts, images
from egov.documents.signing import layout as placement
from egov.documents.signing.keys import Pkcs12Key, SignerSpec, SigningFailed, TokenKey, open_signer
from egov.documents.signing.pdfcheck import READ_ERRORS, open_reader
from egov.documents.signing.tsa import timestamper_for

__all__ = [
    "Pkcs12Key",
    "SignerSpec",
    "SigningFailed",
    "TokenKey",
    "sign_appendix",
    "sign_as_organisation_seal",
    "sign_as_signer",
    "sign_number",
]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# Field names start with these, so the seal can find the signer's image and a reader can tell them apart.
SIGNER_FIELD = "egov-signer-"
SEAL_FIELD = "egov-seal-"
APPENDIX_FIELD = "egov-appendix-"
NUMBER_FIELD = "egov-number-"
# An uploaded scan is scaled down to this width: about 400 dpi at the signer's image size, plenty for print.
_MAX_IMAGE_PIXELS = 1200


class _PdfSigner(signers.PdfSigner):
    """pyHanko's signer with a chosen signing time, so the time written on an appendix is the one in /M."""

    def __init__(self, *args, system_time: dt.datetime | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._system_time = system_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        if self._system_time is not None:
            session.system_time = self._system_time
        return session


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    open_reader(pdf)  # not a PDF, damaged or encrypted: ValidationFailed on "file"
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except READ_ERRORS:
        raise ValidationFailed({"file": [_("Tệp PDF bị hỏng, không đọc được.")]}) from None


def _load_image(data: bytes, field: str) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationFailed({field: [_("Không đọc được tệp ảnh (cần ảnh PNG nền trong suốt).")]}) from None
    image = image.convert("RGBA")
    if image.width > _MAX_IMAGE_PIXELS:
        height = max(1, round(image.height * _MAX_IMAGE_PIXELS / image.width))
        image = image.resize((_MAX_IMAGE_PIXELS, height), Image.Resampling.LANCZOS)
    return image


def _image_style(image: Image.Image) -> StaticStampStyle:
    return StaticStampStyle(
        background=PdfImage(image),
        border_width=0,
        background_opacity=1.0,
        background_layout=pdf_layout.SimpleBoxLayoutRule(
            x_align=pdf_layout.AxisAlignment.ALIGN_MID,
            y_align=pdf_layout.AxisAlignment.ALIGN_MID,
            margins=pdf_layout.Margins(),
            inner_content_scaling=pdf_layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )


def _field_name(writer: IncrementalPdfFileWriter, prefix: str) -> str:
    taken = {name for name, _value, _ref in fields.enumerate_sig_fields(writer.prev)}
    number = len(taken) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _common_name(signer: signers.Signer) -> str:
    return str(signer.signing_cert.subject.native.get("common_name") or "")


def _geometry(writer: IncrementalPdfFileWriter, page: int) -> placement.PageGeometry:
    try:
        return placement.page_geometry(writer.prev, page)
    except IndexError:
        raise ValidationFailed(
            {"page": [_("Tài liệu không có trang %(page)s.") % {"page": page + 1 if page >= 0 else page}]}
        ) from None


def _apply(
    writer: IncrementalPdfFileWriter,
    signer: signers.Signer,
    *,
    field_name: str,
    page_index: int,
    box: placement.Box,
    style,
    text_params: dict | None = None,
    reason: str = "",
    location: str = "",
    tsa_url: str | None = None,
    signed_at: dt.datetime | None = None,
) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
    )
    pdf_signer = _PdfSigner(
        meta,
        signer,
        timestamper=timestamper_for(tsa_url),
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=field_name, on_page=page_index, box=tuple(round(v, 2) for v in box)
        ),
        system_time=signed_at,
    )
    try:
        out = pdf_signer.sign_pdf(writer, appearance_text_params=text_params)
    except TimestampRequestError:
        raise DomainError(
            _("Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian; chưa ký. Hãy thử lại sau."),
            code="tsa_unavailable",
        ) from None
    except SigningError as exc:
        raise SigningFailed(_("Không ký được tài liệu: %(error)s") % {"error": exc}) from None
    except PKCS11Error as exc:  # the token was unplugged or refused mid-way
        raise SigningFailed(
            _("Thiết bị ký số báo lỗi khi ký (%(error)s); chưa ký.") % {"error": type(exc).__name__}
        ) from None
    except PdfError:
        raise ValidationFailed({"file": [_("Tệp PDF bị hỏng, không ký được.")]}) from None
    return out.getvalue()


def sign_as_signer(
    pdf: bytes,
    *,
    key: SignerSpec,
    signature_image: bytes | None,
    box: placement.Box | None = None,
    page: int = -1,
    reason: str = "",
    location: str = "",
    tsa_url: str | None = None,
    anchor: str | None = None,
) -> bytes:
    """The signer's signature (chữ ký số của người có thẩm quyền) with their image; returns the signed PDF.

    Placement: `box` when given (the image is fitted inside it); else above the printed text `anchor` (the
    signer's name, so the image sits between title and name); else the signer block of the last page.
    Without `signature_image` the image is drawn from the certificate's name.
    """
    writer = _writer(pdf)
    geometry = _geometry(writer, page)
    with open_signer(key) as signer:
        image = _load_image(
            signature_image if signature_image is not None else images.signature_image(_common_name(signer)),
            "signature_image",
        )
        area = (
            box
            or (anchor and placement.find_anchor_box(pdf, geometry, anchor))
            or placement.default_signer_box(geometry)
        )
        return _apply(
            writer,
            signer,
            field_name=_field_name(writer, SIGNER_FIELD),
            page_index=geometry.index,
            box=placement.fit_image(area, image.size),
            style=_image_style(image),
            reason=reason,
            location=location,
            tsa_url=tsa_url,
        )


def sign_as_organisation_seal(
    pdf: bytes,
    *,
    key: SignerSpec,
    seal_image: bytes | None,
    box: placement.Box | None = None,
    page: int = -1,
    tsa_url: str | None = None,
    reason: str = "",
) -> bytes:
    """The organisation's signature (chữ ký số của cơ quan, tổ chức) with the red seal over the signer's image.

    Without `box`, the seal (36 mm) covers the left third of the last signer's image on that page. Without
    `seal_image` it is drawn from the certificate's organisation name.
    """
    writer = _writer(pdf)
    geometry = _geometry(writer, page)
    with open_signer(key) as signer:
        image = _load_image(
            seal_image if seal_image is not None else images.seal_image(_common_name(signer)), "seal_image"
        )
        if box is None:
            rects = placement.visible_signature_rects(writer.prev, geometry)
            ours = [rect for name, rect in rects if name.startswith(SIGNER_FIELD)]
            signer_rect = (ours or [rect for _name, rect in rects] or [None])[-1]
            if signer_rect is None:  # no signer's image yet: overlap where it would go
                signer_rect = placement.fit_image(placement.default_signer_box(geometry), (4, 1))
            box = placement.seal_box(signer_rect, images.SEAL_DIAMETER_PT)
        return _apply(
            writer,
            signer,
            field_name=_field_name(writer, SEAL_FIELD),
            page_index=geometry.index,
            box=placement.fit_image(box, image.size),
            style=_image_style(image),
            reason=reason,
            tsa_url=tsa_url,
        )


def appendix_text(number_symbol: str, signed_at: dt.datetime) -> tuple[str, str]:
    """The two lines shown on a signed appendix: "Số: 12/QĐ-UBND" and the time in ISO 8601, Vietnam time."""
    number = number_symbol.strip()
    if number[:3].casefold() == "số:":
        number = number[3:].strip()
    return f"Số: {number}", signed_at.astimezone(VIETNAM).isoformat(timespec="seconds")


def _number_style() -> TextStampStyle:
    # Decree 30 names Times New Roman 10, which may not be shipped; Noto Serif is the serif face with every
    # Vietnamese letter that Debian ships, embedded (subset) so the text looks the same in every reader.
    return TextStampStyle(
        stamp_text="%(line1)s\n%(line2)s",
        border_width=0,
        text_box_style=pdf_text.TextBoxStyle(
            font=GlyphAccumulatorFactory(str(fonts.serif_regular()), font_size=10), font_size=10, leading=12
        ),
        inner_content_layout=pdf_layout.SimpleBoxLayoutRule(
            x_align=pdf_layout.AxisAlignment.ALIGN_MAX,
            y_align=pdf_layout.AxisAlignment.ALIGN_MAX,
            margins=pdf_layout.Margins(),
            inner_content_scaling=pdf_layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def _sign_number_text(
    pdf: bytes,
    *,
    key: SignerSpec,
    number_symbol: str,
    signed_at: dt.datetime | None,
    tsa_url: str | None,
    field_prefix: str,
    main_document: bool,
) -> bytes:
    if not number_symbol.strip():
        raise ValidationFailed({"number_symbol": [_("Thiếu số, ký hiệu của văn bản.")]})
    if signed_at is None:
        signed_at = dt.datetime.now(VIETNAM).replace(microsecond=0)
    elif signed_at.tzinfo is None:
        raise ValueError("signed_at must be timezone-aware")
    line1, line2 = appendix_text(number_symbol, signed_at)
    writer = _writer(pdf)
    geometry = _geometry(writer, 0)
    box = placement.number_box(pdf, geometry) if main_document else placement.appendix_box(geometry)
    with open_signer(key) as signer:
        return _apply(
            writer,
            signer,
            field_name=_field_name(writer, field_prefix),
            page_index=geometry.index,
            box=box,
            style=_number_style(),
            text_params={"line1": line1, "line2": line2},
            tsa_url=tsa_url,
            signed_at=signed_at,
        )


def sign_appendix(
    pdf: bytes,
    *,
    key: SignerSpec,
    number_symbol: str,
    signed_at: dt.datetime | None = None,
    tsa_url: str | None = None,
) -> bytes:
    """The organisation's signature on an appendix in its own file: text only, top right of the first page."""
    return _sign_number_text(
        pdf,
        key=key,
        number_symbol=number_symbol,
        signed_at=signed_at,
        tsa_url=tsa_url,
        field_prefix=APPENDIX_FIELD,
        main_document=False,
    )


def sign_number(
    pdf: bytes,
    *,
    key: SignerSpec,
    number_symbol: str,
    signed_at: dt.datetime | None = None,
    tsa_url: str | None = None,
) -> bytes:
    """The organisation's signature that writes the number on the main document, after the printed "Số:".

    The signer signs before the number exists; the clerk's issuing step adds the seal and this signature, so
    the number and the issuing time are covered by the organisation's key like everything before them.
    """
    return _sign_number_text(
        pdf,
        key=key,
        number_symbol=number_symbol,
        signed_at=signed_at,
        tsa_url=tsa_url,
        field_prefix=NUMBER_FIELD,
        main_document=True,
    )
