"""Packages in the shapes other implementations write: read them, keep what we do not know, write it back."""

import datetime as dt

import pytest
from lxml import etree
from signxml import CanonicalizationMethod, XMLSigner

from egov.exchange.edxml import (
    BusinessDocType,
    EdxmlError,
    Extension,
    StaffInfo,
    StatusCode,
    build_package,
    build_status,
    peek,
    read_message,
)

from .samples import FIXTURES, VN, find, to_bytes

EXT_NS = 'xmlns:ext="urn:example:vendor"'


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def unsigned(data: bytes):
    return read_message(data, trust=None, require_signature=False)


def test_pretty_printed_other_prefix_crlf_is_read_exactly():
    data = fixture("edoc-pretty-ns2.xml")
    assert b"\r\n" in data
    message = unsigned(data)
    pkg = message.package
    assert (message.kind, message.sender_organ_id, message.recipient_organ_ids, message.document_id) == (
        "edoc",
        "000.00.00.G22",
        ["000.00.00.H41", "000.00.00.H40"],
        "000.00.00.G22,2024/12/05,1234/VPCP-TH",
    )
    header = pkg.header
    assert header.subject == "Về việc báo cáo tình hình thực hiện nhiệm vụ năm 2024"
    assert header.from_.organ_add == "16 Lê Hồng Phong, Ba Đình, Hà Nội"
    assert header.from_.fax == ""
    assert (header.code.code_number, header.code.code_notation) == ("1234", "VPCP-TH")
    assert header.promulgation_info.promulgation_date == dt.date(2024, 12, 5)
    assert header.due_date == dt.date(2024, 12, 20)
    assert header.to_places == ["Như trên", "Lưu: VT, TH"]
    assert header.other_info.priority == 1
    assert header.other_info.appendixes == ["Phụ lục I"]
    assert (header.other_info.promulgation_amount, header.other_info.page_amount) == (5, 2)
    assert header.steering_type == 0
    assert header.signer_info.full_name == "Nguyễn Văn A"
    assert pkg.traces[0].organ_id == "000.00.00.G22"
    assert pkg.traces[0].timestamp == dt.datetime(2024, 12, 5, 14, 30, tzinfo=VN)
    assert pkg.traces[0].timestamp.utcoffset() == dt.timedelta(hours=7)
    assert pkg.business.doc_type is BusinessDocType.NEW
    assert pkg.business.paper == 1
    assert pkg.business.staff_info == StaffInfo(
        department="Vụ Tổng hợp", staff="Lê Thị C", mobile="0987654321", email="lethic@chinhphu.vn"
    )
    assert [(a.content_id, a.name, a.content_type, a.description, a.data) for a in pkg.attachments] == [
        (
            "0b4ec9a2-2b4c-4d1e-9a63-4cbb0f6a0001",
            "1234-VPCP-TH.pdf",
            "application/pdf",
            "Văn bản chính",
            b"%PDF-1.4\n% van ban mau\n",
        ),
        ("0b4ec9a2-2b4c-4d1e-9a63-4cbb0f6a0002", "phu-luc.txt", "text/plain", "Phụ lục", b"Phu luc mau\n"),
    ]
    ns2 = 'xmlns:ns2="http://www.mic.gov.vn/TBT/QCVN_102_2016"'
    assert pkg.extensions == [
        Extension(location="MessageHeader", xml=f"<ns2:ConfidentialLevel {ns2}>0</ns2:ConfidentialLevel>"),
        Extension(location="Bussiness", xml=f"<ext:Workflow {EXT_NS}>fast</ext:Workflow>"),
        Extension(location="Reference:0b4ec9a2-2b4c-4d1e-9a63-4cbb0f6a0001", xml=f"<ext:Pages {EXT_NS}>2</ext:Pages>"),
        Extension(location="edXMLEnvelope", xml=f'<ext:Routing {EXT_NS} priority="high">via-hub</ext:Routing>'),
    ]


def test_unknown_elements_are_written_back_in_place():
    pkg = unsigned(fixture("edoc-pretty-ns2.xml")).package
    data = build_package(pkg)
    root = etree.fromstring(data)
    assert find(root, "ConfidentialLevel").getparent().tag.endswith("}MessageHeader")
    assert find(root, "Workflow").getparent().tag.endswith("}Bussiness")
    assert find(root, "Pages").getparent().get("{http://www.w3.org/1999/xlink}href") == (
        "cid:0b4ec9a2-2b4c-4d1e-9a63-4cbb0f6a0001"
    )
    assert find(root, "Routing").getparent().tag.endswith("}edXMLEnvelope")
    again = unsigned(data).package
    # Our namespace is written with our prefix; everything else is unchanged.
    assert again.extensions[0] == Extension(
        location="MessageHeader",
        xml='<edXML:ConfidentialLevel xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">0</edXML:ConfidentialLevel>',
    )
    assert again.extensions[1:] == pkg.extensions[1:]
    again.extensions[0] = pkg.extensions[0]
    assert again == pkg


def test_default_namespace_and_empty_optionals():
    message = unsigned(fixture("edoc-minimal-default-ns.xml"))
    header = message.package.header
    assert (header.from_.organ_id, [t.organ_id for t in header.to]) == ("H41.01", ["H41.02"])
    assert header.promulgation_info.promulgation_date == dt.date(2025, 1, 2)
    assert (header.promulgation_info.place, header.document_type.type, header.document_type.type_name) == ("", 2, "")
    assert (header.due_date, header.to_places, header.steering_type) == (None, [], None)
    assert (header.other_info.priority, header.other_info.page_amount, header.other_info.promulgation_amount) == (
        0,
        None,
        None,
    )
    assert (message.package.traces, message.package.attachments, message.package.extensions) == ([], [], [])
    assert message.package.business.doc_type is BusinessDocType.NEW


def status_fixture(code: str) -> bytes:
    return fixture("status.xml").replace(b"STATUS_CODE", code.encode())


@pytest.mark.parametrize("code", list(StatusCode))
def test_status_message_of_each_code(code):
    message = unsigned(status_fixture(code.value))
    status = message.status
    assert (message.kind, message.package, status.status_code) == ("status", None, code)
    assert (message.sender_organ_id, message.recipient_organ_ids, message.document_id) == (
        "000.00.00.H41",
        ["000.00.00.G22"],
        "000.00.00.G22,2024/12/05,1234/VPCP-TH",
    )
    assert status.response_for.promulgation_date == dt.date(2024, 12, 5)
    assert status.timestamp == dt.datetime(2024, 12, 5, 16, 5, 9, tzinfo=VN)
    assert status.staff_info == StaffInfo(department="Văn phòng UBND tỉnh", staff="Phạm Văn D")
    assert status.extensions == [
        Extension(
            location="Status",
            xml='<edXML:ReceiverDocumentNumber xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">88'
            "</edXML:ReceiverDocumentNumber>",
        )
    ]
    assert unsigned(build_status(status)).status == status
    assert peek(status_fixture(code.value)) == (
        "status",
        "000.00.00.H41",
        ["000.00.00.G22"],
        "000.00.00.G22,2024/12/05,1234/VPCP-TH",
    )


def test_status_code_without_leading_zero_is_read():
    assert unsigned(status_fixture("3")).status.status_code is StatusCode.RECEIVED


@pytest.mark.parametrize("code", ["00", "07", "99", "ab", "013"])
def test_unknown_status_code_is_invalid(code):
    with pytest.raises(EdxmlError) as caught:
        unsigned(status_fixture(code))
    assert (caught.value.code, caught.value.field) == ("invalid", "Status/StatusCode")


def sign_whole_document(data: bytes, signer, *, c14n=CanonicalizationMethod.CANONICAL_XML_1_0) -> bytes:
    """Sign the way other implementations do: Reference URI="" over the whole document, inclusive c14n."""
    root = etree.fromstring(data)
    header = find(root, "edXMLHeader")
    etree.SubElement(header, "{http://www.w3.org/2000/09/xmldsig#}Signature", Id="placeholder")
    signed = XMLSigner(c14n_algorithm=c14n).sign(root, key=signer.private_key, cert=[signer.certificate, *signer.chain])
    return to_bytes(signed)


@pytest.mark.parametrize(
    "c14n", [CanonicalizationMethod.CANONICAL_XML_1_0, CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0]
)
def test_whole_document_signature_is_accepted(keys, c14n):
    data = sign_whole_document(fixture("edoc-pretty-ns2.xml"), keys.sender, c14n=c14n)
    message = read_message(data, trust=keys.trust)
    assert message.signature_verified is True
    assert message.signer_certificate == keys.sender.certificate
    assert message.package == unsigned(fixture("edoc-pretty-ns2.xml")).package


def test_whole_document_signature_covers_attachments_without_digest(keys):
    root = etree.fromstring(fixture("edoc-pretty-ns2.xml"))
    for digest in [el for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith("}Digest")]:
        digest.getparent().remove(digest)
    data = sign_whole_document(to_bytes(root), keys.sender)
    assert read_message(data, trust=keys.trust).signature_verified is True
    tampered = data.replace(b"UGh1IGx1YyBtYXUK", b"UGh1IGx1YyBtYXVL")
    with pytest.raises(EdxmlError) as caught:
        read_message(tampered, trust=keys.trust)
    assert caught.value.code == "signature_invalid"


def test_signed_status_from_another_implementation(keys):
    data = sign_whole_document(status_fixture("01"), keys.recipient)
    message = read_message(data, trust=keys.trust)
    assert (message.signature_verified, message.status.status_code) == (True, StatusCode.ARRIVED)
