from django import template

from portal.money import format_money

register = template.Library()


@register.filter
def money(amount: object, currency: str = "") -> str:
    """`{{ c.amount|money:c.currency }}` reads "145.40 GBP"."""
    return "" if amount is None else format_money(amount, currency)
