"""The security event log (等保 2.0 安全审计 a–b): each listed event writes one entry with its time, account,
address, event and outcome; only audit administrators read and export it; nobody edits it in the app."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import SecurityEvent
from registers.roles import AUDIT_ADMINISTRATORS, COMMUNITY_STAFF
from tests.conftest import make_staff

from .conftest import sign_in
from .test_two_factor import code_for, enrol

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind


def only(kind, after=0, **filters) -> SecurityEvent:
    """The one entry of this kind (fails if there are none or several), written after entry ``after``."""
    return SecurityEvent.objects.get(kind=kind, pk__gt=after, **filters)


def mark() -> int:
    """The last entry so far: the fixtures' own accounts were created with events of their own."""
    return SecurityEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def auditor(community):
    return make_staff("shenji", community, AUDIT_ADMINISTRATORS)


def test_a_sign_in_and_a_failed_one(client, staff):
    sign_in(client, "huanxi", "wrong-password", ip="10.0.0.5")
    sign_in(client, "huanxi", ip="10.0.0.6")
    failed, succeeded = only(Kind.SIGN_IN, succeeded=False), only(Kind.SIGN_IN, succeeded=True)
    assert (failed.username, failed.user_id, failed.address) == ("huanxi", None, "10.0.0.5")
    assert (succeeded.username, succeeded.user_id, succeeded.address) == ("huanxi", staff.pk, "10.0.0.6")
    assert timezone.now() - succeeded.at < timedelta(minutes=1)


def test_a_failed_sign_in_for_an_unknown_name_keeps_the_name_typed(client, db):
    sign_in(client, "no-such-account", "whatever")
    assert only(Kind.SIGN_IN, succeeded=False).username == "no-such-account"


def test_a_lockout(client, staff):
    for _ in range(5):
        sign_in(client, "huanxi", "wrong-password")
    lockout = only(Kind.LOCKOUT)
    assert (lockout.username, lockout.succeeded, lockout.address) == ("huanxi", False, "10.0.0.1")


def test_a_sign_out(client, staff):
    sign_in(client, "huanxi")
    client.post(reverse("admin:logout"))
    assert only(Kind.SIGN_OUT).user_id == staff.pk


def test_two_factor_enrolment_codes_and_verification(client, staff):
    client.force_login(staff)
    enrol(client)
    assert only(Kind.TWO_FACTOR_ENROLLED).user_id == staff.pk
    assert only(Kind.RECOVERY_CODES).target == "huanxi"
    client.post(reverse("admin:logout"))
    sign_in(client, "huanxi")
    device = TOTPDevice.objects.get(user=staff)
    client.post(reverse("audit:verify"), {"token": code_for(device, steps_ahead=1)})
    assert only(Kind.TWO_FACTOR, succeeded=True).username == "huanxi"
    client.post(reverse("admin:logout"))
    sign_in(client, "huanxi")
    client.post(reverse("audit:verify"), {"token": "000000"})
    assert only(Kind.TWO_FACTOR, succeeded=False).username == "huanxi"


def test_a_superuser_resets_someones_two_factor(client, staff, superuser):
    client.force_login(staff)
    enrol(client)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [staff.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    event = only(Kind.TWO_FACTOR_REMOVED)
    assert (event.username, event.target) == ("root", "huanxi")


def test_account_created_deactivated_reactivated_and_its_roles(client, superuser, community):
    client.force_login(superuser)
    start = mark()
    user = User.objects.create_user("newcomer", password="Xg7#pLm2vQ-1")
    assert only(Kind.ACCOUNT_CREATED, after=start).target == "newcomer"
    user.is_staff = True
    user.save()
    assert "staff=yes" in only(Kind.ROLE_CHANGED).detail
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert only(Kind.ACCOUNT_DEACTIVATED).target == "newcomer"
    assert only(Kind.ACCOUNT_REACTIVATED).target == "newcomer"


def test_groups_and_permissions_changed_in_the_admin(client, superuser, staff):
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_change", args=[staff.pk]))
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list | tuple | set)
    }
    data.update(
        username="huanxi",
        date_joined_0=timezone.localtime(staff.date_joined).strftime("%Y-%m-%d"),
        date_joined_1=timezone.localtime(staff.date_joined).strftime("%H:%M:%S"),
        is_active="on",
        is_staff="on",
        groups=[Group.objects.get(name=AUDIT_ADMINISTRATORS).pk],
        user_permissions=[Permission.objects.get(codename="view_person").pk],
        **{
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "1",
            "staff_profile-MIN_NUM_FORMS": "0",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-id": staff.staff_profile.pk,
            "staff_profile-0-user": staff.pk,
            "staff_profile-0-community": staff.staff_profile.community_id,
        },
    )
    data.pop("password", None)
    start = mark()
    response = client.post(reverse("admin:auth_user_change", args=[staff.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    groups = SecurityEvent.objects.filter(kind=Kind.GROUPS_CHANGED, pk__gt=start)
    assert sorted(groups.values_list("detail", flat=True)) == [
        f"+ {AUDIT_ADMINISTRATORS}",
        f"- {COMMUNITY_STAFF}",
    ]
    assert {event.username for event in groups} == {"root"}
    assert only(Kind.PERMISSIONS_CHANGED, after=start).detail == "+ view_person"


def test_a_groups_permissions_changed(superuser):
    group = Group.objects.get(name=COMMUNITY_STAFF)
    group.permissions.add(Permission.objects.get(codename="view_securityevent"))
    event = only(Kind.PERMISSIONS_CHANGED)
    assert (event.target, event.detail) == (f"group {COMMUNITY_STAFF}", "+ view_securityevent")


def test_an_export_names_what_and_how_many(client, staff, community):
    from communities.models import Grid

    Grid.objects.bulk_create(Grid(community=community, name=f"网格{i}") for i in range(3))
    client.force_login(staff)
    data = {
        "format": "0",
        "resource": "0",
        **{f"gridresource_{name}": "on" for name in ("id", "community", "name")},
    }
    response = client.post(reverse("admin:communities_grid_export"), data)
    assert response.status_code == 200
    event = only(Kind.EXPORT)
    assert (event.username, event.target) == ("huanxi", "communities.grid")
    assert event.detail.endswith(": 3 records")


def test_an_unmasked_view_is_an_event_beside_its_access_log_rows(client, sensitive_staff, community):
    from communities.models import Person

    person = Person.objects.create(name="王芳", phone="13812345678", community=community)
    client.force_login(sensitive_staff)  # forced logins count as verified (audit.testing)
    client.get(reverse("admin:communities_person_change", args=[person.pk]))
    event = only(Kind.UNMASKED_VIEW)
    assert event.target == "communities.person" and event.detail.startswith("1 records")
    assert "13812345678" not in event.detail


def test_only_audit_administrators_read_the_log(client, staff, superuser, auditor):
    sign_in(client, "huanxi")
    url = reverse("admin:audit_securityevent_changelist")
    for user in (staff, superuser):
        client.force_login(user)
        assert client.get(url).status_code == 403, user
    client.force_login(auditor)
    page = client.get(url)
    assert page.status_code == 200
    assert "huanxi" in page.content.decode()
    event = SecurityEvent.objects.first()
    assert client.get(reverse("admin:audit_securityevent_change", args=[event.pk])).status_code == 200


def test_nobody_changes_or_deletes_an_entry_in_the_app(client, superuser, auditor):
    User.objects.create_user("someone")
    event = SecurityEvent.objects.get(target="someone")
    superuser.groups.add(Group.objects.get(name=AUDIT_ADMINISTRATORS))
    for user in (auditor, superuser):
        client.force_login(user)
        assert client.get(reverse("admin:audit_securityevent_delete", args=[event.pk])).status_code == 403
        assert (
            client.post(
                reverse("admin:audit_securityevent_delete", args=[event.pk]), {"post": "yes"}
            ).status_code
            == 403
        )
        changed = client.post(
            reverse("admin:audit_securityevent_change", args=[event.pk]), {"detail": "edited"}
        )
        assert changed.status_code == 403
        client.post(
            reverse("admin:audit_securityevent_changelist"),
            {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
        )
    event.refresh_from_db()
    assert event.detail == "staff=no superuser=no"
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_the_audit_administrator_exports_the_log_and_the_export_is_itself_logged(client, auditor, staff):
    sign_in(client, "huanxi", "wrong-password")
    client.force_login(auditor)
    columns = ("at", "username", "address", "kind", "succeeded", "target", "detail")
    data = {"format": "1", "resource": "0", **{f"securityeventresource_{name}": "on" for name in columns}}
    response = client.post(reverse("admin:audit_securityevent_export"), data)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.split(",") == ["时间", "账号", "地址", "事件", "是否成功", "涉及对象", "详情"]
    assert "登录" in text and "huanxi" in text and "否" in text
    today = timezone.localdate()
    name = f"环西社区_{today.year}年{today.month}月{today.day}日_安全事件日志.csv"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    export = only(Kind.EXPORT)
    assert (export.username, export.target) == ("shenji", "audit.securityevent")


def test_an_account_that_changed_records_cannot_be_deleted_only_deactivated(
    client, superuser, staff, community
):
    from communities.models import Grid

    client.force_login(staff)
    client.post(reverse("admin:communities_grid_add"), {"community": community.pk, "name": "一网格"})
    assert Grid.objects.exists()
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_delete", args=[staff.pk]))
    assert "请停用该账户" in page.content.decode()
    client.post(reverse("admin:auth_user_delete", args=[staff.pk]), {"post": "yes"})
    assert User.objects.filter(pk=staff.pk).exists()


def test_clearing_an_accounts_permissions_is_an_event(staff):
    staff.user_permissions.add(Permission.objects.get(codename="view_person"))
    start = mark()
    staff.user_permissions.clear()
    assert only(Kind.PERMISSIONS_CHANGED, after=start).detail == "- view_person"


def test_a_sign_in_costs_no_look_up_of_the_account_as_it_was(client, staff, django_assert_max_num_queries):
    from django.contrib.auth.models import update_last_login

    # The change history's own look-up of the row (auditlog), and the UPDATE: none for the security log.
    with django_assert_max_num_queries(2):
        update_last_login(None, staff)
