from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtkracht.gifts.models import TaxonomyCategory

from .models import TEXT_MAX, WhenKind, WhereKind


class PostForm(forms.Form):
    """Short and B1: what, in your own words, when and where."""

    category = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=TaxonomyCategory.objects.all(),
        required=False,
        empty_label=_("(choose if you like)"),
    )
    text = forms.CharField(
        label=_("In your own words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        help_text=_("For example: my bike tyre is flat; who can help me on Saturday?"),
    )
    when_kind = forms.ChoiceField(
        label=_("When?"),
        choices=WhenKind.choices,
        initial=WhenKind.FLEXIBLE,
        widget=forms.RadioSelect,
    )
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    where_kind = forms.ChoiceField(
        label=_("Where?"), choices=WhereKind.choices, initial=WhereKind.NEIGHBOURHOOD
    )
    place = forms.ModelChoiceField(
        label=_("Which place?"), queryset=None, required=False, empty_label=_("(choose)")
    )
    recurring = forms.BooleanField(label=_("It comes back regularly"), required=False)
    needs_more = forms.BooleanField(
        label=_("This may need more than a neighbour can give"),
        required=False,
        help_text=_("Then a professional may look at it too, if you allow that."),
    )
    safety_net_ok = forms.BooleanField(
        label=_("If nobody answers, a professional may contact me about this request"),
        required=False,
        initial=True,
        help_text=_(
            "Only if you also gave the general permission for this (My permissions). "
            "Untick it for a request that is private."
        ),
    )

    def __init__(self, *args, places, is_request: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        if not is_request:
            del self.fields["needs_more"]
            del self.fields["safety_net_ok"]


class InviteForm(forms.Form):
    message = forms.CharField(label=_("A short message"), max_length=300, required=False)


class AgreeTimeForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))


class ThanksForm(forms.Form):
    text = forms.CharField(
        label=_("A thank-you note"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class HoursForm(forms.Form):
    """How long the help took (time bank): hours and minutes in whole numbers."""

    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=100, initial=1)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=59, initial=0)

    def total(self) -> int:
        return self.cleaned_data["hours"] * 60 + self.cleaned_data["minutes"]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Why do you close it?"),
        choices=[
            ("done", _("It is done: I was helped, or my offer was used")),
            ("withdrawn", _("It is no longer needed")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you close it.")},
    )


def post_initial(post) -> dict:
    """The form's fields as a post keeps them (for changing it)."""
    local = timezone.localtime
    return {
        "category": post.category_id,
        "text": post.text,
        "when_kind": post.when_kind,
        "day": local(post.starts_at).date() if post.starts_at else None,
        "start": local(post.starts_at).time() if post.starts_at else None,
        "end": local(post.ends_at).time() if post.ends_at else None,
        "where_kind": post.where_kind,
        "place": post.place_id,
        "recurring": post.recurring,
        "needs_more": post.needs_more,
        "safety_net_ok": post.safety_net_ok,
    }
