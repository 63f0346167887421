"""The ticket change form (with the version it was opened at) and the import form (with its limits)."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from unfold.contrib.import_export.forms import ImportForm
from unfold.widgets import UnfoldAdminTextInputWidget, UnfoldBooleanSwitchWidget

from tickets.models import Ticket
from tickets.rules.tags import tag_problem
from tickets.rules.tickets import ticket_version
from tickets.transfer.files import IMPORT_COLUMNS, ImportFileError, read_import_file


class TicketImportForm(ImportForm):
    """Reads the file whatever its shape (tickets/transfer/files.py) and hands the importer UTF-8 CSV; sets ``rows``
    and ``text`` so that files over IMPORT_INLINE_ROWS rows go to the background worker instead."""

    rows: int | None = None
    text: str | None = None
    source: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = (
            "CSV (UTF-8, Excel's Windows encoding or UTF-16; commas, semicolons or tabs) or an Excel .xlsx file. "
            f"Columns: {', '.join(IMPORT_COLUMNS)}, in any order; with an id a row updates that ticket."
        )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit_bytes = settings.IMPORT_MAX_BYTES
        if upload.size > limit_bytes:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB; the limit is {limit_bytes / 1_048_576:.1f} MB. "
                "Split it into smaller files and import them one after another."
            )
        upload.seek(0)
        raw = upload.read(limit_bytes)
        try:
            read = read_import_file(raw, upload.name)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        self.rows, self.text, self.source = read.rows, read.text, read.source
        return SimpleUploadedFile(upload.name, read.text.encode(), content_type="text/csv")


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
    tags_text = forms.CharField(
        label="Tags",
        required=False,
        max_length=500,
        help_text="Comma-separated; a new name creates the tag.",
        widget=UnfoldAdminTextInputWidget,
    )

    waiting = forms.BooleanField(
        label="Waiting on the customer",
        required=False,
        widget=UnfoldBooleanSwitchWidget,
        help_text="The SLA clock pauses until they answer (their message ends the wait).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = ticket_version(self.instance)
            self.fields["waiting"].initial = self.instance.waiting_since is not None
            self.fields["tags_text"].initial = ", ".join(self.instance.tags.values_list("name", flat=True))

    def clean_tags_text(self):
        text = self.cleaned_data["tags_text"]
        if problems := [p for n in text.split(",") if n.strip() and (p := tag_problem(n))]:
            raise forms.ValidationError(problems)
        return text

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version"):
            current = Ticket.objects.filter(pk=self.instance.pk).first()
            if current is not None and ticket_version(current) != cleaned["version"]:
                raise forms.ValidationError(stale_message(current), code="stale")
        return cleaned
