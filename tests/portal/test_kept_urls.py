"""`{% url %}` keeps the addresses without arguments per process and reverses the rest as Django does."""

from unittest import mock

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_script_prefix

from portal.templatetags import kept_urls


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.fixture(autouse=True)
def nothing_kept():
    kept_urls._kept.clear()
    yield
    kept_urls._kept.clear()
    set_script_prefix("/")


def test_a_fixed_address_is_reversed_once_then_kept() -> None:
    with mock.patch.object(kept_urls, "reverse", wraps=reverse) as reversing:
        first = render("{% url 'complaints:list' %}")
        second = render("{% url 'complaints:list' %}")
    assert first == second == reverse("complaints:list")
    assert reversing.call_count == 1


def test_an_address_with_arguments_is_reversed_every_time_and_escaped() -> None:
    assert render("{% url 'complaints:detail' ref %}", ref="RD-2026-000001") == "/cases/RD-2026-000001/"
    assert render("{% url 'complaints:detail' 'RD-1' %}{% url 'complaints:detail' 'RD-2' %}") == (
        "/cases/RD-1//cases/RD-2/"
    )
    assert render("{% url 'complaints:detail' ref %}", ref="a&b") == "/cases/a&amp;b/"


def test_as_a_variable_and_an_unknown_name_behave_as_djangos_tag() -> None:
    assert render("{% url 'complaints:list' as there %}[{{ there }}]") == "[/cases/]"
    assert render("{% url 'no-such-page' as there %}[{{ there }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")


def test_a_portal_served_under_a_prefix_gets_prefixed_addresses() -> None:
    assert render("{% url 'complaints:list' %}") == "/cases/"
    set_script_prefix("/redress/")
    assert render("{% url 'complaints:list' %}") == "/redress/cases/"
