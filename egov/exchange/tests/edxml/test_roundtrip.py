"""Property tests: any model the builder accepts reads back equal, signed or not."""

import datetime as dt
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egov.exchange.edxml import (
    Attachment,
    Business,
    BusinessDocType,
    Code,
    DocumentType,
    Extension,
    MessageHeader,
    Organ,
    OtherInfo,
    Package,
    PromulgationInfo,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusMessage,
    TraceHeader,
    build_package,
    build_status,
    document_id,
    read_message,
)

VIETNAMESE = "ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯỆỨ"
# XML 1.0 text without the characters parsers normalise away (CR) or that cannot appear at all (controls).
ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Zs"),
    exclude_characters="\r",
) | st.sampled_from(list(VIETNAMESE + "<>&\"'\n\t ;#/,"))


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


text = st.text(ALPHABET, max_size=40).map(_normal)
required = text.filter(bool)
ident = st.from_regex(r"[0-9A-Z]{1,3}(\.[0-9A-Z]{1,3}){0,3}", fullmatch=True)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
timestamps = st.datetimes(
    min_value=dt.datetime(1976, 1, 1),
    max_value=dt.datetime(2200, 1, 1),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=7)), dt.timezone(dt.timedelta(hours=-5))]),
).map(lambda value: value.replace(microsecond=0))
small = st.integers(min_value=0, max_value=10**6)

organs = st.builds(
    Organ,
    organ_id=ident,
    organization_in_charge=text,
    organ_name=text,
    organ_add=text,
    email=text,
    telephone=text,
    fax=text,
    website=text,
)
staff = st.builds(StaffInfo, department=text, staff=text, mobile=text, email=text)
response_for = st.builds(
    ResponseFor, organ_id=ident, code=text, promulgation_date=st.none() | dates, document_id=required
)
extension_xml = st.sampled_from(
    [
        '<edXML:Extra xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">1</edXML:Extra>',
        '<v:Note xmlns:v="urn:vendor" a="x &amp; y">Ghi chú &lt;b&gt;</v:Note>',
        "<Plain><Child/></Plain>",
    ]
)


@st.composite
def headers(draw):
    sender = draw(ident)
    day = draw(dates)
    number = draw(st.from_regex(r"[0-9]{1,5}", fullmatch=True))
    notation = draw(required.filter(lambda t: "\n" not in t))
    return MessageHeader(
        from_=Organ(organ_id=sender, organ_name=draw(text)),
        to=draw(st.lists(organs, min_size=1, max_size=3)),
        code=Code(code_number=number, code_notation=notation),
        promulgation_info=PromulgationInfo(place=draw(text), promulgation_date=day),
        document_type=DocumentType(type=draw(small), type_name=draw(text)),
        subject=draw(required),
        content=draw(st.text(ALPHABET, max_size=300).map(_normal)),
        signer_info=draw(st.builds(SignerInfo, competence=text, position=text, full_name=text)),
        due_date=draw(st.none() | dates),
        to_places=draw(st.lists(text, max_size=3)),
        other_info=draw(
            st.builds(
                OtherInfo,
                priority=st.integers(0, 3),
                sphere_of_promulgation=text,
                typer_notation=text,
                promulgation_amount=st.none() | small,
                page_amount=st.none() | small,
                appendixes=st.lists(text, max_size=2),
            )
        ),
        response_for=draw(st.lists(response_for, max_size=2)),
        steering_type=draw(st.none() | small),
        document_id=document_id(sender, day, number, notation),
    )


@st.composite
def packages(draw):
    count = draw(st.integers(0, 3))
    cids = draw(st.lists(st.uuids(), min_size=count, max_size=count, unique=True))
    attachments = [
        Attachment(
            content_id=str(cid),
            name=draw(required),
            content_type=draw(st.sampled_from(["application/pdf", "image/png", ""])),
            description=draw(text),
            data=draw(st.binary(max_size=300)),
        )
        for cid in cids
    ]
    locations = ["MessageHeader", "TraceHeaderList", "Bussiness", "edXMLHeader", "edXMLEnvelope"]
    locations += [f"Reference:{cid}" for cid in cids]
    extensions = draw(
        st.lists(st.builds(Extension, location=st.sampled_from(locations), xml=extension_xml), max_size=3)
    )
    # Extensions come back grouped by place, in document order.
    order = {
        "MessageHeader": 0,
        "TraceHeaderList": 1,
        "Bussiness": 2,
        **{f"Reference:{cid}": 3 + i for i, cid in enumerate(cids)},
        "edXMLHeader": 10,
        "edXMLEnvelope": 11,
    }
    extensions.sort(key=lambda e: order[e.location])
    business = draw(
        st.builds(
            Business,
            doc_type=st.sampled_from(BusinessDocType),
            reason=text,
            document_info=text,
            document_id=text,
            staff_info=staff,
            paper=st.integers(0, 5),
            replacements=st.lists(
                st.builds(ReplacementInfo, document_id=required, organ_ids=st.lists(ident, max_size=2)), max_size=2
            ),
        )
    )
    return Package(
        header=draw(headers()),
        traces=draw(st.lists(st.builds(TraceHeader, organ_id=ident, timestamp=timestamps), max_size=3)),
        business=business,
        attachments=attachments,
        extensions=extensions,
    )


statuses = st.builds(
    StatusMessage,
    response_for=response_for,
    from_=organs,
    status_code=st.sampled_from(StatusCode),
    description=text,
    timestamp=timestamps,
    staff_info=staff,
    extensions=st.lists(st.builds(Extension, location=st.just("Status"), xml=extension_xml), max_size=2),
)


def read(data):
    return read_message(data, trust=None, require_signature=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(packages())
def test_package_round_trip(package):
    message = read(build_package(package))
    assert message.package == package
    assert (message.sender_organ_id, message.recipient_organ_ids, message.document_id) == (
        package.header.from_.organ_id,
        [organ.organ_id for organ in package.header.to],
        package.header.document_id,
    )


@settings(max_examples=40, deadline=None)
@given(statuses)
def test_status_round_trip(status):
    assert read(build_status(status)).status == status


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(packages())
def test_signed_package_round_trip(keys, package):
    package.header.from_.organ_id = "000.00.00.G22"
    message = read_message(build_package(package, signer=keys.sender), trust=keys.trust)
    assert (message.package, message.signature_verified) == (package, True)
