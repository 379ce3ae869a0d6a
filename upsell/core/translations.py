"""Django's own strings that its Russian catalogue does not translate yet.

Marking them here puts them in the project's catalogue, which Django reads before its own, so a
select's empty choice reads in the user's language like the rest of the page.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    # The empty choice of a select over a model field's choices (django.db.models.fields).
    gettext_noop("- Select an option -"),
)
