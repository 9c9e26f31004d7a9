from decimal import Decimal

from quanzhou_women.lib.numbers import plain_number


def test_a_number_is_written_without_needless_decimals():
    assert plain_number(Decimal("2.00")) == "2"
    assert plain_number(Decimal("2.50")) == "2.5"
    assert plain_number(Decimal("1E+2")) == "100"
    assert plain_number(Decimal("0.00")) == "0"
    assert plain_number(3) == "3"


def test_no_number_is_the_given_empty_text():
    assert plain_number(None) == ""
    assert plain_number(None, empty="（空）") == "（空）"
