"""The SLA policies in the staff workspace: managers edit each priority's targets and the calendars they count in."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.contrib import admin
from django.utils import timezone
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminFileFieldWidget

from tickets import services
from tickets.models import BusinessCalendar, SLAPolicy
from tickets.rules.calendar import WEEKDAYS, CalendarError, ical_days, parse_dates, parse_hours
from tickets.selectors.sla import public_holidays


@admin.register(SLAPolicy)
class SLAPolicyAdmin(ModelAdmin):
    list_display = ["priority", "first_response_minutes", "resolution_minutes", "calendar"]
    list_editable = ["first_response_minutes", "resolution_minutes", "calendar"]
    fields = ["priority", "first_response_minutes", "resolution_minutes", "calendar"]

    def get_readonly_fields(self, request, obj=None):
        return ["priority"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # a priority without a policy would fall back to the defaults unnoticed


class BusinessCalendarForm(forms.ModelForm):
    ical = forms.FileField(
        label="Import days off",
        required=False,
        widget=UnfoldAdminFileFieldWidget,
        help_text="An iCalendar file (.ics) of holidays, from Outlook, Google or a government site: "
        "its days are added to the list above.",
    )

    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", *WEEKDAYS, "holiday_country", "holiday_subdivision", "holidays"]

    def clean_time_zone(self):
        name = self.cleaned_data["time_zone"].strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise forms.ValidationError(
                f"\u201c{name[:64]}\u201d is not a time zone (Europe/Paris, America/New_York)."
            ) from error
        return name

    def clean(self):
        cleaned = super().clean()
        for day in WEEKDAYS:
            try:
                parse_hours(cleaned.get(day, ""))
            except CalendarError as error:
                self.add_error(day, str(error))
        if not self.errors and not any(cleaned.get(day, "").strip() for day in WEEKDAYS):
            raise forms.ValidationError("Give working hours on at least one day (an empty calendar is never open).")
        try:
            year = timezone.now().year
            public_holidays(cleaned.get("holiday_country", ""), cleaned.get("holiday_subdivision", ""), year, year)
        except (CalendarError, KeyError, ValueError) as error:
            self.add_error("holiday_country", str(error) or "Unknown country or region code.")
        lines = (cleaned.get("holidays") or "").splitlines()
        if upload := cleaned.get("ical"):
            try:
                known = {line.split(maxsplit=1)[0] for line in lines if line.strip()}
                lines += [
                    f"{day.isoformat()} {name}".strip()
                    for day, name in ical_days(upload.read())
                    if day.isoformat() not in known
                ]
            except CalendarError as error:
                self.add_error("ical", str(error))
        try:
            parse_dates("\n".join(lines))
        except CalendarError as error:
            self.add_error("holidays", str(error))
        cleaned["holidays"] = "\n".join(line.rstrip() for line in lines)
        return cleaned


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ModelAdmin):
    form = BusinessCalendarForm
    list_display = ["name", "time_zone", "mon", "sat", "holiday_country"]
    fieldsets = [
        (None, {"fields": ["name", "time_zone"]}),
        ("Working hours", {"fields": list(WEEKDAYS)}),
        ("Days off", {"fields": ["holiday_country", "holiday_subdivision", "holidays", "ical"]}),
    ]

    def save_model(self, request, obj, form, change):
        services.calendar_save(calendar=obj)
