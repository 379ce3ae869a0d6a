"""Table headers that sort: a click sorts by the column, a second click reverses it."""

from django import template
from django.template.context import RequestContext
from django.template.defaulttags import querystring
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(
    context: RequestContext, key: str, label: str, current: str, css_class: str = ""
) -> SafeString:
    """A ``<th>`` whose link sorts by ``key`` (ascending first) and keeps the other filters.

    The link works as a plain link and, inside an htmx container, as an htmx request; the
    first page is shown after a new sort.
    """
    if current == key:
        next_sort, state, arrow = f"-{key}", "ascending", "▲"
    elif current == f"-{key}":
        next_sort, state, arrow = key, "descending", "▼"
    else:
        next_sort, state, arrow = key, "", ""
    url = querystring(context, sort=next_sort, page=None)
    title = _("Sort by %(column)s") % {"column": label}
    attributes = format_html(' class="{}"', css_class) if css_class else ""
    if state:
        attributes = format_html('{} aria-sort="{}"', attributes, state)
        label = format_html(
            '{}<span class="sort-indicator" aria-hidden="true">{}</span>', label, arrow
        )
    return format_html(
        '<th scope="col"{}><a href="{}" hx-get="{}" title="{}">{}</a></th>',
        attributes,
        url,
        url,
        title,
        label,
    )
