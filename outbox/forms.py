from django import forms


class RetryForm(forms.Form):
    confirmed = forms.BooleanField(
        required=False,
        label="I checked with the recipient: they did not get it. Send it again.",
    )
