"""Staff passwords (等保 2.0 身份鉴别 a): the rules with their Chinese messages, the age limit, and the reset by
email — sent by a real worker to a real SMTP server, with the same answer for addresses nobody has."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from audit.models import PasswordChange, SecurityEvent
from tests.jobs import wait_for

from .conftest import PASSWORD, sign_in

NEW_PASSWORD = "Xg7#pLm2vQ-new"


def change_password(client, new, old=PASSWORD):
    return client.post(
        reverse("admin:password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, message",
    [
        ("Ab1!xyz", "密码太短：至少需要 10 个字符。"),
        ("abcdefghij12", "密码须包含小写字母、大写字母、数字、其他符号（如 !@#%）中的至少 3 类。"),
        ("ABCDEFGH!!!!", "密码须包含小写字母、大写字母、数字、其他符号（如 !@#%）中的至少 3 类。"),
        ("My-huanxi-2026", "密码中不能包含用户名。"),
        ("huanxi", "密码太短"),
        ("1234567890", "这个密码太常见了。"),
        ("", "这个字段是必填项。"),
    ],
)
def test_each_weak_password_is_refused_with_its_reason(client, staff, password, message):
    sign_in(client, "huanxi")
    before = staff.password
    response = change_password(client, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    staff.refresh_from_db()
    assert staff.password == before  # nothing changed
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()


@pytest.mark.django_db
def test_the_rules_are_listed_on_the_change_page_in_chinese(client, staff):
    sign_in(client, "huanxi")
    text = client.get(reverse("admin:password_change")).content.decode()
    assert "至少 3 类" in text and "不能包含用户名" in text


@pytest.mark.django_db
def test_a_good_password_is_taken_and_its_date_kept(client, staff):
    sign_in(client, "huanxi")
    response = change_password(client, NEW_PASSWORD)
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    assert PasswordChange.objects.filter(user=staff).count() == 2  # created, then changed
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PASSWORD_CHANGED)
    assert (event.username, event.target, event.address, event.succeeded) == (
        "huanxi",
        "huanxi",
        "127.0.0.1",
        True,
    )


@pytest.fixture
def old_password(staff, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 180
    PasswordChange.objects.filter(user=staff).update(at=timezone.now() - timedelta(days=181))
    return staff


@pytest.mark.django_db
def test_an_old_password_must_be_changed_before_anything_else(client, old_password):
    assert sign_in(client, "huanxi").status_code == 302
    for path in ("/admin/", "/admin/communities/person/", "/reports/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse("admin:password_change"), path
    page = client.get(reverse("admin:password_change"), follow=True).content.decode()
    assert "您的密码已使用超过 180 天" in page
    assert client.get(reverse("admin:logout")).status_code in (200, 302, 405)  # signing out stays possible

    sign_in(client, "huanxi")
    assert change_password(client, NEW_PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200  # the new password lets everything open again


@pytest.mark.django_db
def test_a_password_younger_than_the_limit_or_no_limit_asks_nothing(client, staff, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 180
    PasswordChange.objects.filter(user=staff).update(at=timezone.now() - timedelta(days=179))
    sign_in(client, "huanxi")
    assert client.get("/admin/").status_code == 200
    settings.PASSWORD_MAX_AGE_DAYS = 0
    PasswordChange.objects.filter(user=staff).update(at=timezone.now() - timedelta(days=900))
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_an_account_older_than_the_rule_counts_from_its_creation(client, staff, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 180
    PasswordChange.objects.filter(user=staff).delete()
    type(staff).objects.filter(pk=staff.pk).update(date_joined=timezone.now() - timedelta(days=200))
    sign_in(client, "huanxi")
    assert client.get("/admin/")["Location"] == reverse("admin:password_change")


# ---- reset ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_counters():
    """The reset's rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def ask_reset(client, email, ip="10.0.0.9"):
    return client.post(reverse("admin_password_reset"), {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_reset(client):
    text = client.get(reverse("admin:login")).content.decode()
    assert reverse("admin_password_reset") in text


@pytest.mark.django_db
def test_known_and_unknown_addresses_get_the_same_answer(client, staff):
    staff.email = "huanxi@example.cn"
    staff.save()
    known, unknown = ask_reset(client, "huanxi@example.cn"), ask_reset(client, "nobody@example.cn")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "密码" in done
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_RESET_ASKED).count() == 2


@pytest.mark.django_db
def test_too_many_asks_are_refused_for_an_hour_whoever_the_address_belongs_to(client, staff):
    answers = [ask_reset(client, "nobody@example.cn").status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    response = ask_reset(client, "nobody@example.cn")
    assert "重置密码的申请过于频繁，请一小时后再试。" in response.content.decode()
    # Another address typed from elsewhere is not held up by it.
    assert ask_reset(client, "other@example.cn", ip="10.0.0.10").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_reset_link_arrives_by_email_and_sets_a_new_password(client, job_worker, smtp_server, staff):
    staff.email = "huanxi-reset@example.cn"
    staff.save()
    assert ask_reset(client, "huanxi-reset@example.cn").status_code == 302
    wait_for(
        lambda: any(m["To"] == "huanxi-reset@example.cn" for m in smtp_server.messages), what="the email"
    )
    [email] = [m for m in smtp_server.messages if m["To"] == "huanxi-reset@example.cn"]
    body = email.get_content()
    assert "重置" in email["Subject"] or "密码" in email["Subject"]
    link = re.search(r"https?://[^/\s]+(/admin/password-reset/[^\s]+/)", body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    weak = client.post(set_url, {"new_password1": "abcdefghij12", "new_password2": "abcdefghij12"})
    assert "至少 3 类" in weak.content.decode()  # the same rules
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    assert sign_in(client, "huanxi", NEW_PASSWORD).status_code == 302
    assert client.session[SESSION_KEY] == str(staff.pk)
    # The link works once.
    assert "无效" in client.get(link, follow=True).content.decode() or client.get(link).status_code != 200


@pytest.mark.django_db(transaction=True)
def test_no_email_goes_to_an_address_without_a_staff_account(client, job_worker, smtp_server, staff, db):
    from django.contrib.auth.models import User

    User.objects.create_user("resident", email="resident@example.cn", password="Xg7#pLm2vQ-r")  # not staff
    ask_reset(client, "resident@example.cn")
    ask_reset(client, "nobody-at-all@example.cn")
    # A marker sent after them arrives; the two asks sent nothing before it.
    staff.email = "marker@example.cn"
    staff.save()
    ask_reset(client, "marker@example.cn", ip="10.0.0.11")
    wait_for(lambda: any(m["To"] == "marker@example.cn" for m in smtp_server.messages), what="the marker")
    assert not any(
        m["To"] in ("resident@example.cn", "nobody-at-all@example.cn") for m in smtp_server.messages
    )
