"""The one size limit of a file the product takes in: uploaded on a screen or through the API,
or read from disk by a command (``settings.UPSELL_FILE_MAX_MB``)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024


def file_max_bytes() -> int:
    return int(settings.UPSELL_FILE_MAX_MB) * MB


def file_too_large_message(*, size: int) -> str | None:
    """Why a file of ``size`` bytes is refused before anything reads it; None when it is not."""
    if size <= file_max_bytes():
        return None
    return _("the file is {size} MB; a file may be {limit} MB at most").format(
        size=f"{size / MB:.1f}", limit=settings.UPSELL_FILE_MAX_MB
    )


def upload_size_validate(upload: Any) -> None:
    """A form field's validator: an uploaded file over the limit is refused, saying so."""
    message = file_too_large_message(size=upload.size or 0)
    if message is not None:
        raise ValidationError(message[:1].upper() + message[1:] + ".", code="file_too_large")
