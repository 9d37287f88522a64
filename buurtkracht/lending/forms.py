from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Booking

# The services name the times start_at and end_at; the form asks for a day and a time each.
SERVICE_FIELDS = {"start_at": "start_date", "end_at": "end_date", "note": "note"}


class BookingForm(forms.Form):
    start_date = forms.DateField(
        label=_("From which day?"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=_("From what time?"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_date = forms.DateField(
        label=_("Until which day?"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_time = forms.TimeField(
        label=_("Until what time?"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    note = forms.CharField(
        label=_("Message for the owner"),
        max_length=Booking._meta.get_field("note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Not required. The owner sees your name and this message."),
    )

    def _moment(self, day_field: str, time_field: str) -> datetime | None:
        day, moment = self.cleaned_data.get(day_field), self.cleaned_data.get(time_field)
        if day is None or moment is None:
            return None
        return timezone.make_aware(datetime.combine(day, moment))

    def clean(self):
        data = super().clean()
        data["start_at"] = self._moment("start_date", "start_time")
        data["end_at"] = self._moment("end_date", "end_time")
        if data["start_at"] and data["end_at"] and data["end_at"] <= data["start_at"]:
            self.add_error("end_date", _("The end must be after the start."))
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal next to the day it is about, or above the form."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                for item in errors:
                    self.add_error(SERVICE_FIELDS.get(name), item)
        else:
            self.add_error(None, error)
