"""Photos and documents on records: recognised from their content, re-encoded without EXIF (no GPS position),
size-limited, and opened only by staff who may see the record."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registers.models import Attachment
from volunteers.models import CareCategory, HomeVisit, Service

from .conftest import add_visit, admin_url, sign_in

PREFIX = "registers-attachment-content_type-object_id"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, db):
    settings.MEDIA_ROOT = str(tmp_path)
    CareCategory.ensure_all()
    Service.ensure_all()


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), (180, 40, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotated; the stored photo is turned upright
    exif[0x8825] = {1: "N", 2: (34.0, 37.0, 12.0), 3: "E", 4: (112.0, 27.0, 5.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    assert b"GPS" in data or Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    return data


def change_form(visit, upload, caption="入户照片"):
    return {
        "recipient": visit.recipient.pk, "team": visit.team.pk,
        "volunteers": [v.pk for v in visit.volunteers.all()], "visited_on": visit.visited_on.isoformat(),
        "services": [], "other_services": "", "minutes": str(visit.minutes), "notes": "",
        f"{PREFIX}-TOTAL_FORMS": "1", f"{PREFIX}-INITIAL_FORMS": "0",
        f"{PREFIX}-0-file": upload, f"{PREFIX}-0-caption": caption,
    }  # fmt: skip


@pytest.fixture
def visit(recipient, team, volunteer):
    return add_visit(recipient, team, [volunteer], datetime.date(2018, 3, 5))


def test_a_phone_photo_is_stored_upright_without_its_gps_position(client, staff, visit):
    sign_in(client, staff)
    upload = SimpleUploadedFile("IMG_0001.JPG", photo_with_gps(), "image/jpeg")
    response = client.post(admin_url(HomeVisit, "change", visit.pk), change_form(visit, upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Attachment.objects.get()
    stored = attachment.file.read()
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert image.size == (600, 800)  # turned as its orientation said
    assert attachment.original_name == "IMG_0001.JPG" and attachment.content_kind == "image"
    served = client.get(reverse("attachment", args=[attachment.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "no-store" in served["Cache-Control"]
    thumb = client.get(reverse("attachment", args=[attachment.pk]) + "?thumbnail=1")
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) <= 320


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "既不是照片"),  # an executable renamed .jpg
        ("notes.pdf.exe", b"#!/bin/sh\nrm -rf /\n", "既不是照片"),
    ],
)
def test_a_file_that_is_not_a_photo_or_a_pdf_is_refused(client, staff, visit, name, content, message):
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        admin_url(HomeVisit, "change", visit.pk), change_form(visit, SimpleUploadedFile(name, content))
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_photo_over_the_limit_is_refused(client, staff, visit, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"\x00" * (2 * 1024 * 1024), "image/jpeg")
    response = client.post(admin_url(HomeVisit, "change", visit.pk), change_form(visit, big))
    assert "文件过大" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_pdf_is_kept_as_it_is(client, staff, visit):
    sign_in(client, staff)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    client.post(
        admin_url(HomeVisit, "change", visit.pk), change_form(visit, SimpleUploadedFile("会议记录.pdf", pdf))
    )
    attachment = Attachment.objects.get()
    assert attachment.content_kind == "pdf" and attachment.file.read() == pdf


def test_staff_of_another_unit_cannot_open_the_file(client, staff, outsider, visit):
    sign_in(client, staff)
    client.post(
        admin_url(HomeVisit, "change", visit.pk),
        change_form(visit, SimpleUploadedFile("a.jpg", photo_with_gps(), "image/jpeg")),
    )
    attachment = Attachment.objects.get()
    sign_in(client, outsider)
    assert client.get(reverse("attachment", args=[attachment.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("attachment", args=[attachment.pk])).status_code == 302  # to the sign-in page


def test_erasing_the_recipient_deletes_the_visits_photos(client, staff, visit, django_user_model):
    from pathlib import Path

    from audit.personal_data import erase_person

    sign_in(client, staff)
    client.post(
        admin_url(HomeVisit, "change", visit.pk),
        change_form(visit, SimpleUploadedFile("a.jpg", photo_with_gps(), "image/jpeg")),
    )
    attachment = Attachment.objects.get()
    stored = Path(attachment.file.path)
    assert stored.exists()
    officer = django_user_model.objects.create_superuser("eraser", password="x-long-enough-1A")
    erase_person(visit.recipient.person, by=officer)
    assert not Attachment.objects.exists() and not stored.exists()
