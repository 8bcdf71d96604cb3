"""Error pages in Chinese, with DEBUG off (the tests run production settings), without inline script or
style, with a way home; a missing booking's page offers the reference box."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config import urls as project_urls

pytestmark = pytest.mark.django_db


def _raise_error(request):
    raise RuntimeError("a bug")


def _raise_denied(request):
    raise PermissionDenied


def _raise_suspicious(request):
    raise SuspiciousOperation("bad")


# The project's addresses and error handlers, and three that fail.
urlpatterns = [
    path("boom/", _raise_error),
    path("admin/boom/", _raise_denied),
    path("odd/", _raise_suspicious),
    *project_urls.urlpatterns,
]
handler404 = project_urls.handler404
handler403 = project_urls.handler403


def assert_error_page(response, status, heading):
    text = response.content.decode()
    assert response.status_code == status
    assert 'lang="zh-hans"' in text and heading in text
    assert 'href="/"' in text  # a way home
    assert "<script" not in text and "style=" not in text  # CSP: nothing inline
    assert "Not Found" not in text and "Server Error" not in text
    return text


def test_a_mistyped_address_is_a_chinese_404(client, settings):
    assert not settings.DEBUG
    assert_error_page(client.get("/venuez/"), 404, "找不到页面")


def test_a_missing_booking_offers_the_reference_box(client):
    text = assert_error_page(client.get("/bookings/ABCDEFGHJKLM/"), 404, "找不到页面")
    assert 'action="/bookings/"' in text or "/bookings/?reference" in text or 'name="reference"' in text
    assert "短信中的预约号" in text


def test_a_staff_page_that_is_missing_links_to_the_staff_home(client, staff):
    client.force_login(staff)
    response = client.get("/reports/nothing-here/")
    text = assert_error_page(response, 404, "找不到页面")
    assert 'href="/admin/"' in text


@pytest.mark.urls("tests.config.test_error_pages")
def test_a_crash_is_a_chinese_500_that_shows_nothing_of_the_error(client):
    client.raise_request_exception = False
    text = assert_error_page(client.get("/boom/"), 500, "出错了")
    assert "a bug" not in text and "Traceback" not in text


@pytest.mark.urls("tests.config.test_error_pages")
def test_a_refusal_is_a_chinese_403(client):
    text = assert_error_page(client.get("/admin/boom/"), 403, "无权访问")
    assert "系统管理员" in text


@pytest.mark.urls("tests.config.test_error_pages")
def test_a_bad_request_is_a_chinese_400(client):
    assert_error_page(client.get("/odd/"), 400, "无法处理该请求")


def test_an_expired_form_is_a_chinese_403(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/bookings/find/", {"phone": "13812345678"})
    assert_error_page(response, 403, "表单已过期")


def test_the_icon_and_a_description_are_there(client):
    text = client.get("/").content.decode()
    assert 'rel="icon"' in text and '<meta name="description"' in text
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_robots_keep_search_engines_off_staff_pages(client):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in text and "Disallow: /security/" in text
    assert "/bookings/" not in text  # a public line would only point at where the secrets live
