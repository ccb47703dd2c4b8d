"""Choices for the case list's filter bar, read in one place and kept for a minute per process.

Every list page draws the bar; its four small lists (categories, severities, channels, staff)
change a few times a year. Changes made in this process (admin, a new agent) are seen at once;
another web process sees them within `MAX_AGE` seconds. The case page reads its small tables here
too (a case's category, severity, channel and emotion; the canned emails), for the same reason.
"""

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from complaints.access import assignable_users
from complaints.models import CannedResponse, Category, Channel, Complaint, Emotion, Severity

MAX_AGE = 60.0
_cached: dict[str, Any] = {}


def person_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


def person_names(ids: set[int]) -> dict[int, str]:
    """Names of these staff members, from the kept staff list instead of a join to the user table
    per row; anyone not in it (who has left, or cannot own cases) is read from the database."""
    staff = dict(filter_choices()["owners"])
    names = {pk: staff[str(pk)] for pk in ids if str(pk) in staff}
    missing = ids - names.keys()
    if missing:
        names |= {user.pk: person_label(user) for user in get_user_model().objects.filter(pk__in=missing)}
    return names


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    held = _cached.get("choices")
    if held is not None and time.monotonic() - held[0] < MAX_AGE:
        return held[1]
    _cached.pop("options", None)  # drawn from the choices read below
    choices = {
        "categories": [
            (str(pk), name) for pk, name in Category.objects.order_by("name").values_list("pk", "name")
        ],
        "severities": [(str(pk), name) for pk, name in Severity.objects.values_list("pk", "name")],
        "channels": [(str(pk), name) for pk, name in Channel.objects.values_list("pk", "name")],
        "owners": [
            (str(u.pk), person_label(u))
            for u in assignable_users().only("pk", "username", "first_name", "last_name")
        ],
    }
    _cached["choices"] = (time.monotonic(), choices)
    return choices


def _kept(name: str, read: Any) -> Any:
    held = _cached.get(name)
    if held is not None and time.monotonic() - held[0] < MAX_AGE:
        return held[1]
    value = read()
    _cached[name] = (time.monotonic(), value)
    return value


# The case page's small tables, by the complaint field that points at them.
LOOKUPS = {"category": Category, "severity": Severity, "channel": Channel, "emotion": Emotion}


def with_lookups(complaint: Complaint) -> Complaint:
    """The complaint with its category, severity, channel and emotion rows attached from the kept
    tables: loading them with the case joins four more tables, and planning that eight-table
    query cost PostgreSQL about 10 ms at a million cases, twenty times reading the row. A row
    this process has not seen yet (added in another process within the minute) loads as usual."""

    def read() -> dict[str, dict[int, Any]]:
        return {field: model._default_manager.in_bulk() for field, model in LOOKUPS.items()}

    rows = _kept("lookups", read)
    for field in LOOKUPS:
        pk = getattr(complaint, f"{field}_id")
        if pk is not None and pk in rows[field]:
            setattr(complaint, field, rows[field][pk])
    return complaint


def canned_choices() -> list[tuple[str, str]]:
    """The active canned emails as the email form offers them (by name)."""
    return _kept(
        "canned", lambda: [(str(c.pk), str(c)) for c in CannedResponse.objects.filter(is_active=True)]
    )


def options_html(name: str, choices: list[tuple[str, str]], selected: object) -> SafeString:
    """`<option>`s of one select, the current value selected; kept with the cached choices, so a
    filter bar drawn again with the same values costs a dictionary lookup."""
    current = "" if selected is None else str(selected)
    held = _cached.setdefault("options", {})
    key = (name, current)
    html = held.get(key)
    if html is None:
        html = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, " selected" if str(value) == current else "", label) for value, label in choices),
        )
        if len(held) < 2_000:
            held[key] = html
    return html


def forget_choices(**kwargs: Any) -> None:
    _cached.clear()


for model in (Category, Severity, Channel, Emotion, CannedResponse, get_user_model(), Group):
    post_save.connect(forget_choices, sender=model, dispatch_uid=f"case-list-choices-{model.__name__}")
    post_delete.connect(forget_choices, sender=model, dispatch_uid=f"case-list-choices-del-{model.__name__}")
m2m_changed.connect(
    forget_choices, sender=get_user_model().groups.through, dispatch_uid="case-list-choices-groups"
)
