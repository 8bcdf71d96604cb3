"""The background jobs in the admin: each account's own list, and a job's page (progress; for an import the
preview, the confirmation and the result; for an export the download link). A job of another account and one
that does not exist look the same (404); an exported file is served only to the account that asked for it."""

from django.contrib import admin, messages
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import exports, jobs
from .admin import ReadOnlyAdminMixin
from .models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "job_page",
        "kind",
        "register_name",
        "status",
        "total_rows",
        "error",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status"]
    list_display_links = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=gettext_lazy("file"), ordering="file_name")
    def job_page(self, job):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:registers_job_progress", args=[job.pk]), job.file_name
        )

    @admin.display(description=gettext_lazy("register"))
    def register_name(self, job):
        from django.apps import apps

        return apps.get_model(job.register)._meta.verbose_name_plural

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", wrap(self.progress_view), name="registers_job_progress"),
            path("<int:pk>/status/", wrap(self.status_view), name="registers_job_status"),
            path("<int:pk>/confirm/", wrap(self.confirm_view), name="registers_job_confirm"),
            path("<int:pk>/download/", wrap(self.download_view), name="registers_job_download"),
            *super().get_urls(),
        ]

    def _job(self, request, pk) -> Job:
        if not self.has_view_permission(request):
            raise Http404
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def progress_view(self, request, pk):
        request.session_left_as_is = True  # config.middleware.SessionMiddleware: no write while a job runs
        job = self._job(request, pk)
        progress = jobs.progress(job)  # (marks a job whose worker died as failed, and reloads it)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": (_("Exporting %(file)s") if job.kind == Job.Kind.EXPORT else _("Importing %(file)s"))
            % {"file": job.file_name},
            "job": job,
            "progress": progress,
            "refused": exports.downloadable(job, request.user) if job.status in Job.ENDED else None,
            "result": job.result,
            "register_list": reverse(f"admin:{job.register.replace('.', '_')}_changelist"),
        }
        return TemplateResponse(request, "admin/registers/job/progress.html", context)

    def status_view(self, request, pk):
        request.session_left_as_is = True
        return JsonResponse(jobs.progress(self._job(request, pk)))

    def confirm_view(self, request, pk):
        job = self._job(request, pk)
        if request.method == "POST" and not jobs.confirm(job):
            messages.warning(request, _("This import is not waiting for a confirmation."))
        return HttpResponseRedirect(reverse("admin:registers_job_progress", args=[job.pk]))

    def download_view(self, request, pk):
        job = self._job(request, pk)
        if job.user_id != request.user.pk:
            raise Http404  # a superuser sees every job, but a file only its account downloads
        refused = exports.downloadable(job, request.user)
        if refused is not None:
            context = {
                **self.admin_site.each_context(request),
                "title": _("The file cannot be downloaded"),
                "message": refused,
                "job_page": reverse("admin:registers_job_progress", args=[job.pk]),
            }
            status = 410 if job.status in (Job.Status.READY, Job.Status.EXPIRED) else 404
            return TemplateResponse(request, "admin/registers/job/refused.html", context, status=status)
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)
