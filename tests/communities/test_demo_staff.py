"""create_demo_staff: demo accounts for `make demo`, printed with their passwords, refused on a real server."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from audit.testing import otp_verify_session
from audit.two_factor import requires_two_factor
from communities import demo
from registers.roles import (
    AUDIT_ADMINISTRATORS,
    COMMUNITY_STAFF,
    PERSONAL_DATA_OFFICERS,
    SUBDISTRICT_STAFF,
    SUPERVISORS,
)
from registers.units import unit_of
from tests.communities import demo_fixtures

demo_data = demo_fixtures.demo_data  # load_demo once per module
loaded = demo_fixtures.loaded

LOGIN = re.compile(r"^\s+(\S+)\s+password: (\S+)\s+(.+)$", re.MULTILINE)


@pytest.fixture
def printed(loaded):
    out = StringIO()
    call_command("create_demo_staff", force=True, stdout=out)
    return out.getvalue()


def logins(output):
    return {username: password for username, password, _what in LOGIN.findall(output)}


def test_create_demo_staff_prints_a_login_and_password_for_each_role(printed):
    assert "http://127.0.0.1:8000/admin/" in printed
    assert set(logins(printed)) == {
        "admin", "huanxi", "xiguan", "luoyang-supervisor", "jianxi-supervisor", "laocheng-supervisor",
        "huanxi-privacy", "xiguan-audit",
    }  # fmt: skip


def test_demo_accounts_have_their_units_and_groups(printed):
    def account(username):
        user = User.objects.get(username=username)
        return unit_of(user), set(user.groups.values_list("name", flat=True)), user.is_superuser

    assert account("admin") == (None, set(), True)
    assert account("huanxi") == (demo.huanxi(), {COMMUNITY_STAFF}, False)
    assert account("xiguan") == (demo.xiguan(), {SUBDISTRICT_STAFF}, False)
    assert account("luoyang-supervisor") == (demo.luoyang(), {SUPERVISORS}, False)
    assert account("jianxi-supervisor") == (demo.jianxi(), {SUPERVISORS}, False)
    assert account("laocheng-supervisor") == (demo.laocheng(), {SUPERVISORS}, False)
    assert account("huanxi-privacy") == (demo.huanxi(), {COMMUNITY_STAFF, PERSONAL_DATA_OFFICERS}, False)
    assert account("xiguan-audit") == (demo.xiguan(), {AUDIT_ADMINISTRATORS}, False)
    assert User.objects.get(username="huanxi-privacy").has_perm("communities.view_sensitive_personal_data")
    assert not User.objects.get(username="huanxi").has_perm("communities.view_sensitive_personal_data")


def test_every_printed_login_signs_in_to_the_admin_in_chinese(client, printed):
    for username, password in logins(printed).items():
        response = client.post(
            "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
        )
        assert (response.status_code, response.url) == (302, "/admin/"), username
        user = User.objects.get(username=username)
        if requires_two_factor(user):
            # The superuser and the personal-data officer enrol an authenticator first, as the console says.
            assert client.get("/admin/").url.startswith("/security/two-factor/"), username
            assert "two-factor" in login_line(printed, username)
            otp_verify_session(client, user)
        else:
            assert "two-factor" not in login_line(printed, username)
        page = client.get("/admin/")
        assert page.status_code == 200, username
        text = page.content.decode()
        assert 'lang="zh-hans"' in text
        assert "欢迎" in text  # Django's "Welcome," in the user tools, in Chinese
        client.post("/admin/logout/")


def login_line(printed, username):
    return next(line for line in printed.splitlines() if line.split()[:1] == [username])


def test_running_create_demo_staff_again_keeps_one_account_each_and_resets_the_passwords(client, printed):
    user = User.objects.get(username="huanxi")
    user.set_password("changed")
    user.save()
    call_command("create_demo_staff", force=True, stdout=StringIO())
    assert User.objects.filter(username__in=logins(printed)).count() == 8
    response = client.post("/admin/login/", {"username": "huanxi", "password": logins(printed)["huanxi"]})
    assert response.status_code == 302


def test_create_demo_staff_refuses_when_debug_is_off_without_force(loaded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off.*--force"):
        call_command("create_demo_staff", stdout=StringIO())
    assert not User.objects.exists()


def test_create_demo_staff_runs_without_force_when_debug_is_on(loaded, settings):
    settings.DEBUG = True
    call_command("create_demo_staff", stdout=StringIO())
    assert User.objects.count() == 8


README = Path(__file__).resolve().parents[2] / "README.md"
README_LOGIN = re.compile(r"^\| `([\w-]+)` \| `([\w-]+)` \|", re.MULTILINE)


def test_readme_gives_the_login_and_password_the_demo_really_has(printed):
    assert dict(README_LOGIN.findall(README.read_text())) == logins(printed)


def test_the_sign_in_address_names_the_demos_port(loaded):
    out = StringIO()
    call_command("create_demo_staff", force=True, port="8011", stdout=out)
    assert "http://127.0.0.1:8011/admin/" in out.getvalue()
