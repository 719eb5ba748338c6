"""Signature and seal images: transparent PNGs in the colours Decree 30 asks for."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from egov.documents.signing import fonts, images


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGBA")


def _inked(image: Image.Image) -> list[tuple[int, int, int, int]]:
    raw = image.tobytes()
    pixels = (tuple(raw[i : i + 4]) for i in range(0, len(raw), 4))
    return [pixel for pixel in pixels if pixel[3] > 200]


def test_signature_image_is_blue_on_transparent():
    image = _open(images.signature_image("Nguyễn Thị Hằng"))
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0 or image.getpixel((image.width - 1, image.height - 1))[3] == 0
    inked = _inked(image)
    assert len(inked) > 2000
    assert all(b > r and b > g for r, g, b, _a in inked)  # blue ink only
    assert image.width > 3 * image.height  # a name written along a line


def test_seal_image_is_red_round_and_transparent():
    image = _open(images.seal_image("Ủy ban nhân dân tỉnh Nam Định", "Nam Định"))
    assert image.size == (images.SEAL_PIXELS, images.SEAL_PIXELS)
    for corner in [(0, 0), (images.SEAL_PIXELS - 1, 0), (0, images.SEAL_PIXELS - 1)]:
        assert image.getpixel(corner)[3] == 0  # outside the ring
    inked = _inked(image)
    assert all(r > 150 and g < 100 and b < 100 for r, g, b, _a in inked)  # red ink only
    assert image.getpixel((images.SEAL_PIXELS // 2, images.SEAL_PIXELS // 2))[3] > 200  # the star in the middle


def test_names_differ_and_empty_names_are_refused():
    assert images.seal_image("Sở Y tế") != images.seal_image("Sở Tài chính")
    with pytest.raises(ValueError):
        images.signature_image("  ")
    with pytest.raises(ValueError):
        images.seal_image("")


def test_fonts_come_from_noto():
    assert fonts.serif_regular().name == "NotoSerif-Regular.ttf"
    with pytest.raises(fonts.FontMissing) as caught:
        fonts.font_path("NoSuchFont-Regular.ttf")
    assert "fonts-noto-core" in caught.value.message
