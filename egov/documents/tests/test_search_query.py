"""Parsing the search box and the filters: words, phrases, folding, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov.core.errors import ValidationFailed
from egov.core.text import fold
from egov.documents.search.backends import fts_expression
from egov.documents.search.query import SearchFilters, Term, parse_filters, parse_query, words


def test_words_are_lower_case_nfc_letters_and_digits():
    decomposed = "Quye\u0302\u0301t đi\u0323nh"  # "Quyết định" typed with combining marks
    assert words(decomposed) == ["quyết", "định"]
    assert words("2508/QĐ-UBND, ngày 12.3.2024; snake_case") == [
        "2508",
        "qđ",
        "ubnd",
        "ngày",
        "12",
        "3",
        "2024",
        "snake",
        "case",
    ]
    assert words("") == []
    assert words("a" * 61 + " ok") == ["ok"]


def test_words_and_phrases():
    parsed = parse_query('  Quyết định  "chuyển đổi số"  2508/QĐ-UBND ')
    assert parsed.text == 'Quyết định "chuyển đổi số" 2508/QĐ-UBND'
    assert parsed.terms == (
        Term(("quyết",)),
        Term(("định",)),
        Term(("chuyển", "đổi", "số"), exact=True),
        Term(("2508", "qđ", "ubnd")),
    )
    assert parsed.terms[3].folded == ("2508", "qd", "ubnd")
    assert parsed.boost_tokens == ("quyết", "định", "qđ")
    assert parsed.folded_text == "quyet dinh chuyen doi so 2508 qd ubnd"
    assert not parsed.is_blank and not parsed.matches_nothing


def test_folded_words_do_not_boost_and_repeats_count_once():
    parsed = parse_query("quyet dinh quyet")
    assert parsed.terms == (Term(("quyet",)), Term(("dinh",)))
    assert parsed.boost_tokens == ()


def test_quotes_typographic_unclosed_and_empty():
    assert parse_query("“kế hoạch”").terms == (Term(("kế", "hoạch"), exact=True),)
    assert parse_query('a "b c').terms == (Term(("a",)), Term(("b", "c"), exact=True))
    assert parse_query('"" x').terms == (Term(("x",)),)


def test_blank_and_punctuation_only():
    assert parse_query(None).is_blank and parse_query("   ").is_blank
    only_marks = parse_query(' "" / -- ?')
    assert only_marks.matches_nothing and not only_marks.is_blank


def test_too_long_query_is_refused_with_a_vietnamese_message():
    assert len(parse_query("a" * 500).text) == 500
    with pytest.raises(ValidationFailed) as caught:
        parse_query("a" * 501)
    assert caught.value.errors == {"q": ["Từ khóa tìm kiếm tối đa 500 ký tự (đang có 501)."]}


def test_fts_expression_requires_every_term_and_boosts_exact_spellings():
    assert fts_expression(parse_query('quyết "đổi số" 25/QĐ')) == (
        '{meta_folded body_folded} : "quyet"'
        ' AND ({meta_folded body_folded} : "doi so" AND {meta_exact body_exact} : "đổi số")'
        ' AND {meta_folded body_folded} : "25 qd"'
        ' AND ({meta_folded body_folded} : "quyet" OR {meta_exact body_exact} : "quyết"'
        ' OR {meta_exact body_exact} : "qđ")'
    )


@given(st.text(max_size=200))
def test_any_input_parses_into_folded_lower_case_words(raw):
    raw = raw.replace("\x00", "")
    parsed = parse_query(raw)
    for term in parsed.terms:
        assert term.tokens
        for token in term.tokens:
            assert token == token.lower() and token.isalnum() and "_" not in token
            assert fold(token) == fold(fold(token))
    assert parsed.is_blank or parsed.matches_nothing or parsed.terms


def test_filters_normalised():
    filters = parse_filters(
        {
            "direction": "incoming",
            "year": "2025",
            "issued_from": "2025-01-01",
            "issued_to": dt.date(2025, 3, 31),
            "type_code": " cong_van ",
            "urgency": "flash",
            "organisation": "12",
            "state": "registered",
        }
    )
    assert filters == SearchFilters(
        direction="incoming",
        year=2025,
        issued_from=dt.date(2025, 1, 1),
        issued_to=dt.date(2025, 3, 31),
        type_code="cong_van",
        urgency="flash",
        organisation=12,
        state="registered",
    )
    assert filters.as_json() == {
        "direction": "incoming",
        "year": 2025,
        "issued_from": "2025-01-01",
        "issued_to": "2025-03-31",
        "type_code": "cong_van",
        "urgency": "flash",
        "organisation": 12,
        "state": "registered",
    }


def test_empty_filter_values_mean_any():
    assert parse_filters({"direction": "", "year": None}) == SearchFilters()
    assert parse_filters(None).is_empty and parse_filters({}).as_json() == {}


def test_every_bad_filter_is_reported_at_once():
    with pytest.raises(ValidationFailed) as caught:
        parse_filters(
            {
                "direction": "sideways",
                "year": "20x5",
                "issued_from": "2025-02-30",
                "urgency": "soon",
                "organisation": -3,
                "state": "lost",
                "colour": "red",
            }
        )
    assert caught.value.errors == {
        "filters": ["Không có điều kiện lọc “colour”."],
        "direction": ["Loại sổ phải là văn bản đi hoặc văn bản đến."],
        "urgency": ["Độ khẩn không hợp lệ."],
        "state": ["Trạng thái không hợp lệ."],
        "year": ["Năm không hợp lệ."],
        "organisation": ["Cơ quan không hợp lệ."],
        "issued_from": ["Ngày không hợp lệ (dạng YYYY-MM-DD)."],
    }


@pytest.mark.parametrize(
    ("filters", "errors"),
    [
        (
            {"issued_from": "2025-03-01", "issued_to": "2025-02-01"},
            {"issued_to": ["Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."]},
        ),
        ({"year": True}, {"year": ["Năm không hợp lệ."]}),
        ({"year": 1800}, {"year": ["Năm không hợp lệ."]}),
        ({"type_code": "x" * 41}, {"type_code": ["Loại văn bản không hợp lệ."]}),
        (["direction"], {"filters": ["Bộ lọc không hợp lệ."]}),
    ],
)
def test_bad_filters(filters, errors):
    with pytest.raises(ValidationFailed) as caught:
        parse_filters(filters)
    assert caught.value.errors == errors
