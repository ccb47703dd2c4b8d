from datetime import date, timedelta

from django import forms

from complaints.models import Category, Channel
from insights.models import Problem, Team
from insights.selectors.filters import Filters

MAX_DAYS = 20 * 366  # the page draws a column per week


class FilterForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(parent__isnull=True), required=False, empty_label="All categories"
    )
    channel = forms.ModelChoiceField(
        queryset=Channel.objects.all(), required=False, empty_label="All channels"
    )
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, empty_label="All teams")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError("The end date is before the start date.")
        if start and end and (end - start).days > MAX_DAYS:
            raise forms.ValidationError("Choose at most twenty years.")
        return data

    def filters(self, today: date) -> Filters:
        """The filter asked for, or the last twelve weeks where a date is missing or invalid."""
        default = Filters.default(today)
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or default.end
        start = data.get("start") or min(default.start, end - timedelta(weeks=12) + timedelta(days=1))
        return Filters(
            start=start,
            end=end,
            category=data.get("category"),
            channel=data.get("channel"),
            team=data.get("team"),
        )


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["title", "description", "category", "product", "root_cause"]


class CorrectiveActionForm(forms.Form):
    corrective_action = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000)
    corrective_action_on = forms.DateField(label="Taken on", widget=forms.DateInput(attrs={"type": "date"}))


class LinkCasesForm(forms.Form):
    references = forms.CharField(
        label="Case references", max_length=2_000, help_text="One or more, separated by spaces or commas."
    )

    def clean_references(self) -> list[str]:
        text = self.cleaned_data["references"].replace(",", " ")
        return [ref.strip().upper() for ref in text.split() if ref.strip()][:200]


class LinkLessonForm(forms.Form):
    problem = forms.ModelChoiceField(queryset=Problem.objects.all(), empty_label="Choose a problem")
