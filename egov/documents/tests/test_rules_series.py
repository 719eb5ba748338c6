"""Numbering series per Decree 30/2020 Art. 15: secret, one per legal normative type, copies, ordinary."""

from __future__ import annotations

import pytest

from egov.documents.rules.series import series_for, series_label


@pytest.mark.parametrize(
    ("type_code", "legal_normative", "secret", "series"),
    [
        ("quyet_dinh", False, False, "ordinary"),
        ("cong_van", False, False, "ordinary"),
        ("to_trinh", False, False, "ordinary"),
        ("quyet_dinh", True, False, "normative:quyet_dinh"),
        ("nghi_quyet", True, False, "normative:nghi_quyet"),
        ("thong_tu", True, False, "normative:thong_tu"),
        ("quyet_dinh", False, True, "secret"),
        ("quyet_dinh", True, True, "secret"),
        ("cong_van", False, True, "secret"),
        ("ban_sao_y", False, False, "copy"),
        ("ban_trich_sao", False, False, "copy"),
        ("ban_sao_luc", False, False, "copy"),
        ("ban_sao_y", False, True, "secret"),
        # A type missing from the table is numbered in the ordinary series; the format check reports the type.
        ("khong_co", False, False, "ordinary"),
    ],
)
def test_series_for(type_code, legal_normative, secret, series):
    assert series_for(type_code=type_code, legal_normative=legal_normative, secret=secret) == series


def test_series_for_needs_a_type():
    with pytest.raises(ValueError):
        series_for(type_code="", legal_normative=False, secret=False)


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("ordinary", "Văn bản hành chính"),
        ("secret", "Văn bản mật"),
        ("copy", "Bản sao văn bản"),
        ("normative:quyet_dinh", "Văn bản quy phạm pháp luật: Quyết định"),
        ("normative:thong_tu_lien_tich", "Văn bản quy phạm pháp luật: Thông tư liên tịch"),
        ("normative:khong_co", "Văn bản quy phạm pháp luật: khong_co"),
    ],
)
def test_series_label(key, label):
    assert series_label(key) == label


def test_series_label_refuses_unknown_keys():
    with pytest.raises(ValueError):
        series_label("paper")
