"""Online submission and counter intake: bad input is refused with the field named, and nothing is saved."""

import datetime as dt

import pytest

from egov.accounts.actor import Actor
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.services.dossiers.submission import dossier_intake_counter
from egov.services.dossiers.uploads import Upload, active_content
from egov.services.models import Dossier, DossierFile, DossierState, VersionState
from egov.services.tests.factories import make_procedure
from egov.services.tests.helpers import ANSWERS, APPLICANT, papers, pdf_bytes, submit

pytestmark = pytest.mark.django_db


def refused(agency, version, **overrides) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        submit(agency, version, **overrides)
    assert (Dossier.objects.count(), DossierFile.objects.count()) == (0, 0)
    return caught.value


def with_paper(key: str, name: str, data: bytes) -> list[Upload]:
    return [*(u for u in papers() if u.requirement != key), Upload(key, name, "application/pdf", data)]


def test_a_missing_mandatory_paper_is_named(agency, version):
    error = refused(agency, version, files=papers()[:1])
    assert error.errors == {"files.giay-chung-sinh": ["Thiếu “Giấy chứng sinh”."]}


def test_a_file_is_judged_by_its_content_not_its_name(agency, version):
    error = refused(agency, version, files=with_paper("giay-chung-sinh", "chung-sinh.pdf", b"MZ\x90\x00 not a pdf"))
    assert error.errors == {"files.giay-chung-sinh": ["Chỉ nhận tệp JPEG, PDF, PNG."]}


def test_an_oversize_file_is_refused(agency, version):
    big = pdf_bytes() + b"%" + b"0" * (5 * 1024 * 1024)
    error = refused(agency, version, files=with_paper("giay-chung-sinh", "to.pdf", big))
    assert error.errors == {"files.giay-chung-sinh": ["Tệp lớn hơn giới hạn 5 MB cho phép."]}


def _pdf_with_script() -> bytes:
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('x');")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_carrying_a_script_is_refused(agency, version):
    script = _pdf_with_script()
    assert active_content(script) == "/JavaScript"
    assert active_content(pdf_bytes()) is None
    error = refused(agency, version, files=with_paper("giay-chung-sinh", "x.pdf", script))
    assert error.errors == {
        "files.giay-chung-sinh": [
            "Tệp PDF chứa mã lệnh, tệp đính kèm hoặc biểu mẫu động; hãy gửi bản PDF thông thường."
        ]
    }


def test_a_damaged_pdf_is_refused(agency, version):
    error = refused(agency, version, files=with_paper("giay-chung-sinh", "x.pdf", b"%PDF-1.7\n1 0 obj <<"))
    assert error.errors == {"files.giay-chung-sinh": ["Tệp PDF bị hỏng, không đọc được."]}


def test_a_paper_not_in_the_list_is_refused(agency, version):
    extra = [*papers(), Upload("ho-chieu", "hc.pdf", "application/pdf", pdf_bytes())]
    assert refused(agency, version, files=extra).errors == {
        "files.ho-chieu": ["Giấy tờ này không thuộc thành phần hồ sơ của thủ tục."]
    }


def test_form_answers_are_checked_against_the_schema(agency, version):
    error = refused(agency, version, answers={"child_name": "A" * 101, "birth_date": "02/11/2026"})
    assert error.errors == {
        "form.birth_date": ["Ngày không hợp lệ (nhập theo dạng năm-tháng-ngày)."],
        "form.child_name": ["Tối đa 100 ký tự."],
    }
    assert refused(agency, version, answers={"child_name": "An"}).errors == {
        "form.birth_date": ["Trường này là bắt buộc."]
    }
    assert refused(agency, version, answers=["không", "phải", "đối tượng"]).errors == {
        "form": ["Tờ khai phải là một đối tượng JSON."]
    }


def test_answers_are_stored_in_nfc(agency, version):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "  Trần Minh An ")
    dossier = submit(agency, version, answers={**ANSWERS, "child_name": decomposed})
    assert dossier.form_data["child_name"] == "Trần Minh An"
    assert unicodedata.is_normalized("NFC", dossier.form_data["child_name"])


def test_applicant_details_are_checked(agency, version):
    error = refused(agency, version, applicant_values={**APPLICANT, "applicant_name": " ", "applicant_phone": "09x"})
    assert error.errors == {
        "applicant_name": ["Trường này là bắt buộc."],
        "applicant_phone": ["Số điện thoại không hợp lệ."],
    }


def test_only_an_applicant_account_submits_online(agency, version):
    with pytest.raises(PermissionDenied):
        submit(agency, version, actor=Actor(user=agency.officer))
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(
    "change",
    [
        {"state": VersionState.DRAFT},
        {"state": VersionState.WITHDRAWN},
        {"effective_from": dt.date(2099, 1, 1)},
        {"effective_to": dt.date(2026, 1, 1), "effective_from": dt.date(2025, 7, 1)},
    ],
)
def test_a_version_not_in_force_takes_no_dossier(agency, version, change):
    for name, value in change.items():
        setattr(version, name, value)
    version.save()
    assert refused(agency, version).errors == {"procedure": ["Thủ tục này hiện không tiếp nhận hồ sơ."]}


def test_an_agency_of_another_level_takes_no_dossier(agency):
    version = make_procedure("2.000001", level="province")
    assert refused(agency, version).errors == {"agency": ["Thủ tục thuộc cấp khác, cơ quan này không giải quyết."]}


def test_the_same_idempotency_key_gives_the_same_dossier(agency, version):
    first = submit(agency, version, idempotency_key="9f1c2a")
    again = submit(agency, version, idempotency_key="9f1c2a")
    other = submit(agency, version, idempotency_key="7b3e44")
    assert (again.pk, Dossier.objects.count(), other.code.endswith("-0002")) == (first.pk, 2, True)


def test_counter_intake_by_the_one_stop_officer(agency, version):
    dossier = dossier_intake_counter(
        actor=Actor(user=agency.officer),
        version=version,
        agency=agency.org,
        applicant_values=APPLICANT,
        answers=ANSWERS,
        files=papers(),
    )
    assert (dossier.channel, dossier.applicant, dossier.state, dossier.files.count()) == (
        "counter",
        None,
        DossierState.SUBMITTED,
        2,
    )
    for user in (agency.specialist, agency.other_officer, agency.applicant):
        with pytest.raises(PermissionDenied):
            dossier_intake_counter(
                actor=Actor(user=user),
                version=version,
                agency=agency.org,
                applicant_values=APPLICANT,
                answers=ANSWERS,
                files=papers(),
            )
    assert Dossier.objects.count() == 1
