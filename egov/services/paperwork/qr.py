"""The QR code printed on the forms: the dossier code and nothing else, so any reader app shows the code to look up."""

from __future__ import annotations

import base64
import io

import segno

# Error correction M survives a crease or a smudge on a counter receipt; a module of 4 px at the printed size of
# 22 mm is about 300 dpi. The quiet zone of 4 modules is what the standard asks for.
ERROR = "m"
SCALE = 4
BORDER = 4


def qr_code(code: str) -> segno.QRCode:
    """The QR symbol of `code` (a full QR code, never a Micro QR that phone readers often miss)."""
    return segno.make_qr(code, error=ERROR, boost_error=False)


def qr_png(code: str) -> bytes:
    """The symbol as a black-on-white PNG, ready to embed in a PDF as an image."""
    buffer = io.BytesIO()
    qr_code(code).save(buffer, kind="png", scale=SCALE, border=BORDER)
    return buffer.getvalue()


def qr_data_uri(code: str) -> str:
    """The PNG as a data: URI for an <img> in a WeasyPrint template (no file, no network)."""
    return "data:image/png;base64," + base64.b64encode(qr_png(code)).decode("ascii")
