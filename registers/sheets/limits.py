"""Limits an uploaded spreadsheet is checked against before any parser reads it: what it unpacks to and how
many rows it declares. Each refusal is a sentence naming the limit (the settings IMPORT_MAX_*)."""

import re
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The first worksheet declares its extent near its start: <dimension ref="A1:K20001"/>.
DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\sref="[A-Z]+\d+:[A-Z]+(\d+)"')
HEAD_BYTES = 4096


class LimitExceeded(ValueError):
    """The file is over one of the limits; the message says which."""


def _too_many_rows(rows: int) -> None:
    if rows > settings.IMPORT_MAX_ROWS:
        raise LimitExceeded(
            _("The file has %(rows)s rows; an import takes at most %(limit)s. Split it into several files.")
            % {"rows": f"{rows:,}", "limit": f"{settings.IMPORT_MAX_ROWS:,}"}
        )


def check_xlsx(upload) -> None:
    """Refuse an XLSX whose parts unpack beyond the limits, from the zip's directory (nothing unpacked)."""
    with zipfile.ZipFile(upload) as book:
        parts = book.infolist()
        unpacked = sum(part.file_size for part in parts)
        packed = max(sum(part.compress_size for part in parts), 1)
        if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
            raise LimitExceeded(
                _("The spreadsheet unpacks to %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(unpacked),
                    "limit": filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES),
                }
            )
        if unpacked / packed > settings.IMPORT_MAX_COMPRESSION_RATIO:
            raise LimitExceeded(
                _(
                    "The spreadsheet is compressed %(ratio)s times; no real sheet is compressed more than "
                    "%(limit)s times. Save it again from your spreadsheet program."
                )
                % {"ratio": int(unpacked / packed), "limit": settings.IMPORT_MAX_COMPRESSION_RATIO}
            )
        sheets = sorted(
            name for name in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)
        )
        if sheets:
            with book.open(sheets[0]) as sheet:
                found = DIMENSION.search(sheet.read(HEAD_BYTES))
            if found:
                _too_many_rows(int(found.group(1)) - 1)
    upload.seek(0)


def check_csv(data: bytes) -> None:
    """Refuse a CSV with more lines under its header than the row limit (a quoted line break counts too)."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    _too_many_rows(lines - 1)


def declared_rows(upload, binary: bool) -> int | None:
    """The rows under the header a file declares (an XLSX's dimension, a CSV's lines), None when unknown."""
    upload.seek(0)
    try:
        if not binary:
            data = upload.read()
            return data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1
        with zipfile.ZipFile(upload) as book:
            sheets = sorted(n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if not sheets:
                return None
            with book.open(sheets[0]) as sheet:
                found = DIMENSION.search(sheet.read(HEAD_BYTES))
            return int(found.group(1)) - 1 if found else None
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
