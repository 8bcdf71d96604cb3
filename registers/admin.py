"""The admin base every register uses: scoping to the account's unit, 404 for records outside it,
scoped foreign-key choices, filters and autocomplete, import/export with the account's scope, bounded counts."""

import logging

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from . import exports, jobs
from .autocomplete_filter import AutocompleteFilter, autocomplete_media, can_autocomplete
from .export_admin import SpreadsheetExportMixin
from .pagination import LargeTablePaginator
from .personal_admin import PersonalDataAdminMixin
from .personal_data import can_see_sensitive, record_export
from .scoping import in_scope, is_scoped
from .sheets import ScopedModelResource
from .sheets.formats import CSV
from .sheets.forms import LimitedImportForm
from .sheets.limits import declared_rows
from .sheets.template import import_template
from .unit_filter import with_unit_filter
from .units import unit_of
from .workbooks import XLSX_CONTENT_TYPE

logger = logging.getLogger(__name__)


class ReadOnlyAdminMixin:
    """A record written only by the app (a log, a job, a message): listed and opened, never added, changed or
    deleted in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter by a related unit that lists only the units inside the account's unit."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        # select_related(): the labels (str()) of units often name their parent unit ("环西社区 · 第一网格").
        queryset = related._default_manager.select_related()
        if is_scoped(related):
            queryset = queryset.for_user(request.user)
        return [(obj.pk, str(obj)) for obj in queryset]


def _scoped_list_filter(model, list_filter):
    """Related-field filters by a register's records become search boxes that offer only the account's own
    records (registers.autocomplete_filter): a sidebar listing every team or community of a province grows
    with the data. Those whose register has no search in the admin list only the account's own records."""
    scoped = []
    for entry in list_filter:
        path, kind = None, None
        if isinstance(entry, str):
            path = entry
        elif isinstance(entry, tuple) and issubclass(entry[1], admin.RelatedFieldListFilter):
            path, kind = entry
        if path is not None:
            try:
                last = get_fields_from_path(model, path)[-1]
            except Exception:
                last = None
            if can_autocomplete(admin.site, last):
                entry = (path, AutocompleteFilter)
            elif (
                kind is None
                and isinstance(last, models.ForeignKey | models.ManyToManyField)
                and is_scoped(last.related_model)
            ):
                entry = (path, ScopedRelatedFieldListFilter)
        scoped.append(entry)
    return scoped


def _has_autocomplete_filter(model, list_filter) -> bool:
    return any(
        isinstance(entry, tuple) and issubclass(entry[1], AutocompleteFilter)
        for entry in _scoped_list_filter(model, list_filter)
    )


def _violated_constraint(error: IntegrityError, model):
    """The constraint of ``model`` (or the unique field) the database names in ``error``, or None.

    PostgreSQL names the constraint (``diag.constraint_name``); SQLite names the columns of a unique one
    ("UNIQUE constraint failed: communities_grid.community_id, communities_grid.name") or the name of a
    check ("CHECK constraint failed: subdistrict_area_positive")."""
    meta = model._meta
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    columns = None
    text = str(error)
    if name is None and text.startswith("UNIQUE constraint failed: "):
        names = [part.strip() for part in text.removeprefix("UNIQUE constraint failed: ").split(",")]
        if names and all(part.startswith(meta.db_table + ".") for part in names):
            columns = {part.removeprefix(meta.db_table + ".") for part in names}
        elif len(names) == 1 and names[0].startswith("index '"):
            name = names[0].removeprefix("index '").removesuffix("'")
    elif name is None and text.startswith("CHECK constraint failed: "):
        name = text.removeprefix("CHECK constraint failed: ").strip()
    for constraint in meta.constraints:
        fields = getattr(constraint, "fields", ())
        if constraint.name == name or (
            columns and fields and {meta.get_field(f).column for f in fields} == columns
        ):
            return constraint
    for field in meta.concrete_fields:
        if field.unique and not field.primary_key and columns == {field.column}:
            return field
    return None


def integrity_error_message(error: IntegrityError, models_) -> str:
    """What the user reads when the database refused a save that the form's checks let through: the
    violated rule's own message (the one the form shows when it sees the clash itself), or a sentence."""
    for model in models_:
        rule = _violated_constraint(error, model)
        if isinstance(rule, models.UniqueConstraint) and rule.fields:
            if rule.violation_error_message != rule.default_violation_error_message:
                return rule.get_violation_error_message()
            return model().unique_error_message(model, tuple(rule.fields))
        if isinstance(rule, models.BaseConstraint):
            return rule.get_violation_error_message()
        if isinstance(rule, models.Field):
            return model().unique_error_message(model, (rule.name,))
    return gettext(
        "This record could not be saved: another change to the same records was saved at the same moment. "
        "Nothing was saved; check the form and save again."
    )


class ScopedFormMixin:
    """Refuses to save a record that would land outside the account's unit (e.g. moved to another community),
    and shows why the database refused the last attempt to save it (``refusal``, see ScopedAdminMixin)."""

    scope_user = None
    refusal = None

    def _post_clean(self):
        super()._post_clean()
        if self.refusal and self.refusal not in self.non_field_errors():
            self.add_error(None, self.refusal)
        if self.scope_user is None or self.errors or not is_scoped(type(self.instance)):
            return
        if not in_scope(self.instance, self.scope_user):
            self.add_error(
                None,
                gettext("This record would fall outside your unit (%(unit)s).")
                % {"unit": unit_of(self.scope_user)},
            )


def _scope_choices(formfield, db_field, request):
    if formfield is not None and is_scoped(db_field.related_model) and hasattr(formfield, "queryset"):
        formfield.queryset = formfield.queryset.for_user(request.user)
    return _labelled_choices(formfield, db_field.related_model)


def _labelled_choices(formfield, model):
    """Choices of a model with a ``choice_label`` (a person: name, community, birth year, phone's last four
    digits) read that label, in the select and in the autocomplete's chosen values, without a query each."""
    if formfield is not None and hasattr(model, "choice_label") and hasattr(formfield, "queryset"):
        formfield.queryset = formfield.queryset.select_related(*model.choice_label_related)
        formfield.label_from_instance = model.choice_label
    return formfield


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete (admin:autocomplete), answering each result with the model's ``choice_label``
    where it has one (str() otherwise), the label's relations read in the same query."""

    def get_queryset(self):
        queryset = super().get_queryset()
        related = getattr(self.model_admin.model, "choice_label_related", ())
        return queryset.select_related(*related) if related else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if hasattr(obj, "choice_label"):
            result["text"] = obj.choice_label()
        return result


def labelled_autocomplete(request):
    return LabelledAutocompleteJsonView.as_view(admin_site=admin.site)(request)


class ScopedAdminMixin:
    """Keeps every view of a ModelAdmin inside the account's unit (see registers.scoping)."""

    show_full_result_count = False
    paginator = LargeTablePaginator
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_object(self, request, object_id, from_field=None):
        # A record outside the account's unit and one that does not exist look the same: 404.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_list_filter(self, request):
        return with_unit_filter(self.model, _scoped_list_filter(self.model, super().get_list_filter(request)))

    @property
    def media(self):
        media = super().media
        if _has_autocomplete_filter(self.model, self.list_filter):
            media += autocomplete_media()
        return media

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        attributes = {"scope_user": request.user, "refusal": getattr(request, "_save_refused", None)}
        return type(form.__name__, (ScopedFormMixin, form), attributes)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Two people saving clashing records at the same moment (the same name in the same community): both
        forms pass their checks, the database's constraint keeps the first and refuses the second. The
        second gets the form back, as typed, with the rule's message, and nothing of it is saved (Django's
        own transaction around the save is rolled back) — not a server error."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            if request.method != "POST" or getattr(request, "_save_refused", None):
                raise
            models_ = [self.model, *(inline.model for inline in self.get_inline_instances(request))]
            request._save_refused = integrity_error_message(error, models_)
            logger.info(
                "%s: save refused by the database (%s)", self.model._meta.label, type(error.__cause__)
            )
        # The same view again: the form, now invalid with the refusal, is shown instead of being saved.
        return super().changeform_view(request, object_id, form_url, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _scope_choices(field, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _scope_choices(field, db_field, request)


class ScopedAdmin(SpreadsheetExportMixin, PersonalDataAdminMixin, ScopedAdminMixin, ImportExportModelAdmin):
    """A register: scoped, searchable, importable (with preview, all-or-nothing) and exportable; its personal
    data masked, hidden and access-logged as the model declares (registers.personal_admin)."""

    # Spreadsheets only (the library's defaults also offer JSON, YAML, HTML …). The order is the UI's order.
    # CSV keeps the file's empty lines, so that a bad row's number is its line in the file (formats.CSV).
    import_formats = [CSV, base_formats.XLSX]
    export_formats = [base_formats.XLSX, base_formats.CSV]
    import_form_class = LimitedImportForm
    import_template_name = "communities/admin/import.html"

    def get_resource_classes(self, request):
        # A register without a resource of its own exports through a scoped, masking one, never the library's
        # plain ModelResource (which would write every declared personal field in full).
        if self.resource_classes:
            return super().get_resource_classes(request)
        meta = type("Meta", (ScopedModelResource.Meta,), {"model": self.model})
        return [type(f"{self.model.__name__}Resource", (ScopedModelResource,), {"Meta": meta})]

    def has_import_permission(self, request):
        # An import adds and changes records: it needs both permissions (the library checks one).
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_urls(self):
        template = self.admin_site.admin_view(self.import_template_view)
        return [path("import/template/", template, name=self._template_url_name()), *super().get_urls()]

    def _template_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_import_template"

    def import_template_view(self, request):
        """The register's import template (registers.sheets.template), for accounts that may import."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0](**self.get_import_resource_kwargs(request))
        name, content = import_template(resource, title=str(self.opts.verbose_name_plural))
        return HttpResponse(
            content,
            content_type=XLSX_CONTENT_TYPE,
            headers={"Content-Disposition": content_disposition_header(True, name)},
        )

    def get_import_context_data(self, **kwargs):
        template_url = reverse(f"admin:{self._template_url_name()}")
        return {**super().get_import_context_data(**kwargs), "template_url": template_url}

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {
            **super().get_resource_kwargs(request, *args, **kwargs),
            "user": request.user,
            "on_progress": getattr(request, "export_progress", None),
        }

    def get_data_for_export(self, request, queryset, **kwargs):
        # Streamed or written by a worker, every register export passes here once.
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        record_export(request.user, self.model, len(dataset), str(self.model._meta.verbose_name_plural))
        return dataset

    def export_action(self, request):
        # A large export (the list's filters select more than EXPORT_JOB_THRESHOLD_ROWS records) is written by
        # a worker (registers.exports): the account is sent to the job's page, which offers the file.
        if (
            request.method == "POST"
            and "export_items" not in request.POST
            and self.has_export_permission(request)
        ):
            form = self.get_export_form_class()(
                self.get_export_formats(), self.get_export_resource_classes(request), data=request.POST
            )
            if form.is_valid():
                rows = self.get_export_queryset(request).count()
                if exports.is_large(rows):
                    file_format = self.get_export_formats()[int(form.cleaned_data["format"])]()
                    job = exports.start_export(
                        user=request.user,
                        exporter_name=REGISTER_EXPORT,
                        params={
                            "register": self.model._meta.label_lower,
                            "filters": request.GET.urlencode(),
                            "form": {
                                key: request.POST.getlist(key)
                                for key in request.POST
                                if key != "csrfmiddlewaretoken"
                            },
                        },
                        register=self.model._meta.label_lower,
                        file_name=self.get_export_filename(request, None, file_format),
                        rows=rows,
                        language=translation.get_language(),
                    )
                    return HttpResponseRedirect(reverse("admin:registers_job_progress", args=[job.pk]))
        return super().export_action(request)

    def add_data_read_fail_error_to_form(self, form, e):
        # The library names the exception class; the user needs to know what to do.
        form.add_error(
            "import_file",
            _(
                "This file could not be read as a spreadsheet. Save it from your spreadsheet program as "
                "“Excel workbook (.xlsx)” or as CSV, then upload it again."
            ),
        )

    def _fields_list(self, request):
        resource = self.get_import_resource_classes(request)[0](**self.get_import_resource_kwargs(request))
        return [(resource.get_display_name(), [f.column_name for f in resource.get_user_visible_fields()])]

    def import_action(self, request, **kwargs):
        if (
            request.method == "POST"
            and request.FILES.get("import_file")
            and self.has_import_permission(request)
        ):
            # A large sheet is checked and imported by a worker (registers.jobs): the upload answers at once.
            form = self.create_import_form(request)
            if form.is_valid():
                upload, index = form.cleaned_data["import_file"], int(form.cleaned_data["format"])
                file_format = self.get_import_formats()[index]()
                if jobs.is_large(upload, file_format):
                    job = jobs.start_import(
                        model=self.model,
                        user=request.user,
                        upload=upload,
                        format_index=index,
                        rows=declared_rows(upload, file_format.is_binary()),
                        language=translation.get_language(),
                    )
                    return HttpResponseRedirect(reverse("admin:registers_job_progress", args=[job.pk]))
        response = super().import_action(request, **kwargs)
        # The library leaves the list of expected columns empty when the file could not be read: show it,
        # it is what the user needs to fix the file.
        if isinstance(response, TemplateResponse) and not response.context_data.get("fields_list"):
            response.context_data["fields_list"] = self._fields_list(request)
        return response

    def process_result(self, result, request):
        """After "confirm import": report a failed import (nothing written) instead of "import finished"."""
        if result.has_errors() or result.has_validation_errors():
            form_class = self.get_import_form_class(request)
            form = form_class(self.get_import_formats(), self.get_import_resource_classes(request))
            context = {
                **self.admin_site.each_context(request),
                "title": _("Import"),
                "form": form,
                "opts": self.model._meta,
                "media": self.media + form.media,
                "result": result,
                "import_error_display": self.import_error_display,
                "fields_list": self._fields_list(request),
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)


REGISTER_EXPORT = "registers.register"


def _export_request(user, params) -> HttpRequest:
    """The export page's request, as the worker replays it: the same account, list filters and choices."""
    request = HttpRequest()
    request.method = "POST"
    request.user = user
    request.GET = QueryDict(params["filters"])
    request.POST = QueryDict(mutable=True)
    for key, values in params["form"].items():
        request.POST.setlist(key, values)
    return request


def _register_admin(params):
    model = apps.get_model(params["register"])
    return admin.site._registry[model]


def _may_export_register(user, params) -> bool:
    model_admin = _register_admin(params)
    request = _export_request(user, params)
    return user.is_active and user.is_staff and model_admin.has_export_permission(request)


@exports.exporter(REGISTER_EXPORT, allowed=_may_export_register)
def _write_register(user, params, file, progress) -> None:
    """A register's export (the admin's, with the list's filters and the chosen columns), in a worker."""
    model_admin = _register_admin(params)
    request = _export_request(user, params)
    request.export_progress = lambda rows: progress(rows - progress.rows)
    formats = model_admin.get_export_formats()
    form = model_admin.get_export_form_class()(
        formats, model_admin.get_export_resource_classes(request), data=request.POST
    )
    if not form.is_valid():
        raise ValueError(form.errors.as_text())
    file_format = formats[int(form.cleaned_data["format"])]()
    queryset = model_admin.get_export_queryset(request)
    data = model_admin.get_export_data(
        file_format, request, queryset, encoding=model_admin.to_encoding, export_form=form
    )
    file.write(data if isinstance(data, bytes) else data.encode(model_admin.to_encoding or "utf-8"))


class ScopedInline(admin.TabularInline):
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(
            formset.form.__name__, (ScopedFormMixin, formset.form), {"scope_user": request.user}
        )
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _scope_choices(field, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _scope_choices(field, db_field, request)


__all__ = [
    "PersonalDataAdminMixin",
    "ReadOnlyAdminMixin",
    "ScopedAdmin",
    "ScopedAdminMixin",
    "ScopedFormMixin",
    "ScopedInline",
    "ScopedRelatedFieldListFilter",
    "can_see_sensitive",
    "integrity_error_message",
]


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" link (/admin/r/<type>/<id>/), for records the account may open in the admin
    and no others. Django's own only checks that the account is staff, and a booking's public page is reached
    by its reference — the visitor's only credential: another unit's staff must get 404, as on the record."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        raise Http404
    try:
        visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
    except (ValueError, ValidationError):
        visible = False
    if not visible:
        raise Http404
    return contenttype_views.shortcut(request, content_type_id, object_id)
