"""Importing and exporting the registers through the admin: a preview first, all or nothing, every bad row
reported with its row number in the file and a reason people understand, and cells that cannot run."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from communities.models import Courtyard, Grid, PartyOrganization, Person, Subdistrict
from communities.resources import CourtyardResource, GridResource, PersonResource

from .helpers import (
    CSV,
    EXPORT_CSV,
    EXPORT_XLSX,
    XLSX,
    admin_url,
    confirm,
    csv_bytes,
    export,
    exported_rows,
    import_file,
    login,
    page_errors,
    upload,
    xlsx_bytes,
)

COURTYARD_HEADER = ["community", "grid", "name", "address", "households"]


def invalid_rows(response):
    """{row number in the file: [messages]} of an import page that refused the file."""
    result = response.context["result"]
    rows = {}
    for row in result.invalid_rows:
        messages = [f"{label}: {m}" for label, ms in row.field_specific_errors.items() for m in ms]
        rows[row.number] = messages + list(row.non_field_specific_errors)
    return rows


# The happy path -----------------------------------------------------------------------------------------


def test_preview_writes_nothing_and_confirm_writes(en, staff, grid):
    login(en, staff)
    content = csv_bytes([COURTYARD_HEADER, ["环西社区", "第一网格", "2号院", "西大街2号", "36"]])
    preview = upload(en, Courtyard, content)
    assert preview.context["confirm_form"] is not None
    assert "2号院" in preview.content.decode()
    assert not Courtyard.objects.exists()

    response = confirm(en, Courtyard, preview)
    assert response.status_code == 302
    courtyard = Courtyard.objects.get()
    assert (courtyard.grid, courtyard.name, courtyard.households) == (grid, "2号院", 36)


def test_chinese_headers_and_english_headers_both_import(client, staff, grid):
    login(client, staff)
    chinese = csv_bytes([["社区", "网格", "名称", "户数"], ["环西社区", "第一网格", "3号院", "20"]])
    assert import_file(client, Courtyard, chinese).status_code == 302
    english = csv_bytes(
        [["Community", "Grid", "Name", "Households"], ["环西社区", "第一网格", "4号院", "21"]]
    )
    assert import_file(client, Courtyard, english).status_code == 302
    assert set(Courtyard.objects.values_list("name", flat=True)) == {"3号院", "4号院"}


def test_xlsx_import(en, staff, grid):
    login(en, staff)
    content = xlsx_bytes([COURTYARD_HEADER, ["环西社区", "第一网格", "5号院", None, 12]])
    assert import_file(en, Courtyard, content, "register.xlsx", XLSX).status_code == 302
    assert Courtyard.objects.get().households == 12


def test_csv_saved_as_gbk_by_a_spreadsheet_program_imports(en, staff, grid):
    login(en, staff)
    content = csv_bytes([COURTYARD_HEADER, ["环西社区", "第一网格", "六号院", "西关街", "9"]], encoding="gbk")
    assert import_file(en, Courtyard, content).status_code == 302
    assert Courtyard.objects.get().name == "六号院"


def test_reimporting_an_export_updates_instead_of_duplicating(en, staff, courtyard):
    login(en, staff)
    rows = exported_rows(export(en, Courtyard, CourtyardResource))
    rows[1][rows[0].index("Households")] = "55"
    response = import_file(en, Courtyard, csv_bytes(rows))
    assert response.status_code == 302
    assert Courtyard.objects.count() == 1
    courtyard.refresh_from_db()
    assert courtyard.households == 55


def test_reimporting_the_same_file_twice_changes_nothing_the_second_time(en, staff, grid):
    login(en, staff)
    content = csv_bytes([COURTYARD_HEADER, ["环西社区", "第一网格", "7号院", "", "10"]])
    import_file(en, Courtyard, content)
    preview = upload(en, Courtyard, content)
    assert preview.context["result"].totals["skip"] == 1
    confirm(en, Courtyard, preview)
    assert Courtyard.objects.count() == 1


def test_file_without_id_updates_the_record_with_the_same_name(en, staff, courtyard):
    login(en, staff)
    content = csv_bytes([COURTYARD_HEADER, ["环西社区", "第一网格", "1号院", "新地址", "41"]])
    import_file(en, Courtyard, content)
    courtyard.refresh_from_db()
    assert (Courtyard.objects.count(), courtyard.address, courtyard.households) == (1, "新地址", 41)


def test_same_grid_name_in_two_communities_is_told_apart_by_the_community_column(
    en, subdistrict_staff, grid, other_grid
):
    login(en, subdistrict_staff)
    content = csv_bytes([COURTYARD_HEADER, ["金业路社区", "第一网格", "8号院", "", "3"]])
    import_file(en, Courtyard, content)
    assert Courtyard.objects.get().grid == other_grid


# Bad rows: every one reported, nothing written ---------------------------------------------------------


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_written(en, staff, grid):
    login(en, staff)
    content = csv_bytes(
        [
            COURTYARD_HEADER,
            ["环西社区", "第一网格", "好的楼院", "", "10"],  # row 2: fine
            ["环西社区", "第一网格", "坏户数", "", "四十"],  # row 3: not a number
            ["环西社区", "第九网格", "错网格", "", "1"],  # row 4: no such grid
            ["环西社区", "第一网格", "", "", "1"],  # row 5: no name
            ["环西社区", "第一网格", "小数户数", "", "2.5"],  # row 6: not a whole number
        ]
    )
    response = upload(en, Courtyard, content)
    assert response.context.get("confirm_form") is None
    rows = invalid_rows(response)
    assert sorted(rows) == [3, 4, 5, 6]
    assert rows[3] == ["Households: “四十” is not a whole number."]
    assert rows[4] == ["Grid: grid “第九网格” was not found in your unit (环西社区)."]
    assert rows[5] == ["Name: This field cannot be blank."]
    assert rows[6] == ["Households: “2.5” is not a whole number."]
    text = page_errors(response)
    assert "4 rows cannot be imported" in text and "Nothing has been written" in text
    assert not Courtyard.objects.exists()


def test_bad_date_unknown_choice_future_birth_date_and_bad_phone_are_clear(en, staff, community):
    login(en, staff)
    header = ["name", "gender", "birth date", "phone", "community", "Party member", "education"]
    content = csv_bytes(
        [
            header,
            ["王芳", "female", "1960-13-45", "", "环西社区", "否", ""],
            ["赵强", "alien", "1970-01-01", "", "环西社区", "否", ""],
            ["钱明", "M", "2999-01-01", "", "环西社区", "否", ""],
            ["孙丽", "女", "1980-02-03", "12345", "环西社区", "否", ""],
            ["周杰", "男", "1981-02-03", "", "环西社区", "也许", ""],
            ["吴敏", "女", "1982/3/4", "13912345678", "环西社区", "是", "本科"],
        ]
    )
    response = upload(en, Person, content)
    rows = invalid_rows(response)
    assert rows[2] == ["Birth date: “1960-13-45” is not a date; write dates like 2018-05-31."]
    assert rows[3][0].startswith("Gender: “alien” is not one of the choices: female、male")
    assert rows[4] == ["Birth date: This date is in the future."]
    assert rows[5] == [
        "Phone: Enter a valid phone number: an 11-digit mobile number or a landline with its area code."
    ]
    assert rows[6] == ["Party member: “也许” is not yes or no; write 是 or 否."]
    assert 7 not in rows  # 2018/3/4, 女, 是 and 本科 are all understood
    assert not Person.objects.exists()


def test_bad_decimal_is_a_sentence_not_a_library_internal(en, superuser, district):
    login(en, superuser)
    content = csv_bytes([["district", "name", "area (km²)"], ["老城区", "新办事处", "两平方公里"]])
    response = upload(en, Subdistrict, content)
    text = page_errors(response)
    assert "“两平方公里” is not a number." in text
    assert "ConversionSyntax" not in text and "Traceback" not in text
    assert not Subdistrict.objects.filter(name="新办事处").exists()


def test_duplicate_rows_in_one_file_hit_the_unique_name_rule(en, staff, grid):
    login(en, staff)
    header = ["community", "name"]
    content = csv_bytes([header, ["环西社区", "第二网格"], ["环西社区", "第二网格"]])
    import_file(en, Grid, content)  # the second row updates the first: same natural key
    assert Grid.objects.filter(name="第二网格").count() == 1


def test_renaming_onto_an_existing_name_is_refused_with_the_constraint_message(en, staff, grid):
    Grid.objects.create(community=grid.community, name="第二网格")
    login(en, staff)
    content = csv_bytes([["id", "community", "name"], [grid.pk, "环西社区", "第二网格"]])
    rows = invalid_rows(upload(en, Grid, content))
    assert rows == {2: ["A grid of this name already exists in this community."]}
    grid.refresh_from_db()
    assert grid.name == "第一网格"


def test_a_row_failing_at_the_confirm_step_rolls_the_whole_file_back(en, staff, grid):
    second = Grid.objects.create(community=grid.community, name="第二网格")
    login(en, staff)
    content = csv_bytes(
        [
            COURTYARD_HEADER,
            ["环西社区", "第一网格", "甲院", "", "1"],
            ["环西社区", "第二网格", "乙院", "", "2"],
        ]
    )
    preview = upload(en, Courtyard, content)
    assert preview.context["confirm_form"] is not None
    second.delete()  # the file's second grid disappears between the preview and the confirmation
    response = confirm(en, Courtyard, preview)
    assert response.status_code == 200
    assert "No grid" in page_errors(response) or "“第二网格” was not found" in page_errors(response)
    assert "Nothing has been written" in page_errors(response)
    assert not Courtyard.objects.exists()


def test_a_masked_phone_from_an_export_keeps_the_number_on_record(en, staff, person):
    login(en, staff)
    rows = exported_rows(export(en, Person, PersonResource))
    assert rows[1][rows[0].index("Phone")] == "138****5678"
    rows[1][rows[0].index("Education")] = "bachelor's degree"
    assert import_file(en, Person, csv_bytes(rows)).status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.education) == ("13812345678", "bachelor")


def test_a_masked_phone_for_a_new_person_is_refused(en, staff, community):
    login(en, staff)
    content = csv_bytes([["name", "phone", "community"], ["新人", "138****0000", "环西社区"]])
    rows = invalid_rows(upload(en, Person, content))
    assert rows == {2: ["Phone: A masked phone number cannot be imported; type the full number."]}


def test_a_party_organisation_moved_out_of_the_community_is_refused(en, staff, party_org):
    login(en, staff)
    # Blanking the community would make it a subdistrict-level organisation, outside 环西社区's unit.
    content = csv_bytes(
        [
            ["id", "name", "kind", "subdistrict", "community"],
            [party_org.pk, "环西社区党委", "Party committee", "西关办事处", ""],
        ]
    )
    rows = invalid_rows(upload(en, type(party_org), content))
    assert rows == {2: ["This record would fall outside your unit (环西社区)."]}
    party_org.refresh_from_db()
    assert party_org.community is not None


# Files that are not what they should be -----------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


@pytest.mark.parametrize(
    ("name", "content", "file_format", "message"),
    [
        ("photo.xlsx", PNG, XLSX, "This file is not an XLSX spreadsheet."),
        (
            "noise.csv",
            bytes(range(256)) * 4,
            CSV,
            "This file is neither an XLSX workbook nor a CSV text file.",
        ),
        (
            "book.csv",
            xlsx_bytes([["community", "name"]]),
            CSV,
            "This file is neither an XLSX workbook nor a CSV text file.",
        ),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, XLSX, "This file is not an XLSX spreadsheet."),
        ("empty.csv", b"", CSV, "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message(
    en, staff, community, name, content, file_format, message
):
    login(en, staff)
    response = upload(en, Grid, content, name, file_format)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["import_file"])
    assert not Grid.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.xlsx", PNG, "This file is neither an XLSX workbook nor a CSV text file."),
        ("noise.csv", bytes(range(256)) * 4, "This file is neither an XLSX workbook nor a CSV text file."),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "This file is not an XLSX spreadsheet."),
    ],
)
def test_without_a_chosen_format_the_file_is_recognised_and_bad_files_refused(
    en, staff, community, name, content, message
):
    login(en, staff)
    response = en.post(
        admin_url(Grid, "import"), {"resource": "0", "import_file": SimpleUploadedFile(name, content)}
    )
    assert message in str(response.context["form"].errors["import_file"])
    assert not Grid.objects.exists()


GRID_ROWS = [["community", "name"], ["环西社区", "第九网格"]]


@pytest.mark.parametrize(
    ("name", "kind"), [("grids.csv", "xlsx"), ("grids.xlsx", "csv"), ("grids", "xlsx"), ("grids.txt", "csv")]
)
def test_an_xlsx_or_csv_is_recognised_whatever_its_name(en, staff, community, name, kind):
    login(en, staff)
    content = xlsx_bytes(GRID_ROWS) if kind == "xlsx" else csv_bytes(GRID_ROWS)
    response = en.post(
        admin_url(Grid, "import"), {"resource": "0", "import_file": SimpleUploadedFile(name, content)}
    )
    assert response.context.get("confirm_form") is not None, page_errors(response)


def test_a_zip_that_is_not_a_workbook_gets_a_clear_message(en, staff, community):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    login(en, staff)
    response = upload(en, Grid, buffer.getvalue(), "archive.xlsx", XLSX)
    errors = str(response.context["form"].errors["import_file"])
    assert "could not be read as a spreadsheet" in errors
    assert "KeyError" not in errors and "Error" not in errors.replace("errorlist", "")


def test_a_header_only_file_says_there_is_nothing_to_import(en, staff, community):
    login(en, staff)
    response = upload(en, Grid, csv_bytes([["community", "name"]]))
    assert "No valid data to import" in str(response.context["form"].errors["import_file"])


def test_a_file_of_another_register_gets_a_clear_message(en, staff, community):
    login(en, staff)
    content = csv_bytes([["title", "awarding body", "year"], ["先进社区", "市委", "2018"]])
    response = upload(en, Grid, content)
    assert response.context.get("confirm_form") is None
    text = page_errors(response)
    assert "The file's columns do not match this register." in text
    assert "Missing columns: Community、Name." in text
    assert "Unknown columns: title、awarding body、year." in text
    assert "Traceback" not in text
    assert not Grid.objects.exists()


def test_a_file_missing_a_required_column_gets_a_clear_message(en, staff, grid):
    login(en, staff)
    response = upload(en, Courtyard, csv_bytes([["community", "name"], ["环西社区", "9号院"]]))
    assert "Missing columns: Grid." in page_errors(response)
    assert not Courtyard.objects.exists()


def test_a_file_with_no_header_row_gets_a_clear_message(en, staff, grid):
    login(en, staff)
    response = upload(en, Grid, csv_bytes([["", ""], ["环西社区", "网格"]]))
    assert "The file has no header row" in page_errors(response)


@override_settings(IMPORT_MAX_UPLOAD_BYTES=100)
def test_a_file_over_the_size_limit_is_refused(en, staff, community):
    login(en, staff)
    content = csv_bytes([["community", "name"]] + [["环西社区", f"网格{i}"] for i in range(20)])
    response = upload(en, Grid, content)
    assert "The file is too large" in str(response.context["form"].errors["import_file"])
    assert not Grid.objects.exists()


def test_xlsx_is_parsed_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_an_xlsx_with_an_entity_expansion_bomb_is_refused(en, staff, community):
    buffer = io.BytesIO(xlsx_bytes([["community", "name"], ["环西社区", "炸弹网格"]]))
    import zipfile

    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    patched = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = (
                bomb.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            )
            target.writestr(item, data)
    login(en, staff)
    response = upload(en, Grid, patched.getvalue(), "bomb.xlsx", XLSX)
    assert "could not be read as a spreadsheet" in str(response.context["form"].errors["import_file"])
    assert not Grid.objects.exists()


# Exports ------------------------------------------------------------------------------------------------

FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def test_csv_export_escapes_every_formula_trigger(client, staff, grid):
    for i, text in enumerate(FORMULAS):
        Courtyard.objects.create(grid=grid, name=f"院{i}", address=text)
    login(client, staff)
    rows = exported_rows(export(client, Courtyard, CourtyardResource, EXPORT_CSV))
    addresses = sorted(row[4] for row in rows[1:])
    assert addresses == sorted("'" + text for text in FORMULAS)


def test_xlsx_export_cells_are_text_not_formulas(client, staff, grid):
    for i, text in enumerate(FORMULAS):
        Courtyard.objects.create(grid=grid, name=f"院{i}", address=text)
    login(client, staff)
    response = export(client, Courtyard, CourtyardResource, EXPORT_XLSX)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [row[4] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)  # text: "=1+1" stored as "f" would be a formula
    # (XML turns a carriage return into a line feed: the apostrophe in front is what matters.)
    expected = ["'" + text.replace("\r", "\n") for text in FORMULAS]
    assert sorted(cell.value for cell in cells) == sorted(expected)


def test_escaped_cells_import_back_to_the_original_text(en, staff, grid):
    Courtyard.objects.create(grid=grid, name="公式院", address="=HYPERLINK(1)")
    login(en, staff)
    rows = exported_rows(export(en, Courtyard, CourtyardResource))
    import_file(en, Courtyard, csv_bytes(rows))
    assert Courtyard.objects.get().address == "=HYPERLINK(1)"


def test_export_masks_phones_for_staff_without_the_sensitive_permission(client, staff, person):
    login(client, staff)
    rows = exported_rows(export(client, Person, PersonResource, EXPORT_XLSX))
    assert "138****5678" in rows[1]
    assert "13812345678" not in rows[1]


def test_export_shows_full_phones_to_personal_data_officers(client, sensitive_staff, person):
    login(client, sensitive_staff)
    rows = exported_rows(export(client, Person, PersonResource))
    assert "13812345678" in rows[1]


def test_export_headers_and_choices_are_in_the_users_language(client, staff, person):
    login(client, staff)
    rows = exported_rows(export(client, Person, PersonResource))
    assert rows[0][:3] == ["编号", "姓名", "性别"]
    assert rows[1][2] == "女"


def test_a_people_sheet_with_the_old_name_header_still_imports(client, staff, community):
    """Sheets exported when the name column read 名称 (before it read 姓名) import as they are."""
    login(client, staff)
    content = csv_bytes([["名称", "性别", "社区"], ["吴敏", "女", "环西社区"]])
    assert import_file(client, Person, content).status_code == 302
    assert Person.objects.filter(name="吴敏", community=community).exists()


def test_export_queries_do_not_grow_with_rows(client, staff, community, django_assert_num_queries):
    Grid.objects.bulk_create([Grid(community=community, name=f"网格{i}") for i in range(3)])
    login(client, staff)
    with CaptureQueriesContext(connection) as few:
        export(client, Grid, GridResource)
    Grid.objects.bulk_create([Grid(community=community, name=f"新网格{i}") for i in range(60)])
    with django_assert_num_queries(len(few)):
        rows = exported_rows(export(client, Grid, GridResource))
    assert len(rows) == 64


PARTY_HEADER = ["name", "kind", "parent organisation", "subdistrict", "community"]


def test_community_staff_import_an_organisation_under_the_subdistricts_committee(en, staff, xiguan_committee):
    login(en, staff)
    content = csv_bytes(
        [PARTY_HEADER, ["环西社区党委", "Party committee", "西关办事处党工委", "西关办事处", "环西社区"]]
    )
    assert import_file(en, PartyOrganization, content).status_code == 302
    org = PartyOrganization.objects.get(name="环西社区党委")
    assert (org.parent, org.community.name) == (xiguan_committee, "环西社区")


def test_an_organisation_cannot_be_imported_under_the_neighbours_committee(en, staff, other_party_org):
    login(en, staff)
    content = csv_bytes(
        [PARTY_HEADER, ["环西第一支部", "Party branch", "金业路社区党委", "西关办事处", "环西社区"]]
    )
    rows = invalid_rows(upload(en, PartyOrganization, content))
    assert rows == {
        2: ["Parent organisation: Party organisation “金业路社区党委” was not found in your unit (环西社区)."]
    }
    assert not PartyOrganization.objects.filter(name="环西第一支部").exists()


def test_staff_without_the_add_permission_cannot_import(client, staff, community):
    from django.contrib.auth.models import Permission

    staff.groups.clear()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_grid", "change_grid"]))
    login(client, staff)
    assert client.get(admin_url(Grid, "import")).status_code == 403


def test_blank_rows_in_a_sheet_are_passed_over(en, staff, grid):
    login(en, staff)
    rows = [
        COURTYARD_HEADER,
        ["环西社区", "第一网格", "甲院", None, 1],
        [None] * 5,
        ["环西社区", "第一网格", "乙院", None, "四"],
        [None] * 5,
        [None] * 5,
    ]
    response = upload(en, Courtyard, xlsx_bytes(rows), "sheet.xlsx", XLSX)
    assert invalid_rows(response) == {4: ["Households: “四” is not a whole number."]}  # row 4 of the sheet
    rows[3][4] = 4
    assert import_file(en, Courtyard, xlsx_bytes(rows), "sheet.xlsx", XLSX).status_code == 302
    assert sorted(Courtyard.objects.values_list("name", flat=True)) == ["乙院", "甲院"]


def blank_lines_then_bad_rows():
    """A sheet as a spreadsheet program shows it: empty lines 2, 4 and 5, bad households on lines 6 and 8."""
    return [
        COURTYARD_HEADER,  # line 1
        [],  # line 2
        ["环西社区", "第一网格", "甲院", "", "1"],  # line 3
        [],  # line 4
        [],  # line 5
        ["环西社区", "第一网格", "乙院", "", "四"],  # line 6
        ["环西社区", "第一网格", "丙院", "", "2"],  # line 7
        ["环西社区", "第一网格", "丁院", "", "2.5"],  # line 8
    ]


def test_csv_bad_rows_are_numbered_by_their_line_in_the_file_counting_empty_lines(en, staff, grid):
    login(en, staff)
    content = csv_bytes(blank_lines_then_bad_rows())
    assert content.count(b"\r\n\r\n") == 2  # the empty lines really are empty lines of the file
    response = upload(en, Courtyard, content)
    assert invalid_rows(response) == {
        6: ["Households: “四” is not a whole number."],
        8: ["Households: “2.5” is not a whole number."],
    }
    assert not Courtyard.objects.exists()


def test_a_line_break_inside_a_quoted_csv_cell_does_not_shift_the_numbers(en, staff, grid):
    login(en, staff)
    content = (
        "community,grid,name,address,households\r\n"
        '环西社区,第一网格,甲院,"西大街\r\n\r\n2号",1\r\n'  # row 2: one row over three lines of text
        "\r\n"  # row 3: empty
        "环西社区,第一网格,乙院,,四\r\n"  # row 4
    ).encode()
    response = upload(en, Courtyard, content)
    assert invalid_rows(response) == {4: ["Households: “四” is not a whole number."]}


def test_xlsx_bad_rows_are_numbered_by_their_sheet_row_counting_empty_rows(en, staff, grid):
    login(en, staff)
    rows = [row or [None] * 5 for row in blank_lines_then_bad_rows()]
    response = upload(en, Courtyard, xlsx_bytes(rows), "sheet.xlsx", XLSX)
    assert invalid_rows(response) == {
        6: ["Households: “四” is not a whole number."],
        8: ["Households: “2.5” is not a whole number."],
    }
    assert not Courtyard.objects.exists()


def test_a_csv_with_empty_lines_imports_its_rows_once_fixed(en, staff, grid):
    login(en, staff)
    rows = blank_lines_then_bad_rows()
    rows[5][4], rows[7][4] = "4", "3"
    assert import_file(en, Courtyard, csv_bytes(rows)).status_code == 302
    assert sorted(Courtyard.objects.values_list("name", flat=True)) == ["丁院", "丙院", "乙院", "甲院"]


def test_the_import_preview_does_not_show_a_full_phone_to_staff_without_the_permission(en, staff, person):
    login(en, staff)
    content = csv_bytes([["name", "community", "education"], ["张秀英", "环西社区", "junior college"]])
    preview = upload(en, Person, content)
    assert preview.context["confirm_form"] is not None
    text = page_errors(preview)
    assert "138****5678" in text
    assert "13812345678" not in text


def test_the_import_preview_shows_full_phones_to_personal_data_officers(en, sensitive_staff, person):
    login(en, sensitive_staff)
    content = csv_bytes([["name", "community", "education"], ["张秀英", "环西社区", "junior college"]])
    assert "13812345678" in page_errors(upload(en, Person, content))
