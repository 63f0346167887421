"""The ticket change form (with the version it was opened at) and the import form (with its limits)."""

import csv
import io

from django import forms
from django.conf import settings
from django.utils import timezone
from unfold.contrib.import_export.forms import ImportForm

from tickets import services
from tickets.models import Ticket


class TicketImportForm(ImportForm):
    """Sets ``rows`` and ``text`` (the file read as UTF-8) when it can count them: files with more than
    IMPORT_INLINE_ROWS rows are checked and written by the background worker instead of in the request."""

    rows: int | None = None
    text: str | None = None

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
            text = head.decode("utf-8-sig")
            rows = sum(1 for _ in csv.reader(io.StringIO(text))) - 1  # less the header
        except (UnicodeDecodeError, csv.Error):
            return upload  # not a CSV we can count: the importer reports what is wrong with it
        if rows > limit_rows:
            raise forms.ValidationError(
                f"The file has {rows:,} rows; the limit is {limit_rows:,} per file. "
                "Split it into smaller files and import them one after another."
            )
        self.rows, self.text = rows, text
        return upload


def stale_message(current: Ticket) -> str:
    return (
        f"Nothing was saved: someone else changed this ticket at {timezone.localtime(current.updated_at):%H:%M:%S} "
        f"since you opened it. It is now: status {current.get_status_display()}, priority "
        f"{current.get_priority_display()}, category {current.get_category_display()}, "
        f"title \u201c{current.title}\u201d. "
        "Reload the page to see every change, then make yours again."
    )


class TicketAdminForm(forms.ModelForm):
    """The ticket's version when the form was opened travels with it, so a save over someone else's later
    change is refused instead of silently overwriting it (the API's If-Match, for the admin)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = services.ticket_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version"):
            current = Ticket.objects.filter(pk=self.instance.pk).first()
            if current is not None and services.ticket_version(current) != cleaned["version"]:
                raise forms.ValidationError(stale_message(current), code="stale")
        return cleaned
