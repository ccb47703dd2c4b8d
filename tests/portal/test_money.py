"""Money reads the same everywhere: two decimals, thousands grouped, the currency after."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from portal.money import format_money


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("145.400000000000"), "145.40 GBP"),  # a SUM as SQLite returns it
        (Decimal("145.4"), "145.40 GBP"),
        (Decimal("1000"), "1,000.00 GBP"),
        (12, "12.00 GBP"),
    ],
)
def test_an_amount_is_shown_with_two_decimals_and_its_currency(amount, expected) -> None:
    assert format_money(amount, "GBP") == expected


def test_the_template_filter_formats_the_same_way() -> None:
    rendered = Template("{% load money %}{{ total|money:currency }}").render(
        Context({"total": Decimal("145.400000000000"), "currency": "GBP"})
    )
    assert rendered == "145.40 GBP"
