"""The files data teams really import, made into one shape before any row is read: UTF-8 CSV with commas.

Accepted: CSV in UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), or a legacy
single-byte encoding (cp1252 and Latin-1 first, then others charset-normalizer tells apart); separated by commas,
semicolons (European Excel) or tabs; and Excel workbooks (.xlsx, the first sheet). Header names in any case and
spacing. A column Cootrack does not know is refused by name, never dropped silently.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
from charset_normalizer import from_bytes
from django.conf import settings

from tickets.transfer.export import EXPORT_COLUMNS

# What an import reads: a row with an id updates that ticket, a row without one creates a ticket.
IMPORT_COLUMNS = ("id", "title", "description", "category", "priority", "status", "submitter_email", "tags")
DELIMITERS = (",", ";", "\t")
# Single-byte encodings charset-normalizer chooses among when a file is neither UTF-8 nor cp1252.
LEGACY_ENCODINGS = ["cp1250", "iso8859_2", "iso8859_15", "cp1257", "mac_roman"]
XLSX_MAGIC = b"PK\x03\x04"
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
REQUIRED_COLUMNS = ("title", "description")
# A header is looked for in the first rows and columns only; cells past the header's last name are never read.
XLSX_HEADER_ROWS, XLSX_HEADER_COLUMNS = 100, 64
# Exported columns the application writes itself: accepted so that an export imports back unchanged, not read.
KNOWN_COLUMNS = (*IMPORT_COLUMNS, *EXPORT_COLUMNS)


class ImportFileError(ValueError):
    """What is wrong with the file, in words for the person who chose it."""


@dataclass(frozen=True)
class ImportFile:
    text: str  # UTF-8 CSV, comma-separated, normalised header
    rows: int
    source: str  # what the file was found to be, e.g. "CSV, cp1252, ';'-separated"


def read_import_file(raw: bytes, name: str = "") -> ImportFile:
    if raw.startswith(XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        table, source = _xlsx_rows(raw), "Excel workbook"
    else:
        text, encoding = _decode(raw)
        delimiter = _delimiter(text)
        try:
            table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        except csv.Error as exc:
            raise ImportFileError(f"The file is not valid CSV ({exc}). Save it again as CSV and retry.") from exc
        shown = {"\t": "tab", ",": "comma", ";": "semicolon"}[delimiter]
        source = f"CSV, {encoding}, {shown}-separated"
    table = [row for row in table if any(cell.strip() for cell in row)]  # blank lines, as spreadsheets leave
    if not table:
        raise ImportFileError("The file is empty: it needs a header row, then one row per ticket.")
    header = [cell.strip().lower() for cell in table[0]]
    _check_header(header)
    rows = len(table) - 1
    if rows > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(
            f"The file has {rows:,} rows; the limit is {settings.IMPORT_MAX_ROWS:,} per file. "
            "Split it into smaller files and import them one after another."
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(table[1:])
    return ImportFile(out.getvalue(), rows, source)


def _decode(raw: bytes) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding.replace("-sig", "") + " with BOM"
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"The file is marked as {encoding.split('-sig')[0]} but byte {exc.start:,} is not: save it again "
                    "as CSV (UTF-8) and retry."
                ) from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw:
        raise ImportFileError("The file looks binary, not text: save it as CSV (UTF-8) or as an Excel .xlsx file.")
    # Excel on Windows writes cp1252; on short text detectors cannot tell it from its neighbours (cp1250,
    # mac_roman), so a file cp1252 reads is read as cp1252, and charset-normalizer names the others.
    for encoding in ("cp1252", *(m.encoding for m in from_bytes(raw, cp_isolation=LEGACY_ENCODINGS))):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin_1"), "latin_1"  # every byte is a Latin-1 character: nothing is lost


def _delimiter(text: str) -> str:
    """The separator of the header line: the one of , ; tab it holds most of (column names hold none)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _xlsx_rows(raw: bytes) -> list[list[str]]:
    """The first sheet's rows, read within bounds decided before any cell is: the archive's unpacked size (which
    bounds the longest string the XML parser can build; openpyxl then cuts a cell at Excel's 32,767 characters),
    the sheet's declared rows, and only as many columns as the header names (a sheet may declare A1:XFD1048576,
    and openpyxl would fill every row out to 16,384 empty cells)."""
    _check_archive(raw)
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError("The file is not a readable Excel workbook: save it again as .xlsx or as CSV.") from exc
    try:
        sheet = book.worksheets[0]
        if sheet.max_row is not None and sheet.max_row > settings.IMPORT_MAX_ROWS + 1:
            raise ImportFileError(
                f"The first sheet declares {sheet.max_row:,} rows; the limit is {settings.IMPORT_MAX_ROWS:,} per "
                "file. Delete the empty rows below your data (or split the file), save, and retry."
            )
        top = sheet.iter_rows(max_row=XLSX_HEADER_ROWS, max_col=XLSX_HEADER_COLUMNS, values_only=True)
        at, header = next(((i, row) for i, row in enumerate(top, start=1) if _filled(row)), (0, ()))
        width = max((i + 1 for i, value in enumerate(header) if _cell(value).strip()), default=0)
        if not width:
            return []
        table = [[_cell(value) for value in header[:width]]]
        rows = sheet.iter_rows(min_row=at + 1, max_col=width, values_only=True)
        for row in rows:
            if not _filled(row):
                continue  # blank rows, as spreadsheets leave: neither read nor counted
            table.append([_cell(value) for value in row])
            if len(table) > settings.IMPORT_MAX_ROWS + 1:
                break  # enough to say the file is over the limit
        return table
    finally:
        book.close()


def _filled(row) -> bool:
    return any(_cell(value).strip() for value in row)


def _check_archive(raw: bytes) -> None:
    """An .xlsx is a zip: refuse it by its declared unpacked size before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError("The file is not a readable Excel workbook: save it again as .xlsx or as CSV.") from exc
    limit = settings.IMPORT_MAX_XLSX_UNPACKED_BYTES
    if unpacked > limit:
        raise ImportFileError(
            f"The workbook unpacks to {unpacked / 1_048_576:,.0f} MB; the limit is {limit / 1_048_576:,.0f} MB. "
            "Save it as CSV, or split it into smaller files."
        )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _check_header(header: list[str]) -> None:
    unknown = [name for name in header if name not in KNOWN_COLUMNS]
    if unknown:
        raise ImportFileError(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(repr(n) for n in unknown)}. "
            f"The columns Cootrack reads are {', '.join(IMPORT_COLUMNS)}; rename or remove the others."
        )
    doubled = sorted({name for name in header if header.count(name) > 1})
    if doubled:
        raise ImportFileError(f"Column {', '.join(repr(n) for n in doubled)} appears more than once.")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing and "id" not in header:  # with ids, a file may change only some columns of existing tickets
        raise ImportFileError(
            f"The file has no {' or '.join(missing)} column. The first row must name the columns: "
            f"{', '.join(IMPORT_COLUMNS)} (id only to update existing tickets)."
        )
