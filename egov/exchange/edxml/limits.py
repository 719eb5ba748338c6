"""Bounds on what a reader accepts, so one package cannot exhaust a hub's memory or time."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Reader limits; the defaults suit documents with scanned attachments."""

    max_bytes: int = 64 * MIB
    max_depth: int = 32
    max_attachments: int = 50
    max_attachment_bytes: int = 32 * MIB  # decoded, each
    max_elements: int = 20_000
    # Longest text of one element other than an attachment's base64 content (Content, Subject, extensions...).
    max_text: int = 1 * MIB
