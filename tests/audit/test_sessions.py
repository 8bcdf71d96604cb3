"""Staff sessions: 30 minutes idle, a working day at most; secure cookies when DEBUG is off."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from audit.sessions import LAST_SEEN, LOGIN_AT

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def set_clock(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_a_fresh_session_opens_the_admin(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_each_request_moves_the_idle_clock(client, staff):
    client.force_login(staff)
    set_clock(client, **{LAST_SEEN: int(time.time()) - 20 * 60})
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 5


def test_thirty_minutes_idle_ends_the_session(client, staff):
    client.force_login(staff)
    set_clock(client, **{LAST_SEEN: int(time.time()) - 31 * 60})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert SESSION_KEY not in client.session


def test_a_working_day_ends_the_session_even_when_active(client, staff):
    client.force_login(staff)
    now = int(time.time())
    set_clock(client, **{LOGIN_AT: now - settings.SESSION_ABSOLUTE_SECONDS - 60, LAST_SEEN: now - 60})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_just_under_a_working_day_is_still_signed_in(client, staff):
    client.force_login(staff)
    now = int(time.time())
    set_clock(client, **{LOGIN_AT: now - settings.SESSION_ABSOLUTE_SECONDS + 120, LAST_SEEN: now - 60})
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_session_without_a_start_time_must_sign_in_again(client, staff):
    client.force_login(staff)
    session = client.session
    del session[LOGIN_AT]
    session.save()
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_cookie_and_stored_session_expire_with_the_idle_limit():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ABSOLUTE_SECONDS <= 12 * 60 * 60


def test_session_cookie_is_httponly_and_samesite(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_cookies_are_secure_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT"}}
    env.update(DEBUG="false", SECRET_KEY="a-production-like-key-" + "x7Qp2" * 10)
    code = (
        "import config.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["True", "True", "True", "Lax", "True"], result.stderr
