"""`crispy_cached` draws exactly what crispy draws, whether the markup comes from its store or not."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms

from portal.templatetags.crispy_cached import crispy_cached, forget_rendered


class Decision(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="Why.")


class Call(forms.Form):
    minutes = forms.IntegerField(initial=5)
    outcome = forms.ChoiceField(choices=[("reached", "Reached")])


def test_it_draws_what_crispy_draws_the_first_time_and_from_its_store() -> None:
    forget_rendered()
    for form in (Call(), Decision(prefix="c12"), Call(initial={"minutes": 9}), Decision()):
        expected = str(as_crispy_form(form))
        assert str(crispy_cached(form)) == expected
        assert str(crispy_cached(form)) == expected


def test_forms_that_differ_only_by_prefix_each_keep_their_own_prefix() -> None:
    forget_rendered()
    first, second = str(crispy_cached(Decision(prefix="c1"))), str(crispy_cached(Decision(prefix="c2")))
    assert 'name="c2-decision"' in second and 'id="id_c2-reason"' in second
    assert "c1-" not in second and first.replace("c1-", "c2-") == second
    assert second == str(as_crispy_form(Decision(prefix="c2")))


def test_a_change_of_choices_or_initial_value_is_drawn_anew() -> None:
    forget_rendered()
    crispy_cached(Call())
    fewer = Call()
    fewer.fields["outcome"].choices = [("voicemail", "Voicemail")]
    assert "Voicemail" in str(crispy_cached(fewer)) and "Reached" not in str(crispy_cached(fewer))
    assert 'value="7"' in str(crispy_cached(Call(initial={"minutes": 7})))


def test_a_bound_form_shows_what_was_typed_and_its_errors() -> None:
    forget_rendered()
    crispy_cached(Decision(prefix="c3"))
    bound = Decision({"c3-decision": "maybe", "c3-reason": "typed"}, prefix="c3")
    html = str(crispy_cached(bound))
    assert html == str(as_crispy_form(bound))
    assert "typed" in html and "is-invalid" in html
