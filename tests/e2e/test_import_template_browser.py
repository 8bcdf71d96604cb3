"""In a real browser at 1366 px: the activity import page offers its template; the downloaded template,
uploaded unchanged, is accepted and adds nothing; filled in with a row as an office writes it (a date alone,
20人), it imports that row."""

import openpyxl
import pytest
from playwright.sync_api import expect

from activities.models import Activity
from communities.models import PartyOrganization
from registers.roles import COMMUNITY_STAFF
from tests.conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_template_downloads_re_imports_unchanged_and_imports_once_filled(
    live_server, browser, community, subdistrict, artifacts, tmp_path
):
    make_staff("huanxi-template", community, COMMUNITY_STAFF)
    PartyOrganization.objects.create(
        name="环西社区党总支",
        kind=PartyOrganization.Kind.GENERAL_BRANCH,
        subdistrict=subdistrict,
        community=community,
    )
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, accept_downloads=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.locator("#id_username").fill("huanxi-template")
    page.locator("#id_password").fill("pw-for-tests-only")
    page.locator("input[type=submit]").click()
    page.goto(f"{live_server.url}/admin/activities/activity/import/")
    expect(page.locator("select[name=format]")).to_have_count(0)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载导入模板（XLSX）").click()
    download = download_info.value
    assert download.suggested_filename == "活动_导入模板.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    page.screenshot(path=str(artifacts / "import-page-template-1366.png"), full_page=True)

    page.locator("input[name=import_file]").set_input_files(str(template))
    page.locator("input[type=submit]").click()
    expect(page.locator(".import-totals")).to_contain_text("新增：0")
    expect(page.locator("input[name=confirm]")).to_be_visible()
    assert not Activity.objects.exists()

    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = {"标题": "重阳敬老", "类型": "志愿服务", "社区": "环西社区", "党组织": "环西社区党总支",
           "开始时间": "2018/10/17", "结束时间": "2018/10/17", "参与人次": "20人"}  # fmt: skip
    sheet.append([row.get(header) for header in headers])
    filled = tmp_path / "十月活动.xlsx"
    book.save(filled)
    page.goto(f"{live_server.url}/admin/activities/activity/import/")
    page.locator("input[name=import_file]").set_input_files(str(filled))
    page.locator("input[type=submit]").click()
    expect(page.locator(".import-totals")).to_contain_text("新增：1")
    page.screenshot(path=str(artifacts / "import-preview-filled-template-1366.png"), full_page=True)
    page.locator("input[name=confirm]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    activity = Activity.objects.get()
    assert (activity.title, activity.participants) == ("重阳敬老", 20)
    context.close()
