"""Login throttling: tiered cool-offs per username and per address, never a permanent lockout."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY

from .conftest import move_back, sign_in

pytestmark = pytest.mark.django_db


def fail(client, username, times, ip="10.0.0.1"):
    return [sign_in(client, username, "wrong-password", ip=ip) for _ in range(times)]


def signed_in(client, user) -> bool:
    return client.session.get(SESSION_KEY) == str(user.pk)


def test_four_failures_do_not_lock_the_account(client, staff):
    responses = fail(client, "huanxi", 4)
    assert all(r.status_code == 200 for r in responses)
    assert sign_in(client, "huanxi").status_code == 302
    assert signed_in(client, staff)


def test_the_fifth_failure_locks_with_a_clear_message(client, staff):
    responses = fail(client, "huanxi", 5)
    assert responses[-1].status_code == 429
    assert "15" in responses[-1].content.decode()
    assert "登录" in responses[-1].content.decode() or "sign-in" in responses[-1].content.decode()


def test_the_right_password_is_refused_during_the_lockout(client, staff):
    fail(client, "huanxi", 5)
    response = sign_in(client, "huanxi")
    assert response.status_code == 429
    assert not signed_in(client, staff)


def test_the_first_lockout_ends_after_15_minutes(client, staff, outsider):
    fail(client, "huanxi", 5)
    move_back(timedelta(minutes=14))
    assert sign_in(client, "jinye", "wrong-password", ip="10.0.7.7").status_code == 200
    assert [sign_in(client, "huanxi").status_code for _ in range(2)] == [429, 429]
    move_back(timedelta(minutes=2))
    assert sign_in(client, "huanxi").status_code == 302
    assert signed_in(client, staff)


def test_ten_failures_in_a_day_lock_for_two_hours(client, staff):
    fail(client, "huanxi", 5)
    move_back(timedelta(minutes=16))
    responses = fail(client, "huanxi", 5)
    assert responses[-1].status_code == 429
    assert "120" in responses[-1].content.decode()
    move_back(timedelta(minutes=16))
    assert sign_in(client, "huanxi").status_code == 429
    move_back(timedelta(minutes=105))
    assert sign_in(client, "huanxi").status_code == 302
    assert signed_in(client, staff)


def test_failures_during_a_lockout_do_not_extend_it(client, staff):
    fail(client, "huanxi", 5)
    move_back(timedelta(minutes=10))
    fail(client, "huanxi", 20)  # an attacker keeps trying
    move_back(timedelta(minutes=6))
    assert sign_in(client, "huanxi").status_code == 302


def test_the_lockout_is_never_permanent(client, staff):
    for _round in range(4):
        fail(client, "huanxi", 5)
        move_back(timedelta(hours=2, minutes=1))
    assert sign_in(client, "huanxi").status_code == 302
    assert signed_in(client, staff)


def test_the_username_is_locked_whatever_the_address(client, staff):
    for i in range(5):
        sign_in(client, "huanxi", "wrong-password", ip=f"10.0.1.{i}")
    assert sign_in(client, "huanxi", ip="10.0.2.1").status_code == 429


def test_the_address_is_locked_whatever_the_username(client, staff, outsider):
    for name in ["a", "b", "c", "d", "e"]:
        sign_in(client, name, "wrong-password", ip="10.0.3.3")
    assert sign_in(client, "jinye", ip="10.0.3.3").status_code == 429
    # the same account from elsewhere is not affected
    assert sign_in(client, "jinye", ip="10.0.3.4").status_code == 302


def test_signing_in_to_one_account_does_not_wipe_guesses_at_another(client, staff, outsider):
    """Someone with a valid account cannot reset the count of their guesses at a colleague's password."""
    fail(client, "huanxi", 4, ip="10.0.5.5")
    assert sign_in(client, "jinye", ip="10.0.5.5").status_code == 302
    client.logout()
    assert sign_in(client, "huanxi", "wrong-password", ip="10.0.5.5").status_code == 429


def test_behind_the_proxy_each_visitor_is_counted_on_their_own(client, staff):
    """nginx (127.0.0.1) passes the visitor's address in X-Forwarded-For: one visitor's failures must not
    lock out everyone else who comes through the same proxy."""
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": "nobody", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").exists()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "huanxi", "password": "pw-for-tests-only", "next": "/admin/"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(client, staff):
    for i in range(5):
        client.post(
            "/admin/login/",
            {"username": "nobody", "password": "x"},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.9.9.9"}


# ---- how long a lockout lasts, whoever else signs in meanwhile ------------------------------------------


def test_the_two_hour_lockout_lasts_two_hours(client, staff, outsider):
    """The 10th failure of the day locks for 2 hours from that failure: not 15 minutes, and not until the
    first refused attempt after 15 minutes."""
    fail(client, "huanxi", 5)
    move_back(timedelta(minutes=16))
    fail(client, "huanxi", 5)
    move_back(timedelta(minutes=16))
    assert [sign_in(client, "huanxi").status_code for _ in range(2)] == [429, 429]
    move_back(timedelta(minutes=103))  # 119 minutes after the 10th failure
    assert [sign_in(client, "huanxi").status_code for _ in range(2)] == [429, 429]
    assert not signed_in(client, staff)
    move_back(timedelta(minutes=2))
    assert sign_in(client, "huanxi").status_code == 302
    assert signed_in(client, staff)


def test_someone_elses_typo_does_not_end_a_lockout(client, staff, outsider):
    fail(client, "huanxi", 5, ip="10.0.6.6")
    move_back(timedelta(minutes=16))
    fail(client, "huanxi", 5, ip="10.0.6.6")
    move_back(timedelta(minutes=30))
    assert sign_in(client, "jinye", "wrong-password", ip="10.0.7.7").status_code == 200
    assert sign_in(client, "huanxi", ip="10.0.6.6").status_code == 429
    assert sign_in(client, "huanxi", ip="10.0.8.8").status_code == 429  # the account, from anywhere
    move_back(timedelta(minutes=91))
    assert sign_in(client, "jinye", "wrong-password", ip="10.0.7.7").status_code == 200
    assert sign_in(client, "huanxi", ip="10.0.6.6").status_code == 302


def test_a_lockout_from_several_addresses_lasts_from_the_last_failure(client, staff):
    """Guesses at one account from five addresses, a minute apart: the pause starts at the fifth."""
    for i in range(5):
        sign_in(client, "huanxi", "wrong-password", ip=f"10.0.9.{i}")
        move_back(timedelta(minutes=1))
    move_back(timedelta(minutes=12))  # 13 minutes after the fifth failure, 17 after the first
    assert sign_in(client, "huanxi", ip="10.0.9.9").status_code == 429
    move_back(timedelta(minutes=3))
    assert sign_in(client, "huanxi", ip="10.0.9.9").status_code == 302


# ---- what the lockout page says -------------------------------------------------------------------------


def minutes_left(response) -> int:
    """The wait the lockout page announces, in Chinese (the default) or English."""
    found = re.search(r"请在 (\d+) 分钟后|try again in (\d+) minutes? ", response.content.decode())
    return int(found.group(1) or found.group(2))


def test_the_lockout_page_shows_the_minutes_left(client, staff):
    assert minutes_left(fail(client, "huanxi", 5)[-1]) == 15
    move_back(timedelta(minutes=10, seconds=30))
    response = sign_in(client, "huanxi")
    assert response.status_code == 429
    assert minutes_left(response) == 5  # 4.5 minutes, rounded up


def test_the_lockout_page_shows_the_minutes_left_in_english(client, staff):
    client.cookies["django_language"] = "en"
    fail(client, "huanxi", 5)
    move_back(timedelta(minutes=14, seconds=30))
    text = sign_in(client, "huanxi").content.decode()
    assert "Sign-in is paused: try again in 1 minute with the right password." in text


def test_the_lockout_page_counts_down_the_two_hours(client, staff):
    fail(client, "huanxi", 5)
    move_back(timedelta(minutes=16))
    assert minutes_left(fail(client, "huanxi", 5)[-1]) == 120
    move_back(timedelta(minutes=45))
    assert minutes_left(sign_in(client, "huanxi")) == 75
