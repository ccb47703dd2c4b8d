"""`{{ form|crispy_cached }}`: crispy's markup for a form, kept per process when it cannot change.

crispy renders each field through several templates (about 2 ms a form on our machine): a case page
shows six forms and the approval queue one per request, so rendering them cost more than everything
else on those pages. An unbound form's markup depends only on what `_shape` reads (its fields,
labels, widgets, choices and initial values), so it is rendered once per shape and reused; the
prefix is swapped in afterwards, so the approval queue's hundred forms that differ only by prefix
share one rendering. A bound form (with what was typed and its errors) is always rendered afresh.
"""

from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms, template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Stands for the form's prefix while the shared markup is rendered; never typed in a label.
PLACEHOLDER = "crispycachedprefix"
MAX_SHAPES = 500
_rendered: dict[tuple[Any, ...], str] = {}


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
        form.prefix is None,
        tuple(fields),
    )


@register.filter
def crispy_cached(form: forms.Form) -> SafeString:
    if form.is_bound or hasattr(form, "helper"):
        return as_crispy_form(form)
    key = _shape(form)
    html = _rendered.get(key)
    if html is None:
        html = _render_with_placeholder(form)
        if len(_rendered) >= MAX_SHAPES:
            _rendered.clear()
        _rendered[key] = html
    if form.prefix is None:
        return mark_safe(html)  # noqa: S308 - crispy's own output, rendered above
    return mark_safe(html.replace(f"{PLACEHOLDER}-", f"{escape(form.prefix)}-"))  # noqa: S308


def _render_with_placeholder(form: forms.Form) -> str:
    if form.prefix is None:
        return str(as_crispy_form(form))
    prefix = form.prefix
    form.prefix = PLACEHOLDER
    form._bound_fields_cache.clear()  # bound fields read the prefix when they are made
    try:
        return str(as_crispy_form(form))
    finally:
        form.prefix = prefix
        form._bound_fields_cache.clear()


def forget_rendered() -> None:
    _rendered.clear()
