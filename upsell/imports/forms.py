from django import forms
from django.utils.translation import gettext_lazy as _

from upsell.core.uploads import upload_size_validate
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
