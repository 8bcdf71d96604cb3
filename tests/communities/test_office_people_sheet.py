"""A people sheet as a Chinese office writes it imports without edits: saved as GBK CSV by Excel, a title
line above the header, birth dates as Excel serials or typed with slashes, full-width digits, education
written 高中 / 中专 / 大专 / 本科 (GB/T 4658's levels). Near-misses are refused with the row and the reason."""

import csv
import io

import pytest

from communities.models import Person

from .helpers import confirm, login, page_errors, upload

HEADER = ["姓名", "性别", "出生日期", "电话", "社区", "党员", "文化程度"]


def office_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([["环西社区居民花名册（2018年）", "", "", "", "", "", ""], HEADER, *rows])
    return out.getvalue().encode("gbk")


def test_a_people_sheet_as_an_office_writes_it_imports_without_edits(client, sensitive_staff, community):
    login(client, sensitive_staff)
    rows = [
        ["丁桂珍", "女", "17685", "１３８１２３４５６７８", "环西社区", "是", "小学"],
        ["王建军", "男", "1962/3/5", "13912345678", "环西社区", "否", "高中"],
        ["李红", "女", "1975年10月1日", "", "环西社区", "否", "中专"],
        ["赵强", "男", "1980-01-02", "", "环西社区", "否", "大专"],
        ["孙丽", "女", "", "", "环西社区", "否", "本科"],
        ["周明", "男", "", "", "环西社区", "否", "文盲或半文盲"],
        ["吴磊", "男", "", "", "环西社区", "否", "技校"],
        ["郑华", "女", "", "", "环西社区", "否", "硕士"],
        ["钱进", "男", "", "", "环西社区", "否", "初中"],
        ["冯敏", "女", "", "", "环西社区", "否", ""],
    ]
    preview = upload(client, Person, office_csv(rows), name="花名册.csv")
    assert preview.context.get("confirm_form") is not None, page_errors(preview)
    assert confirm(client, Person, preview).status_code == 302
    people = {p.name: p for p in Person.objects.all()}
    assert str(people["丁桂珍"].birth_date) == "1948-06-01"  # Excel's serial 17685
    assert str(people["王建军"].birth_date) == "1962-03-05"
    assert people["丁桂珍"].phone == "13812345678"
    assert {name: p.education for name, p in people.items()} == {
        "丁桂珍": "primary", "王建军": "senior_high", "李红": "secondary_vocational", "赵强": "junior_college",
        "孙丽": "bachelor", "周明": "illiterate", "吴磊": "technical_school", "郑华": "postgraduate",
        "钱进": "junior_high", "冯敏": "",
    }  # fmt: skip


@pytest.mark.parametrize(
    "cells,reason",
    [
        ({6: "高"}, "文化程度 : “高”不在可选项中"),
        ({6: "大学"}, "文化程度 : “大学”不在可选项中"),
        ({2: "1958"}, "出生日期 : “1958”不是日期"),
        ({2: "58/6/1"}, "出生日期 : “58/6/1”不是日期"),
        ({2: "1958.13.01"}, "出生日期 : “1958.13.01”不是日期"),
    ],
)
def test_near_misses_in_a_people_sheet_are_refused_with_row_and_reason(
    client, sensitive_staff, community, cells, reason
):
    login(client, sensitive_staff)
    good = ["王建军", "男", "1962/3/5", "", "环西社区", "否", "高中"]
    bad = ["李红", *good[1:]]
    for position, value in cells.items():
        bad[position] = value
    preview = upload(client, Person, office_csv([good, bad]), name="花名册.csv")
    text = page_errors(preview)
    assert "1 行无法导入" in text and "文件中的行号 错误" in text, text[:2000]
    assert f" 4 {reason}" in text, text[:3000]
    assert not Person.objects.exists()
