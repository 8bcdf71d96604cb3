import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def clean_environment(**overrides):
    """Only what a shell on a server would have: nothing the test run itself set."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(overrides)
    return env


def run_check(*args, **env_overrides):
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=clean_environment(**env_overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_check(DEBUG="false", DATABASE_URL="sqlite:////tmp/settings-test.sqlite3")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_starts_with_a_development_key_when_debug_is_on():
    result = run_check(DEBUG="true", DATABASE_URL="sqlite:////tmp/settings-test.sqlite3")
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = run_check(
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-production-like-key-" + "x7Qp2" * 10,
        ALLOWED_HOSTS="shequ.example.org",
        DATABASE_URL="sqlite:////tmp/settings-test.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_time_zone_and_default_language():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_writers_queue_instead_of_failing(db):
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


def test_admin_is_in_chinese_by_default_whatever_the_browser_asks(client, db):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名" in response.content.decode()


def test_english_can_be_chosen_and_sticks(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    assert response.status_code == 302
    response = client.get("/admin/login/")
    assert "Username" in response.content.decode()
    assert response["Content-Language"] == "en"


def test_the_site_header_and_language_names_are_translated(client, superuser):
    client.force_login(superuser)
    content = client.get("/admin/").content.decode()
    assert "登记簿" in content
    assert "社区服务" in content
