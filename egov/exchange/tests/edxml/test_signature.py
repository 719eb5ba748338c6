"""Signing and verification: what a hub and a receiving node accept, and every way a signature can be wrong."""

import base64

import pytest
from lxml import etree

from egov.exchange.edxml import EdxmlError, TrustStore, build_package, build_status, read_message

from . import samples
from .samples import find, to_bytes

DS = "{http://www.w3.org/2000/09/xmldsig#}"


def error(data: bytes, trust, **kwargs) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        read_message(data, trust=trust, **kwargs)
    return caught.value


def test_signed_package_verifies_and_reads_back(keys):
    pkg = samples.package(attachments=2)
    data = build_package(pkg, signer=keys.sender)
    message = read_message(data, trust=keys.trust)
    assert (message.kind, message.signature_verified, message.package) == ("edoc", True, pkg)
    assert message.signer_certificate == keys.sender.certificate
    assert (message.sender_organ_id, message.recipient_organ_ids) == (samples.SENDER, [samples.RECIPIENT])


def test_signature_sits_in_the_header_and_covers_the_envelope_by_id(keys):
    root = etree.fromstring(build_package(samples.package(), signer=keys.sender))
    signature = root.find(f".//{DS}Signature")
    assert signature.getparent().tag == "{http://www.mic.gov.vn/TBT/QCVN_102_2016}edXMLHeader"
    assert [r.get("URI") for r in signature.iter(f"{DS}Reference")] == ["#edXMLEnvelope"]
    assert signature.find(f"{DS}SignedInfo/{DS}SignatureMethod").get("Algorithm") == (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    )
    certs = [c.text for c in signature.iter(f"{DS}X509Certificate")]
    assert len(certs) == 2  # the organisation's certificate and its CA; the root is left out


def test_signed_status_verifies(keys):
    status = samples.status()
    message = read_message(build_status(status, signer=keys.recipient), trust=keys.trust)
    assert (message.kind, message.status, message.signature_verified) == ("status", status, True)
    assert message.document_id == samples.DOC_ID


def test_trusting_only_the_intermediate_ca_is_enough(keys):
    data = build_package(samples.package(), signer=keys.sender)
    assert read_message(data, trust=keys.trust_intermediate).signature_verified is True


def test_unsigned_package_is_refused_when_a_signature_is_required(keys):
    data = build_package(samples.package())
    assert error(data, keys.trust).as_dict() == {
        "code": "signature_missing",
        "message": "Gói tin chưa được ký số.",
        "field": None,
    }
    assert error(data, None).code == "signature_missing"
    assert read_message(data, trust=keys.trust, require_signature=False).signature_verified is False


def test_tampered_header_does_not_verify(keys):
    data = build_package(samples.package(), signer=keys.sender)
    tampered = data.replace("triển khai".encode(), "hủy bỏ".encode())
    assert tampered != data
    assert error(tampered, keys.trust).code == "signature_invalid"
    # Without a trust store the signature is still checked when one is required.
    assert error(tampered, None).code == "signature_invalid"


def test_tools_can_read_a_tampered_package_without_checking(keys):
    data = build_package(samples.package(), signer=keys.sender)
    tampered = data.replace("triển khai".encode(), "hủy bỏ".encode())
    message = read_message(tampered, trust=None, require_signature=False)
    assert (message.signature_verified, message.signer_certificate) == (False, keys.sender.certificate)


def test_tampered_attachment_does_not_match_its_signed_digest(keys):
    pkg = samples.package()
    data = build_package(pkg, signer=keys.sender)
    good = base64.b64encode(pkg.attachments[0].data)
    bad = base64.b64encode(pkg.attachments[0].data[:-1] + b"X")
    assert error(data.replace(good, bad), keys.trust).as_dict() == {
        "code": "attachment_mismatch",
        "message": "Nội dung tệp đính kèm không khớp với mã băm trong danh mục.",
        "field": "edXMLManifest/Reference/Digest",
    }


def test_attachment_outside_signature_and_without_digest_fails(keys):
    root = etree.fromstring(build_package(samples.package(), signer=keys.sender))
    # An attacker adds an attachment to the (unsigned) AttachmentEncoded and cannot add it to the signed manifest,
    # so the manifest mismatch catches it; removing a digest breaks the signature instead.
    digest = find(root, "Digest")
    digest.getparent().remove(digest)
    assert error(to_bytes(root), keys.trust).code == "signature_invalid"
    assert error(to_bytes(root), keys.trust).detail == (
        "an attachment is covered neither by the signature nor a digest"
    )


def test_extra_attachment_outside_manifest_is_refused(keys):
    root = etree.fromstring(build_package(samples.package(), signer=keys.sender))
    encoded = find(root, "AttachmentEncoded")
    extra = etree.fromstring(etree.tostring(encoded[0]))
    extra.find("ContentId").text = "11111111-2222-4333-8444-555555555555"
    encoded.append(extra)
    assert error(to_bytes(root), keys.trust).as_dict()["code"] == "attachment_missing"


def test_certificate_from_untrusted_ca(keys):
    data = build_package(samples.package(), signer=keys.rogue)
    assert error(data, keys.trust).code == "untrusted"
    # The same package verifies for whoever trusts that CA.
    rogue_trust = TrustStore([c for c in keys.rogue.chain if c.issuer == c.subject])
    assert read_message(data, trust=rogue_trust).signature_verified is True


def test_expired_certificate_is_untrusted(keys):
    data = build_package(samples.package(), signer=keys.expired)
    assert error(data, keys.trust).code == "untrusted"


def test_signer_organisation_must_be_the_sender(keys):
    data = build_package(samples.package(), signer=keys.recipient)
    assert error(data, keys.trust).as_dict() == {
        "code": "signer_mismatch",
        "message": "Chứng thư số ký gói tin không thuộc cơ quan gửi.",
        "field": None,
    }
    status = build_status(samples.status(), signer=keys.sender)
    assert error(status, keys.trust).code == "signer_mismatch"


def test_revocation_hook_can_refuse_a_chain(keys):
    seen = []

    def revoked(chain, moment):
        seen.append([c.subject.rfc4514_string() for c in chain])
        raise EdxmlError("untrusted", detail="revoked")

    trust = TrustStore(list(keys.trust.certificates), revocation_check=revoked)
    data = build_package(samples.package(), signer=keys.sender)
    assert error(data, trust).code == "untrusted"
    assert len(seen[0]) == 3


def test_reference_to_another_element_does_not_cover_the_envelope(keys):
    root = etree.fromstring(build_package(samples.package(), signer=keys.sender))
    root.find(f".//{DS}Reference").set("URI", "#other")
    find(root, "Subject").set("Id", "other")
    assert error(to_bytes(root), keys.trust).detail == "the signature does not cover the envelope"


def test_duplicate_id_is_refused(keys):
    # Signature wrapping: a second element with the signed Id next to a forged envelope.
    root = etree.fromstring(build_package(samples.package(), signer=keys.sender))
    copy = etree.fromstring(etree.tostring(find(root, "edXMLEnvelope")))
    copied_signature = copy.find(f".//{DS}Signature")
    copied_signature.getparent().remove(copied_signature)
    wrapper = etree.SubElement(root, "Wrapper")
    wrapper.append(copy)
    err = error(to_bytes(root), keys.trust)
    assert (err.code, err.detail) == ("signature_invalid", "reference #edXMLEnvelope matches 2 elements")


def test_two_signatures_are_refused(keys):
    root = etree.fromstring(build_package(samples.package(), signer=keys.sender))
    signature = root.find(f".//{DS}Signature")
    signature.getparent().append(etree.fromstring(etree.tostring(signature)))
    assert error(to_bytes(root), keys.trust).code == "signature_invalid"


def test_garbage_certificate_is_signature_invalid(keys):
    root = etree.fromstring(build_package(samples.package(), signer=keys.sender))
    root.find(f".//{DS}X509Certificate").text = "bm90IGEgY2VydA=="
    assert error(to_bytes(root), keys.trust).code == "signature_invalid"


def test_sha1_signatures_are_refused(keys):
    root = etree.fromstring(build_package(samples.package(), signer=keys.sender))
    root.find(f".//{DS}SignatureMethod").set("Algorithm", "http://www.w3.org/2000/09/xmldsig#rsa-sha1")
    assert error(to_bytes(root), keys.trust).code == "signature_invalid"


def test_signer_from_pkcs12(keys, tmp_path):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    path = tmp_path / "org.p12"
    signer = keys.sender
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"org", signer.private_key, signer.certificate, signer.chain, BestAvailableEncryption("mật khẩu".encode())
        )
    )
    loaded = type(signer).from_pkcs12(path, "mật khẩu")
    assert (loaded.certificate, loaded.chain) == (signer.certificate, signer.chain)
    assert read_message(build_package(samples.package(), signer=loaded), trust=keys.trust).signature_verified


def test_trust_store_from_pem_files(keys, tmp_path):
    path = tmp_path / "roots.pem"
    from cryptography.hazmat.primitives.serialization import Encoding

    path.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in keys.trust.certificates))
    trust = TrustStore.from_pem_files([path])
    assert trust.certificates == keys.trust.certificates
