"""create_demo_staff: demo accounts for `make demo`, printed with their passwords, refused on a real server."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from communities import demo
from communities.roles import COMMUNITY_STAFF, PERSONAL_DATA_OFFICERS, SUBDISTRICT_STAFF, SUPERVISORS
from communities.scoping import unit_of

LOGIN = re.compile(r"^\s+(\S+)\s+password: (\S+)\s+(.+)$", re.MULTILINE)


@pytest.fixture
def printed(db):
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("create_demo_staff", force=True, stdout=out)
    return out.getvalue()


def logins(output):
    return {username: password for username, password, _what in LOGIN.findall(output)}


def test_create_demo_staff_prints_a_login_and_password_for_each_role(printed):
    assert "http://127.0.0.1:8000/admin/" in printed
    assert set(logins(printed)) == {
        "admin", "huanxi", "xiguan", "jianxi-supervisor", "laocheng-supervisor", "huanxi-privacy",
    }  # fmt: skip


def test_demo_accounts_have_their_units_and_groups(printed):
    def account(username):
        user = User.objects.get(username=username)
        return unit_of(user), set(user.groups.values_list("name", flat=True)), user.is_superuser

    assert account("admin") == (None, set(), True)
    assert account("huanxi") == (demo.huanxi(), {COMMUNITY_STAFF}, False)
    assert account("xiguan") == (demo.xiguan(), {SUBDISTRICT_STAFF}, False)
    assert account("jianxi-supervisor") == (demo.jianxi(), {SUPERVISORS}, False)
    assert account("laocheng-supervisor") == (demo.laocheng(), {SUPERVISORS}, False)
    assert account("huanxi-privacy") == (demo.huanxi(), {COMMUNITY_STAFF, PERSONAL_DATA_OFFICERS}, False)
    assert User.objects.get(username="huanxi-privacy").has_perm("communities.view_sensitive_personal_data")
    assert not User.objects.get(username="huanxi").has_perm("communities.view_sensitive_personal_data")


def test_every_printed_login_signs_in_to_the_admin_in_chinese(client, printed):
    for username, password in logins(printed).items():
        response = client.post(
            "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
        )
        assert response.status_code == 302, username
        assert response.url == "/admin/"
        page = client.get("/admin/")
        assert page.status_code == 200
        text = page.content.decode()
        assert 'lang="zh-hans"' in text
        assert "欢迎" in text  # Django's "Welcome," in the user tools, in Chinese
        client.post("/admin/logout/")


def test_running_create_demo_staff_again_keeps_one_account_each_and_resets_the_passwords(client, printed):
    user = User.objects.get(username="huanxi")
    user.set_password("changed")
    user.save()
    call_command("create_demo_staff", force=True, stdout=StringIO())
    assert User.objects.filter(username__in=logins(printed)).count() == 6
    assert client.login(username="huanxi", password=logins(printed)["huanxi"])


def test_create_demo_staff_refuses_when_debug_is_off_without_force(db, settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=StringIO())
    with pytest.raises(CommandError, match="DEBUG is off.*--force"):
        call_command("create_demo_staff", stdout=StringIO())
    assert not User.objects.exists()


def test_create_demo_staff_runs_without_force_when_debug_is_on(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    call_command("create_demo_staff", stdout=StringIO())
    assert User.objects.count() == 6


def test_create_demo_staff_asks_for_load_demo_first(db):
    with pytest.raises(CommandError, match="run `manage.py load_demo` first"):
        call_command("create_demo_staff", force=True, stdout=StringIO())
    assert not User.objects.exists()
