"""Where the signature appearances go on the page, following Decree 30/2020 Appendix I.

Coordinates are PDF points from the page's lower-left corner: boxes are (x0, y0, x1, y1).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.form_tools import FormFillingError, get_single_field_annot
from pyhanko.sign.fields import enumerate_sig_fields

Box = tuple[float, float, float, float]

# Height of the signer's image when nothing says otherwise: about 21 mm, the blank lines templates leave
# between the signer's title and name.
SIGNER_IMAGE_HEIGHT = 60.0
SIGNER_IMAGE_MAX_WIDTH = 170.0
# Appendix signatures: the text block's size and its distance from the top and right edges of the page.
APPENDIX_BOX_SIZE = (165.0, 28.0)
APPENDIX_MARGINS = (42.0, 22.0)  # right 15 mm, top about 8 mm: inside the page's top margin
# The number written by the organisation's signature on the main document, and where it goes without "Số:".
NUMBER_BOX_SIZE = (165.0, 26.0)
NUMBER_FALLBACK_ORIGIN = (85.0, 110.0)  # from the left and from the top of the page, under the issuer's name


@dataclass(frozen=True)
class PageGeometry:
    index: int
    width: float
    height: float
    ref: generic.IndirectObject


def page_count(handler) -> int:
    return int(handler.root["/Pages"]["/Count"])


def page_geometry(handler, page: int) -> PageGeometry:
    """Size of a page (negative index counts from the end), from its MediaBox, inherited if need be."""
    count = page_count(handler)
    index = page if page >= 0 else count + page
    if not 0 <= index < count:
        raise IndexError(f"page {page} out of range for a {count}-page document")
    page_ref, _resources = handler.find_page_for_modification(index)
    node = page_ref.get_object()
    media_box = None
    while node is not None and media_box is None:
        media_box = node.get("/MediaBox")
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    x0, y0, x1, y1 = (float(v) for v in (media_box or (0, 0, 595.28, 841.89)))
    return PageGeometry(index=index, width=abs(x1 - x0), height=abs(y1 - y0), ref=page_ref)


def fit_image(box: Box, image_size: tuple[int, int]) -> Box:
    """The largest box with the image's proportions inside `box`, centred in it."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    ratio = image_size[0] / image_size[1]
    if width / height > ratio:
        new_width = height * ratio
        return (x0 + (width - new_width) / 2, y0, x0 + (width + new_width) / 2, y1)
    new_height = width / ratio
    return (x0, y0 + (height - new_height) / 2, x1, y0 + (height + new_height) / 2)


def default_signer_box(geometry: PageGeometry) -> Box:
    """The signer block of Decree 30's layout: the right-hand column, in the lower part of the last page."""
    centre_x = geometry.width * 0.72
    bottom = geometry.height * 0.2
    half = SIGNER_IMAGE_MAX_WIDTH / 2
    return (centre_x - half, bottom, centre_x + half, bottom + SIGNER_IMAGE_HEIGHT)


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def anchor_box(pdf_path: Path, geometry: PageGeometry, anchor: str) -> Box | None:
    """A box just above the last place the page shows `anchor` (the signer's printed name), as wide as it needs.

    The image goes between the signer's title and name (Appendix I, 7c): centred over the name, as tall as the
    gap up to the line above allows. None when the text is not on the page or poppler's pdftotext is missing.
    """
    tool = shutil.which("pdftotext")
    wanted = [_normal(word) for word in anchor.split()]
    if not tool or not wanted:
        return None
    page_no = str(geometry.index + 1)
    try:
        out = subprocess.run(
            [tool, "-bbox", "-f", page_no, "-l", page_no, str(pdf_path), "-"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    words = [
        (float(x0), float(y0), float(x1), float(y1), _normal(unescape(text)))
        for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out
        )
    ]
    match = None
    for start in range(len(words) - len(wanted) + 1):
        if [w[4] for w in words[start : start + len(wanted)]] == wanted:
            match = words[start : start + len(wanted)]
    if not match:
        return None
    # pdftotext measures from the top of the page; PDF from the bottom.
    left, right = min(w[0] for w in match), max(w[2] for w in match)
    name_top = min(w[1] for w in match)
    above = [w[3] for w in words if w[3] <= name_top and w[0] < right and w[2] > left]
    gap = name_top - max(above) if above else SIGNER_IMAGE_HEIGHT + 8
    height = max(28.0, min(SIGNER_IMAGE_HEIGHT + 20, gap - 6))
    bottom = geometry.height - name_top + 2
    centre = (left + right) / 2
    half = SIGNER_IMAGE_MAX_WIDTH / 2
    return (centre - half, bottom, centre + half, bottom + height)


def _words(pdf_path: Path, geometry: PageGeometry) -> list[tuple[float, float, float, float, str]]:
    tool = shutil.which("pdftotext")
    if not tool:
        return []
    page_no = str(geometry.index + 1)
    try:
        out = subprocess.run(
            [tool, "-bbox", "-f", page_no, "-l", page_no, str(pdf_path), "-"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [
        (float(x0), float(y0), float(x1), float(y1), _normal(unescape(text)))
        for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out
        )
    ]


def number_box(pdf: bytes, geometry: PageGeometry) -> Box:
    """Where the number goes on the main document: right after the printed "Số:" of the heading (Appendix I, II.3),
    or under the issuer's name at the top left when the draft has no such label."""
    width, height = NUMBER_BOX_SIZE
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        words = _words(Path(tmp.name), geometry)
    labels = [w for w in words if w[4] in ("số:", "số")]
    if labels:
        _x0, y0, x1, y1, _text = labels[0]
        centre_y = geometry.height - (y0 + y1) / 2
        return (x1 + 2, centre_y - height / 2, x1 + 2 + width, centre_y + height / 2)
    left, top = NUMBER_FALLBACK_ORIGIN
    return (left, geometry.height - top - height, left + width, geometry.height - top)


def find_anchor_box(pdf: bytes, geometry: PageGeometry, anchor: str) -> Box | None:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        return anchor_box(Path(tmp.name), geometry, anchor)


def visible_signature_rects(handler, geometry: PageGeometry) -> list[tuple[str, Box]]:
    """Signed signature fields with a visible widget on that page, in the order they were added."""
    found = []
    for name, _value, field_ref in enumerate_sig_fields(handler, filled_status=True):
        try:
            annot = get_single_field_annot(field_ref.get_object())
        except FormFillingError:  # a field with several widgets is not one to place a seal against
            continue
        page_ref = annot.raw_get("/P") if "/P" in annot else None
        if page_ref is None or getattr(page_ref, "reference", None) != geometry.ref.reference:
            continue
        x0, y0, x1, y1 = (float(v) for v in annot.get("/Rect", (0, 0, 0, 0)))
        if abs(x1 - x0) > 1 and abs(y1 - y0) > 1:
            found.append((name, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))))
    return found


def seal_box(signer_rect: Box, diameter: float) -> Box:
    """The seal over the left third of the signer's image (Appendix I, 8a), centred on it vertically."""
    x0, y0, x1, y1 = signer_rect
    right = x0 + (x1 - x0) / 3
    centre_y = (y0 + y1) / 2
    left = max(0.0, right - diameter)
    return (left, centre_y - diameter / 2, left + diameter, centre_y + diameter / 2)


def appendix_box(geometry: PageGeometry) -> Box:
    """Top right corner of the first page (Appendix I, III.1.d)."""
    width, height = APPENDIX_BOX_SIZE
    right_margin, top_margin = APPENDIX_MARGINS
    x1 = geometry.width - right_margin
    y1 = geometry.height - top_margin
    return (x1 - width, y1 - height, x1, y1)
