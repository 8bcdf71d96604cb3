"""An activity sheet imported twice, or overlapping the last one, adds nothing twice; an import can be undone
from its log page (added activities removed, changed ones put back) unless someone changed them since."""

import csv
import datetime
import io
import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from activities.imports import UndoRefused, undo_import
from activities.models import Activity, ImportLog
from reports.dashboard import build

from .test_import_export import XLSX_FORMAT, confirm, csv_file, good_row, preview, xlsx_file

YEAR = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))


def figures(community):
    return build(community.subdistrict, *YEAR).totals


def import_sheet(client, upload, fmt="0"):
    response = preview(client, upload, fmt)
    assert response.context["confirm_form"] is not None, response.content.decode()[:3000]
    assert confirm(client, response).status_code == 302
    return ImportLog.objects.order_by("-pk").first()


def undo(client, log):
    response = client.post(reverse("admin:activities_importlog_undo", args=[log.pk]), follow=True)
    return [str(m) for m in get_messages(response.wsgi_request)], response


@pytest.fixture
def importer(client, staff, sheet_world):
    client.force_login(staff)
    return client


def test_the_same_sheet_imported_twice_leaves_every_figure_unchanged(importer, community):
    before = figures(community)
    rows = [good_row(1), good_row(2), good_row(3, participants="25")]
    import_sheet(importer, csv_file(rows))
    once = figures(community)
    assert once != before and Activity.objects.count() == 3

    again = preview(importer, csv_file(rows, name="the same sheet, renamed.csv"))
    result = again.context["result"]
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 3)
    assert "imported before" in " ".join(str(n) for n in result.notices)
    assert confirm(importer, again).status_code == 302
    assert Activity.objects.count() == 3
    assert figures(community) == once
    log = ImportLog.objects.order_by("-pk").first()
    assert (log.created, log.updated, log.unchanged) == (0, 0, 3)


def test_an_overlapping_sheet_adds_the_new_rows_and_changes_the_changed(importer, community):
    import_sheet(importer, csv_file([good_row(1), good_row(2)]))
    log = import_sheet(importer, csv_file([good_row(2, participants="55"), good_row(3)]))
    assert (log.created, log.updated, log.unchanged) == (1, 1, 0)
    assert Activity.objects.count() == 3
    assert Activity.objects.get(title="三新大讲堂第2讲").participants == 55


def test_the_same_rows_as_xlsx_date_cells_are_recognised(importer, community):
    import_sheet(importer, csv_file([good_row(1)]))
    cells = {"start": datetime.datetime(2018, 6, 1, 9, 0), "end": datetime.datetime(2018, 6, 1, 11, 0)}  # noqa: DTZ001
    log = import_sheet(importer, xlsx_file([good_row(1, **cells)]), XLSX_FORMAT)
    assert (log.created, log.unchanged) == (0, 1)


def test_a_sheet_listing_an_activity_twice_is_refused_naming_both_rows(importer):
    response = preview(importer, csv_file([good_row(1), good_row(2), good_row(1, participants="99")]))
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 4
    assert "same activity as row 2" in " ".join(invalid.non_field_specific_errors)
    assert not Activity.objects.exists()


def test_undo_restores_the_figures_exactly(importer, community, lecturer):
    before = figures(community)
    first = import_sheet(importer, csv_file([good_row(1), good_row(2)]))
    after_first = figures(community)
    second = import_sheet(
        importer, csv_file([good_row(2, participants="77", lecturers=""), good_row(3), good_row(4)])
    )
    assert figures(community) != after_first

    messages, _response = undo(importer, second)
    assert any("undone" in m for m in messages), messages
    assert figures(community) == after_first
    two = Activity.objects.get(title="三新大讲堂第2讲")
    assert (two.participants, list(two.lecturers.all())) == (40, [lecturer])
    assert Activity.objects.count() == 2
    second.refresh_from_db()
    assert second.undone_at is not None and second.undone_by.username == "huanxi"

    undo(importer, first)
    assert figures(community) == before
    assert not Activity.objects.exists()


def test_undo_is_refused_when_an_activity_was_edited_since_and_nothing_changes(importer, community):
    log = import_sheet(importer, csv_file([good_row(1), good_row(2)]))
    edited = Activity.objects.get(title="三新大讲堂第2讲")
    edited.participants = 12
    edited.save()
    messages, _response = undo(importer, log)
    assert any("changed after the import" in m and "三新大讲堂第2讲" in m for m in messages), messages
    assert Activity.objects.count() == 2
    log.refresh_from_db()
    assert log.undone_at is None


def test_an_import_is_undone_once(importer, staff):
    log = import_sheet(importer, csv_file([good_row(1)]))
    undo(importer, log)
    messages, _response = undo(importer, log)
    assert any("already been undone" in m for m in messages), messages
    with pytest.raises(UndoRefused):
        undo_import(log=log, by=staff)


def test_the_log_page_offers_undo_and_the_list_filters_by_import(importer, community):
    first = import_sheet(importer, csv_file([good_row(1), good_row(2)]))
    second = import_sheet(importer, csv_file([good_row(3)]))
    page = importer.get(reverse("admin:activities_importlog_change", args=[second.pk])).content.decode()
    assert "Undo this import" in page and f"?import={second.pk}" in page
    listed = importer.get(reverse("admin:activities_activity_changelist"), {"import": first.pk})
    assert sorted(a.title for a in listed.context["cl"].result_list) == ["三新大讲堂第1讲", "三新大讲堂第2讲"]


def test_another_units_import_cannot_be_seen_filtered_or_undone(importer, client, outsider):
    log = import_sheet(importer, csv_file([good_row(1)]))
    client.force_login(outsider)
    assert client.get(reverse("admin:activities_importlog_change", args=[log.pk])).status_code in (302, 404)
    assert client.post(reverse("admin:activities_importlog_undo", args=[log.pk])).status_code == 404
    listed = client.get(reverse("admin:activities_activity_changelist"), {"import": log.pk})
    assert list(listed.context["cl"].result_list) == []
    assert Activity.objects.count() == 1


def test_a_supervisor_may_not_undo(importer, client, supervisor):
    log = import_sheet(importer, csv_file([good_row(1)]))
    client.force_login(supervisor)
    assert client.post(reverse("admin:activities_importlog_undo", args=[log.pk])).status_code in (403, 404)
    assert Activity.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_undoing_the_same_import_at_once_undo_it_once(client, staff, sheet_world):
    client.force_login(staff)
    import_sheet(client, csv_file([good_row(1), good_row(2)]))
    second = import_sheet(client, csv_file([good_row(2, participants="66"), good_row(3)]))
    outcomes = []

    def run():
        try:
            outcomes.append(undo_import(log=ImportLog.objects.get(pk=second.pk), by=staff))
        except UndoRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(outcome, dict) for outcome in outcomes) == 1, outcomes
    assert Activity.objects.count() == 2
    assert Activity.objects.get(title="三新大讲堂第2讲").participants == 40


# --- a sheet as an office writes it -------------------------------------------------------------------


def office_xlsx(rows, title="西关办事处 2018 年 6 月活动台账"):
    """A title merged across the columns, a blank line, then the header; blank optional cells."""
    header = [
        "标题",
        "类型",
        "社区",
        "党组织",
        "志愿服务队",
        "场地",
        "开始时间",
        "结束时间",
        "参与人次",
        "讲师",
        "项目",
        "说明",
    ]
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REQUIRED_ONLY = {"标题": "端午包粽子", "类型": "志愿服务", "社区": "环西社区", "党组织": "环西社区党总支",
                 "开始时间": "2018-06-16 09:00", "结束时间": "2018-06-16 11:00"}  # fmt: skip


def test_an_xlsx_sheet_with_every_optional_cell_blank_imports(client, staff, sheet_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.cookies["django_language"] = "zh-hans"
    client.force_login(staff)
    response = client.post(
        reverse("admin:activities_activity_import"),
        {"import_file": SimpleUploadedFile("台账.xlsx", office_xlsx([REQUIRED_ONLY])), "resource": "0"},
    )
    assert response.context["confirm_form"] is not None, response.content.decode()[-3000:]
    assert confirm(client, response).status_code == 302
    activity = Activity.objects.get()
    assert (activity.description, activity.participants, activity.venue) == ("", 0, None)


def office_csv(rows):
    """Saved by Excel or WPS as CSV on a Chinese Windows: GBK, a title line, dates as the office typed them."""
    header = ["标题", "类型", "社区", "党组织", "开始时间", "结束时间", "参与人次", "说明"]
    out = io.StringIO()
    writer = csv.writer(out)  # (its lines end \r\n, as Excel's)
    writer.writerows([["西关办事处活动台账（2018年6月）"] + [""] * (len(header) - 1), header])
    writer.writerows([[row.get(h, "") for h in header] for row in rows])
    return out.getvalue().encode("gbk")


def upload_office_file(client, content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("admin:activities_activity_import"),
        {"import_file": SimpleUploadedFile(name, content), "resource": "0"},
    )


def test_an_activity_sheet_as_an_office_writes_it_imports_without_edits(client, staff, sheet_world):
    client.force_login(staff)
    base = {"类型": "志愿服务", "社区": "环西社区", "党组织": "环西社区党总支"}
    rows = [
        {**base, "标题": "全天义诊", "开始时间": "2018/6/1", "结束时间": "2018/6/1", "参与人次": "20人"},
        {**base, "标题": "端午包粽子", "开始时间": "43267.375", "结束时间": "43267.4583333333", "参与人次": "４５"},
        {**base, "标题": "夏季消防演练", "开始时间": "２０１８／６／２０　９:００", "结束时间": "2018年6月20日 11:00", "参与人次": "1,200人次"},
    ]  # fmt: skip
    response = upload_office_file(client, office_csv(rows), "六月.csv")
    assert response.context.get("confirm_form") is not None, re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())
    )[-1800:]
    assert confirm(client, response).status_code == 302
    found = {a.title: a for a in Activity.objects.all()}
    local = timezone.localtime
    assert (local(found["全天义诊"].start).isoformat(), local(found["全天义诊"].end).isoformat()) == (
        "2018-06-01T00:00:00+08:00",
        "2018-06-01T23:59:00+08:00",
    )
    assert found["全天义诊"].participants == 20
    assert (local(found["端午包粽子"].start).isoformat(), found["端午包粽子"].participants) == (
        "2018-06-16T09:00:00+08:00",
        45,
    )
    assert local(found["端午包粽子"].end).strftime("%H:%M") == "11:00"
    assert (
        local(found["夏季消防演练"].start).strftime("%m-%d %H:%M"),
        found["夏季消防演练"].participants,
    ) == ("06-20 09:00", 1200)


@pytest.mark.parametrize(
    "cells,column,message",
    [
        ({"参与人次": "20-30人"}, "参与人次", "不是整数"),
        ({"参与人次": "约20人"}, "参与人次", "不是整数"),
        ({"参与人次": "二十人"}, "参与人次", "不是整数"),
        ({"参与人次": "20公斤"}, "参与人次", "不是整数"),
        ({"开始时间": "4326"}, "开始时间", "不是日期时间"),
        ({"开始时间": "2018/13/1"}, "开始时间", "不是日期时间"),
        ({"开始时间": "6月1日"}, "开始时间", "不是日期时间"),
        ({"开始时间": "9999999"}, "开始时间", "不是日期时间"),
    ],
)
def test_near_misses_are_refused_with_the_row_and_the_reason(
    client, staff, sheet_world, cells, column, message
):
    client.cookies["django_language"] = "zh-hans"
    client.force_login(staff)
    good = {"标题": "讲座", "类型": "志愿服务", "社区": "环西社区", "党组织": "环西社区党总支",
            "开始时间": "2018-06-01 09:00", "结束时间": "2018-06-01 11:00", "参与人次": "10"}  # fmt: skip
    response = upload_office_file(client, office_csv([good, {**good, "标题": "讲座二", **cells}]), "bad.csv")
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 4, "the title line and the header come first"
    assert message in " ".join(invalid.field_specific_errors[column])
    assert not Activity.objects.exists()


def test_undo_is_refused_when_volunteers_were_called_for_an_imported_activity(importer, community):
    from volunteers.models import Recruitment

    log = import_sheet(importer, csv_file([good_row(1), good_row(2)]))
    activity = Activity.objects.get(title="三新大讲堂第1讲")
    Recruitment.objects.create(
        activity=activity, community=community, needed=5, tasks="引导", risks="无",
        signup_deadline=activity.start,
    )  # fmt: skip
    messages, _response = undo(importer, log)
    assert any("三新大讲堂第1讲" in m and "call for volunteers" in m for m in messages), messages
    assert Activity.objects.count() == 2 and Recruitment.objects.count() == 1
