"""CSV export of any size: streamed from the database, memory flat however many rows (``tickets.postgres.csv_rows``:
COPY on PostgreSQL, the csv module elsewhere, the same columns and quoting). Excel workbooks of the same columns,
up to EXPORT_XLSX_MAX_ROWS rows."""

import io
import re
from collections.abc import Iterator
from datetime import datetime

from django.db.models import Case, OuterRef, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from tickets.models import TICKET_FIELDS, SatisfactionRating, Ticket, TicketTag
from tickets.postgres import JoinedNames, csv_rows
from tickets.rules.sla import STATES as SLA_STATES
from tickets.rules.sla import sla_filter

# The ticket's public columns, then who owns it (by name), when it was first answered, and its promises.
EXPORT_COLUMNS = (
    *TICKET_FIELDS, "assignee", "first_response_at", "first_response_due_at", "resolution_due_at", "sla_state",
    "tags", "team", "satisfaction",
)  # fmt: skip
_SOURCES = {"assignee": "assignee__username", "tags": "tag_names", "team": "team__name", "satisfaction": "rated"}
# Text a customer typed; a leading = + - @ (tab, CR) would run as a formula in a spreadsheet, so it gets a quote.
# A value that already starts with quotes before such a character gets one more, so that an import removes
# exactly one quote (``unguard``) and an export followed by an import changes nothing.
FREE_TEXT_COLUMNS = ("title", "description", "submitter_email")
FORMULA_GUARD_PATTERN = r"^'*[=+@\t\r-]"
_GUARDED = re.compile(r"^'+[=+@\t\r-]")
UTF8_BOM = "\ufeff".encode()  # lets spreadsheet programs detect UTF-8


def _export_values(queryset: QuerySet[Ticket]) -> QuerySet:
    safe = {
        f"_{name}": Case(
            When(**{f"{name}__regex": FORMULA_GUARD_PATTERN}, then=Concat(Value("'"), name, output_field=TextField())),
            default=name,
            output_field=TextField(),
        )
        for name in FREE_TEXT_COLUMNS
    }
    now = timezone.now()
    state = Case(
        *(When(sla_filter(name, now), then=Value(name)) for name in SLA_STATES),
        default=Value(""),
        output_field=TextField(),
    )
    # A ticket's tag names, "billing-dispute, vip": one index probe per row on (ticket, tag).
    names = TicketTag.objects.filter(ticket=OuterRef("pk")).values("ticket").annotate(names=JoinedNames("tag__name"))
    tags = Subquery(names.values("names"), output_field=TextField())
    # The customer's answer to the latest resolution they rated (good, bad, or empty): one probe on (ticket, ...).
    rated = SatisfactionRating.objects.filter(ticket=OuterRef("pk")).order_by("-resolved_at").values("rating")[:1]
    columns = [f"_{c}" if f"_{c}" in safe else _SOURCES.get(c, c) for c in EXPORT_COLUMNS]
    return queryset.annotate(
        **safe, sla_state=state, tag_names=tags, rated=Subquery(rated, output_field=TextField())
    ).values_list(*columns)


def unguard(value: str) -> str:
    """A cell as it was before ``export_csv`` guarded it against running as a formula."""
    return value[1:] if isinstance(value, str) and _GUARDED.match(value) else value


def export_csv(queryset: QuerySet[Ticket]) -> Iterator[bytes]:
    """The tickets of ``queryset`` (filters and order kept) as UTF-8 CSV chunks, header first."""
    yield UTF8_BOM
    yield (",".join(EXPORT_COLUMNS) + "\n").encode()
    yield from csv_rows(_export_values(queryset))


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_xlsx(queryset: QuerySet[Ticket]) -> bytes:
    """The tickets of ``queryset`` as an Excel workbook; callers bound the rows (it is built in memory). Text is
    written as text cells, never formulas, and carries the CSV's guard too, so that any export imports back
    unchanged; times are local, as spreadsheets show them."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tickets")
    sheet.append(EXPORT_COLUMNS)
    for row in _export_values(queryset).iterator(chunk_size=2000):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # "=1+1" stays the text a customer typed
        return cell
    return value
