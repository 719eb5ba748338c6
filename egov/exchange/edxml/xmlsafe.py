"""Parsing untrusted package bytes: no DTD, no entities, no network, bounded size, depth and element count."""

from __future__ import annotations

import codecs
import re

from lxml import etree

from .errors import EdxmlError
from .limits import Limits

XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
# libxml2 refuses text nodes over 10 MB unless "huge" parsing is on; packages that may hold such a node (a large
# attachment) are parsed with it on, which is safe here because DTDs are refused before parsing and this module
# bounds depth, element count and text sizes itself.
HUGE_FROM = 9_000_000
_CHUNK = 256 * 1024
_SPACE = re.compile(rb"[ \t\r\n]*")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8_NAMES = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}
# Text of these elements is base64 and bounded by the attachment size limit instead of max_text.
_BASE64_ELEMENTS = {"ContentTransferEncoded", "X509Certificate"}


def _parser_options(huge: bool) -> dict:
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": huge,
        "remove_comments": True,
        "collect_ids": False,
    }


def fragment_parser() -> etree.XMLParser:
    """A parser for small trusted-shape fragments (extensions written back by the builder)."""
    return etree.XMLParser(**_parser_options(False))


def check_prolog(data: bytes) -> None:
    """Refuse a DOCTYPE (with or without internal subset), processing instructions and non-UTF-8 encodings."""
    pos = 3 if data.startswith(codecs.BOM_UTF8) else 0
    head = data[:4]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise EdxmlError("malformed", detail="package is not UTF-8")
    first = True
    while True:
        pos = _SPACE.match(data, pos).end()
        if data.startswith(b"<?", pos):
            end = data.find(b"?>", pos)
            if end < 0:
                raise EdxmlError("malformed", detail="unterminated processing instruction")
            target = re.match(rb"<\?([^\s?]*)", data[pos : end + 2]).group(1)
            if target != b"xml" or not first:
                raise EdxmlError("malformed", detail="processing instructions are not accepted")
            encoding = _ENCODING.search(data, pos, end)
            if encoding and encoding.group(1).lower() not in _UTF8_NAMES:
                raise EdxmlError("malformed", detail="package is not UTF-8")
            pos = end + 2
        elif data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
            if end < 0:
                raise EdxmlError("malformed", detail="unterminated comment")
            pos = end + 3
        elif data.startswith(b"<!", pos):
            if data[pos + 2 : pos + 9].upper() == b"DOCTYPE":
                raise EdxmlError("forbidden_dtd", detail="DOCTYPE declaration")
            raise EdxmlError("malformed", detail="unexpected markup before the root element")
        else:
            return
        first = False


def parse(data: bytes, limits: Limits) -> etree._Element:
    """The root element of `data`, parsed under `limits`; EdxmlError for anything unsafe or not well-formed."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise EdxmlError("malformed", detail=f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > limits.max_bytes:
        raise EdxmlError("too_large", detail=f"{len(data)} bytes > {limits.max_bytes}")
    if not data.strip():
        raise EdxmlError("malformed", detail="empty package")
    check_prolog(data)
    max_base64 = limits.max_attachment_bytes * 4 // 3 + limits.max_attachment_bytes // 32 + 1024
    parser = etree.XMLPullParser(events=("start", "end", "pi"), **_parser_options(len(data) > HUGE_FROM))
    depth = elements = 0
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.feed(data[offset : offset + _CHUNK])
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    elements += 1
                    if depth > limits.max_depth:
                        raise EdxmlError("too_deep", detail=f"depth > {limits.max_depth}")
                    if elements > limits.max_elements:
                        raise EdxmlError("too_large", detail=f"more than {limits.max_elements} elements")
                    tag = element.tag
                    if isinstance(tag, str) and tag.startswith("{" + XINCLUDE_NS + "}"):
                        raise EdxmlError("forbidden_dtd", detail="XInclude is not accepted")
                elif event == "end":
                    depth -= 1
                    text = element.text
                    if text is not None and len(text) > limits.max_text:
                        local = etree.QName(element).localname
                        if local not in _BASE64_ELEMENTS or len(text) > max_base64:
                            raise EdxmlError("too_large", field=local, detail="text too long")
                else:
                    raise EdxmlError("malformed", detail="processing instructions are not accepted")
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        # libxml2's own depth guard (256) can trip inside one fed chunk before the events above are seen.
        code = "too_deep" if "Excessive depth" in str(exc) else "malformed"
        raise EdxmlError(code, detail=str(exc)[:200]) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise EdxmlError("forbidden_dtd", detail="DOCTYPE declaration")
    return root
