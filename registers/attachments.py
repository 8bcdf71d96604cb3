"""Attachments on records: what a file may be, how an upload is made safe, who may open it.

An upload is recognised from its content, never its name: an image Pillow can read (JPEG, PNG, WebP) or a PDF
(it starts with %PDF-). An image is re-encoded — turned upright as its EXIF orientation said, the EXIF data
(GPS position, camera, time) dropped — and gets a 320 px thumbnail; anything else is refused with the reason.
At most settings.ATTACHMENT_MAX_BYTES. A file is opened only through attachment_view, which answers 404 unless
the account may see the record it belongs to (the record's own scoping).
"""

import io
import uuid

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from .models import Attachment

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (320, 320)


def _image(data: bytes):
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, SyntaxError, Image.DecompressionBombError):
        return None
    return image if image.format in IMAGE_FORMATS else None


def _encoded(image, size=None) -> bytes:
    image = ImageOps.exif_transpose(image)
    if size:
        image.thumbnail(size)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)  # no exif= given: none is written
    return buffer.getvalue()


def cleaned_upload(upload) -> dict:
    """The fields of an Attachment for ``upload``, or forms.ValidationError saying why it is refused."""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is too large: at most %(mb)d MB.") % {"mb": settings.ATTACHMENT_MAX_BYTES // 2**20}
        )
    data = upload.read()
    stem = uuid.uuid4().hex
    image = _image(data)
    if image is not None:
        return {
            "file": ContentFile(_encoded(image), name=f"{stem}.jpg"),
            "thumbnail": ContentFile(_encoded(image, THUMBNAIL_SIZE), name=f"{stem}-thumb.jpg"),
            "content_kind": "image",
            "original_name": upload.name[:200],
        }
    if data.startswith(b"%PDF-"):
        return {
            "file": ContentFile(data, name=f"{stem}.pdf"),
            "content_kind": "pdf",
            "original_name": upload.name[:200],
        }
    raise forms.ValidationError(
        _("This file is neither a photo (JPEG, PNG, WebP) nor a PDF document, whatever its name says.")
    )


class UploadInput(forms.ClearableFileInput):
    """A file input that never links to the stored file: files open through attachment_view only."""

    def is_initial(self, value):
        return False


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["file", "caption"]
        widgets = {"file": UploadInput(attrs={"accept": "image/*,application/pdf"})}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            self.safe = cleaned_upload(upload)
            return self.safe["file"]
        return upload

    def save(self, commit=True):
        instance = super().save(commit=False)
        safe = getattr(self, "safe", None)
        if safe:
            instance.file = safe["file"]
            instance.thumbnail = safe.get("thumbnail", "")
            instance.content_kind = safe["content_kind"]
            instance.original_name = safe["original_name"]
            instance.size = instance.file.size
        if commit:
            instance.save()
        return instance


class AttachmentInline(GenericTabularInline):
    """Photos and documents on a record's admin page (add it to the record's ModelAdmin ``inlines``)."""

    model = Attachment
    form = AttachmentForm
    fields = ["preview", "file", "caption"]
    readonly_fields = ["preview"]
    extra = 1
    verbose_name = gettext_lazy("photo or document")
    verbose_name_plural = gettext_lazy("photos and documents (evidence)")

    @admin.display(description=gettext_lazy("preview"))
    def preview(self, attachment):
        if not attachment or not attachment.pk:
            return ""
        url = reverse("attachment", args=[attachment.pk])
        if attachment.content_kind == "image":
            return format_html(
                '<a href="{}"><img src="{}?thumbnail=1" alt="{}" width="120"></a>',
                url,
                url,
                attachment.caption or attachment.original_name,
            )
        return format_html('<a href="{}">{}</a>', url, attachment.original_name)


@staff_member_required
def attachment_view(request, pk):
    """The file, only for an account that may see its record; any other answer is 404."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    model = attachment.content_type.model_class()
    if model is None or not request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        raise Http404
    if not model.objects.for_user(request.user).filter(pk=attachment.object_id).exists():
        raise Http404
    stored = (
        attachment.thumbnail if request.GET.get("thumbnail") and attachment.thumbnail else attachment.file
    )
    content_type = "application/pdf" if attachment.content_kind == "pdf" else "image/jpeg"
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def delete_attachments(model, pks) -> int:
    """Delete the photos and documents of these records of ``model``, files included (a person's erasure)."""
    found = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(pks)
    )
    for attachment in found:
        for stored in (attachment.file, attachment.thumbnail):
            if stored:
                stored.delete(save=False)
    return found.delete()[0]
