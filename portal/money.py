"""How an amount of money reads, everywhere: on pages, in emails and in refusals."""

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")


def format_money(amount: object, currency: str = "") -> str:
    """`145.4` and `145.400000000000` (a SUM on SQLite) both read "145.40 GBP"; thousands are
    grouped ("1,000.00 GBP"). Anything that is not a number is shown as it is."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
        text = f"{value.quantize(CENT):,.2f}"
    except (InvalidOperation, ValueError):
        return f"{amount} {currency}".strip()
    return f"{text} {currency}".strip()
