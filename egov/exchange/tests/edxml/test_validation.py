"""Missing and wrong values: each gives its code and the path of the element."""

import datetime as dt

import pytest
from lxml import etree

from egov.exchange.edxml import (
    EdxmlError,
    Extension,
    StatusCode,
    build_package,
    build_status,
    document_id,
    read_message,
    split_document_id,
)

from . import samples
from .samples import find, to_bytes


def read(data: bytes):
    return read_message(data, trust=None, require_signature=False)


def read_error(root) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        read(to_bytes(root))
    return caught.value


def package_tree():
    return etree.fromstring(build_package(samples.package()))


def remove(root, path: str):
    element = root
    for name in path.split("/"):
        element = next(c for c in element if etree.QName(c).localname == name)
    element.getparent().remove(element)


HEADER = "edXMLEnvelope/edXMLHeader/MessageHeader"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("edXMLEnvelope", "edXML/edXMLEnvelope"),
        ("edXMLEnvelope/edXMLHeader", "edXMLEnvelope/edXMLHeader"),
        (HEADER, "MessageHeader"),
        (f"{HEADER}/From", "MessageHeader/From"),
        (f"{HEADER}/From/OrganId", "MessageHeader/From/OrganId"),
        (f"{HEADER}/To", "MessageHeader/To"),
        (f"{HEADER}/To/OrganId", "MessageHeader/To/OrganId"),
        (f"{HEADER}/Code", "MessageHeader/Code"),
        (f"{HEADER}/Code/CodeNumber", "MessageHeader/Code/CodeNumber"),
        (f"{HEADER}/PromulgationInfo", "MessageHeader/PromulgationInfo"),
        (f"{HEADER}/PromulgationInfo/PromulgationDate", "MessageHeader/PromulgationInfo/PromulgationDate"),
        (f"{HEADER}/DocumentType", "MessageHeader/DocumentType"),
        (f"{HEADER}/DocumentType/Type", "MessageHeader/DocumentType/Type"),
        (f"{HEADER}/Subject", "MessageHeader/Subject"),
        (f"{HEADER}/DocumentId", "MessageHeader/DocumentId"),
        (f"{HEADER}/ResponseFor/DocumentId", "MessageHeader/ResponseFor/DocumentId"),
        ("edXMLEnvelope/edXMLHeader/TraceHeaderList/TraceHeader/Timestamp", "TraceHeaderList/TraceHeader/Timestamp"),
        ("AttachmentEncoded/Attachment/ContentId", "AttachmentEncoded/Attachment/ContentId"),
    ],
)
def test_missing_mandatory_part(path, field):
    root = package_tree()
    remove(root, path)
    err = read_error(root)
    assert err.as_dict() == {"code": "missing", "message": "Gói tin edXML thiếu thành phần bắt buộc.", "field": field}


def test_empty_mandatory_value_is_missing():
    root = package_tree()
    find(root, "Subject").text = "   "
    assert (read_error(root).code, read_error(root).field) == ("missing", "MessageHeader/Subject")


@pytest.mark.parametrize(
    ("element", "value", "field"),
    [
        ("PromulgationDate", "2015/13/01", "MessageHeader/PromulgationInfo/PromulgationDate"),
        ("PromulgationDate", "30/09/2015", "MessageHeader/PromulgationInfo/PromulgationDate"),
        ("PromulgationDate", "2015/02/30", "MessageHeader/PromulgationInfo/PromulgationDate"),
        ("DueDate", "tomorrow", "MessageHeader/DueDate"),
        ("Timestamp", "2015/09/30 25:00:00", "TraceHeaderList/TraceHeader/Timestamp"),
        ("Timestamp", "yesterday", "TraceHeaderList/TraceHeader/Timestamp"),
        ("Priority", "4", "MessageHeader/OtherInfo/Priority"),
        ("Priority", "-1", "MessageHeader/OtherInfo/Priority"),
        ("Priority", "high", "MessageHeader/OtherInfo/Priority"),
        ("Type", "1.5", "MessageHeader/DocumentType/Type"),
        ("PageAmount", "２", "MessageHeader/OtherInfo/PageAmount"),
        ("SteeringType", "9999999999", "MessageHeader/SteeringType"),
        ("BussinessDocType", "7", "Bussiness/BussinessDocType"),
        ("MessageHeader/DocumentId", "7816/VPCP-TTĐT", "MessageHeader/DocumentId"),
        ("ContentTransferEncoded", "***", "AttachmentEncoded/Attachment/ContentTransferEncoded"),
        ("Digest", "not base64!", "edXMLManifest/Reference/Digest"),
    ],
)
def test_invalid_value(element, value, field):
    root = package_tree()
    if "/" in element:
        parent, name = element.split("/")
        root.find(f".//{{{samples.NS}}}{parent}/{{{samples.NS}}}{name}").text = value
    else:
        find(root, element).text = value
    err = read_error(root)
    assert (err.code, err.field, err.message) == ("invalid", field, "Gói tin edXML có giá trị không hợp lệ.")


def test_unknown_digest_algorithm_is_invalid():
    root = package_tree()
    find(root, "Digest").set("Algorithm", "http://www.w3.org/2000/09/xmldsig#md5")
    assert (read_error(root).code, read_error(root).field) == ("invalid", "edXMLManifest/Reference/Digest")


def test_repeated_single_part_is_invalid():
    root = package_tree()
    subject = find(root, "Subject")
    subject.addnext(etree.fromstring(etree.tostring(subject)))
    assert (read_error(root).code, read_error(root).field) == ("invalid", "MessageHeader/Subject")


def test_manifest_reference_without_attachment():
    root = package_tree()
    remove(root, "AttachmentEncoded/Attachment")
    assert read_error(root).as_dict() == {
        "code": "attachment_missing",
        "message": "Tệp đính kèm và danh mục tệp đính kèm của gói tin không khớp nhau.",
        "field": "AttachmentEncoded/Attachment",
    }


def test_attachment_without_manifest_reference():
    root = package_tree()
    reference = find(root, "edXMLManifest")[0]
    reference.getparent().remove(reference)
    assert (read_error(root).code, read_error(root).field) == ("attachment_missing", "edXMLManifest/Reference")


def test_attachment_content_mismatch_without_signature():
    root = package_tree()
    find(root, "ContentTransferEncoded").text = "QUJD"
    assert read_error(root).code == "attachment_mismatch"


def test_header_and_status_together_are_invalid():
    root = package_tree()
    status = etree.fromstring(build_status(samples.status()))
    find(root, "edXMLHeader").append(find(status, "Status"))
    assert (read_error(root).code, read_error(root).field) == ("invalid", "edXMLHeader/Status")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (lambda p: setattr(p.header.other_info, "priority", 4), "invalid", "MessageHeader/OtherInfo/Priority"),
        (lambda p: setattr(p.header, "to", []), "missing", "MessageHeader/To"),
        (lambda p: setattr(p.header.from_, "organ_id", ""), "missing", "MessageHeader/From/OrganId"),
        (lambda p: setattr(p.header, "subject", "\x00"), "invalid", "MessageHeader/Subject"),
        (lambda p: setattr(p.header, "document_id", ""), "missing", "MessageHeader/DocumentId"),
        (
            lambda p: setattr(p.traces[0], "timestamp", dt.datetime(2020, 1, 1)),
            "invalid",
            "TraceHeaderList/TraceHeader/Timestamp",
        ),
        (lambda p: p.attachments.append(p.attachments[0]), "invalid", "edXMLManifest/Reference/@href"),
        (lambda p: p.extensions.append(Extension(location="Nowhere", xml="<x/>")), "invalid", "Nowhere"),
        (lambda p: p.extensions.append(Extension(location="MessageHeader", xml="<x>")), "invalid", "MessageHeader"),
    ],
)
def test_build_refuses_bad_models(change, code, field):
    pkg = samples.package()
    change(pkg)
    with pytest.raises(EdxmlError) as caught:
        build_package(pkg)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_build_status_refuses_unknown_code():
    status = samples.status()
    status.status_code = "99"
    with pytest.raises(EdxmlError) as caught:
        build_status(status)
    assert (caught.value.code, caught.value.field) == ("invalid", "Status/StatusCode")
    status.status_code = "06"
    assert read(build_status(status)).status.status_code is StatusCode.COMPLETED


def test_document_id():
    assert document_id("000.00.00.G22", dt.date(2015, 9, 30), "7816", "VPCP-TTĐT") == (
        "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    )
    assert split_document_id("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT") == (
        "000.00.00.G22",
        dt.date(2015, 9, 30),
        "7816/VPCP-TTĐT",
    )
    assert split_document_id("H37.12,2024-01-05,05/QĐ-UBND,bis") == ("H37.12", dt.date(2024, 1, 5), "05/QĐ-UBND,bis")


@pytest.mark.parametrize(
    "text", ["", "000.00.00.G22", "000.00.00.G22,2015/09/30", ",2015/09/30,1/A", "X,2015/9/30,1/A", "X,2015/09/31,1/A"]
)
def test_split_document_id_refuses(text):
    with pytest.raises(EdxmlError) as caught:
        split_document_id(text)
    assert caught.value.code == "invalid"


def test_unknown_error_code_is_a_programming_error():
    with pytest.raises(ValueError):
        EdxmlError("nope")
