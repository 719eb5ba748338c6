"""Fonts with full Vietnamese coverage for signature images and appendix stamps (Noto, Debian fonts-noto-core)."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from django.utils.translation import gettext as _

from egov.core.errors import DomainError

# Debian's fonts-noto-core puts them here; fc-match is asked first so another distribution's layout works too.
_KNOWN_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto"),
    Path("/usr/share/fonts/google-noto"),
)


class FontMissing(DomainError):
    """A font needed to draw Vietnamese text is not installed."""

    status = 500
    code = "font_missing"


def _fc_match(family: str, file_name: str) -> Path | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", family], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(out) if out else None
    # fc-match always answers something (its fallback); only an exact file is what was asked for.
    if path and path.name == file_name and path.is_file():
        return path
    return None


@functools.cache
def font_path(file_name: str) -> Path:
    """Path of a Noto font file such as "NotoSerif-Regular.ttf"; FontMissing with the package to install if absent."""
    family = file_name.removesuffix(".ttf").replace("-", ":style=")
    found = _fc_match(family, file_name)
    if found:
        return found
    for directory in _KNOWN_DIRS:
        candidate = directory / file_name
        if candidate.is_file():
            return candidate
    raise FontMissing(
        _(
            "Không tìm thấy phông chữ %(file)s: hãy cài gói fonts-noto-core (Debian) hoặc bộ phông Noto của "
            "hệ điều hành để vẽ được chữ tiếng Việt."
        )
        % {"file": file_name}
    )


def serif_regular() -> Path:
    return font_path("NotoSerif-Regular.ttf")


def serif_bold() -> Path:
    return font_path("NotoSerif-Bold.ttf")


def serif_italic() -> Path:
    return font_path("NotoSerif-Italic.ttf")
