"""The one-stop forms (biểu mẫu một cửa) as PDFs: from the dossier, numbered by the circular in force, sealed."""

from egov.services.paperwork.forms import form_in_force, render_book, render_form
from egov.services.paperwork.qr import qr_code, qr_data_uri, qr_png
from egov.services.paperwork.sealing import seal_form

__all__ = ["form_in_force", "qr_code", "qr_data_uri", "qr_png", "render_book", "render_form", "seal_form"]
