"""`{% url %}`, with the addresses that take no arguments reversed once per process.

A page names a dozen fixed addresses (the navigation, its forms' actions) and Django reverses
each on every render, about 0.1 ms apiece: a millisecond or two of every staff page. An address
without arguments cannot change while the process runs (for a given URLconf, script prefix and
application instance, all in the key), so it is kept; one with arguments is reversed as before.
Loaded as a template builtin (settings), so every template's `{% url %}` is this one.
"""

from typing import Any

from django.template import Context, Library
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = Library()
_kept: dict[tuple[Any, ...], str] = {}


class KeptURLNode(URLNode):
    def render(self, context: Context) -> str:
        if self.args or self.kwargs or self.asvar:
            return str(super().render(context))
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        key = (view_name, current_app, get_script_prefix(), get_urlconf())
        address = _kept.get(key)
        if address is None:
            address = _kept[key] = reverse(view_name, current_app=current_app)
        return str(conditional_escape(address)) if context.autoescape else address


@register.tag
def url(parser: Parser, token: Token) -> KeptURLNode:
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
