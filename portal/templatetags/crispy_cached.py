"""`{{ form|crispy_cached }}`: crispy's markup for a form, kept per process when it cannot change.

crispy renders each field through several templates (about 2 ms a form on our machine): a case page
shows six forms, so rendering them cost more than everything else on the page. An unbound form's
markup depends only on what `_shape` reads (its fields, labels, widgets, choices and initial values)
and its prefix, so it is rendered once per shape and reused. A bound form (with what was typed and
its errors) is always rendered afresh. (The approval queue, one form per request, keeps one
markup for all of them and gives each its prefix: `resolutions/templatetags/approval_cards.py`.)
"""

from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()

MAX_SHAPES = 500
_rendered: dict[tuple[Any, ...], SafeString] = {}


def _choices(field: forms.Field) -> tuple[Any, ...] | None:
    if not hasattr(field, "choices"):
        return None
    flat: list[Any] = []
    for value, label in field.choices:  # a ModelChoiceField reads its queryset here
        if isinstance(label, list | tuple):  # a group of options
            flat.append((str(value), tuple((str(v), str(lbl)) for v, lbl in label)))
        else:
            flat.append((str(value), str(label)))
    return tuple(flat)


def _shape(form: forms.Form) -> tuple[Any, ...]:
    """Everything of an unbound form that its markup shows, apart from the prefix."""
    fields = []
    for name, field in form.fields.items():
        widget = field.widget
        fields.append(
            (
                name,
                type(field),
                type(widget),
                str(field.label),
                str(field.help_text),
                field.required,
                field.disabled,
                field.show_hidden_initial,
                tuple(sorted((key, str(value)) for key, value in widget.attrs.items())),
                _choices(field),
                repr(form[name].value()),
            )
        )
    return (
        type(form),
        form.auto_id,
        form.label_suffix,
        form.use_required_attribute,
        tuple(fields),
    )


@register.filter
def crispy_cached(form: forms.Form) -> SafeString:
    if form.is_bound or hasattr(form, "helper"):
        return as_crispy_form(form)
    key = (form.prefix, _shape(form))
    html = _rendered.get(key)
    if html is None:
        html = as_crispy_form(form)
        if len(_rendered) >= MAX_SHAPES:
            _rendered.clear()
        _rendered[key] = html
    return html


def forget_rendered() -> None:
    _rendered.clear()
