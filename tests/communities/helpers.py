"""Helpers to drive the admin's import and export pages the way a browser does."""

import csv
import html
import io
import re

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

CSV, XLSX = "0", "1"  # indexes of IMPORT_EXPORT_IMPORT_FORMATS
EXPORT_XLSX, EXPORT_CSV = "0", "1"  # indexes of IMPORT_EXPORT_EXPORT_FORMATS


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:communities_{model._meta.model_name}_{view}", args=args)


def csv_bytes(rows, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, model, content, name="register.csv", file_format=CSV):
    """The first step of an import: upload, get the preview (or the errors)."""
    return client.post(
        admin_url(model, "import"),
        {"format": file_format, "resource": "0", "import_file": SimpleUploadedFile(name, content)},
    )


def confirm(client, model, preview):
    """The second step: confirm the previewed import."""
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(admin_url(model, "process_import"), data)


def import_file(client, model, content, name="register.csv", file_format=CSV):
    preview = upload(client, model, content, name, file_format)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is not None, page_errors(preview)
    return confirm(client, model, preview)


def page_errors(response) -> str:
    """The visible text of an import page (errors included), for assertions."""
    content = response.content.decode()
    content = content[content.find('id="content"') :]
    content = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", content, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content)))


def export(client, model, resource_class, file_format=EXPORT_CSV):
    prefix = resource_class.__name__.lower()
    data = {"format": file_format, "resource": "0"}
    for name in resource_class().get_export_order():
        data[f"{prefix}_{name}"] = "on"
    return client.post(admin_url(model, "export"), data)


def exported_rows(response):
    """The rows of an exported CSV or XLSX as lists of cell values (header first)."""
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def login(client, user):
    """Sign ``user`` in, with the second factor already verified where the account needs one."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="tests", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
