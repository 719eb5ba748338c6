import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov.organisations.identifiers import CodeStyle, InvalidCode, code_style, level_one_group, normalise_code


@pytest.mark.parametrize(
    ("code", "style"),
    [
        ("000.00.00.G22", CodeStyle.QCVN102),
        ("000.00.00.H41", CodeStyle.QCVN102),
        ("000.01.12.H40", CodeStyle.QCVN102),
        ("H37", CodeStyle.QD20),
        ("H37.01.002", CodeStyle.QD20),
        ("G22.A1.B2C", CodeStyle.QD20),
        ("Z01.0101234567", CodeStyle.QD20),
    ],
)
def test_valid_codes_and_their_style(code, style):
    assert code_style(code) == style


@pytest.mark.parametrize(
    "code",
    [
        "",
        "000.00.00.g22",
        "000.00.00.G2",
        "00.00.00.G22",
        "000.00.00.22G",
        "000-00-00-G22",
        "H37..01",
        "H37.",
        ".H37",
        "Z37.xx",
        "ZZ1.01",
        "H3",
        "1H3.00",
        "H37.01 02",
        "Đ37.01",
        "H37.01.002" + ".9" * 20,
        "Z01." + "A" * 33,
    ],
)
def test_invalid_codes_are_refused(code):
    with pytest.raises(InvalidCode):
        code_style(code)


def test_level_one_group_is_on_opposite_ends_in_the_two_styles():
    assert level_one_group("000.00.12.H40") == "H40"
    assert level_one_group("H40.12.000") == "H40"


def test_normalise_trims_and_uppercases():
    assert normalise_code("  000.00.00.h22 ") == "000.00.00.H22"


@given(
    st.from_regex(r"\A\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}\Z"),
)
def test_every_qcvn102_shaped_code_is_accepted(code):
    assert code_style(code) == CodeStyle.QCVN102
    assert len(code) == 13


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.", min_size=36, max_size=60))
def test_codes_longer_than_35_characters_are_refused(code):
    with pytest.raises(InvalidCode):
        code_style(code)


@given(st.text(min_size=1, max_size=35))
def test_any_accepted_code_uses_only_the_legal_alphabet(code):
    try:
        code_style(code)
    except InvalidCode:
        return
    assert set(code) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.")
