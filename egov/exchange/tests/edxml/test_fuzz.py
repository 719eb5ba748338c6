"""Bounded fuzzing: whatever the bytes, the reader answers with EdxmlError or a message, never anything else."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egov.exchange.edxml import EdxmlError, Limits, build_package, build_status, peek, read_message

from . import samples

LIMITS = Limits(max_bytes=200_000, max_elements=2_000)
SEEDS = [build_package(samples.package(attachments=2)), build_status(samples.status())]
SNIPPETS = [
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"<!DOCTYPE x>",
    b"<![CDATA[x]]>",
    b"<?pi x?>",
    b'xmlns:edXML="urn:x"',
    b"</edXML:edXMLEnvelope>",
    b"<edXML:To><edXML:OrganId/></edXML:To>",
    b"\x00",
    b"\xff",
    "Đ".encode(),
    b"====",
    b"2015/02/30",
    b"-1",
]


@st.composite
def mutated(draw, signed: bytes | None = None):
    data = bytearray(signed or draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "flip", "snippet"]))
        if action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 64))]
        elif action == "flip" and position < len(data):
            data[position] ^= 1 << draw(st.integers(0, 7))
        else:
            data[position:position] = draw(st.sampled_from(SNIPPETS))
    return bytes(data)


def exercise(data: bytes, trust=None) -> None:
    for call in (
        lambda: read_message(data, trust=trust, limits=LIMITS, require_signature=trust is not None),
        lambda: peek(data, limits=LIMITS),
    ):
        try:
            call()
        except EdxmlError as exc:
            assert exc.code and exc.message


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_packages(data):
    exercise(data)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=2_000))
def test_random_bytes(data):
    exercise(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_signed_packages(keys, data):
    signed = build_package(samples.package(), signer=keys.sender)
    exercise(data.draw(mutated(signed)), trust=keys.trust)
