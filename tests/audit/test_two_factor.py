"""Two-factor sign-in: required for accounts that may see sensitive data, optional for the rest."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.testing import verified_device
from communities.models import Person
from registers.roles import COMMUNITY_STAFF
from tests.conftest import make_staff

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def code_for(device, steps_ahead=0) -> str:
    """The app's code now, or ``steps_ahead`` codes later (a code that was used once is refused)."""
    drift = device.drift + steps_ahead
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def enrol(client):
    """Open the enrolment page, then answer with the app's current code; returns the recovery codes."""
    client.get(reverse("audit:two_factor"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("audit:two_factor"), {"action": "enrol", "token": code_for(device)})
    assert response.status_code == 200
    return response.context["recovery_codes"]


def test_staff_without_sensitive_access_sign_in_with_a_password_only(client, staff):
    response = sign_in(client, "huanxi")
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_sensitive_staff_without_a_device_are_sent_to_enrol(client, sensitive_staff):
    sign_in(client, "huanxi-care")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("audit:two_factor"))


def test_no_register_opens_before_the_second_factor(client, sensitive_staff):
    sign_in(client, "huanxi-care")
    for url in [reverse("admin:index"), reverse("admin:communities_person_changelist"), "/reports/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("audit:two_factor")), url


def test_superusers_need_the_second_factor_too(client, superuser):
    sign_in(client, "root")
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("audit:two_factor"))


def test_enrolment_shows_a_qr_code_served_by_the_project(client, sensitive_staff):
    sign_in(client, "huanxi-care")
    page = client.get(reverse("audit:two_factor"))
    assert page.status_code == 200
    assert reverse("audit:qr_code") in page.content.decode()
    qr = client.get(reverse("audit:qr_code"))
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<?xml") or b"<svg" in qr.content[:200]
    assert "no-store" in qr["Cache-Control"]


def test_enrolment_with_the_right_code_turns_it_on_and_gives_recovery_codes(client, sensitive_staff):
    sign_in(client, "huanxi-care")
    codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=sensitive_staff).confirmed
    assert client.get(reverse("admin:index")).status_code == 200


def test_enrolment_with_a_wrong_code_says_so_and_turns_nothing_on(client, sensitive_staff):
    sign_in(client, "huanxi-care")
    client.get(reverse("audit:two_factor"))
    response = client.post(reverse("audit:two_factor"), {"action": "enrol", "token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=sensitive_staff, confirmed=True).exists()
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_next_sign_in_asks_for_a_code(client, sensitive_staff):
    device = verified_device(sensitive_staff)
    sign_in(client, "huanxi-care")
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("audit:verify"))
    wrong = client.post(reverse("audit:verify"), {"token": "123456", "next": "/admin/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    # django-otp throttles guessing: right after a failure even the right code waits a moment
    assert client.post(reverse("audit:verify"), {"token": code_for(device)}).status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=1)
    )
    right = client.post(reverse("audit:verify"), {"token": code_for(device), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_recovery_code_works_once(client, sensitive_staff):
    sign_in(client, "huanxi-care")
    codes = enrol(client)
    client.post(reverse("admin:logout"))
    sign_in(client, "huanxi-care")
    assert client.post(reverse("audit:verify"), {"token": codes[0]}).status_code == 302
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    client.post(reverse("admin:logout"))
    sign_in(client, "huanxi-care")
    assert client.post(reverse("audit:verify"), {"token": codes[0]}).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_verify_refuses_an_outside_next_address(client, sensitive_staff):
    device = verified_device(sensitive_staff)
    sign_in(client, "huanxi-care")
    response = client.post(
        reverse("audit:verify"), {"token": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("admin:index")


def test_optional_two_factor_can_be_turned_on_and_off(client, staff):
    sign_in(client, "huanxi")
    enrol(client)
    response = client.post(reverse("audit:two_factor"), {"action": "remove"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_required_two_factor_cannot_be_turned_off(client, sensitive_staff):
    sign_in(client, "huanxi-care")
    enrol(client)
    client.post(reverse("audit:two_factor"), {"action": "remove"})
    assert TOTPDevice.objects.filter(user=sensitive_staff, confirmed=True).exists()


def test_the_two_factor_pages_need_a_signed_in_staff_account(client, db):
    response = client.get(reverse("audit:two_factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.otp_unverified
def test_a_forced_login_without_the_second_factor_is_stopped(client, sensitive_staff):
    client.force_login(sensitive_staff)
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.session.get(SESSION_KEY) == str(sensitive_staff.pk)


def test_force_login_in_other_apps_tests_counts_as_verified(client, sensitive_staff, superuser):
    client.force_login(sensitive_staff)
    assert DEVICE_ID_SESSION_KEY in client.session
    assert client.get(reverse("admin:index")).status_code == 200
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200


def test_every_admin_page_links_to_the_two_factor_page(client, staff):
    client.force_login(staff)
    assert reverse("audit:two_factor") in client.get(reverse("admin:index")).content.decode()


# ---- optional two-factor sign-in is asked for too -------------------------------------------------------


def test_optional_two_factor_is_asked_at_the_next_sign_in(client, staff):
    sign_in(client, "huanxi")
    enrol(client)
    client.post(reverse("admin:logout"))
    signed_in = sign_in(client, "huanxi")
    assert signed_in.status_code == 302
    to_verify = client.get(signed_in["Location"])
    assert to_verify.status_code == 302
    assert to_verify["Location"].startswith(reverse("audit:verify"))
    assert client.get(reverse("admin:communities_person_changelist")).status_code == 302
    page = client.get(to_verify["Location"])
    assert page.status_code == 200 and page.context["required"] is False
    device = TOTPDevice.objects.get(user=staff)
    answer = {"token": code_for(device, steps_ahead=1), "next": page.context["next"]}
    right = client.post(to_verify["Location"], answer)
    assert right.status_code == 302 and right["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_pages_of_staff_without_two_factor_look_up_no_device(client, staff):
    """Whether an account has two-factor sign-in on is looked up at sign-in, not on every page."""
    sign_in(client, "huanxi")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:communities_person_changelist")).status_code == 200
    assert not [query["sql"] for query in queries if "otp_" in query["sql"]]


def test_staff_who_turned_two_factor_off_sign_in_with_a_password_again(client, staff):
    sign_in(client, "huanxi")
    enrol(client)
    client.post(reverse("audit:two_factor"), {"action": "remove"})
    client.post(reverse("admin:logout"))
    sign_in(client, "huanxi")
    assert client.get(reverse("admin:index")).status_code == 200


# ---- answering residents' requests needs the second factor and the sensitive-data permission -----------


@pytest.fixture
def requests_only(community):
    """Community staff who may answer residents' requests, without the permission to see sensitive data."""
    user = make_staff("huanxi-requests", community, COMMUNITY_STAFF)
    user.user_permissions.add(Permission.objects.get(codename="handle_personal_data_requests"))
    return user


@pytest.fixture
def resident(community):
    return Person.objects.create(name="陈秀兰", community=community, phone="13811112222")


def test_an_account_that_answers_residents_requests_needs_the_second_factor(client, requests_only, resident):
    sign_in(client, "huanxi-requests")
    response = client.get(reverse("audit:person_export", args=[resident.pk, "json"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("audit:two_factor"))
    assert b"13811112222" not in response.content


def test_without_the_sensitive_data_permission_no_export_or_erasure(client, requests_only, resident):
    client.force_login(requests_only)  # verified: see the project's conftest.py
    for fmt in ("json", "xlsx"):
        response = client.get(reverse("audit:person_export", args=[resident.pk, fmt]))
        assert response.status_code == 403, fmt
        assert b"13811112222" not in response.content
    erase = reverse("audit:person_erase", args=[resident.pk])
    assert client.get(erase).status_code == 403
    assert client.post(erase, {"confirm": "陈秀兰"}).status_code == 403
    assert Person.objects.get(pk=resident.pk).phone == "13811112222"
    page = client.get(reverse("admin:communities_person_change", args=[resident.pk]))
    assert page.status_code == 200
    assert reverse("audit:person_erase", args=[resident.pk]) not in page.content.decode()


def test_an_officer_still_sees_the_links_to_export_and_erase(client, sensitive_staff, resident):
    client.force_login(sensitive_staff)
    page = client.get(reverse("admin:communities_person_change", args=[resident.pk])).content.decode()
    assert reverse("audit:person_erase", args=[resident.pk]) in page
    response = client.get(reverse("audit:person_export", args=[resident.pk, "json"]))
    assert response.status_code == 200 and b"13811112222" in response.content


# ---- after the second factor, the page that was asked for ----------------------------------------------


def test_after_the_code_the_filtered_list_opens_as_asked(client, sensitive_staff, community):
    device = verified_device(sensitive_staff)
    sign_in(client, "huanxi-care")
    wanted = f"/admin/communities/person/?q=a&community__id__exact={community.pk}"
    to_verify = client.get(wanted)
    assert to_verify["Location"] == f"{reverse('audit:verify')}?{urlencode({'next': wanted})}"
    page = client.get(to_verify["Location"])
    assert page.context["next"] == wanted
    right = client.post(to_verify["Location"], {"token": code_for(device), "next": page.context["next"]})
    assert right["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_enrolment_keeps_the_filtered_list_to_open_next(client, sensitive_staff, community):
    sign_in(client, "huanxi-care")
    wanted = f"/admin/communities/person/?q=a&community__id__exact={community.pk}"
    to_enrol = client.get(wanted)
    assert to_enrol["Location"] == f"{reverse('audit:two_factor')}?{urlencode({'next': wanted})}"
    assert client.get(to_enrol["Location"]).context["next"] == wanted
    # the verify page, opened without a device, passes the address on to enrolment whole
    from_verify = client.get(f"{reverse('audit:verify')}?{urlencode({'next': wanted})}")
    assert from_verify["Location"] == to_enrol["Location"]


def test_an_encoded_outside_next_address_is_still_refused(client, sensitive_staff):
    device = verified_device(sensitive_staff)
    sign_in(client, "huanxi-care")
    url = f"{reverse('audit:verify')}?{urlencode({'next': 'https://evil.example/?a=1&b=2'})}"
    assert client.get(url).context["next"] == reverse("admin:index")
    assert client.post(url, {"token": code_for(device)})["Location"] == reverse("admin:index")


def test_turning_two_factor_on_ends_the_accounts_other_sessions(client, staff):
    """A session opened with the password alone (perhaps by someone who has it) does not outlive the second
    factor its owner turns on; the owner's own session goes on, verified."""
    from django.test import Client

    elsewhere = Client()
    assert sign_in(elsewhere, "huanxi").status_code == 302
    assert elsewhere.get(reverse("admin:communities_person_changelist")).status_code == 200
    assert sign_in(client, "huanxi").status_code == 302
    enrol(client)
    assert client.get(reverse("admin:communities_person_changelist")).status_code == 200
    response = elsewhere.get(reverse("admin:communities_person_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert sign_in(elsewhere, "huanxi").status_code == 302
    assert reverse("audit:verify") in elsewhere.get(reverse("admin:index"))["Location"], (
        "and asks for the code"
    )


def test_the_enrolment_page_names_authenticators_from_mainland_app_stores(client, sensitive_staff):
    sign_in(client, sensitive_staff.username)
    page = client.get(reverse("audit:two_factor")).content.decode()
    assert "腾讯身份验证器" in page and "微信小程序" in page and "阿里云 App" in page


def test_recovery_codes_download_as_a_file_and_print_without_the_page(client, sensitive_staff):
    client.force_login(sensitive_staff)
    TOTPDevice.objects.filter(user=sensitive_staff).delete()  # enrol for real
    codes = enrol(client)
    page = client.post(reverse("audit:two_factor"), {"action": "recovery_codes"})
    codes = page.context["recovery_codes"]
    text = page.content.decode()
    assert reverse("audit:recovery_codes_file") in text and "data-print" in text and "js/print.js" in text

    response = client.get(reverse("audit:recovery_codes_file"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8" and "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert [line for line in body.splitlines() if line.isdigit()] == codes
    assert sensitive_staff.username in body


def test_recovery_codes_are_not_downloadable_later_or_by_anyone_else(
    client, sensitive_staff, staff, settings
):
    client.force_login(sensitive_staff)
    assert client.get(reverse("audit:recovery_codes_file")).status_code == 403  # none were just made
    client.post(reverse("audit:two_factor"), {"action": "recovery_codes"})
    session = client.session
    session["audit.recovery_codes_shown_at"] -= 11 * 60
    session.save()
    assert client.get(reverse("audit:recovery_codes_file")).status_code == 403  # ten minutes later
    client.force_login(staff)
    assert client.get(reverse("audit:recovery_codes_file")).status_code == 403
