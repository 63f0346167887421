"""The files data teams really have, imported through the admin (preview, then confirm) and in the background:
Excel's encodings and separators, UTF-16, .xlsx, headers in any case; unknown columns named; never a traceback.
And the Excel export: the changelist's filters, text never a formula, bounded, and back in unchanged."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from tickets.models import AuditEntry, ImportJob, Ticket, TicketEvent
from tickets.tests.factories import TicketFactory, xlsx_bytes
from tickets.transfer.files import ImportFileError, read_import_file

pytestmark = pytest.mark.django_db

ROWS = [
    ("Café machine broken", "The café's card reader shows Résumé errors", "technical", "high", "open"),
    ("Naïve question", "Where is the Größe setting? Prices in £", "general", "low", "open"),
]


def _csv(delimiter=",", header=("title", "description", "category", "priority", "status")):
    lines = [delimiter.join(header), *(delimiter.join(row) for row in ROWS)]
    return "\r\n".join(lines) + "\r\n"


SHAPES = {
    "utf-8": _csv().encode(),
    "utf-8 with BOM, semicolons (European Excel)": b"\xef\xbb\xbf" + _csv(";").encode(),
    "cp1252 (Excel on Windows)": _csv().encode("cp1252"),
    "cp1252, semicolons": _csv(";").encode("cp1252"),
    "latin-1, tabs": _csv("\t").encode("latin-1"),
    "utf-16 with BOM, tabs (Excel 'Unicode text')": _csv("\t").encode("utf-16"),
    "headers in any case and order": _csv(header=("Title ", "DESCRIPTION", "Category", "priority", "Status")).encode(
        "cp1252"
    ),
    "xlsx": xlsx_bytes([("title", "description", "category", "priority", "status"), *ROWS]),
}


def _upload(client, raw: bytes, name: str):
    file = io.BytesIO(raw)
    file.name = name
    return client.post(reverse("admin:tickets_ticket_import"), {"format": "0", "import_file": file})


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.parametrize("shape", SHAPES)
def test_each_file_shape_is_previewed_then_written(manager_client, shape):
    name = "tickets.xlsx" if shape == "xlsx" else "tickets.csv"
    preview = _upload(manager_client, SHAPES[shape], name)
    page = preview.content.decode()
    assert preview.status_code == 200 and "Traceback" not in page, preview.context["form"].errors
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert "Café machine broken" in page and not Ticket.objects.exists()  # the preview writes nothing
    manager_client.post(reverse("admin:tickets_ticket_process_import"), preview.context["confirm_form"].initial)
    written = {t.title: t for t in Ticket.objects.all()}
    assert set(written) == {"Café machine broken", "Naïve question"}
    assert written["Café machine broken"].description == "The café's card reader shows Résumé errors"
    assert written["Naïve question"].description == "Where is the Größe setting? Prices in £"
    assert (written["Café machine broken"].priority, written["Naïve question"].category) == ("high", "general")


@pytest.mark.parametrize(
    ("raw", "name", "message"),
    [
        (b"title,description,Prio Level,colour\nA,B,high,red\n", "t.csv", "Unknown columns: 'prio level', 'colour'"),
        (b"description,category\nB,billing\n", "t.csv", "The file has no title column"),
        (b"title,title,description\nA,B,C\n", "t.csv", "Column 'title' appears more than once"),
        (b"\n\n", "t.csv", "The file is empty"),
        (b"PK\x03\x04 not really a workbook", "t.xlsx", "not a readable Excel workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.csv", "looks binary"),
        (b'title,description\n"A,unclosed\n', "t.csv", "not valid CSV"),
    ],
)
def test_bad_files_get_a_plain_message_and_no_traceback(manager_client, raw, name, message):
    response = _upload(manager_client, raw, name)
    errors = " ".join(response.context["form"].errors["import_file"])
    assert message in errors
    page = response.content.decode()
    assert "Traceback" not in page and not re.search(r'File "/', page) and "site-packages" not in page
    assert not Ticket.objects.exists()


def test_cp1252_only_characters_come_through():
    raw = "title,description\nInvoice \u2013 \u20ac40,Customer\u2019s \u201cquote\u201d\n".encode("cp1252")
    assert read_import_file(raw).text.splitlines()[1] == "Invoice \u2013 \u20ac40,Customer\u2019s \u201cquote\u201d"


def test_the_reader_says_what_it_found():
    assert read_import_file(SHAPES["cp1252, semicolons"]).source == "CSV, cp1252, semicolon-separated"
    assert read_import_file(SHAPES["xlsx"], "t.xlsx").source == "Excel workbook"
    read = read_import_file(SHAPES["utf-8 with BOM, semicolons (European Excel)"])
    assert read.rows == 2 and read.text.startswith("title,description,category,priority,status\n")


def test_ids_alone_update_only_the_columns_given(manager_client):
    ticket = TicketFactory(title="Printer", description="Jams", status="open")
    preview = _upload(manager_client, f"ID;Status\n{ticket.pk};resolved\n".encode("cp1252"), "status.csv")
    manager_client.post(reverse("admin:tickets_ticket_process_import"), preview.context["confirm_form"].initial)
    ticket.refresh_from_db()
    assert (ticket.title, ticket.description, ticket.status) == ("Printer", "Jams", "resolved")


def test_rows_over_the_limit_are_refused_for_xlsx_too(settings):
    settings.IMPORT_MAX_ROWS = 1
    with pytest.raises(ImportFileError, match="the limit is 1 per file"):
        read_import_file(SHAPES["xlsx"], "t.xlsx")


@pytest.mark.django_db(transaction=True)
def test_a_large_cp1252_semicolon_file_goes_to_the_background_and_is_written(manager_client, settings):
    settings.IMPORT_INLINE_ROWS = 5
    lines = ["titre;description;category;priority;status"]  # one unknown column: refused at once
    assert "Unknown column" in " ".join(
        _upload(manager_client, "\n".join(lines).encode("cp1252"), "big.csv").context["form"].errors["import_file"]
    )
    lines = ["Title;Description;Category;Priority;Status"]
    lines += [f"Café {i};Crème brûlée machine {i};technical;low;open" for i in range(40)]
    response = _upload(manager_client, "\r\n".join(lines).encode("cp1252"), "big.csv")
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("admin:tickets_importjob_change", args=[job.pk])
    assert (job.state, job.rows_total, job.errors) == ("ready", 40, [])
    manager_client.post(reverse("admin:tickets_importjob_confirm", args=[job.pk]))
    assert Ticket.objects.count() == 40
    assert Ticket.objects.get(title="Café 7").description == "Crème brûlée machine 7"


def test_excel_export_keeps_filters_and_text_and_imports_back_unchanged(manager_client, manager):
    TicketFactory(title='=HYPERLINK("http://x")', description="-5 degrees", status="open", priority="high")
    TicketFactory(title="Café", description="Résumé", status="open", priority="low")
    TicketFactory(title="Closed one", status="closed")
    response = manager_client.get(reverse("admin:tickets_ticket_export_xlsx"), {"status__exact": "open"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    titles = {row[header.index("title")] for row in rows[1:]}
    assert titles == {'\'=HYPERLINK("http://x")', "Café"}  # filtered; the formula is text, guarded as in CSV
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.rows, entry.detail["format"]) == ("export", 2, "xlsx")

    before = list(Ticket.objects.order_by("pk").values())
    history = list(TicketEvent.objects.order_by("pk").values())
    preview = _upload(manager_client, response.content, "export.xlsx")
    manager_client.post(reverse("admin:tickets_ticket_process_import"), preview.context["confirm_form"].initial)
    assert list(Ticket.objects.order_by("pk").values()) == before
    assert list(TicketEvent.objects.order_by("pk").values()) == history  # nothing changed, nothing recorded


def test_excel_export_past_its_bound_says_so(manager_client, settings):
    settings.EXPORT_XLSX_MAX_ROWS = 2
    TicketFactory.create_batch(3, status="open")
    response = manager_client.get(reverse("admin:tickets_ticket_export_xlsx"), {"status__exact": "open"}, follow=True)
    assert "More than 2 tickets match: an Excel export holds at most 2." in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?status__exact=open")
    assert not AuditEntry.objects.exists()


def test_the_changelist_offers_both_exports_with_its_filters(manager_client):
    page = manager_client.get(reverse("admin:tickets_ticket_changelist"), {"status__exact": "open"}).content.decode()
    assert reverse("admin:tickets_ticket_export") + "?status__exact=open" in page
    assert reverse("admin:tickets_ticket_export_xlsx") + "?status__exact=open" in page
