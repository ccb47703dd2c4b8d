"""The only tags and filters a canned response may use (see `complaints.canned`): choosing text
(`if`) and shaping words. Nothing that loads other templates, reaches the database or prints the
context (`load`, `include`, `debug`, `url` …) is registered, so none of it compiles."""

from django.template import Library, defaultfilters, defaulttags

register = Library()
register.tag("if", defaulttags.do_if)
for _name in ("default", "upper", "lower", "title", "capfirst", "truncatechars", "truncatewords"):
    register.filter(_name, getattr(defaultfilters, _name))
