"""Hostile and oversized input is refused before it costs memory, time or a file read."""

import pytest
from lxml import etree

from egov.exchange.edxml import EdxmlError, Limits, build_package, peek, read_message

from . import samples
from .samples import find, to_bytes

NS = samples.NS


def refused(data: bytes, limits: Limits | None = None) -> EdxmlError:
    limits = limits or Limits()
    with pytest.raises(EdxmlError) as caught:
        read_message(data, trust=None, require_signature=False, limits=limits)
    with pytest.raises(EdxmlError) as peeked:
        peek(data, limits=limits)
    assert peeked.value.code == caught.value.code or caught.value.code.startswith(("attachment", "too_many"))
    return caught.value


BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<edXML:edXML xmlns:edXML="{NS}"><edXML:edXMLEnvelope>&lol4;</edXML:edXMLEnvelope></edXML:edXML>""".encode()


def test_billion_laughs():
    assert refused(BILLION_LAUGHS).code == "forbidden_dtd"


def test_quadratic_blowup():
    entity = "A" * 50_000
    data = (
        f'<!DOCTYPE x [<!ENTITY a "{entity}">]><edXML:edXML xmlns:edXML="{NS}">' + "&a;" * 2000 + "</edXML:edXML>"
    ).encode()
    assert refused(data).code == "forbidden_dtd"


@pytest.mark.parametrize("system_id", ["file:///etc/passwd", "http://127.0.0.1:9/secret", "secret.txt"])
def test_external_entity_is_refused_without_reading(system_id, tmp_path):
    data = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "{system_id}">]>'
        f'<edXML:edXML xmlns:edXML="{NS}"><edXML:edXMLEnvelope>&xxe;</edXML:edXMLEnvelope></edXML:edXML>'
    ).encode()
    assert refused(data).code == "forbidden_dtd"


def test_external_dtd_and_parameter_entities():
    data = f'<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/x.dtd"><edXML:edXML xmlns:edXML="{NS}"/>'.encode()
    assert refused(data).code == "forbidden_dtd"
    data = f'<!-- c --><!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><edXML xmlns="{NS}"/>'.encode()
    assert refused(data).code == "forbidden_dtd"


def test_undeclared_entity_is_malformed():
    data = f'<edXML:edXML xmlns:edXML="{NS}"><edXML:edXMLEnvelope>&xxe;</edXML:edXMLEnvelope></edXML:edXML>'
    assert refused(data.encode()).code == "malformed"


def test_xinclude_is_refused():
    root = etree.fromstring(build_package(samples.package()))
    subject = find(root, "Subject")
    include = etree.SubElement(subject, "{http://www.w3.org/2001/XInclude}include", href="file:///etc/passwd")
    include.set("parse", "text")
    assert refused(to_bytes(root)).code == "forbidden_dtd"


def test_processing_instruction_is_refused():
    data = build_package(samples.package())
    with_pi = data.replace(b"<edXML:Subject>", b"<?php echo 1?><edXML:Subject>")
    assert refused(with_pi).code == "malformed"
    stylesheet = data.replace(b"?>\n", b'?>\n<?xml-stylesheet href="x.xsl"?>\n', 1)
    assert refused(stylesheet).code == "malformed"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b"not xml",
        b"<edXML:edXML xmlns:edXML='http://www.mic.gov.vn/TBT/QCVN_102_2016'>",
        b"<a><b></a></b>",
        b"\xff\xfe<\x00a\x00/\x00>\x00",
        b"<?xml version='1.0' encoding='ISO-8859-1'?><a/>",
        b"<a/><b/>",
        b"<!-- unterminated",
    ],
)
def test_malformed(data):
    assert refused(data).code == "malformed"


def test_not_bytes_is_malformed():
    with pytest.raises(EdxmlError) as caught:
        read_message("<a/>", trust=None, require_signature=False)
    assert caught.value.code == "malformed"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<edXML/>", "namespace"),
        (b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2015"/>', "namespace"),
        (b'<x:edXML xmlns:x="urn:other"/>', "namespace"),
        (f'<Package xmlns="{NS}"/>'.encode(), "invalid"),
    ],
)
def test_wrong_namespace_or_root(data, code):
    assert refused(data).code == code


def test_oversize_package_is_refused_before_parsing():
    data = build_package(samples.package())
    err = refused(data, Limits(max_bytes=len(data) - 1))
    assert (err.code, err.message) == ("too_large", "Gói tin vượt quá kích thước cho phép.")
    assert read_message(data, trust=None, require_signature=False, limits=Limits(max_bytes=len(data)))


def test_attachment_over_its_limit():
    pkg = samples.package()
    data = build_package(pkg)
    size = len(pkg.attachments[0].data)
    with pytest.raises(EdxmlError) as caught:
        read_message(data, trust=None, require_signature=False, limits=Limits(max_attachment_bytes=size - 1))
    assert (caught.value.code, caught.value.field) == (
        "too_large",
        "AttachmentEncoded/Attachment/ContentTransferEncoded",
    )
    assert read_message(data, trust=None, require_signature=False, limits=Limits(max_attachment_bytes=size))


def test_too_many_attachments():
    data = build_package(samples.package(attachments=4))
    with pytest.raises(EdxmlError) as caught:
        read_message(data, trust=None, require_signature=False, limits=Limits(max_attachments=3))
    assert caught.value.code == "too_many_attachments"


def test_too_deep():
    root = etree.fromstring(build_package(samples.package()))
    parent = find(root, "Bussiness")
    for _ in range(40):
        parent = etree.SubElement(parent, "{urn:x}nest")
    assert refused(to_bytes(root)).code == "too_deep"
    assert refused(b"<a>" * 100_000 + b"</a>" * 100_000).code == "too_deep"


def test_too_many_elements():
    root = etree.fromstring(build_package(samples.package()))
    holder = etree.SubElement(find(root, "Bussiness"), "{urn:x}many")
    for _ in range(300):
        etree.SubElement(holder, "{urn:x}item")
    assert refused(to_bytes(root), Limits(max_elements=250)).code == "too_large"


def test_too_long_text():
    root = etree.fromstring(build_package(samples.package()))
    find(root, "Content").text = "x" * 2001
    assert refused(to_bytes(root), Limits(max_text=2000)).code == "too_large"


def test_an_error_survives_pickling_with_its_parts():
    import pickle

    error = EdxmlError("signer_mismatch", field="Signature", detail="certificate organisation 000.00.81.H40")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.code, copy.field, copy.message, copy.detail, str(copy)) == (
        EdxmlError,
        "signer_mismatch",
        "Signature",
        "Chứng thư số ký gói tin không thuộc cơ quan gửi.",
        "certificate organisation 000.00.81.H40",
        "signer_mismatch: Signature: certificate organisation 000.00.81.H40",
    )
