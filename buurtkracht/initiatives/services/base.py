"""What the initiatives' services share: the refusals every section gives (who may act,
a closed initiative, text that is missing or too long, a photo that is not one). The
membership a service acts for is its caller's (`neighbourhoods.services.acting_membership`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from buurtkracht.core import access

from ..models import Initiative
from ..selectors import role_of

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal of one field that keeps its code (`error_dict[field][0].code`)."""
    return ValidationError({field: ValidationError(message, code=code)})


def closed() -> ValidationError:
    return ValidationError(_("This initiative has been closed."), code="closed")


def require_open(initiative: Initiative) -> None:
    if not initiative.is_open:
        raise closed()


def require_owner(user, initiative: Initiative) -> None:
    """Only owners change an initiative, and only while it is open."""
    if not access.is_initiative_owner(role_of(user, initiative)):
        raise ValidationError(
            _("Only the owners of this initiative can do this."), code="not_owner"
        )
    require_open(initiative)


def clean_text(value: str, *, field: str, required: bool, limit: int) -> str:
    """`value` without surrounding spaces; refused (on `field`) when empty but required,
    or longer than `limit`."""
    value = (value or "").strip()
    if required and not value:
        raise field_error(field, _("Fill this in."), "required")
    if len(value) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    _("At most %(limit)s characters, please."),
                    code="too_long",
                    params={"limit": limit},
                )
            }
        )
    return value


def photo_checked(upload: UploadedFile | None, *, field: str | None = "photo") -> Any:
    """A checked, re-encoded photo (no EXIF, so no location), or None when there is none.
    A refusal names `field`, or none (above the form) with `field=None`."""
    from buurtkracht.core.photos import clean_photo, validate_photo

    if not upload:
        return None
    try:
        validate_photo(upload)
    except ValidationError as error:
        refusal = ValidationError(" ".join(error.messages), code="bad_photo")
        raise ValidationError({field: refusal} if field else refusal) from None
    return clean_photo(upload)
