from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from egov.conf.env import Env


def test_readers_parse_typed_values():
    env = Env(
        {"EGOV_A": " yes ", "EGOV_N": "42", "EGOV_L": "a.gov.vn, b.gov.vn,,", "EGOV_C": "JSON", "EGOV_P": "/srv/egov"}
    )
    assert env.bool("A", False) is True
    assert env.int("N", 1, minimum=1, maximum=100) == 42
    assert env.list("L") == ["a.gov.vn", "b.gov.vn"]
    assert env.choice("C", ("json", "text"), "text") == "json"
    assert env.path("P", Path("/tmp")) == Path("/srv/egov")
    assert env.str("MISSING", "d") == "d"
    assert env.int("MISSING", 7) == 7
    assert env.is_set("N") and not env.is_set("MISSING")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: e.bool("X", False), "EGOV_X must be true or false, got 'maybe'"),
        (lambda e: e.int("X", 1), "EGOV_X must be an integer, got 'maybe'"),
        (lambda e: e.choice("X", ("a", "b"), "a"), "EGOV_X must be one of a, b, got 'maybe'"),
    ],
)
def test_bad_values_name_the_variable(call, message):
    with pytest.raises(ImproperlyConfigured) as exc:
        call(Env({"EGOV_X": "maybe"}))
    assert str(exc.value) == message


def test_int_bounds():
    with pytest.raises(ImproperlyConfigured, match="EGOV_N must be at least 1, got 0"):
        Env({"EGOV_N": "0"}).int("N", 5, minimum=1)
    with pytest.raises(ImproperlyConfigured, match="EGOV_N must be at most 10, got 11"):
        Env({"EGOV_N": "11"}).int("N", 5, maximum=10)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_int_round_trips(value):
    assert Env({"EGOV_N": str(value)}).int("N", 0) == value
