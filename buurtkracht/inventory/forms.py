from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .columns import COLUMNS, column_letter
from .spreadsheet import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Your spreadsheet"),
        help_text=_("A CSV file or an Excel file (.xlsx), at most 5 MB and 10,000 rows."),
        error_messages={
            "required": _("Choose a file on your computer."),
            "empty": _("Your file is empty."),
        },
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                gettext(
                    "Your file is %(size)s MB. Upload at most %(max)s MB at a time; split the file."
                )
                % {
                    "size": number_format(round(upload.size / 1024 / 1024, 1)),
                    "max": MAX_BYTES // 1024 // 1024,
                }
            )
        return upload


class MappingForm(forms.Form):
    """For each column of the inventory: which column of the file holds it."""

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in my file)"))] + [
            (str(i), f"{column_letter(i)}: {header or '—'}") for i, header in enumerate(headers)
        ]
        for column in COLUMNS:
            label = f"{column.key} – {column.label}"
            if column.required:
                label = gettext("%(label)s (required)") % {"label": label}
            self.fields[column.key] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,  # the service names a missing required column
                help_text=column.help,
            )
            if column.required:
                self.fields[column.key].widget.attrs["aria-required"] = "true"
        self.required_keys = [c.key for c in COLUMNS if c.required]

    def mapping(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value is not None}
