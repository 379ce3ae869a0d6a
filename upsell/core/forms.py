"""What every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError


def form_errors_add(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal shown on the form that asked: each field's messages under the field,
    those of fields the form does not have (and a refusal of no field) above it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)
