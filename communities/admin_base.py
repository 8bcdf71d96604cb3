"""The admin base every register uses: scoping to the account's unit, 404 for records outside it,
scoped foreign-key choices and autocomplete, import/export with the account's scope, bounded counts."""

from django.contrib import admin
from django.http import Http404
from import_export.admin import ImportExportModelAdmin

from .forms import LimitedImportForm
from .pagination import LargeTablePaginator
from .scoping import is_scoped


def can_see_sensitive(user) -> bool:
    return user.has_perm("communities.view_sensitive_personal_data")


class ScopedAdminMixin:
    """Keeps every view of a ModelAdmin inside the account's unit (see communities.scoping)."""

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _scope_choices(field, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _scope_choices(field, db_field, request)


def _scope_choices(formfield, db_field, request):
    if formfield is not None and is_scoped(db_field.related_model):
        formfield.queryset = formfield.queryset.for_user(request.user)
    return formfield


class ScopedAdmin(ScopedAdminMixin, ImportExportModelAdmin):
    """A register: scoped, searchable, importable (with preview, all-or-nothing) and exportable."""

    import_form_class = LimitedImportForm

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}


class ScopedInline(admin.TabularInline):
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _scope_choices(field, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _scope_choices(field, db_field, request)
