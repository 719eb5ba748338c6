"""Number and symbol (số, ký hiệu): parsing and formatting per Decree 30/2020 Appendix I, Section II.3."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov.core.errors import ValidationFailed
from egov.documents.rules.notation import (
    NotationError,
    NumberSymbol,
    format_number,
    format_number_symbol,
    format_symbol,
    parse_number_symbol,
)
from egov.documents.rules.types import type_abbreviations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Số: 05/QĐ-UBND", NumberSymbol(5, "05", "QĐ-UBND", "QĐ", "UBND", None)),
        ("05/QĐ-UBND", NumberSymbol(5, "05", "QĐ-UBND", "QĐ", "UBND", None)),
        ("12/UBND-VP", NumberSymbol(12, "12", "UBND-VP", None, "UBND", "VP")),
        ("2508/QĐ-UBND", NumberSymbol(2508, "2508", "QĐ-UBND", "QĐ", "UBND", None)),
        ("17/NQ-CP", NumberSymbol(17, "17", "NQ-CP", "NQ", "CP", None)),
        ("01/2019/TT-BTTTT", NumberSymbol(1, "01", "TT-BTTTT", "TT", "BTTTT", None, 2019)),
        ("123/TTg-KGVX", NumberSymbol(123, "123", "TTg-KGVX", None, "TTg", "KGVX")),
        ("7816/VPCP-TTĐT", NumberSymbol(7816, "7816", "VPCP-TTĐT", None, "VPCP", "TTĐT")),
        ("15/QyĐ-BNV", NumberSymbol(15, "15", "QyĐ-BNV", "QyĐ", "BNV", None)),
        ("03/TrS-UBND", NumberSymbol(3, "03", "TrS-UBND", "TrS", "UBND", None)),
        ("02/2024/TTLT-BTC-BTP", NumberSymbol(2, "02", "TTLT-BTC-BTP", "TTLT", "BTC-BTP", None, 2024)),
        ("45/KH-UBND-VX", NumberSymbol(45, "45", "KH-UBND-VX", "KH", "UBND", "VX")),
        ("64/2025/QH15", NumberSymbol(64, "64", "QH15", None, "QH15", None, 2025)),
        ("  Số:05/QĐ-UBND ", NumberSymbol(5, "05", "QĐ-UBND", "QĐ", "UBND", None)),
        ("SỐ: 05/QĐ-UBND", NumberSymbol(5, "05", "QĐ-UBND", "QĐ", "UBND", None)),
        # Not zero-padded: parsed as written; the format check reports the padding.
        ("5/QĐ-UBND", NumberSymbol(5, "5", "QĐ-UBND", "QĐ", "UBND", None)),
    ],
)
def test_parses_the_forms_in_use(text, expected):
    assert parse_number_symbol(text) == expected


def test_decomposed_text_is_normalised():
    decomposed = "07/UBND-SO\u031b\u0309"  # «SỞ» typed as O + horn + hook above
    assert parse_number_symbol(decomposed).unit_abbreviation == "SỞ"
    assert parse_number_symbol(decomposed).symbol == "UBND-SỞ"


def test_type_hint_settles_symbols_that_read_both_ways():
    # Cục Thuế (CT) writes công văn «…/CT-TTHT»; without the type, CT reads as Chỉ thị.
    assert parse_number_symbol("05/CT-TTHT") == NumberSymbol(5, "05", "CT-TTHT", "CT", "TTHT", None)
    assert parse_number_symbol("05/CT-TTHT", type_code="cong_van") == NumberSymbol(
        5, "05", "CT-TTHT", None, "CT", "TTHT"
    )
    assert parse_number_symbol("05/CT-UBND", type_code="chi_thi").type_abbreviation == "CT"
    # A Quyết định numbered with another type's abbreviation still shows that abbreviation.
    assert parse_number_symbol("05/CT-UBND", type_code="quyet_dinh").type_abbreviation == "CT"
    # A Quyết định numbered like a công văn: no type abbreviation.
    assert parse_number_symbol("05/UBND-VP", type_code="quyet_dinh") == NumberSymbol(
        5, "05", "UBND-VP", None, "UBND", "VP"
    )
    assert parse_number_symbol("05/QĐ-UBND", type_code="khong_co").type_abbreviation == "QĐ"


@pytest.mark.parametrize(
    ("text", "reason", "message"),
    [
        ("", "empty", "Số, ký hiệu văn bản còn trống."),
        ("   ", "empty", "Số, ký hiệu văn bản còn trống."),
        (
            "05 /QĐ-UBND",
            "spaces",
            "Số, ký hiệu «05 /QĐ-UBND» có dấu cách; các thành phần được viết liền, không cách chữ.",
        ),
        (
            "05/QĐ - UBND",
            "spaces",
            "Số, ký hiệu «05/QĐ - UBND» có dấu cách; các thành phần được viết liền, không cách chữ.",
        ),
        ("Số 05/QĐ-UBND", "prefix", "Sau chữ «Số» phải có dấu hai chấm: «Số 05/QĐ-UBND»."),
        ("05QĐ-UBND", "missing_slash", "Số, ký hiệu «05QĐ-UBND» thiếu dấu gạch chéo (/) giữa số và ký hiệu."),
        ("05/2019/1/QĐ-UBND", "too_many_slashes", "Số, ký hiệu «05/2019/1/QĐ-UBND» có quá nhiều dấu gạch chéo (/)."),
        ("/QĐ-UBND", "missing_number", "Số, ký hiệu «/QĐ-UBND» thiếu số văn bản."),
        ("a5/QĐ-UBND", "bad_number", "Số văn bản «a5» phải được ghi bằng chữ số Ả Rập."),
        ("V/QĐ-UBND", "bad_number", "Số văn bản «V» phải được ghi bằng chữ số Ả Rập."),
        ("٥/QĐ-UBND", "bad_number", "Số văn bản «٥» phải được ghi bằng chữ số Ả Rập."),
        ("00/QĐ-UBND", "zero_number", "Số văn bản «00» không hợp lệ: số được đánh từ 01."),
        ("05/19/TT-BTTTT", "bad_year", "Năm ban hành «19» trong số, ký hiệu «05/19/TT-BTTTT» phải gồm 4 chữ số."),
        ("05/", "missing_symbol", "Số, ký hiệu «05/» thiếu ký hiệu sau số."),
        ("05/qđ-ubnd", "lowercase", "Ký hiệu «qđ-ubnd» phải viết bằng chữ in hoa (nhóm «qđ»)."),
        ("05/QĐ-ubnd", "lowercase", "Ký hiệu «QĐ-ubnd» phải viết bằng chữ in hoa (nhóm «ubnd»)."),
        ("05/QĐ-Ubnd", "lowercase", "Ký hiệu «QĐ-Ubnd» phải viết bằng chữ in hoa (nhóm «Ubnd»)."),
        ("05/QĐ-1UBND", "digit_first", "Nhóm «1UBND» trong ký hiệu «QĐ-1UBND» phải bắt đầu bằng chữ cái in hoa."),
        (
            "05/QĐ--UBND",
            "empty_group",
            "Ký hiệu «QĐ--UBND» có nhóm chữ viết tắt rỗng (hai dấu gạch nối liền nhau hoặc ở đầu, cuối).",
        ),
        (
            "05/QĐ-UBND-",
            "empty_group",
            "Ký hiệu «QĐ-UBND-» có nhóm chữ viết tắt rỗng (hai dấu gạch nối liền nhau hoặc ở đầu, cuối).",
        ),
        (
            "05/QĐ_UBND",
            "bad_character",
            "Ký hiệu «QĐ_UBND» có ký tự không hợp lệ «_»; chỉ dùng chữ cái, chữ số và dấu gạch nối.",
        ),
        (
            "05/QĐ.UBND",
            "bad_character",
            "Ký hiệu «QĐ.UBND» có ký tự không hợp lệ «.»; chỉ dùng chữ cái, chữ số và dấu gạch nối.",
        ),
        ("05/QĐ–UBND", "lookalike", "Số, ký hiệu «05/QĐ–UBND» dùng ký tự «–» thay cho «-»."),
        ("05/Q\u00d0-UBND", "lookalike", "Số, ký hiệu «05/QÐ-UBND» dùng ký tự «Ð» thay cho «Đ»."),
        (
            "05/QĐ",
            "missing_issuer",
            "Ký hiệu «QĐ» thiếu chữ viết tắt tên cơ quan, tổ chức ban hành sau «QĐ».",
        ),
    ],
)
def test_refuses_bad_input_with_a_clear_reason(text, reason, message):
    with pytest.raises(NotationError) as caught:
        parse_number_symbol(text)
    assert caught.value.reason == reason
    assert caught.value.message == message
    assert caught.value.errors == {"number_symbol": [message]}
    assert caught.value.field == "number_symbol"


def test_notation_error_is_a_validation_failure():
    with pytest.raises(ValidationFailed) as caught:
        parse_number_symbol("05 QĐ")
    assert caught.value.status == 422
    assert caught.value.as_dict()["errors"] == [{"field": "number_symbol", "message": caught.value.message}]


@pytest.mark.parametrize(("number", "text"), [(1, "01"), (5, "05"), (9, "09"), (10, "10"), (99, "99"), (2508, "2508")])
def test_format_number_pads_below_ten(number, text):
    assert format_number(number) == text


@pytest.mark.parametrize("bad", [0, -1, True, 1.0, "5", None])
def test_format_number_refuses_non_positive_integers(bad):
    with pytest.raises(ValueError):
        format_number(bad)


def test_format_symbol_and_number_symbol():
    assert format_symbol(type_abbreviation="QĐ", issuer_abbreviation="UBND") == "QĐ-UBND"
    assert format_symbol(issuer_abbreviation="UBND", unit_abbreviation="VP") == "UBND-VP"
    assert format_number_symbol(5, type_abbreviation="QĐ", issuer_abbreviation="UBND") == "05/QĐ-UBND"
    assert format_number_symbol(5, type_abbreviation="QĐ", issuer_abbreviation="UBND", prefix=True) == "Số: 05/QĐ-UBND"
    assert format_number_symbol(12, issuer_abbreviation="UBND", unit_abbreviation="VP") == "12/UBND-VP"
    assert format_number_symbol(1, type_abbreviation="TT", issuer_abbreviation="BTTTT", year=2019) == "01/2019/TT-BTTTT"
    assert str(parse_number_symbol("Số: 01/2019/TT-BTTTT")) == "01/2019/TT-BTTTT"


def test_format_refuses_what_parse_would_refuse():
    with pytest.raises(NotationError) as caught:
        format_symbol(type_abbreviation="QĐ", issuer_abbreviation="")
    assert caught.value.reason == "missing_issuer"
    with pytest.raises(NotationError) as caught:
        format_symbol(type_abbreviation="QĐ", issuer_abbreviation="ubnd")
    assert caught.value.reason == "lowercase"
    with pytest.raises(NotationError) as caught:
        format_symbol(issuer_abbreviation="UBND", unit_abbreviation="V P")
    assert caught.value.reason == "bad_character"
    with pytest.raises(ValueError):
        format_number_symbol(1, type_abbreviation="TT", issuer_abbreviation="BTTTT", year=19)


CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZĐÂĂÊÔƠƯ"
TYPE_ABBREVIATIONS = sorted(type_abbreviations(dt.date(2025, 6, 1)))

group = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(CAPITALS),
    st.text(alphabet=CAPITALS + "0123456789", max_size=7),
)
issuer_not_a_type = group.filter(lambda g: g not in TYPE_ABBREVIATIONS)
numbers = st.integers(min_value=1, max_value=999_999)


@given(number=numbers, type_abbreviation=st.sampled_from(TYPE_ABBREVIATIONS), issuer=group, prefix=st.booleans())
def test_typed_round_trip(number, type_abbreviation, issuer, prefix):
    text = format_number_symbol(number, type_abbreviation=type_abbreviation, issuer_abbreviation=issuer, prefix=prefix)
    parsed = parse_number_symbol(text)
    assert (parsed.number, parsed.type_abbreviation, parsed.issuer_abbreviation, parsed.unit_abbreviation) == (
        number,
        type_abbreviation,
        issuer,
        None,
    )
    assert parsed.number_text == format_number(number)
    assert str(parsed) == text.removeprefix("Số: ")


@given(number=numbers, issuer=issuer_not_a_type, unit=st.one_of(st.none(), group))
def test_cong_van_round_trip(number, issuer, unit):
    text = format_number_symbol(number, issuer_abbreviation=issuer, unit_abbreviation=unit)
    expected = (number, None, issuer, unit)
    parsed = parse_number_symbol(text)
    assert (parsed.number, parsed.type_abbreviation, parsed.issuer_abbreviation, parsed.unit_abbreviation) == expected
    hinted = parse_number_symbol(text, type_code="cong_van")
    assert (hinted.number, hinted.type_abbreviation, hinted.issuer_abbreviation, hinted.unit_abbreviation) == expected


@given(
    number=numbers,
    year=st.integers(min_value=1000, max_value=9999),
    type_abbreviation=st.sampled_from(sorted({"NQ", "QĐ", "TT", "NĐ"})),
    issuer=group,
    unit=st.one_of(st.none(), group),
)
def test_legal_normative_round_trip(number, year, type_abbreviation, issuer, unit):
    text = format_number_symbol(
        number, type_abbreviation=type_abbreviation, issuer_abbreviation=issuer, unit_abbreviation=unit, year=year
    )
    parsed = parse_number_symbol(text)
    assert (parsed.number, parsed.year, parsed.type_abbreviation, parsed.issuer_abbreviation) == (
        number,
        year,
        type_abbreviation,
        issuer,
    )
    assert parsed.unit_abbreviation == unit


@given(number=numbers, issuers=st.lists(group, min_size=2, max_size=3))
def test_joint_round_trip(number, issuers):
    text = format_number_symbol(number, type_abbreviation="TTLT", issuer_abbreviation="-".join(issuers), year=2024)
    parsed = parse_number_symbol(text)
    assert (parsed.type_abbreviation, parsed.issuer_abbreviation, parsed.unit_abbreviation) == (
        "TTLT",
        "-".join(issuers),
        None,
    )


@given(text=st.text(max_size=40))
def test_parse_never_fails_unexpectedly(text):
    try:
        parsed = parse_number_symbol(text)
    except NotationError as exc:
        assert exc.message
    else:
        assert parsed.number >= 1
        assert parsed.issuer_abbreviation
