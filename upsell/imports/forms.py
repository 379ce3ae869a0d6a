from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from upsell.core.uploads import upload_size_validate
from upsell.imports.formats.columns import KIND_COLUMNS, header_normalise
from upsell.imports.models import ImportKind


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, UTF-16 or Windows-1251) or XLSX, as 1C or Excel export it."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
        validators=[upload_size_validate],
    )
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        required=False,
        choices=[("", _("Recognise by its columns")), *ImportKind.choices],
    )
    keep_valid_rows = forms.BooleanField(
        label=_("Import valid rows, reject the rest"),
        required=False,
        help_text=_(
            "Without it, one bad row stops the whole file and nothing is imported. With it, the "
            "rejected rows are set aside in a file you can download, correct and import again."
        ),
    )
    create_products = forms.BooleanField(
        label=_("Create the products the catalogue lacks"),
        required=False,
        help_text=_(
            "Without it, a product code of a shipments or orders file that the catalogue does not "
            "know is an error. With it, the product is added under the file's name for it, and "
            "the summary lists every product added."
        ),
    )


class ColumnMappingForm(forms.Form):
    """Which field of the kind each column of a file is: one select per header of the file."""

    def __init__(self, *args: Any, headers: tuple[str, ...], kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = tuple(header for header in headers if header.strip())
        choices = [("", _("— not read —"))] + [
            (spec.field, f"{spec.russian} / {spec.english}{' *' if spec.required else ''}")
            for spec in KIND_COLUMNS[kind]
        ]
        known = _known_fields(kind)
        for position, header in enumerate(self.headers):
            self.fields[f"column_{position}"] = forms.ChoiceField(
                label=header,
                required=False,
                choices=choices,
                initial=known.get(header_normalise(header), ""),
            )

    def mapping(self) -> dict[str, str]:
        """The file's header → its field, for the headers given one."""
        return {
            header: self.cleaned_data[f"column_{position}"]
            for position, header in enumerate(self.headers)
            if self.cleaned_data[f"column_{position}"]
        }


def _known_fields(kind: str) -> dict[str, str]:
    """The fields the import already tells by their headers: the form starts with them."""
    return {name: spec.field for spec in KIND_COLUMNS[kind] for name in spec.names}
