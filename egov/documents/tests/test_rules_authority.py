"""Signing authority (quyền hạn của người ký), Decree 30/2020 Appendix I, Section II.7.b, case by case."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.documents.rules.authority import (
    AUTHORITY_PREFIXES,
    authority_rule,
    authority_rules,
    check_authority,
    is_deputy_position,
)
from egov.documents.rules.types import type_by_code

E, W = "error", "warning"


@pytest.mark.parametrize(
    ("prefix", "position", "collective", "legal_normative", "expected"),
    [
        # The head signs in their own name.
        ("", "Giám đốc", False, False, []),
        ("", "Chủ tịch", True, False, []),
        ("", "Bộ trưởng", False, True, []),
        ("", "Phó Giám đốc", False, False, [("authority.deputy_requires_kt", E)]),
        ("", "Thứ trưởng", False, False, [("authority.deputy_requires_kt", E)]),
        # TM.: on behalf of a collective.
        ("TM.", "Chủ tịch", True, False, []),
        ("TM.", "Chủ tịch", True, True, []),
        ("TM.", "Giám đốc", False, False, [("authority.requires_collective", E)]),
        ("TM.", "Phó Chủ tịch", True, False, [("authority.deputy_requires_kt", E)]),
        (
            "TM.",
            "Phó Giám đốc",
            False,
            False,
            [("authority.requires_collective", E), ("authority.deputy_requires_kt", E)],
        ),
        # KT.: a deputy signing for the head, in either regime.
        ("KT.", "Phó Chủ tịch", True, False, []),
        ("KT.", "Phó Giám đốc", False, False, []),
        ("KT.", "PHÓ GIÁM ĐỐC", False, False, []),
        ("KT.", "Thứ trưởng", False, True, []),
        ("KT.", "THỨ TRƯỞNG", False, False, []),
        ("KT.", "Phó Thủ tướng", True, True, []),
        ("KT.", "Giám đốc", False, False, [("authority.requires_deputy", E)]),
        ("KT.", "Phóng viên", False, False, [("authority.requires_deputy", E)]),
        # Q.: acting head, before the head's title.
        ("Q.", "Giám đốc", False, False, []),
        ("Q.", "Phó Giám đốc", False, False, [("authority.acting_deputy_position", W)]),
        # TL. and TUQ.: the appendix names no position and no type restriction.
        ("TL.", "Chánh Văn phòng", False, False, []),
        ("TL.", "Phó Chánh Văn phòng", False, False, []),
        ("TL.", "Chánh Văn phòng", True, True, []),
        ("TUQ.", "Giám đốc Sở Nội vụ", True, False, []),
        ("TUQ.", "Vụ trưởng", False, True, []),
        # Prefixes are written exactly, with the dot.
        ("TM", "Chủ tịch", True, False, [("authority.unknown_prefix", E)]),
        ("kt.", "Phó Chủ tịch", True, False, [("authority.unknown_prefix", E)]),
        ("TM. KT.", "Phó Chủ tịch", True, False, [("authority.unknown_prefix", E)]),
        ("Thay mặt", "Chủ tịch", True, False, [("authority.unknown_prefix", E)]),
        (" KT. ", "Phó Chủ tịch", True, False, []),
        # An empty position is reported by the required-field check, not here.
        ("KT.", "", False, False, []),
        ("", "  ", False, False, []),
    ],
)
def test_authority_cases(prefix, position, collective, legal_normative, expected):
    findings = check_authority(
        prefix=prefix,
        position=position,
        organisation_is_collective=collective,
        type_rule=type_by_code("quyet_dinh"),
        legal_normative=legal_normative,
        on=dt.date(2025, 3, 10),
    )
    assert [(f.code, f.severity) for f in findings] == expected


def test_messages_name_the_values():
    (finding,) = check_authority(
        prefix="KT.",
        position="Giám đốc",
        organisation_is_collective=False,
        type_rule=None,
        legal_normative=False,
    )
    assert finding.message == (
        "Ký thay («KT.») là cấp phó ký thay người đứng đầu; chức vụ «Giám đốc» không phải chức vụ cấp phó."
    )
    assert finding.field == "signer_position"
    (finding,) = check_authority(
        prefix="TM", position="Chủ tịch", organisation_is_collective=True, type_rule=None, legal_normative=False
    )
    assert finding.message == (
        "Quyền hạn ký «TM» không hợp lệ; dùng một trong «TM.», «KT.», «Q.», «TL.», «TUQ.» "
        "hoặc để trống khi người đứng đầu ký."
    )
    assert finding.field == "signer_prefix"
    (finding,) = check_authority(
        prefix="TM.", position="Giám đốc", organisation_is_collective=False, type_rule=None, legal_normative=False
    )
    assert finding.message == (
        "Quyền hạn «TM.» (thay mặt tập thể) chỉ dùng cho cơ quan, tổ chức làm việc theo chế độ tập thể; "
        "cơ quan ban hành làm việc theo chế độ thủ trưởng."
    )


def test_prefix_table():
    assert list(AUTHORITY_PREFIXES) == ["", "TM.", "KT.", "Q.", "TL.", "TUQ."]
    assert str(AUTHORITY_PREFIXES["KT."]) == "KT. — ký thay người đứng đầu"
    assert [r.prefix for r in authority_rules(dt.date(2025, 1, 1))] == list(AUTHORITY_PREFIXES)
    rule = authority_rule("TM.")
    assert (rule.requires_collective, rule.position, rule.basis) == (
        True,
        "head",
        "NĐ 30/2020/NĐ-CP, Phụ lục I, Mục II.7.b",
    )
    # Before Decree 30 the rules in force today are used.
    assert authority_rule("KT.", dt.date(2015, 1, 1)).position == "deputy"
    assert authority_rule("XX.") is None


@pytest.mark.parametrize(
    ("position", "deputy"),
    [
        ("Phó Chủ tịch", True),
        ("phó chủ tịch", True),
        ("  Phó   Giám đốc ", True),
        ("Thứ trưởng", True),
        ("Thứ trưởng Thường trực", True),
        ("Phó", True),
        ("Chủ tịch", False),
        ("Phóng viên", False),
        ("Bộ trưởng", False),
        ("", False),
    ],
)
def test_deputy_positions(position, deputy):
    assert is_deputy_position(position) is deputy


def test_operator_can_forbid_a_prefix_for_legal_normative_documents(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "signing-authority.csv").write_text(
        "code,prefix,label,requires_collective,position,position_severity,legal_normative_allowed,"
        "valid_from,valid_to,basis\n"
        "none,,Người đứng đầu ký,no,head,error,yes,2020-03-05,,x\n"
        "tl,TL.,Thừa lệnh,no,any,error,no,2020-03-05,,Văn bản giả định\n",
        encoding="utf-8",
    )
    findings = check_authority(
        prefix="TL.",
        position="Chánh Văn phòng",
        organisation_is_collective=False,
        type_rule=type_by_code("thong_tu"),
        legal_normative=True,
    )
    assert [(f.code, f.severity, f.field) for f in findings] == [
        ("authority.not_for_legal_normative", "error", "signer_prefix")
    ]
    assert findings[0].message == "Văn bản quy phạm pháp luật (Thông tư) không được ký với quyền hạn «TL.»."
    assert (
        check_authority(
            prefix="TL.",
            position="Chánh Văn phòng",
            organisation_is_collective=False,
            type_rule=None,
            legal_normative=False,
        )
        == []
    )
    unknown = check_authority(
        prefix="KT.", position="Phó Giám đốc", organisation_is_collective=False, type_rule=None, legal_normative=False
    )
    assert [f.code for f in unknown] == ["authority.unknown_prefix"]
