"""The ticket changelist's fast rendering; tickets/templatetags/ticket_admin.py registers it as template tags.

``ticket_result_list``: the changelist's rows in unfold's markup, built once per page instead of once per cell.
unfold's own ``items_for_result`` rebuilds every column header for every row (a check box widget and three
query strings per column) and renders a template for each badge and check box: two thirds of the page's time
for 25 rows. Here the headers are built once; each distinct badge is rendered once per page by unfold's own
helper and reused; the row check box and the row links are built once for a stand-in id and given each row's;
a row's cells are joined here and drawn by change_list_rows.html, a lean copy of unfold's rows template. The
HTML is unfold's (``test_admin_rows`` renders pages both ways and compares them); editable, popup, sortable
and sectioned lists and lists with row actions fall back to unfold's own rows.

``ticket_list_filter``: Django's ``admin_list_filter`` for the filter panel, each filter's HTML kept per process
for the query string and choices it was drawn for (a fifth of the page's time was these forms, the same on
every view of the same list).
"""

import datetime
import functools
from types import SimpleNamespace

from django import VERSION as DJANGO_VERSION
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import _coerce_field_name, admin_list_filter
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import FieldIsAForeignKeyColumnName, _get_non_gfk_field, lookup_field, quote
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from unfold.templatetags import unfold_list
from unfold.templatetags.unfold_list import (
    CHECKBOX_CLASSES,
    LINK_CLASSES,
    ROW_CLASSES,
    result_headers,
)
from unfold.utils import (
    display_for_dropdown,
    display_for_field,
    display_for_header,
    display_for_label,
    display_for_value,
)

# Stand for a row's id (any id the URL patterns accept) and a badge's text in what is built once per page and
# then given each row's: its check box, its links, its badges. No character in either needs escaping.
ROW_PK = 987654321
TEXT_PLACEHOLDER = "cootrack-badge-text"
LINK = '<a href="{}" class="' + " ".join(LINK_CLASSES) + '" >{}</a>'


# Drawn filters, headers and badges, kept per process and emptied when full: a list's query string brings 8
# entries (~33 kB: 7 filters and the headers), so ~9 MB a worker at most.
RENDERED: dict = {}
RENDERED_MAX = 2048


def rendered(key, render, *args):
    """``render(*args)``, drawn once per process for each key."""
    try:
        return RENDERED[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value in the key
        return render(*args)
    html = render(*args)
    if len(RENDERED) >= RENDERED_MAX:
        RENDERED.clear()
    RENDERED[key] = html
    return html


def row_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a changelist row: reversed once per URL name and script prefix, then the
    row's id put in (a page of 25 rows asked for 50 reverses)."""
    return row_url_pattern(name).replace(str(ROW_PK), str(int(pk)), 1)


def row_url_pattern(name: str) -> str:
    """The row URL ``name`` with ``ROW_PK`` standing for the row's id."""
    return _reversed(name, get_script_prefix())


@functools.lru_cache(maxsize=64)
def _reversed(name: str, prefix: str) -> str:
    return reverse(name, args=[ROW_PK])


def ticket_list_filter(cl, spec):
    """``admin_list_filter``, drawn once per process for what decides its HTML, where the model admin asks for it
    (``cache_list_filters``): the filter, its choices, the list's query string and the language. Facet counts
    change with the data, so a list showing them draws its filters each time."""
    if not getattr(cl.model_admin, "cache_list_filters", False) or cl.add_facets:
        return admin_list_filter(cl, spec)
    choices = getattr(spec, "lookup_choices", None)  # a SimpleListFilter's lookups(), a related field's rows
    key = (
        "filter",
        type(cl.model_admin),
        type(spec),
        str(spec.title),
        spec.template,
        tuple(spec.expected_parameters()),
        query_key(cl),
        None if choices is None else tuple(choices),
        cl.is_popup,
        get_language(),
    )
    return rendered(key, admin_list_filter, cl, spec)


def query_key(cl) -> tuple:
    """The list's query string (the page number aside), from which a filter's or a header's links are built."""
    return tuple(sorted((name, tuple(values)) for name, values in cl.filter_params.items()))


def ticket_result_list(parser, token):
    """unfold's ``unfold_result_list``, each row built by :class:`PageRows` and drawn by change_list_rows.html."""
    if DJANGO_VERSION >= (6, 1):
        return InclusionAdminNode(
            "ticket_result_list", parser, token, func=result_list, template_name="change_list_rows.html"
        )
    return InclusionAdminNode(parser, token, func=result_list, template_name="change_list_rows.html")


def result_list(context, cl) -> dict:
    """The context of unfold's ``result_list`` tag, each row already built by :class:`PageRows`."""
    admin = cl.model_admin
    if (
        getattr(cl, "formset", None)
        or cl.is_popup
        or getattr(admin, "ordering_field", None)
        or getattr(admin, "list_sections", None)
        or context.get("actions_row")
    ):
        # Editable, popup, sortable, sectioned lists or row actions: unfold's own rows and template.
        return {**unfold_list.result_list(context, cl), "unfold_rows": True}
    sortable = None if cl.sortable_by is None else tuple(cl.sortable_by)
    key = ("headers", type(admin), tuple(cl.list_display), sortable, query_key(cl), get_language())
    headers, thead = rendered(key, page_headers, cl)
    return {
        "cl": cl,
        "thead": thead,
        "rows": PageRows(cl, headers).rows(),
        "actions_row": context.get("actions_row"),
        "has_add_permission": cl.model_admin.has_add_permission(context["request"]),
    }


def page_headers(cl) -> tuple[list[dict], str]:
    """The column headers and their drawn ``thead``: the same for every view of a list with the same query string
    (the sort links and markers), so drawn once per process for it."""
    headers = list(result_headers(cl))
    context = {
        "cl": cl,
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
    }
    return headers, render_to_string("unfold/helpers/change_list_headers.html", context)


class PageRows:
    """One page's rows; what depends only on a column, or on a value, is worked out once."""

    def __init__(self, cl, headers):
        from unfold.admin import checkbox  # noqa: PLC0415 (unfold.admin loads the template libraries)

        self.cl = cl
        self.admin = cl.model_admin
        self.empty = self.admin.get_empty_value_display()
        self.language = get_language()
        self.checkbox = checkbox.render(helpers.ACTION_CHECKBOX_NAME, str(ROW_PK))
        self.change_url = self._change_url_pattern()
        links = cl.list_display_links
        self.columns = []
        first_link = True
        for index, name in enumerate(cl.list_display):
            link = links is not None and (name in links or (index == 0 and not links))
            # The first linked column is the row's header cell (``th``); later linked columns are ``td``.
            tag = "th" if link and first_link else "td"
            first_link = first_link and not link
            label = headers[index]["text"] if link or index else gettext("Select record")
            if name == "action_checkbox":
                classes = {False: CHECKBOX_CLASSES}
            else:
                plain = [f"field-{_coerce_field_name(name, index)}", *ROW_CLASSES]
                classes = {False: plain, True: [*plain, "nowrap"]}
            # The cell's opening tag with and without the "nowrap" class, and its closing tag.
            opening = {
                nowrap: format_html('<{} class="{}" data-label="{}">', tag, " ".join(names), label)
                for nowrap, names in classes.items()
            }
            self.columns.append((index, name, link, opening, f"</{tag}>", self._reader(name)))

    def rows(self) -> list[str]:
        return [mark_safe("\n".join(self.cells(result))) for result in self.cl.result_list]  # noqa: S308

    def cells(self, result):
        url = self.change_url and conditional_escape(self.change_url.replace(str(ROW_PK), str(quote(result.pk)), 1))
        for index, name, link, opening, closing, reader in self.columns:
            nowrap, text = self.value(name, index, result, reader)
            content = conditional_escape(text)
            if link and url:
                content = LINK.format(url, content)
            yield opening[nowrap] + content + closing

    def value(self, name: str, index: int, result, reader) -> tuple[bool, str]:
        """Whether the cell takes the "nowrap" class, and its content, as unfold's ``items_for_result``."""
        if name == "action_checkbox":
            return False, mark_safe(self.checkbox.replace(str(ROW_PK), escape(str(result.pk))))  # noqa: S308
        try:
            if reader is None:
                field, attr, value = lookup_field(name, result, self.admin)
            else:
                field, attr = reader
                value = getattr(result, name) if attr is None else attr(result)
        except ObjectDoesNotExist:
            return False, self.empty
        if field is None or field.auto_created:
            empty = getattr(attr, "empty_value_display", self.empty)
            if label := getattr(attr, "label", False):
                text = self.badge(name, value, empty, label)
            elif getattr(attr, "dropdown", False):
                text = display_for_dropdown(result, name, value, empty)
            elif getattr(attr, "header", False):
                text = display_for_header(value, empty)
            elif getattr(attr, "boolean", False):
                text = self.once((name, value), display_for_value, value, empty, True)
            else:
                text = display_for_value(value, empty, False)
            return isinstance(value, datetime.date | datetime.time), text
        if isinstance(field.remote_field, models.ManyToOneRel):
            related = getattr(result, field.name)
            text = self.empty if related is None else related
        else:
            text = display_for_field(value, field, self.empty)
        return isinstance(field, models.DateField | models.TimeField | models.ForeignKey), text

    def _reader(self, name) -> tuple | None:
        """How ``lookup_field`` reads the column, found once: (a model field, None) or (None, the admin's method);
        None for the rest (the check box, a model property or callable), which ask ``lookup_field`` each row."""
        if name == "action_checkbox" or callable(name):
            return None
        try:
            return _get_non_gfk_field(self.cl.opts, name), None
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if name != "__str__" and hasattr(self.admin, name):
                return None, getattr(self.admin, name)
        return None

    def badge(self, name: str, value, empty: str, label):
        """unfold's ``display_for_label``. A (kind, text) pair whose kind has a colour (the SLA column's
        "Due in 3 hours") is rendered once per kind and column, then given each row's text."""
        if (
            isinstance(value, tuple)
            and len(value) == 2  # noqa: PLR2004 (a kind and a text)
            and isinstance(value[1], str)
            and isinstance(label, dict)
            and value[0] in label
        ):
            kind, text = value
            shell = self.once((name, kind, TEXT_PLACEHOLDER), display_for_label, (kind, TEXT_PLACEHOLDER), empty, label)
            return mark_safe(shell.replace(TEXT_PLACEHOLDER, conditional_escape(text)))  # noqa: S308
        return self.once((name, value), display_for_label, value, empty, label)

    def once(self, key, render, *args):
        """``render(*args)`` once per process for each distinct key (badges and icons repeat down a column and
        from page to page): the column's admin, its value and the language decide the HTML."""
        return rendered(("cell", type(self.admin), self.empty, self.language, *key), render, *args)

    def _change_url_pattern(self) -> str | None:
        """The rows' change link, filters kept, for the stand-in id; None where the admin has no change page."""
        try:
            url = self.cl.url_for_result(SimpleNamespace(**{self.cl.pk_attname: ROW_PK}))
        except NoReverseMatch:
            return None
        return add_preserved_filters({"preserved_filters": self.cl.preserved_filters, "opts": self.cl.opts}, url)
