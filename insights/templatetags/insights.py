from typing import Any

from django import template

register = template.Library()


@register.filter
def get_table(tables: dict[str, Any], name: str) -> Any:
    """Table names have hyphens, which template lookups cannot spell."""
    return tables[name]
