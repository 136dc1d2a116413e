"""Check digits and scale labels: pure functions, checked against known codes and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onprem.shopping.barcodes import (
    BadBarcode,
    check_digit,
    has_valid_check_digit,
    parse_weighed,
    weighed_barcode,
)


@pytest.mark.parametrize(
    "code", ["4006381333931", "5901234123457", "96385074", "036000291452", "10012345678902"]
)
def test_it_knows_valid_gtins(code):
    assert has_valid_check_digit(code)


@pytest.mark.parametrize("code", ["4006381333932", "96385075", "", "abc", "12345"])
def test_it_refuses_codes_with_a_wrong_or_no_check_digit(code):
    assert not has_valid_check_digit(code)


def test_it_reads_a_weight_label():
    label = parse_weighed("2100042012349")

    assert (label.lookup_code, label.grams, label.kilograms, label.price) == (
        "2100042000001",
        1234,
        Decimal("1.234"),
        None,
    )


def test_it_reads_a_price_label():
    label = parse_weighed(weighed_barcode("2800042", 1299))

    assert (label.lookup_code, label.grams, label.price) == (
        weighed_barcode("2800042", 0),
        None,
        Decimal("12.99"),
    )


@pytest.mark.parametrize("code", ["5600000000011", "210004201234", "21000420123480"])
def test_it_refuses_what_is_not_a_scale_label(code):
    with pytest.raises(BadBarcode):
        parse_weighed(code)


prefixes = st.tuples(st.integers(0, 9), st.integers(0, 99999)).map(lambda t: f"2{t[0]}{t[1]:05d}")
values = st.integers(1, 99999)


@given(prefixes, values)
def test_every_label_reads_back_its_value_and_its_catalog_code(prefix, value):
    label = parse_weighed(weighed_barcode(prefix, value))

    assert label.lookup_code == weighed_barcode(prefix, 0)
    if prefix[1] in "89":
        assert (label.grams, label.price) == (None, Decimal(value) / 100)
    else:
        assert (label.grams, label.price) == (value, None)
        assert label.kilograms * 1000 == value


@given(prefixes, values, st.integers(0, 12), st.integers(1, 9))
def test_a_single_wrong_digit_is_always_caught(prefix, value, position, shift):
    code = weighed_barcode(prefix, value)
    wrong = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1 :]

    assert not has_valid_check_digit(wrong)
    if wrong[0] == "2":
        with pytest.raises(BadBarcode):
            parse_weighed(wrong)


@given(st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_a_code_with_its_check_digit_is_valid(digits):
    code = digits + check_digit(digits)

    assert has_valid_check_digit(code) == (len(code) in (8, 12, 13, 14))
