"""Uploaded photos: checked (a real JPG or PNG, under the size limit) and re-encoded (at
most 800 px, no EXIF — so no location — kept). Used for profile photos and initiatives'
photos alike."""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _


def validate_photo(upload) -> None:
    """A Dutch ValidationError unless `upload` is a JPG or PNG under the size limit."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > settings.BUURTKRACHT_PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo is too large. Choose one under 5 MB."))
    try:
        with Image.open(upload) as image:
            image.verify()
            if image.format not in {"JPEG", "PNG"}:
                raise ValidationError(_("Choose a photo in JPG or PNG format."))
    except (UnidentifiedImageError, OSError):
        raise ValidationError(_("This file is not a photo. Choose a JPG or PNG file.")) from None
    finally:
        upload.seek(0)


def clean_photo(upload) -> ContentFile:
    """Re-encode an uploaded photo: at most 800 px, no EXIF (location) data kept."""
    from PIL import Image, ImageOps

    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((800, 800))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
