"""Check the translations: every Vietnamese string has an English one, the compiled catalogue is current,
and all text is Unicode NFC. Run as `python -m egov.core.i18n_check` (scripts/test does)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
TEXT_SUFFIXES = {".py", ".html", ".txt", ".csv", ".md", ".po"}


def _extract() -> polib.POFile:
    """Run makemessages on a copy of the package, merging the committed catalogue, and return the result."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "egov"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "tests"))
        env = {
            **os.environ,
            "PYTHONPATH": tmp,
            "EGOV_MODE": "development",
            "EGOV_DATA_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "egov.settings",
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "-l",
                "en",
                "--no-location",
                "--no-obsolete",
                "--ignore",
                "tests/*",
            ],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        return polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))


def _compiled_matches() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "django.mo"
        subprocess.run(["msgfmt", "--check", "-o", str(out), str(PO)], check=True)
        return MO.exists() and out.read_bytes() == MO.read_bytes()


def _not_nfc() -> list[str]:
    bad = []
    for path in PACKAGE.rglob("*"):
        if path.suffix in TEXT_SUFFIXES and "static" not in path.parts and path.is_file():
            text = path.read_text(encoding="utf-8")
            if unicodedata.normalize("NFC", text) != text:
                bad.append(str(path.relative_to(PACKAGE.parent)))
    return bad


def problems() -> list[str]:
    found = []
    catalogue = _extract()
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO))}
    for entry in catalogue:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key not in committed:
            found.append(f"not in django.po yet: {entry.msgid!r}")
        elif "fuzzy" in entry.flags or not entry.translated():
            found.append(f"untranslated: {entry.msgid!r}")
    extracted = {(e.msgctxt, e.msgid) for e in catalogue if not e.obsolete}
    for key in sorted(committed - extracted, key=str):
        found.append(f"no longer used: {key[1]!r}")
    if not _compiled_matches():
        found.append("django.mo is not compiled from the current django.po")
    found.extend(f"not Unicode NFC: {name}" for name in _not_nfc())
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(
            f"{len(found)} translation problem(s); run scripts/translations, translate, and run it again.",
            file=sys.stderr,
        )
        return 1
    print(f"translations complete: {len(polib.pofile(str(PO)))} strings, catalogue compiled, text in NFC")
    return 0


if __name__ == "__main__":
    sys.exit(main())
