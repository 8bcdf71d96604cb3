"""Each register's import page offers an XLSX template: Chinese headers with a note on each, drop-down lists
(choices, and only the account's own units), date-formatted columns, one example row the import passes over,
and a sheet of rules. Downloaded and uploaded unchanged it imports nothing and refuses nothing; filled in, it
imports."""

import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import Activity
from communities.models import Person
from registers.admin import ScopedAdmin


def template_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import_template")


def importable_models():
    return sorted(
        (
            model
            for model, model_admin in admin.site._registry.items()
            if isinstance(model_admin, ScopedAdmin)
        ),
        key=lambda model: model._meta.label,
    )


def download(client, model):
    response = client.get(template_url(model))
    assert response.status_code == 200, (model, response.status_code)
    return response, openpyxl.load_workbook(io.BytesIO(response.content))


@pytest.fixture
def activity_world(community, subdistrict):
    from communities.models import PartyOrganization

    PartyOrganization.objects.create(
        name="环西社区党总支",
        kind=PartyOrganization.Kind.GENERAL_BRANCH,
        subdistrict=subdistrict,
        community=community,
    )


@pytest.mark.parametrize("model", importable_models(), ids=lambda model: model._meta.label)
def test_every_importable_register_offers_a_template_that_opens(client, superuser, community, model):
    client.force_login(superuser)
    model_admin = admin.site._registry[model]
    request = client.get(reverse("admin:index")).wsgi_request
    if not model_admin.has_import_permission(request):
        assert client.get(template_url(model)).status_code == 403
        return
    response, book = download(client, model)
    disposition = unquote(response["Content-Disposition"])
    assert "导入模板" in disposition and disposition.endswith(".xlsx") and "Tablib" not in disposition
    assert book.sheetnames[:2] == [book.sheetnames[0], "填写说明"]
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers and all(headers) and not any("_" in h for h in headers), headers
    assert all(cell.comment is not None for cell in book.worksheets[0][1])


def test_the_activity_template_has_notes_lists_formats_and_an_example(
    client, staff, activity_world, far_community
):
    client.force_login(staff)
    response, book = download(client, Activity)
    assert "活动_导入模板.xlsx" in unquote(response["Content-Disposition"])
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["标题", "类型", "社区"]
    start = headers.index("开始时间") + 1
    assert "必填" in sheet.cell(1, start).comment.text and "全天" in sheet.cell(1, start).comment.text
    assert sheet.cell(2, 1).value.startswith("（示例）")
    example = dict(zip(headers, (cell.value for cell in sheet[2]), strict=False))
    assert example["党组织"] == "环西社区党总支" and not example["志愿服务队"] and not example["共建单位"], (
        "the example names exactly one organiser, as an activity must"
    )
    assert sheet.cell(2, start).number_format == "yyyy-mm-dd hh:mm" and sheet.cell(2, start).is_date
    lists = book["选项"]
    assert lists.sheet_state == "hidden"
    offered = {cell.value for column in lists.iter_cols() for cell in column}
    assert "环西社区" in offered and far_community.name not in offered, "only the account's own units"
    validations = {str(v.sqref).split(":")[0][:1]: v for v in sheet.data_validations.dataValidation}
    assert validations, "drop-down lists"
    rules = [cell.value for cell in book["填写说明"]["A"] if cell.value]
    assert any("示例" in line for line in rules)


def test_the_template_uploaded_unchanged_imports_nothing_and_refuses_nothing(client, staff, activity_world):
    client.force_login(staff)
    response, _book = download(client, Activity)
    upload = SimpleUploadedFile("模板.xlsx", response.content)
    preview = client.post(
        reverse("admin:activities_activity_import"), {"import_file": upload, "resource": "0"}
    )
    assert preview.context.get("confirm_form") is not None
    result = preview.context["result"]
    assert (result.totals["new"], result.totals["update"], len(result.invalid_rows)) == (0, 0, 0)


def test_the_filled_template_imports(client, staff, activity_world):
    client.force_login(staff)
    response, book = download(client, Activity)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = {"标题": "七一党课", "类型": "讲堂讲习", "社区": "环西社区", "党组织": "环西社区党总支",
           "开始时间": "2018-07-01 09:00", "结束时间": "2018-07-01 10:30", "参与人次": "45人"}  # fmt: skip
    sheet.append([row.get(header) for header in headers])
    out = io.BytesIO()
    book.save(out)
    preview = client.post(
        reverse("admin:activities_activity_import"),
        {"import_file": SimpleUploadedFile("七月.xlsx", out.getvalue()), "resource": "0"},
    )
    assert preview.context.get("confirm_form") is not None
    form = preview.context["confirm_form"]
    confirmed = client.post(
        reverse("admin:activities_activity_process_import"), {n: form.initial.get(n, "") for n in form.fields}
    )
    assert confirmed.status_code == 302
    assert Activity.objects.get().participants == 45


def test_the_people_template_uploaded_unchanged_imports_nothing(client, sensitive_staff, community):
    from tests.communities.helpers import login

    login(client, sensitive_staff)
    response, book = download(client, Person)
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers[0] == "姓名" and "文化程度" in headers
    offered = {cell.value for column in book["选项"].iter_cols() for cell in column}
    assert {"高中", "中专/中技", "文盲或半文盲"} <= offered
    preview = client.post(
        reverse("admin:communities_person_import"),
        {"import_file": SimpleUploadedFile("模板.xlsx", response.content), "resource": "0"},
    )
    assert preview.context.get("confirm_form") is not None
    assert preview.context["result"].totals["new"] == 0


def test_accounts_that_may_not_import_get_no_template(client, supervisor):
    client.force_login(supervisor)
    assert client.get(template_url(Activity)).status_code == 403


def test_the_import_page_links_the_template_and_has_no_format_picker(client, staff, community):
    client.force_login(staff)
    page = client.get(reverse("admin:activities_activity_import")).content.decode()
    assert template_url(Activity) in page
    assert '<select name="format"' not in page
