import zipfile

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

from .limits import LimitExceeded, check_csv, check_xlsx

# Spreadsheet programs in China often save CSV in GB18030/GBK ("ANSI") rather than UTF-8.
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
NOT_XLSX = _(
    "This file is not an XLSX spreadsheet. Save it from Excel, WPS or LibreOffice as "
    "“Excel workbook (.xlsx)”."
)


def _decodes(data: bytes) -> str | None:
    """The encoding ``data`` reads as, or None when it is not text (NUL bytes, undecodable)."""
    if b"\x00" in data:
        return None
    for encoding in TEXT_ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


class LimitedImportForm(ImportForm):
    """The admin's import form: refuses files that are too large, empty, or not the chosen kind of spreadsheet.

    The checks run before the library parses anything, so a PNG renamed .xlsx or random bytes named .csv get
    a sentence next to the file field instead of a parser's exception. A CSV saved as GB18030/GBK is read as
    such (converted to UTF-8 here).
    """

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        # The format is read from the file itself (an XLSX workbook is a zip archive, a CSV is text): no
        # picker to get wrong. A request that names a format is still checked against the file.
        self.fields["format"].required = False
        self.fields["format"].widget = forms.HiddenInput()

    def _detected_format(self, data: bytes) -> str:
        binary = data[:4] == b"PK\x03\x04"
        for index, file_format in enumerate(self.formats):
            if file_format().is_binary() == binary:
                return str(index)
        return ""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None:
            return cleaned
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        chosen = cleaned.get("format") or self._detected_format(data)
        if chosen == "":
            return cleaned
        cleaned["format"] = chosen
        file_format = self.formats[int(chosen)]()
        looks_like_zip = data[:4] == b"PK\x03\x04"
        if file_format.is_binary():
            if not looks_like_zip or not zipfile.is_zipfile(upload):
                self.add_error("import_file", NOT_XLSX)
            else:
                upload.seek(0)
                try:
                    check_xlsx(upload)
                except LimitExceeded as error:
                    self.add_error("import_file", str(error))
                except zipfile.BadZipFile:
                    self.add_error("import_file", NOT_XLSX)
            upload.seek(0)
            return cleaned
        try:
            check_csv(data)
        except LimitExceeded as error:
            self.add_error("import_file", str(error))
            return cleaned
        encoding = None if looks_like_zip else _decodes(data)
        if encoding is None:
            self.add_error(
                "import_file",
                _(
                    "This file is neither an XLSX workbook nor a CSV text file. Save it from your "
                    "spreadsheet program as “Excel workbook (.xlsx)” or as CSV."
                ),
            )
        elif encoding != "utf-8-sig":
            converted = data.decode(encoding).encode("utf-8")
            cleaned["import_file"] = SimpleUploadedFile(upload.name, converted, upload.content_type)
        return cleaned
