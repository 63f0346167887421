"""The import form: unfold's, with the size and row limits checked before anything is parsed or previewed."""

import csv
import io

from django import forms
from django.conf import settings
from unfold.contrib.import_export.forms import ImportForm


class TicketImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit_bytes, limit_rows = settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_ROWS
        if upload.size > limit_bytes:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB; the limit is {limit_bytes / 1_048_576:.1f} MB. "
                "Split it into smaller files and import them one after another."
            )
        upload.seek(0)
        head = upload.read(limit_bytes)
        upload.seek(0)
        try:
            rows = sum(1 for _ in csv.reader(io.StringIO(head.decode("utf-8-sig")))) - 1  # less the header
        except (UnicodeDecodeError, csv.Error):
            return upload  # not a CSV we can count: the importer reports what is wrong with it
        if rows > limit_rows:
            raise forms.ValidationError(
                f"The file has {rows:,} rows; the limit is {limit_rows:,} per file. "
                "Split it into smaller files and import them one after another."
            )
        return upload
