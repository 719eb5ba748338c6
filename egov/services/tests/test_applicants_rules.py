"""How applicants' identifiers are normalised: phone numbers, email addresses, personal and tax numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov.services.applicants.rules import normalise_email, normalise_id_number, normalise_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("(+84) 912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084912345678", "0912345678"),
        (" 0356 123 456 ", "0356123456"),
        ("0123456789", None),  # 01x prefixes were retired in 2018
        ("091234567", None),
        ("09123456789", None),
        ("0912abc678", None),
        ("09١٢٣٤٥٦٧٨", None),  # Arabic-Indic digits are digits to Python, not to a phone
        ("", None),
    ],
)
def test_phone_numbers_in_the_forms_people_type(typed, stored):
    assert normalise_phone(typed) == stored


@given(
    st.sampled_from("35789"),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.sampled_from(["", " ", ".", "-"]),
)
def test_every_written_form_of_a_mobile_number_gives_the_same_number(second, rest, sep):
    number = f"0{second}{rest}"
    written = [number, f"+84{number[1:]}", f"84{number[1:]}", sep.join([number[:4], number[4:7], number[7:]])]
    assert {normalise_phone(w) for w in written} == {number}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Hoa.Nguyen@Example.TEST", "hoa.nguyen@example.test"),
        ("  hoa@example.test ", "hoa@example.test"),
        ("hoa@", None),
        ("hoa example.test", None),
        ("", None),
    ],
)
def test_email_addresses_are_lower_cased_and_checked(typed, stored):
    assert normalise_email(typed) == stored


@pytest.mark.parametrize(
    ("typed", "kind", "stored"),
    [
        ("036190001234", "citizen", "036190001234"),
        ("036 190 001 234", "citizen", "036190001234"),
        ("03619000123", "citizen", None),
        ("0361900012345", "citizen", None),
        ("0101234567", "citizen", None),
        ("0101234567", "business", "0101234567"),
        ("0101234567-001", "business", "0101234567001"),
        ("036190001234", "business", None),
        ("01012345AB", "business", None),
    ],
)
def test_id_numbers_have_the_length_their_kind_requires(typed, kind, stored):
    assert normalise_id_number(typed, kind) == stored
