"""The monthly activity sheet: preview, all-or-nothing import with every bad row reported, export."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from activities.models import Activity, ImportLog

from .conftest import at

IMPORT_URL = reverse("admin:activities_activity_import")
PROCESS_URL = reverse("admin:activities_activity_process_import")
EXPORT_URL = reverse("admin:activities_activity_export")
CSV_FORMAT, XLSX_FORMAT = "0", "1"

HEADER = [
    "title", "type", "community", "party_organization", "venue", "start", "end", "participants", "lecturers",
    "programme",
]  # fmt: skip


def good_row(n=1, **overrides):
    row = {
        "title": f"三新大讲堂第{n}讲",
        "type": "讲堂讲习",
        "community": "环西社区",
        "party_organization": "环西社区党总支",
        "venue": "家风家训馆",
        "start": "2018-06-01 09:00:00",
        "end": "2018-06-01 11:00:00",
        "participants": "40",
        "lecturers": "李讲师",
        "programme": "五心工程",
    }
    row.update(overrides)
    return row


def csv_file(rows, header=HEADER, name="activities-2018-06.csv"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, header=HEADER, name="activities-2018-06.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def column(name):
    """The header the English pages use for a resource field (errors are keyed by it)."""
    from activities.resources import ActivityResource

    with translation.override("en"):
        return ActivityResource().fields[name].column_name


def preview(client, upload, fmt=CSV_FORMAT):
    return client.post(IMPORT_URL, {"import_file": upload, "format": fmt})


def confirm(client, response):
    form = response.context["confirm_form"]
    return client.post(PROCESS_URL, {name: form.initial.get(name, "") for name in form.fields})


def test_clean_sheet_imports_after_preview_with_history(client, staff, sheet_world, lecturer):
    client.force_login(staff)
    response = preview(client, csv_file([good_row(1), good_row(2, lecturers="")]))
    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    first = " ".join(response.context["result"].rows[0].diff)
    assert "三新大讲堂第1讲" in first and ">40<" in first, "the preview shows the rows' values"
    assert not Activity.objects.exists(), "the preview writes nothing"
    assert not ImportLog.objects.exists()

    assert confirm(client, response).status_code == 302
    assert Activity.objects.count() == 2
    log = ImportLog.objects.get()
    assert (log.user, log.rows, log.file_name) == (staff, 2, "activities-2018-06.csv")
    assert set(Activity.objects.values_list("import_log", flat=True)) == {log.pk}
    assert list(Activity.objects.get(title="三新大讲堂第1讲").lecturers.all()) == [lecturer]
    assert LogEntry.objects.filter(user=staff, object_id=str(log.pk)).count() == 1


def test_xlsx_sheet_imports(client, staff, sheet_world):
    client.force_login(staff)
    cells = {"start": datetime.datetime(2018, 6, 1, 9, 0), "end": datetime.datetime(2018, 6, 1, 11, 0)}  # noqa: DTZ001
    response = preview(client, xlsx_file([good_row(1, **cells), good_row(2)]), XLSX_FORMAT)
    assert confirm(client, response).status_code == 302
    assert Activity.objects.count() == 2
    # A date cell is local time, like a typed date.
    assert {a.start for a in Activity.objects.all()} == {at(2018, 6, 1, 9)}


BAD_ROWS = [
    ({"end": "2018-06-01 08:00:00"}, "end", "cannot end before it starts"),
    ({"participants": "-3"}, "participants", "0"),
    ({"participants": "250000"}, "participants", "not plausible"),
    ({"participants": "很多"}, "participants", "not a whole number"),
    ({"community": "金业路社区"}, "community", "not in your unit"),
    ({"type": "不存在的类型"}, "type", "no activity type"),
    ({"venue": "学雷锋志愿服务社区文化广场"}, "venue", "not in your unit"),
    ({"party_organization": ""}, "party_organization", "exactly one organiser"),
    ({"lecturers": "王不存在"}, "lecturers", "No lecturer in your unit"),
    ({"start": "下周一"}, "start", "not a date and time"),
    ({"programme": "不存在的项目"}, "programme", "不存在的项目"),
]


def test_bad_rows_are_each_reported_with_line_and_reason_and_nothing_is_written(
    client, staff, sheet_world, other_venue
):
    client.force_login(staff)
    rows = [good_row(0)] + [good_row(i + 1, **change) for i, (change, _f, _t) in enumerate(BAD_ROWS)]
    response = preview(client, csv_file(rows))
    result = response.context["result"]
    assert response.context.get("confirm_form") is None
    invalid = {row.number: row for row in result.invalid_rows}
    # Lines as the spreadsheet numbers them: the header is line 1, the good row line 2.
    assert sorted(invalid) == list(range(3, len(BAD_ROWS) + 3)), (
        "every bad row, by its line, the good one not"
    )
    for line, (_change, field, text) in enumerate(BAD_ROWS, start=3):
        errors = invalid[line].field_specific_errors
        assert column(field) in errors, (line, field, errors)
        assert text.lower() in " ".join(errors[column(field)]).lower(), (line, errors)
    body = response.content.decode()
    assert "不存在的类型" in body
    assert not Activity.objects.exists()
    assert not ImportLog.objects.exists()


def test_a_bad_row_rolls_back_the_rows_already_processed(staff, sheet_world):
    """The resource itself (as the admin's confirm step calls it) writes nothing when one row is bad."""
    from import_export.formats.base_formats import CSV

    from activities.resources import ActivityResource

    upload = csv_file([good_row(i) for i in range(1, 1500)] + [good_row(9999, participants="-1")])
    dataset = CSV(encoding="utf-8").create_dataset(upload.read().decode())
    result = ActivityResource(user=staff).import_data(dataset, dry_run=False, user=staff, file_name="x.csv")
    assert result.has_validation_errors()
    assert not Activity.objects.exists()
    assert not ImportLog.objects.exists()


def test_sheet_that_is_not_an_activity_sheet_is_refused(client, staff, sheet_world):
    client.force_login(staff)
    response = preview(client, csv_file([{"name": "x"}], header=["name"]))
    assert "Missing columns" in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert not Activity.objects.exists()


def test_outsider_cannot_import_into_another_community(client, outsider, sheet_world):
    client.force_login(outsider)
    response = preview(client, csv_file([good_row(1)]))
    result = response.context["result"]
    errors = result.invalid_rows[0].field_specific_errors
    assert "not in your unit" in " ".join(errors[column("community")])
    assert not Activity.objects.exists()


def test_export_is_scoped_and_formula_safe(client, staff, activity, other_activity, sheet_world):
    activity.title = "=HYPERLINK(1)"
    activity.save()
    client.force_login(staff)
    response = client.post(EXPORT_URL, {"format": "0", **export_fields()})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    titles = [r[1] for r in rows[1:]]
    assert titles == ["'=HYPERLINK(1)"]
    assert "学雷锋志愿服务" not in str(rows)


def export_fields():
    from activities.resources import ActivityResource

    return {f"activityresource_{name}": "on" for name in ActivityResource().fields}


def test_a_sheet_with_chinese_headers_imports_and_errors_read_in_chinese(client, staff, sheet_world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(staff)
    header = ["标题", "类型", "社区", "党组织", "开始时间", "结束时间", "参与人次", "项目"]
    row = {"标题": "暖心工程走访", "类型": "志愿服务", "社区": "环西社区", "党组织": "环西社区党总支",
           "开始时间": "2018-06-01 09:00", "结束时间": "2018-06-01 11:00", "参与人次": "25", "项目": "五心工程"}  # fmt: skip
    bad = {**row, "标题": "暖心工程走访（二）", "结束时间": "2018-06-01 08:00"}
    response = preview(client, csv_file([row, bad], header=header))
    [invalid] = response.context["result"].invalid_rows
    assert invalid.field_specific_errors["结束时间"] == ["活动结束时间不能早于开始时间。"]
    response = preview(client, csv_file([row], header=header))
    assert confirm(client, response).status_code == 302
    assert Activity.objects.get().title == "暖心工程走访"


@pytest.mark.parametrize(
    "model,resource_name",
    [
        ("programme", "ProgrammeResource"),
        ("programmeyear", "ProgrammeYearResource"),
        ("lecturer", "LecturerResource"),
        ("activitytype", "ActivityTypeResource"),
    ],
)
def test_other_registers_export_only_their_units_rows_and_do_not_import(
    client, staff, outsider, programme_year, lecturer, model, resource_name, sheet_world
):
    from activities import resources

    resource = getattr(resources, resource_name)
    data = {"format": "0", **{f"{resource_name.lower()}_{name}": "on" for name in resource().fields}}
    url = reverse(f"admin:activities_{model}_export")
    expected = {
        "programme": "五心工程",
        "programmeyear": "五心工程",
        "lecturer": "李讲师",
        "activitytype": "讲堂讲习",
    }
    client.force_login(staff)
    response = client.post(url, data)
    assert response.status_code == 200
    cells = str(list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)))
    assert expected[model] in cells
    if model == "programmeyear":
        assert "2018" in cells
    assert client.get(reverse(f"admin:activities_{model}_import")).status_code == 403
    if model != "activitytype":  # the shared types are everybody's
        client.force_login(outsider)
        response = client.post(url, data)
        cells = str(list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)))
        assert expected[model] not in cells


def test_preview_of_a_long_sheet_lists_the_first_rows_and_the_import_takes_them_all(
    client, staff, sheet_world
):
    from activities.resources import PREVIEW_ROWS

    client.force_login(staff)
    response = preview(client, csv_file([good_row(i, lecturers="") for i in range(PREVIEW_ROWS + 50)]))
    assert len(response.context["result"].valid_rows()) == PREVIEW_ROWS
    assert confirm(client, response).status_code == 302
    assert Activity.objects.count() == PREVIEW_ROWS + 50


def test_the_kind_reads_as_its_name_in_the_preview_and_the_export(client, staff, sheet_world, activity):
    client.force_login(staff)
    client.cookies["django_language"] = "zh-hans"
    response = preview(client, csv_file([good_row(1)]))
    assert ">讲堂/讲习/党课<" in " ".join(response.context["result"].rows[0].diff)
    response = client.post(EXPORT_URL, {"format": "0", **export_fields()})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][rows[0].index("类别")] == "讲堂/讲习/党课"
