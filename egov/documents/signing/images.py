"""Signature and seal images (hình ảnh chữ ký, hình ảnh con dấu) as transparent PNGs, drawn with Pillow.

Decree 30/2020 Appendix I wants the signer's image blue on a transparent background and the organisation's seal
red, at its real size, transparent. People and organisations that uploaded a scan use that; these drawings are
for demo data and for anyone without one.
"""

from __future__ import annotations

import io
import math
import unicodedata

from PIL import Image, ImageDraw, ImageFont

from egov.documents.signing import fonts

SIGNATURE_BLUE = (16, 44, 168, 255)
SEAL_RED = (214, 28, 36, 255)
# The seal drawing is SEAL_PIXELS wide; placed at SEAL_DIAMETER_PT it prints at about 330 dpi.
SEAL_PIXELS = 480
SEAL_DIAMETER_PT = 102.0  # 36 mm, a common diameter of an agency's round seal


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def signature_image(full_name: str) -> bytes:
    """The name written in slanted blue strokes with an underline flourish, on a transparent background."""
    name = _nfc(full_name)
    if not name:
        raise ValueError("a signature image needs a name")
    font = ImageFont.truetype(str(fonts.serif_italic()), 96)
    left, top, right, bottom = font.getbbox(name)
    text_w, text_h = right - left, bottom - top
    pad = 40
    width, height = text_w + 2 * pad + 60, text_h + 2 * pad + 50
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.text((pad - left, pad - top), name, font=font, fill=SIGNATURE_BLUE)
    # A shear makes the italic lean like handwriting; Pillow's affine maps output to input coordinates.
    shear = 0.25
    image = image.transform(
        (width, height), Image.Transform.AFFINE, (1, shear, -shear * height / 2, 0, 1, 0), Image.Resampling.BICUBIC
    )
    draw = ImageDraw.Draw(image)
    # The flourish: a quadratic curve under the name, from the first letter to past the last, rising at the end.
    baseline = pad + text_h + 12
    x0, x1 = pad, pad + text_w + 40
    points = []
    for i in range(41):
        t = i / 40
        x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * (x0 + x1) / 2 + t**2 * x1
        y = (1 - t) ** 2 * (baseline - 4) + 2 * (1 - t) * t * (baseline + 26) + t**2 * (baseline - 30)
        points.append((x, y))
    draw.line(points, fill=SIGNATURE_BLUE, width=5, joint="curve")
    return _png(image.crop(image.getbbox()) if image.getbbox() else image)


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382  # the inner radius of a regular five-pointed star
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _text_on_arc(
    image: Image.Image, text: str, font: ImageFont.FreeTypeFont, *, radius: float, centre_angle: float, top: bool
) -> None:
    """Write text along a circle centred in the image: over the top reading clockwise, or along the bottom."""
    size = image.size[0]
    c = size / 2
    widths = [font.getlength(ch) for ch in text]
    spacing = 2.0
    total = sum(widths) + spacing * (len(text) - 1)
    span = total / radius  # radians the text covers
    angle = centre_angle - span / 2 if top else centre_angle + span / 2
    for ch, w in zip(text, widths, strict=True):
        half = (w / 2) / radius
        angle = angle + half if top else angle - half
        if ch.strip():
            glyph_size = int(font.size * 2)
            glyph = Image.new("RGBA", (glyph_size, glyph_size), (0, 0, 0, 0))
            ImageDraw.Draw(glyph).text((glyph_size / 2, glyph_size / 2), ch, font=font, fill=SEAL_RED, anchor="mm")
            # On top the letters stand with their feet towards the centre; at the bottom, their heads.
            rotation = -math.degrees(angle) - 90 if top else -math.degrees(angle) + 90
            glyph = glyph.rotate(rotation, resample=Image.Resampling.BICUBIC)
            x = c + radius * math.cos(angle) - glyph_size / 2
            y = c + radius * math.sin(angle) - glyph_size / 2
            image.alpha_composite(glyph, (round(x), round(y)))
        step = half + spacing / radius
        angle = angle + step if top else angle - step


def _fit_font(text: str, path: str, size: int, max_length: float) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(path, size)
    while size > 14 and font.getlength(text) + 2 * len(text) > max_length:
        size -= 2
        font = ImageFont.truetype(path, size)
    return font


def seal_image(organisation_name: str, place: str = "") -> bytes:
    """A round red seal: double ring, the organisation's name around the top, the place at the bottom, a star."""
    name = _nfc(organisation_name).upper()
    if not name:
        raise ValueError("a seal image needs the organisation's name")
    size = SEAL_PIXELS
    c = size / 2
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    outer = c - 6
    draw.ellipse((c - outer, c - outer, c + outer, c + outer), outline=SEAL_RED, width=12)
    inner = outer * 0.64
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=SEAL_RED, width=5)
    text_radius = (outer + inner) / 2 - 2
    bold = str(fonts.serif_bold())
    place_text = _nfc(place).upper()
    # The name may use the upper arc and the sides; the place, when given, keeps the lowest quarter.
    name_arc = (1.45 if place_text else 1.8) * math.pi * text_radius
    name_font = _fit_font(name, bold, 40, name_arc)
    _text_on_arc(
        image, name, name_font, radius=text_radius - name_font.size * 0.05, centre_angle=-math.pi / 2, top=True
    )
    if place_text:
        place_font = _fit_font(place_text, bold, 34, 0.45 * math.pi * text_radius)
        _text_on_arc(image, place_text, place_font, radius=text_radius, centre_angle=math.pi / 2, top=False)
    draw = ImageDraw.Draw(image)
    draw.polygon(_star(c, c, inner * 0.55), fill=SEAL_RED)
    return _png(image)
