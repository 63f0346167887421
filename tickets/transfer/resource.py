"""CSV import of tickets (django-import-export): previewed as a dry run, written only through the services."""

from django.core.exceptions import ValidationError
from import_export import resources

from tickets import services
from tickets.models import TICKET_FIELDS, Status, Ticket
from tickets.rules.tags import tag_name, tag_problem
from tickets.transfer.export import FREE_TEXT_COLUMNS, unguard
from tickets.transfer.files import IMPORT_COLUMNS


class TicketResource(resources.ModelResource):
    """Rows with an existing ``id`` update that ticket; other rows create one. Missing labels are classified."""

    class Meta:
        model = Ticket
        fields = TICKET_FIELDS
        import_id_fields = ("id",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
        use_transactions = True

    def before_import(self, dataset, **kwargs):
        # Header names in any case and spacing; a file without an id column only creates tickets.
        dataset.headers = [(h or "").strip().lower() for h in dataset.headers]
        if "id" not in dataset.headers:
            dataset.insert_col(0, col=[""] * dataset.height, header="id")
        super().before_import(dataset, **kwargs)

    def get_import_fields(self):
        return [f for f in super().get_import_fields() if f.column_name in IMPORT_COLUMNS]

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        for name in FREE_TEXT_COLUMNS:
            # An exported file comes back unchanged: the export's formula guard is taken off again.
            value = unguard(getattr(instance, name))
            setattr(instance, name, value.strip() if isinstance(value, str) else "")
        if not instance.status:
            instance.status = Status.OPEN
        # Classified in the preview too, so staff see the labels before confirming. Local model: an import of
        # thousands of rows must not wait on an LLM.
        fill = instance.pk is None and instance.description
        instance._classification = services.ticket_fill_labels(instance, backend="local") if fill else None
        # "tags": comma-separated names, as the export writes them; a file without the column leaves tags alone,
        # an empty cell in it takes them off.
        instance._tags = None
        if "tags" in row:
            names = [n for n in str(row["tags"] or "").split(",") if n.strip()]
            if problems := [p for n in names if (p := tag_problem(n))]:
                raise ValidationError({"tags": problems})
            instance._tags = sorted({tag_name(n) for n in names})

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A row whose only change is its tags is not unchanged.
        if getattr(instance, "_tags", None) is not None and instance.pk is not None:
            if instance._tags != sorted(instance.tags.values_list("name", flat=True)):
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def do_instance_save(self, instance, is_create):
        actor = getattr(self, "_actor", None)
        if is_create:
            ticket = services.ticket_create(
                title=instance.title,
                description=instance.description,
                category=instance.category,
                priority=instance.priority,
                submitter_email=instance.submitter_email,
                status=instance.status,
                actor=actor,
                classify_ticket=False,
                classification=instance._classification,
                notify=False,  # an import never mails customers; the history still records each change
            )
            instance.pk = ticket.pk
            if instance._tags:
                services.ticket_update(ticket=ticket, data={"tags": instance._tags}, actor=actor, notify=False)
        else:
            data = {name: getattr(instance, name) for name in IMPORT_COLUMNS if name not in ("id", "tags")}
            if instance._tags is not None:
                data["tags"] = instance._tags
            services.ticket_update(ticket=instance, data=data, actor=actor, notify=False)

    def import_data(self, dataset, **kwargs):
        self._actor = kwargs.get("user")
        # All or nothing: one invalid row rolls back the whole file, in the preview and on confirm.
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return super().import_data(dataset, **kwargs)
