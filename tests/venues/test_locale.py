"""Chinese is the default language of the public pages; the venues app ships its translations."""

import pytest

from tests.venues.test_booking import form_data


@pytest.fixture
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def test_venue_page_is_in_chinese_by_default(chinese, client, venue):
    text = client.get("/venues/jiafeng/").content.decode()
    assert "预约参观" in text and "空余名额" in text and "家风家训馆" in text


def test_booking_errors_are_in_chinese(chinese, client, venue, slot_start):
    response = client.post("/venues/jiafeng/book/", form_data(slot_start, visitor_kind="school", size=3))
    assert "团体参观请填写单位名称。" in response.content.decode()


def test_full_slot_message_in_chinese(chinese, client, venue, slot_start):
    client.post("/venues/jiafeng/book/", form_data(slot_start, size=10))
    response = client.post("/venues/jiafeng/book/", form_data(slot_start, size=1, phone="13900000001"))
    assert "该时段已约满，请选择其他时段。" in response.content.decode()
