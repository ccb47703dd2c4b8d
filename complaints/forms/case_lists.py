from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from complaints.models import Status


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label="Reference, customer name, email or phone",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Status.choices])
    owner = forms.ChoiceField(label="Owner", required=False)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody yet"),
            *[(str(u.pk), u.get_full_name() or u.get_username()) for u in owners],
        ]
