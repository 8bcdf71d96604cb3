"""The register speaks Chinese by default (compiled translations committed) and English when chosen."""

from communities.models import Community, Courtyard, Grid

from .helpers import admin_url, csv_bytes, login, page_errors, upload


def test_admin_lists_are_in_chinese_by_default(client, staff, grid):
    login(client, staff)
    content = client.get("/admin/communities/community/").content.decode()
    assert "社区" in content
    assert "单位和人员" in client.get("/admin/").content.decode()
    assert "网格" in client.get(admin_url(Grid)).content.decode()


def test_admin_is_in_english_when_chosen(en, staff, community):
    login(en, staff)
    content = en.get(admin_url(Community)).content.decode()
    assert "communities" in content.lower()
    assert "Urban community" in content or "urban community" in content


def test_import_errors_are_in_the_users_language(client, staff, grid):
    login(client, staff)
    content = csv_bytes([["社区", "网格", "名称", "户数"], ["环西社区", "第一网格", "一号院", "四十"]])
    text = page_errors(upload(client, Courtyard, content))
    assert "户数 : “四十”不是整数。" in text
    assert "1 行无法导入" in text and "没有写入任何数据" in text
    assert not Courtyard.objects.exists()


def test_wrong_columns_message_is_in_chinese(client, staff, community):
    login(client, staff)
    text = page_errors(upload(client, Grid, csv_bytes([["标题"], ["x"]])))
    assert "文件的列与本登记表不符。" in text
    assert "缺少列：社区、名称。" in text


def test_not_a_spreadsheet_message_is_in_chinese(client, staff, community):
    login(client, staff)
    response = upload(client, Grid, b"\x89PNG\r\n\x1a\n\x00\x00", "photo.xlsx", "1")
    assert "此文件不是 XLSX 表格" in str(response.context["form"].errors["import_file"])
