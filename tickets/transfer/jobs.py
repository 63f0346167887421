"""Large CSV imports in the background: every row checked first (a dry run, chunk by chunk, with progress and
every error's line number), then, once staff confirm, written all or nothing through the import resource and the
services. Files small enough are previewed inside the request as before (tickets/admin)."""

import logging

from import_export.formats.base_formats import CSV

from tickets import services
from tickets.models import ImportJob, ImportState
from tickets.transfer.resource import TicketResource

logger = logging.getLogger(__name__)

CHECK_CHUNK_ROWS = 500
PREVIEW_ROWS = 10
PROGRESS_EVERY_ROWS = 200


def _dataset(text: str):
    return CSV().create_dataset(text)


def row_errors(result, *, first_line: int) -> list[dict]:
    """Every problem of a dry run as {line, field, message}: ``first_line`` is the file line of the chunk's
    first row (the header is line 1)."""
    found = []
    for row in result.invalid_rows:
        for field, messages in row.field_specific_errors.items():
            found += [{"line": first_line + row.number - 1, "field": field, "message": m} for m in messages]
        found += [
            {"line": first_line + row.number - 1, "field": "", "message": m} for m in row.non_field_specific_errors
        ]
    for number, errors in result.row_errors():
        found += [{"line": first_line + number - 1, "field": "", "message": str(e.error)} for e in errors]
    return found


def check(job_id: int) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)
    try:
        dataset = _dataset(job.content)
    except Exception:  # noqa: BLE001  any unreadable file: said plainly, the traceback goes to the log
        logger.exception("import %s: the file could not be read", job.pk)
        return services.import_job_finish(
            job=job, state=ImportState.FAILED, message="The file could not be read as CSV."
        )
    headers = dataset.headers
    errors, done = [], 0
    for start in range(0, dataset.height, CHECK_CHUNK_ROWS):
        chunk = dataset.__class__(*dataset[start : start + CHECK_CHUNK_ROWS], headers=headers)
        result = TicketResource().import_data(chunk, dry_run=True, raise_errors=False, user=job.actor)
        errors += row_errors(result, first_line=start + 2)
        done += chunk.height
        services.import_job_progress(job_id=job.pk, rows_done=done)
    preview = [dict(zip(headers, row, strict=False)) for row in dataset[:PREVIEW_ROWS]]
    state = ImportState.INVALID if errors else ImportState.READY
    return services.import_job_finish(job=job, state=state, errors=errors, preview=preview, rows_done=done)


class _ProgressResource(TicketResource):
    job_id: int

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        number = kwargs.get("row_number") or 0
        if number and number % PROGRESS_EVERY_ROWS == 0:
            services.import_job_progress(job_id=self.job_id, rows_done=number)


def write(job_id: int) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)
    resource = _ProgressResource()
    resource.job_id = job.pk
    try:
        result = resource.import_data(_dataset(job.content), dry_run=False, raise_errors=True, user=job.actor)
    except Exception:  # noqa: BLE001  a database or unexpected failure: the transaction rolled back, nothing written
        logger.exception("import %s failed while writing", job.pk)
        return services.import_job_finish(
            job=job, state=ImportState.FAILED, message="Writing stopped on an unexpected error: nothing was written."
        )
    totals = result.totals
    services.audit_import(actor=job.actor, file_name=job.file_name, totals=totals, background=True)
    return services.import_job_finish(
        job=job,
        state=ImportState.DONE,
        created=totals.get("new", 0),
        updated=totals.get("update", 0),
        rows_done=job.rows_total,
    )
