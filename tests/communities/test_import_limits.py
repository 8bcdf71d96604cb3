"""Limits checked before any parser reads an upload: what an XLSX unpacks to, how much it is compressed, how
many rows a file declares. Each refusal names the limit; nothing is saved."""

import io
import zipfile

from django.test import override_settings

from communities.models import Grid

from .helpers import CSV, XLSX, csv_bytes, login, upload, xlsx_bytes

ROWS = [["community", "name"]] + [["环西社区", f"网格{i}"] for i in range(10)]


def with_extra_part(workbook: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one more (deflated) part in its zip."""
    buffer = io.BytesIO(workbook)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr(name, data)
    return buffer.getvalue()


def errors_of(response) -> str:
    assert response.status_code == 200
    return str(response.context["form"].errors.get("import_file", ""))


@override_settings(IMPORT_MAX_UNPACKED_BYTES=5 * 1024 * 1024)
def test_a_zip_bomb_is_refused_by_what_it_unpacks_to(en, staff, community):
    bomb = with_extra_part(xlsx_bytes(ROWS), "xl/media/image1.png", b"\0" * (8 * 1024 * 1024))
    assert len(bomb) < 64 * 1024  # a small upload …
    login(en, staff)
    errors = errors_of(upload(en, Grid, bomb, "report.xlsx", XLSX))
    assert "The spreadsheet unpacks to 8.0" in errors and "the limit is 5.0" in errors  # … of 8 MB unpacked
    assert not Grid.objects.exists()


def test_a_sheet_compressed_beyond_any_real_one_is_refused(en, staff, community):
    bomb = with_extra_part(xlsx_bytes(ROWS), "xl/worksheets/sheet2.xml", b" " * (4 * 1024 * 1024))
    login(en, staff)
    errors = errors_of(upload(en, Grid, bomb, "report.xlsx", XLSX))
    assert "The spreadsheet is compressed" in errors and "more than 100 times" in errors
    assert not Grid.objects.exists()


@override_settings(IMPORT_MAX_ROWS=5)
def test_an_xlsx_with_more_rows_than_the_limit_is_refused_before_it_is_read(en, staff, community):
    login(en, staff)
    errors = errors_of(upload(en, Grid, xlsx_bytes(ROWS), "grids.xlsx", XLSX))
    assert "The file has 10 rows; an import takes at most 5. Split it into several files." in errors
    assert not Grid.objects.exists()


@override_settings(IMPORT_MAX_ROWS=5)
def test_a_csv_with_more_rows_than_the_limit_is_refused(en, staff, community):
    login(en, staff)
    errors = errors_of(upload(en, Grid, csv_bytes(ROWS), "grids.csv", CSV))
    assert "The file has 10 rows; an import takes at most 5." in errors
    assert not Grid.objects.exists()


@override_settings(IMPORT_MAX_ROWS=10)
def test_a_file_at_the_row_limit_imports(en, staff, community):
    login(en, staff)
    response = upload(en, Grid, xlsx_bytes(ROWS), "grids.xlsx", XLSX)
    assert response.context.get("confirm_form") is not None, errors_of(response)


def test_a_file_of_blank_rows_under_its_header_says_there_is_nothing_to_import(en, staff, community):
    login(en, staff)
    response = upload(en, Grid, xlsx_bytes([["community", "name"], ["", ""], [None, None]]), "g.xlsx", XLSX)
    assert "The file has its header row but no records under it." in response.content.decode()
    assert not Grid.objects.exists()
