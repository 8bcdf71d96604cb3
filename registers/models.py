"""Background jobs: an import or an export an account started, run by a Celery worker (registers.jobs,
registers.exports)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _

from .personal_data import PersonalField


class Job(models.Model):
    """A sheet imported in the background (checked first, the preview, then, once confirmed, imported), or a
    file exported in the background (written by a worker, then downloaded until it expires).

    Only its account sees it. An uploaded file is kept until the import ends, then deleted; an exported file
    until its link expires. What the preview showed (which may name people) is cleared after the retention
    period.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", _("import")
        EXPORT = "export", _("export")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        CHECKING = "checking", _("checking the file")
        CHECKED = "checked", _("checked: waiting for your confirmation")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        INVALID = "invalid", _("the file has errors: nothing was imported")
        FAILED = "failed", _("failed")
        EXPORTING = "exporting", _("writing the file")
        READY = "ready", _("ready to download")
        EXPIRED = "expired", _("expired: export again")

    RUNNING = (Status.CHECKING, Status.IMPORTING, Status.EXPORTING)
    ENDED = (Status.DONE, Status.INVALID, Status.FAILED, Status.READY, Status.EXPIRED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("account")
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.IMPORT)
    register = models.CharField(_("register"), max_length=100)  # the model's label: "activities.activity"
    file_format = models.PositiveSmallIntegerField(default=0)  # an import's: index in the admin's formats
    file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    confirmed = models.BooleanField(default=False)
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)  # the account's, for messages
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    result = models.JSONField(default=dict, blank=True)
    # An export's: which exporter (registers.exports) writes it, with what (a unit, a period, the filters).
    exporter = models.CharField(max_length=100, blank=True)
    params = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField(_("download until"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    not_personal_data = ("file_name",)  # an office's sheet
    personal_data = {
        "result": PersonalField(erase={}),  # the preview's rows may name people
        "params": PersonalField(erase={}),  # an export's search words may be a name
    }
    personal_data_expires = "created_at"

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} · {self.get_status_display()}"


class Attachment(models.Model):
    """A photo or a scanned document kept as evidence on a record (台账): an activity, a home visit, a branch
    meeting, a wish, a joint meeting. Stored through Django's storage API under a random name; images are
    re-encoded without their EXIF data (a phone photo's GPS position) and get a thumbnail. Served only to staff
    who may see the record it belongs to (registers.attachments)."""

    content_type = models.ForeignKey("contenttypes.ContentType", models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    thumbnail = models.FileField(upload_to="attachments/%Y/%m/", blank=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200, editable=False)
    content_kind = models.CharField(_("kind"), max_length=10, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False, default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    not_personal_data = ("original_name",)  # a file's name as the office's computer had it
    personal_data = {"caption": PersonalField(erase=""), "file": PersonalField()}

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_record_idx")]

    def __str__(self):
        return self.caption or self.original_name
