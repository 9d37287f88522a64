from django import forms

from .models import MailMode, NotificationPreference


class PreferenceForm(forms.ModelForm):
    mail_mode = forms.ChoiceField(
        label=NotificationPreference._meta.get_field("mail_mode").verbose_name,
        choices=MailMode.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = NotificationPreference
        fields = ["mail_mode"]
