"""Import and export of the activity log: an office's monthly sheet (XLSX or CSV), all-or-nothing.

The sheet is imported in bulk (``use_bulk``: one INSERT per batch) with every foreign key looked up in a
dictionary built once per import from the records the importing account may see: a 50,000-row sheet costs
a handful of queries, not several per row. Every row is still checked (``Activity.clean`` and the field
checks) before anything is written, and any bad row rolls the whole import back. Each import writes an
ImportLog (who, when, which file, how many rows) in the same transaction, and every activity it created
points to it.

Every imported row also gets its entry in the activity's change history, in the same transaction: created
rows by one INSERT ... SELECT per batch in the database (registers.history.record_inserted; built in
Python, the history halved the import's rate, 6,205 -> 3,010 rows/s), updated rows with their old and new
values (the history mixin of ScopedModelResource), lecturers added or replaced as their own entries.
"""

import copy
import hashlib
from collections import defaultdict

from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import fields, resources, widgets
from import_export.results import RowResult

from communities.models import Community, PartnerOrganization, PartyOrganization
from registers.history import record_inserted, record_links_changed
from registers.sheets import (
    AMBIGUOUS,
    LOOKUP_CHUNK,
    CachedNameWidget,
    DateTimeWidget,
    IntegerWidget,
    ScopedModelResource,
    cell_text,
    index_by,
)
from venues.models import Venue
from volunteers.models import VolunteerTeam

from .models import Activity, ActivityType, ImportedChange, ImportLog, Lecturer, Programme, ProgrammeYear

PREVIEW_ROWS = 100
LIST_SEPARATORS = ("、", "，", ",", ";", "；")


FOREIGN_KEYS = [f.name for f in Activity._meta.concrete_fields if f.is_relation]


def fingerprint(dataset) -> str:
    """The sheet's content, whatever the file's format or name: its headers and cells as text."""
    digest = hashlib.sha256()
    for values in [dataset.headers or (), *dataset]:
        digest.update("\x1f".join(cell_text(value) for value in values).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


class KindWidget(widgets.Widget):
    """A type's kind by its name in the reader's language, in exports and in the import preview (which
    reads fields through their widgets, not the resource's dehydrate methods)."""

    def render(self, value, obj=None, **kwargs):
        return str(dict(ActivityType.Kind.choices).get(value, value or ""))


class TypeWidget(CachedNameWidget):
    def __init__(self):
        super().__init__(ActivityType, lambda user: ActivityType.objects.for_user(user))
        self.not_found = gettext_lazy("There is no activity type “%(name)s”.")

    def load(self, user):
        # An office's own type wins over a shared type of the same name.
        types = sorted(self.queryset_for_user(user), key=lambda t: t.subdistrict_id is not None)
        return {t.name: t for t in types}


class CommunityWidget(CachedNameWidget):
    """A community by name; where the account sees two of that name, the row's subdistrict column decides."""

    subdistrict_column = "subdistrict"

    def __init__(self):
        super().__init__(Community, lambda user: Community.objects.for_user(user))
        self.not_found = gettext_lazy("The community “%(name)s” is not in your unit (or does not exist).")

    def load(self, user):
        index = defaultdict(list)
        for community in self.queryset_for_user(user).select_related("subdistrict"):
            index[community.name].append(community)
        return index

    def lookup(self, name, row, user):
        if self.cache is None:
            self.cache = self.load(user)
        candidates = self.cache.get(name, [])
        subdistrict = cell_text(row.get(self.subdistrict_column))
        if subdistrict and len(candidates) > 1:
            candidates = [c for c in candidates if c.subdistrict.name == subdistrict]
        if len(candidates) > 1:
            return AMBIGUOUS
        return candidates[0] if candidates else None


class VenueWidget(CachedNameWidget):
    """A venue by name, within the row's community: a venue of another community is refused."""

    community_widget = None
    community_column = "community"

    def __init__(self):
        super().__init__(Venue, lambda user: Venue.objects.for_user(user).only("id", "name", "community_id"))

    def load(self, user):
        by_name = defaultdict(list)
        for venue in self.queryset_for_user(user):
            by_name[venue.name].append(venue)
        return by_name

    def clean(self, value, row=None, **kwargs):
        name = cell_text(value)
        if not name:
            return None
        row = row or {}
        if self.cache is None:
            self.cache = self.load(self.user or kwargs.get("user"))
        try:
            community = self.community_widget.clean(row.get(self.community_column), row, **kwargs)
        except ValueError:
            community = None  # the community column reports its own error
        venues = self.cache.get(name, [])
        here = [v for v in venues if community is not None and v.community_id == community.pk]
        if len(here) == 1:
            return here[0]
        if len(here) > 1:
            raise ValueError(
                _("Two venues of %(community)s are called “%(name)s”.")
                % {"community": community, "name": name}
            )
        if venues and community is not None:
            raise ValueError(
                _(
                    "The venue “%(name)s” is not in %(community)s; an activity uses a venue of its own community."
                )
                % {"name": name, "community": community}
            )
        raise ValueError(_("The venue “%(name)s” is not in your unit (or does not exist).") % {"name": name})


class LecturersWidget(widgets.Widget):
    """Lecturers by name, separated by 、 or commas; stored after the bulk insert (see ActivityResource)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.cache = None
        self.user = None

    def reset(self):
        self.cache = None

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return []
        if self.cache is None:
            lecturers = Lecturer.objects.for_user(self.user or kwargs.get("user")).select_related("person")
            self.cache = index_by(lecturers, lambda lecturer: lecturer.person.name)
        for separator in LIST_SEPARATORS[1:]:
            text = text.replace(separator, LIST_SEPARATORS[0])
        found, missing = [], []
        for name in filter(None, (n.strip() for n in text.split(LIST_SEPARATORS[0]))):
            lecturer = self.cache.get(name)
            if lecturer is None:
                missing.append(name)
            elif lecturer is AMBIGUOUS:
                raise ValueError(_("Two lecturers in your unit are called “%(name)s”.") % {"name": name})
            else:
                found.append(lecturer)
        if missing:
            raise ValueError(
                _("No lecturer in your unit is called: %(names)s.") % {"names": "、".join(missing)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if obj is None:
            return ""
        return "、".join(lecturer.person.name for lecturer in obj.lecturers.all())


class LecturersField(fields.Field):
    def save(self, instance, row, is_m2m=False, **kwargs):
        instance._imported_lecturers = self.clean(row, **kwargs)

    def get_value(self, instance):
        return instance


def _named(model):
    return CachedNameWidget(model, lambda user: model.objects.for_user(user).only("id", "name"))


class ActivityResource(ScopedModelResource):
    """Columns of the activity sheet. Names are looked up inside the importing account's unit.

    Headers are translated with a context ("activity sheet column") so that they never take another app's
    translation of the same English word; a sheet may use either language's headers or the field names.
    """

    title = fields.Field(attribute="title", column_name=pgettext_lazy("activity sheet column", "title"))
    type = fields.Field(
        attribute="type", column_name=pgettext_lazy("activity sheet column", "type"), widget=TypeWidget()
    )
    kind = fields.Field(
        attribute="type__kind",
        column_name=pgettext_lazy("activity sheet column", "kind"),
        readonly=True,
        widget=KindWidget(),
    )
    subdistrict = fields.Field(
        attribute="community__subdistrict__name",
        column_name=pgettext_lazy("activity sheet column", "subdistrict"),
        readonly=True,
    )
    community = fields.Field(
        attribute="community",
        column_name=pgettext_lazy("activity sheet column", "community"),
        widget=CommunityWidget(),
    )
    party_organization = fields.Field(
        attribute="party_organization",
        column_name=pgettext_lazy("activity sheet column", "Party organisation"),
        widget=_named(PartyOrganization),
    )
    volunteer_team = fields.Field(
        attribute="volunteer_team",
        column_name=pgettext_lazy("activity sheet column", "volunteer team"),
        widget=_named(VolunteerTeam),
    )
    partner = fields.Field(
        attribute="partner",
        column_name=pgettext_lazy("activity sheet column", "partner organisation"),
        widget=_named(PartnerOrganization),
    )
    venue = fields.Field(
        attribute="venue", column_name=pgettext_lazy("activity sheet column", "venue"), widget=VenueWidget()
    )
    start = fields.Field(
        attribute="start",
        column_name=pgettext_lazy("activity sheet column", "start"),
        widget=DateTimeWidget(),
    )
    end = fields.Field(
        attribute="end",
        column_name=pgettext_lazy("activity sheet column", "end"),
        widget=DateTimeWidget(end_of_day=True),
    )
    participants = fields.Field(
        attribute="participants",
        column_name=pgettext_lazy("activity sheet column", "participants"),
        widget=IntegerWidget(),
        default=0,
    )
    lecturers = LecturersField(
        attribute="lecturers",
        column_name=pgettext_lazy("activity sheet column", "lecturers"),
        widget=LecturersWidget(),
    )
    programme = fields.Field(
        attribute="programme",
        column_name=pgettext_lazy("activity sheet column", "programme"),
        widget=CachedNameWidget(
            Programme,
            lambda user: Programme.objects.for_user(user).only(
                "id", "name", "subdistrict_id", "community_id"
            ),
        ),
    )
    description = fields.Field(
        attribute="description", column_name=pgettext_lazy("activity sheet column", "description")
    )

    # A row names the activity of its community with its title and start: a sheet imported again, or a
    # month's sheet overlapping the last one, finds the activities already recorded instead of adding them
    # twice (unchanged rows are skipped, changed ones updated and kept for the import's undo).
    natural_key = ("community", "title", "start")
    # The template's example row names one organiser (an activity has exactly one).
    template_example_fields = ("party_organization",)

    class Meta:
        model = Activity
        fields = (
            "id", "title", "type", "kind", "subdistrict", "community", "party_organization", "volunteer_team",
            "partner", "venue", "start", "end", "participants", "lecturers", "programme", "description",
        )  # fmt: skip
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_html_diff = True
        skip_unchanged = True  # (decided by skip_row, from the columns as stored)
        report_skipped = True

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        # Lookups that read other columns of the row find them under this import's headers.
        community = self.fields["community"].widget
        community.subdistrict_column = self.fields["subdistrict"].column_name
        self.fields["venue"].widget.community_widget = community
        self.fields["venue"].widget.community_column = self.fields["community"].column_name
        self.fields["lecturers"].widget.user = user
        self.import_log = None
        self._sheet_fields = []
        self._lecturers_before = {}  # pk -> lecturer ids, of the activities the sheet names
        # The preview shows its first rows with their values (import_row); the other rows and the confirm
        # step skip that work. Per-import options, so this resource's own copy.
        self._meta = copy.copy(self._meta)

    def required_columns(self):
        return [self.fields[name].column_name for name in ("title", "type", "community", "start", "end")]

    # --- the import --------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        for field in self.fields.values():
            if hasattr(field.widget, "reset"):
                field.widget.reset()
        headers = set(dataset.headers or ())
        self._sheet_fields = [
            f for f in self.get_import_fields() if f.attribute and not f.readonly and f.column_name in headers
        ]
        # Written in the import's transaction: a rolled-back import leaves no log, a saved one always has it.
        self.import_log = ImportLog.objects.create(
            user=kwargs.get("user") or self.user,
            file_name=cell_text(kwargs.get("file_name"))[:255],
            rows=len(dataset),
            fingerprint=fingerprint(dataset),
        )
        self._lecturers_before = defaultdict(set)
        pks = sorted(self._by_pk)
        through = Activity.lecturers.through
        for start in range(0, len(pks), LOOKUP_CHUNK):
            links = through.objects.filter(activity_id__in=pks[start : start + LOOKUP_CHUNK])
            for activity_id, lecturer_id in links.values_list("activity_id", "lecturer_id"):
                self._lecturers_before[activity_id].add(lecturer_id)

    def import_row(self, row, instance_loader, **kwargs):
        shown = kwargs.get("dry_run") and (kwargs.get("row_number") or 0) <= PREVIEW_ROWS
        self._meta.skip_diff = self._meta.skip_html_diff = not shown
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        found = super().get_instance(instance_loader, row)
        if found is not None and id(found) in self._pending:
            raise ValidationError(
                _(
                    "This row is the same activity as row %(line)s (same community, title and start): an activity "
                    "is recorded once. If they are two activities, give them different titles or starts."
                )
                % {"line": self._pending[id(found)] + self._lines_above}
            )
        return found

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row that names a recorded activity and changes none of its columns nor its lecturers."""
        if import_validation_errors or instance.pk is None or id(instance) in self._pending:
            return False
        stored = self.stored_columns(instance)
        if any(stored.get(column) != getattr(instance, column) for column in self._compared_columns()):
            return False
        if hasattr(instance, "_imported_lecturers"):
            lecturers = {lecturer.pk for lecturer in instance._imported_lecturers}
            return lecturers == self._lecturers_before.get(instance.pk, set())
        return True

    def _compared_columns(self):
        columns = {field.attname for field in Activity._meta.concrete_fields}
        model_fields = (self._model_field(field) for field in self._sheet_fields)
        return [field.attname for field in model_fields if field is not None and field.attname in columns]

    def import_instance(self, instance, row, **kwargs):
        """As the library's, over the columns this sheet has (found once in before_import), without its
        per-field debug logging: the hot loop of a 50,000-row import."""
        kwargs.setdefault("user", self.user)
        errors = {}
        for field in self._sheet_fields:
            try:
                field.save(instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code="invalid")
        if instance.pk is None:
            instance.import_log = self.import_log
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own checks without a query per row: foreign keys were found by the lookups above
        (inside the account's unit), and Activity.clean() repeats the database constraints in Python."""
        errors = dict(import_validation_errors or {})
        try:
            instance.clean_fields(exclude=[*errors, *FOREIGN_KEYS, "id"])
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not {"community", "start", "end"} & set(errors):
            try:
                instance.clean()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if instance.type_id is None and "type" not in errors:
            errors["type"] = [_("Give the activity's type.")]
        if instance.community_id is None and "community" not in errors:
            errors["community"] = [_("Give the community where the activity took place.")]
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        # Not the base class's per-row "still in your unit?" query: in bulk mode the row is not saved yet,
        # and its community came from the account's own communities (CommunityWidget), so it is in the unit.
        resources.ModelResource.after_save_instance(self, instance, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        pending = list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        self._save_lecturers(pending, replace=False)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        pending = list(self.update_instances)
        # What the import changes, as it was: undoing the import puts it back (activities.imports).
        ImportedChange.objects.bulk_create(
            [
                ImportedChange(import_log=self.import_log, activity_id=a.pk, before=self._as_stored(a))
                for a in pending
                if a.pk is not None
            ],
            batch_size=1000,
            ignore_conflicts=True,  # (a record two rows of one sheet change: its state before the first)
        )
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        self._save_lecturers(pending, replace=True)

    def _as_stored(self, activity) -> dict:
        before = {
            column: value
            for column, value in self.stored_columns(activity).items()
            if column not in ("id", "import_log_id", "created_at")
        }
        before["lecturers"] = sorted(self._lecturers_before.get(activity.pk, ()))
        return before

    def record_created(self, objs):
        pks = [a.pk for a in objs if a.pk is not None]
        if not pks:
            return
        # This import's rows in the batch's id range are the batch: two parameters, not a thousand.
        record_inserted(
            Activity,
            Activity.objects.filter(import_log=self.import_log, pk__range=(min(pks), max(pks))),
            by=self.user,
            name=F("title"),
            note={"import": self.import_log.file_name or "-"},
        )

    def get_bulk_update_fields(self):
        return [f.attribute for f in self.fields.values() if f.attribute and not f.readonly and "__" not in f.attribute
                and f.attribute not in ("id", "lecturers")]  # fmt: skip

    def _save_lecturers(self, instances, replace):
        through = Activity.lecturers.through
        saved = [a for a in instances if a.pk is not None and hasattr(a, "_imported_lecturers")]
        before = defaultdict(set)
        if replace and saved:
            old_links = through.objects.filter(activity_id__in=[a.pk for a in saved])
            for activity_id, lecturer_id in old_links.values_list("activity_id", "lecturer_id"):
                before[activity_id].add(lecturer_id)
            old_links.delete()
        links = [
            through(activity_id=a.pk, lecturer_id=lec.pk) for a in saved for lec in a._imported_lecturers
        ]
        if links:
            through.objects.bulk_create(links, batch_size=1000)
        record_links_changed(
            Activity, "lecturers", [(a, before[a.pk], a._imported_lecturers) for a in saved], by=self.user
        )

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run"):
            # The preview lists the first rows, not a 50,000-row table; every bad row is still listed (in
            # result.invalid_rows), and the confirm step imports the whole sheet again.
            result.rows = [
                row for i, row in enumerate(result.rows)
                if i < PREVIEW_ROWS or row.errors or row.import_type == RowResult.IMPORT_TYPE_INVALID
            ]  # fmt: skip
        if self.import_log is None or result.has_errors() or result.has_validation_errors():
            return
        totals = result.totals
        self.import_log.created = totals.get(RowResult.IMPORT_TYPE_NEW, 0)
        self.import_log.updated = totals.get(RowResult.IMPORT_TYPE_UPDATE, 0)
        self.import_log.unchanged = totals.get(RowResult.IMPORT_TYPE_SKIP, 0)
        self.import_log.finished_at = timezone.now()
        self.import_log.save(update_fields=["created", "updated", "unchanged", "finished_at"])
        if kwargs.get("dry_run"):
            earlier = (
                ImportLog.objects.for_user(self.user)
                .filter(
                    fingerprint=self.import_log.fingerprint, undone_at__isnull=True, finished_at__isnull=False
                )
                .exclude(pk=self.import_log.pk)
                .select_related("user")
                .first()
            )
            if earlier is not None:
                result.notices.append(
                    _(
                        "This sheet was imported before (%(when)s, by %(user)s): rows already recorded are "
                        "shown as unchanged and are not added again."
                    )
                    % {
                        "when": f"{timezone.localtime(earlier.imported_at):%Y-%m-%d %H:%M}",
                        "user": earlier.user,
                    }
                )
            return
        # One entry in the admin's own log for the whole sheet (each activity has its own history), pointing at the import's log.
        LogEntry.objects.log_actions(
            user_id=self.import_log.user_id,
            queryset=[self.import_log],
            action_flag=ADDITION,
            change_message=_(
                "Imported %(file)s: %(created)s activities added, %(updated)s changed, %(unchanged)s already recorded."
            )
            % {
                "file": self.import_log.file_name or "-",
                "created": self.import_log.created,
                "updated": self.import_log.updated,
                "unchanged": self.import_log.unchanged,
            },
            single_object=True,
        )

    # --- the export ---------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(
            "type",
            "community__subdistrict",
            "party_organization",
            "volunteer_team",
            "partner",
            "venue",
            "programme",
        ).prefetch_related("lecturers__person")


# --- the other registers: exported (scoped by the admin's list, formula-safe), imported only as activities ---


class ActivityTypeResource(ScopedModelResource):
    kind = fields.Field(
        attribute="kind",
        column_name=pgettext_lazy("activity sheet column", "kind"),
        readonly=True,
        widget=KindWidget(),
    )
    subdistrict = fields.Field(
        attribute="subdistrict__name", column_name=pgettext_lazy("activity sheet column", "subdistrict"),
        readonly=True,
    )  # fmt: skip

    class Meta:
        model = ActivityType
        fields = ("id", "name", "kind", "subdistrict")


class ProgrammeResource(ScopedModelResource):
    subdistrict = fields.Field(
        attribute="subdistrict__name", column_name=pgettext_lazy("activity sheet column", "subdistrict"),
        readonly=True,
    )  # fmt: skip
    community = fields.Field(
        attribute="community__name",
        column_name=pgettext_lazy("activity sheet column", "community"),
        readonly=True,
    )
    parent = fields.Field(
        attribute="parent__name", column_name=pgettext_lazy("activity sheet column", "part of"), readonly=True
    )
    select_related = ("subdistrict", "community", "parent")

    class Meta:
        model = Programme
        fields = ("id", "name", "subdistrict", "community", "parent", "launched_on", "description")


class ProgrammeYearResource(ScopedModelResource):
    programme = fields.Field(
        attribute="programme__name",
        column_name=pgettext_lazy("activity sheet column", "programme"),
        readonly=True,
    )
    activities_done = fields.Field(
        attribute="activities_done", column_name=pgettext_lazy("activity sheet column", "activities so far"),
        readonly=True,
    )  # fmt: skip
    participants_done = fields.Field(
        attribute="participants_done", column_name=pgettext_lazy("activity sheet column", "participants so far"),
        readonly=True,
    )  # fmt: skip
    select_related = ("programme",)

    class Meta:
        model = ProgrammeYear
        fields = (
            "id", "programme", "year", "plan", "target_activities", "activities_done", "target_participants",
            "participants_done", "mid_year_note", "score", "assessment",
        )  # fmt: skip


class LecturerResource(ScopedModelResource):
    name = fields.Field(
        attribute="person__name", column_name=pgettext_lazy("activity sheet column", "name"), readonly=True
    )
    community = fields.Field(
        attribute="community__name",
        column_name=pgettext_lazy("activity sheet column", "community"),
        readonly=True,
    )
    category = fields.Field(
        attribute="category", column_name=pgettext_lazy("activity sheet column", "category"), readonly=True
    )
    halls = fields.Field(column_name=pgettext_lazy("activity sheet column", "halls"), readonly=True)
    sessions = fields.Field(
        attribute="session_count", column_name=pgettext_lazy("activity sheet column", "lecture sessions"),
        readonly=True,
    )  # fmt: skip

    class Meta:
        model = Lecturer
        fields = ("id", "name", "community", "category", "topics", "halls", "sessions", "active")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("person", "community").prefetch_related("halls")

    def dehydrate_category(self, lecturer):
        return lecturer.get_category_display()

    def dehydrate_halls(self, lecturer):
        return "、".join(hall.name for hall in lecturer.halls.all())
