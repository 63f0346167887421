"""The local model's versions, for managers: what each learned from and from whom, how it scored against the model
in use on the newest confirmed tickets, and one click to put a version in use, roll back, or retrain now."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from unfold.decorators import display

from tickets import services
from tickets.admin.audit import ReadOnlyAdmin
from tickets.models import ClassifierVersion, ModelState, RetrainTrigger
from tickets.roles import CHANGE_MODEL_VERSIONS, VIEW_MODEL_VERSIONS
from tickets.tasks import retrain_classifier

STATE_COLOURS = {"active": "success", "candidate": "info", "retired": "warning"}


def _figure(version: ClassifierVersion, side: str, key: str, form: str = "{:.1%}") -> str:
    value = (version.figures.get(side) or {}).get(key)
    return "-" if value is None else form.format(value)


FIGURES = (
    ("Category accuracy", "category_accuracy", "{:.1%}"),
    ("Priority macro-F1", "priority_macro_f1", "{:.3f}"),
    ("Priority accuracy", "priority_accuracy", "{:.1%}"),
    ("Urgent tickets called low", "urgent_as_low", "{:.1%}"),
    ("Calibration: largest gap in a decile of 10+", "calibration_max_gap", "{:.2f}"),
)


def report(version: ClassifierVersion) -> dict:
    """A version's figures as its page shows them, formatted, beside those of the model in use when it was judged."""
    return {
        "figures": [
            (name, _figure(version, "candidate", key, form), _figure(version, "in_use", key, form))
            for name, key, form in FIGURES
        ],  # fmt: skip
        "categories": [
            (label, row["n"], f"{row['accuracy']:.1%}", _by_label(version, label))
            for label, row in (version.figures.get("candidate") or {}).get("category_accuracy_by_label", {}).items()
        ],
        "calibration": [
            (row["bin"], row["n"], f"{row['confidence']:.2f}", f"{row['accuracy']:.2f}")
            for row in (version.figures.get("candidate") or {}).get("calibration", [])
        ],
    }


def _by_label(version: ClassifierVersion, label: str) -> str:
    row = ((version.figures.get("in_use") or {}).get("category_accuracy_by_label") or {}).get(label)
    return "-" if row is None else f"{row['accuracy']:.1%}"


@admin.register(ClassifierVersion)
class ClassifierVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "version", "state_badge", "trained_at", "trigger", "trained_on", "held_back", "category", "priority",
        "urgent_as_low", "calibration",
    ]  # fmt: skip
    list_filter = ["state", "trigger"]
    search_fields = ["version"]
    fields = [
        "version", "state", "decision", "trigger", "requested_by", "trained_at", "labels_until", "trained_on",
        "held_back", "promoted_at", "promoted_by", "size",
    ]  # fmt: skip
    readonly_fields = fields
    list_select_related = ["requested_by", "promoted_by"]
    list_before_template = "tickets/admin/model_versions.html"
    change_form_outer_before_template = "tickets/admin/model_version.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")  # the models themselves stay in the database

    @display(description="State", label=STATE_COLOURS)
    def state_badge(self, obj):
        return obj.state, obj.get_state_display()

    @display(description="Category accuracy (in use then)")
    def category(self, obj):
        return f"{_figure(obj, 'candidate', 'category_accuracy')} ({_figure(obj, 'in_use', 'category_accuracy')})"

    @display(description="Priority macro-F1 (in use then)")
    def priority(self, obj):
        return (
            f"{_figure(obj, 'candidate', 'priority_macro_f1', '{:.3f}')} "
            f"({_figure(obj, 'in_use', 'priority_macro_f1', '{:.3f}')})"
        )

    @display(description="Urgent called low")
    def urgent_as_low(self, obj):
        return _figure(obj, "candidate", "urgent_as_low")

    @display(description="Calibration gap")
    def calibration(self, obj):
        return _figure(obj, "candidate", "calibration_max_gap", "{:.2f}")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_MODEL_VERSIONS)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "model_in_use": ClassifierVersion.objects.filter(state=ModelState.ACTIVE).defer("data").first(),
            "may_change_models": request.user.has_perm(CHANGE_MODEL_VERSIONS),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = ClassifierVersion.objects.filter(pk=object_id).defer("data").first() if object_id.isdigit() else None
        extra_context = {
            **(extra_context or {}),
            "may_change_models": request.user.has_perm(CHANGE_MODEL_VERSIONS),
            "report": report(version) if version else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(require_POST(function))

        return [
            path("<int:pk>/promote/", view(self.promote_view), name="tickets_classifierversion_promote"),
            path("rollback/", view(self.rollback_view), name="tickets_classifierversion_rollback"),
            path("retrain/", view(self.retrain_view), name="tickets_classifierversion_retrain"),
            *super().get_urls(),
        ]

    def _allowed(self, request) -> None:
        if not request.user.has_perm(CHANGE_MODEL_VERSIONS):
            raise PermissionDenied

    def promote_view(self, request, pk):
        self._allowed(request)
        version = get_object_or_404(ClassifierVersion.objects.defer("data"), pk=pk)
        try:
            services.classifier_promote(version=version, actor=request.user)
        except services.VersionUnusable as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"{version.version} is in use: every process follows within a minute.")
        return redirect(reverse("admin:tickets_classifierversion_change", args=[version.pk]))

    def rollback_view(self, request):
        self._allowed(request)
        try:
            now = services.classifier_rollback(actor=request.user)
        except ValueError as exc:
            self.message_user(request, str(exc), messages.WARNING)
        else:
            name = now.version if now else "the shipped model"
            self.message_user(request, f"Rolled back: {name} is in use; every process follows within a minute.")
        return redirect(reverse("admin:tickets_classifierversion_changelist"))

    def retrain_view(self, request):
        self._allowed(request)
        retrain_classifier.enqueue(trigger=RetrainTrigger.MANUAL, actor_id=request.user.pk)
        self.message_user(request, "Retraining queued: the worker adds the new version to this list when it is done.")
        return redirect(reverse("admin:tickets_classifierversion_changelist"))
