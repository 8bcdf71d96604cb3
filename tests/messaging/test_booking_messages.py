"""A booking's visitor is told by SMS: a real worker sends through Tencent Cloud's SDK to the local stand-in
(tests/outside.py), which checks the SDK's signed request. Each message once, whatever happens twice."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from messaging import services
from messaging.models import Message
from tests.jobs import wait_for
from tests.outside import APP_ID, SIGN_NAME, TEMPLATES
from tests.venues.conftest import make_venue
from tests.venues.test_admin import act
from tests.venues.test_booking import form_data, post
from venues.models import Booking

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def venue(community):
    return make_venue(community)


@pytest.fixture
def slot_start():
    day = timezone.localdate() + datetime.timedelta(days=3)
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_default_timezone())


def sent(provider, kind, count=1):
    wait_for(lambda: len(provider.sent(TEMPLATES[kind])) >= count, what=f"the {kind} SMS")
    return provider.sent(TEMPLATES[kind])


def status(message):
    return Message.objects.get(pk=message.pk).status


def test_booked_then_approved_sends_received_then_exactly_one_confirmed(
    job_worker, sms_provider, client, staff, venue, slot_start
):
    before = len(sms_provider.sent())
    assert post(client, form_data(slot_start, phone="138 1234 5678", size=3)).status_code == 302
    booking = Booking.objects.get()
    [received] = sent(sms_provider, "booking_received")[-1:]
    assert received["PhoneNumberSet"] == ["+8613812345678"]
    assert (received["SmsSdkAppId"], received["SignName"]) == (APP_ID, SIGN_NAME)
    starts = timezone.localtime(slot_start)
    time = f"{starts.month}月{starts.day}日 10:00"
    assert received["TemplateParamSet"] == ["家风家训馆", time, "3", booking.reference]

    client.force_login(staff)
    act(client, "approve", [booking])
    act(client, "approve", [booking])  # twice: already approved, nothing more is sent
    [confirmed] = sent(sms_provider, "booking_confirmed")[-1:]
    assert confirmed["TemplateParamSet"] == ["家风家训馆", time, "3", booking.reference]
    message = Message.objects.get(kind="booking_confirmed", about=f"booking:{booking.pk}")
    wait_for(lambda: status(message) == Message.Status.SENT)
    message.refresh_from_db()
    assert message.provider_id.startswith("5000:") and message.attempts == 1
    assert len(sms_provider.sent()) == before + 2
    client.logout()
    page = client.get(f"/bookings/{booking.reference}/").content.decode()
    assert "预约已收到 · 已发送" in page and "预约已确认 · 已发送" in page
    assert "5000:" not in page  # the provider's ids are for staff


def test_a_rejection_sends_the_reason(job_worker, sms_provider, client, staff, venue, slot_start):
    post(client, form_data(slot_start))
    booking = Booking.objects.get()
    client.force_login(staff)
    act(client, "reject", [booking], apply="1", reason="当天馆内布展")
    [rejected] = sent(sms_provider, "booking_rejected")[-1:]
    assert rejected["TemplateParamSet"][2:] == ["当天馆内布展", booking.reference]


def test_a_provider_failure_is_retried_and_sent_once(job_worker, sms_provider, venue, slot_start, settings):
    from venues.services import booking_create

    sms_provider.plan[:] = ["5xx", "InternalError"]  # two failures the next try may fix
    booking = booking_create(
        venue=venue, starts_at=slot_start, offering=None, visitor_kind="resident", organisation="",
        size=1, contact_name="李四", phone="13900001111",
    )  # fmt: skip
    message = Message.objects.get(about=f"booking:{booking.pk}")
    wait_for(lambda: status(message) == Message.Status.SENT, timeout=120, what="the retried SMS")
    message.refresh_from_db()
    assert message.attempts == 3
    assert [r["PhoneNumberSet"] for r in sms_provider.sent()].count(["+8613900001111"]) == 1


def test_a_template_the_provider_refuses_fails_with_its_reason(job_worker, sms_provider, venue, slot_start):
    from venues.services import booking_create

    sms_provider.plan[:] = ["template"]
    booking = booking_create(
        venue=venue, starts_at=slot_start, offering=None, visitor_kind="resident", organisation="",
        size=1, contact_name="李四", phone="13900002222",
    )  # fmt: skip
    message = Message.objects.get(about=f"booking:{booking.pk}")
    wait_for(lambda: status(message) == Message.Status.FAILED)
    message.refresh_from_db()
    assert "TemplateIncorrectOrUnapproved" in message.error and message.attempts == 1


def test_the_same_message_queued_twice_is_one_message(venue, community):
    first = services.queue("booking_cancelled", to="13800001111", key="booking:1:booking_cancelled",
                           params={"venue": "馆", "time": "1月1日 10:00", "reference": "R"})  # fmt: skip
    again = services.queue("booking_cancelled", to="13800001111", key="booking:1:booking_cancelled",
                           params={"venue": "馆", "time": "1月1日 10:00", "reference": "R"})  # fmt: skip
    assert first.pk == again.pk and Message.objects.count() == 1


def test_at_night_a_message_waits_for_the_morning(settings):
    settings.MESSAGES_QUIET_HOURS = (21, 8)
    tz = timezone.get_default_timezone()
    night = datetime.datetime(2026, 12, 4, 22, 30, tzinfo=tz)
    message = services.queue("booking_cancelled", to="13800001111", key="k-night", now=night,
                             params={"venue": "馆", "time": "t", "reference": "R"})  # fmt: skip
    assert message.status == Message.Status.HELD
    assert timezone.localtime(message.send_after) == datetime.datetime(2026, 12, 5, 8, 0, tzinfo=tz)
    assert services.release_held(now=night) == 0
    early = datetime.datetime(2026, 12, 5, 7, 59, tzinfo=tz)
    assert services.queue("booking_cancelled", to="13800001111", key="k-early", now=early,
                          params={"venue": "馆", "time": "t", "reference": "R"}).status == Message.Status.HELD  # fmt: skip
    day = datetime.datetime(2026, 12, 5, 9, 0, tzinfo=tz)
    assert services.queue("booking_cancelled", to="13800001111", key="k-day", now=day,
                          params={"venue": "馆", "time": "t", "reference": "R"}).status == Message.Status.QUEUED  # fmt: skip
    assert services.release_held(now=day) == 2
    # Released to the queue (a worker running in this test session may already be sending them).
    assert not Message.objects.filter(status=Message.Status.HELD).exists()


def test_staff_see_their_units_messages_with_the_number_masked(client, staff, outsider, venue, slot_start):
    post(client, form_data(slot_start))
    client.force_login(staff)
    page = client.get("/admin/messaging/message/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    message = Message.objects.get()
    assert client.get(f"/admin/messaging/message/{message.pk}/change/").status_code == 200
    client.force_login(outsider)
    assert "138****5678" not in client.get("/admin/messaging/message/").content.decode()
    assert client.get(f"/admin/messaging/message/{message.pk}/change/").status_code == 404


def test_an_email_arrives_at_the_mail_server(job_worker, smtp_server, community):
    with transaction.atomic():
        message = services.queue(
            "booking_confirmed",
            to="wang@example.cn",
            key="email-test",
            params={"venue": "家风家训馆", "time": "12月8日 10:00", "size": 3, "reference": "ABCD2345EFGH"},
            community=community,
        )
    wait_for(lambda: any(m["To"] == "wang@example.cn" for m in smtp_server.messages), what="the email")
    [email] = [m for m in smtp_server.messages if m["To"] == "wang@example.cn"]
    assert email["Subject"] == "社区服务：预约已确认"
    assert "您预约的家风家训馆（12月8日 10:00，3人）已确认" in email.get_content()
    wait_for(lambda: status(message) == Message.Status.SENT)


def confirmed_booking(venue, starts_at, phone, reminders=True):
    from venues.services import booking_create

    booking = booking_create(
        venue=venue, starts_at=starts_at, offering=None, visitor_kind="resident", organisation="", size=2,
        contact_name="王五", phone=phone, reminders=reminders,
    )  # fmt: skip
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)
    return booking


def test_tomorrows_confirmed_visits_get_one_reminder_unless_declined(job_worker, sms_provider, venue):
    from venues.messages import queue_reminders

    tz = timezone.get_default_timezone()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = tomorrow + datetime.timedelta(days=1)
    wanted = confirmed_booking(
        venue, datetime.datetime.combine(later, datetime.time(10), tzinfo=tz), "13700000001"
    )
    declined = confirmed_booking(
        venue, datetime.datetime.combine(later, datetime.time(11), tzinfo=tz), "13700000002", reminders=False
    )
    the_day_after = confirmed_booking(
        venue, datetime.datetime.combine(later, datetime.time(9), tzinfo=tz) + datetime.timedelta(days=1),
        "13700000003",
    )  # fmt: skip
    evening_before = datetime.datetime.combine(tomorrow, datetime.time(18), tzinfo=tz)
    assert queue_reminders(now=evening_before) == 1
    assert queue_reminders(now=evening_before) == 0  # run again: nothing more
    [reminder] = sent(sms_provider, "visit_reminder")[-1:]
    assert reminder["PhoneNumberSet"] == ["+8613700000001"]
    assert reminder["TemplateParamSet"] == [
        "家风家训馆",
        f"{later.month}月{later.day}日 10:00",
        "2",
        wanted.reference,
    ]
    reminders = Message.objects.filter(kind="visit_reminder")
    assert [m.about for m in reminders] == [f"booking:{wanted.pk}"]
    assert declined.pk != the_day_after.pk


def test_the_booking_form_says_what_messages_come_and_lets_the_resident_decline_the_reminder(
    client, venue, slot_start
):
    page = client.get("/venues/jiafeng/book/").content.decode()
    assert "审核结果" in page and 'name="reminders"' in page and "checked" in page
    data = form_data(slot_start)  # an unticked box is not sent
    assert post(client, data).status_code == 302
    assert Booking.objects.get().reminders is False


def test_the_morning_digest_tells_each_approving_account_of_its_units_waiting_bookings(
    job_worker, smtp_server, venue, slot_start, staff, outsider
):
    from venues.messages import queue_digests

    staff.email, outsider.email = "huanxi@example.cn", "jinye@example.cn"
    staff.save()
    outsider.save()
    post_booking = confirmed_booking(venue, slot_start, "13700000009")
    Booking.objects.filter(pk=post_booking.pk).update(
        status=Booking.Status.PENDING, created_at=timezone.now() - datetime.timedelta(hours=26)
    )
    assert queue_digests() == 1  # 环西社区's staff; 金业路's has nothing waiting
    assert queue_digests() == 0  # once a day
    wait_for(lambda: any(m["To"] == "huanxi@example.cn" for m in smtp_server.messages), what="the digest")
    [email] = [m for m in smtp_server.messages if m["To"] == "huanxi@example.cn"]
    assert email["Subject"] == "社区服务：待审核的场馆预约"
    assert "您单位有1个场馆预约等待审核，最早的已等待26小时" in email.get_content()
    assert "/admin/venues/booking/?status__exact=pending" in email.get_content()
    assert f"{post_booking.reference}  家风家训馆" in email.get_content()  # the waiting bookings, listed


def test_the_staffs_booking_page_shows_what_the_visitor_was_told(client, staff, venue, slot_start):
    post(client, form_data(slot_start))
    booking = Booking.objects.get()
    client.force_login(staff)
    page = client.get(f"/admin/venues/booking/{booking.pk}/change/").content.decode()
    assert "给预约人的通知" in page and "预约已收到 · " in page  # (sent or not yet, as the worker goes)


def test_a_mailbox_the_server_refuses_fails_once_with_its_reason(job_worker, smtp_server, community):
    with transaction.atomic():
        message = services.queue(
            "booking_confirmed",
            to="refused@example.cn",
            key="email-refused",
            params={"venue": "馆", "time": "12月8日 10:00", "size": 1, "reference": "R"},
            community=community,
        )
    wait_for(lambda: status(message) == Message.Status.FAILED, what="the refused email")
    message.refresh_from_db()
    assert "550" in message.error and message.attempts == 1  # not retried: the address will not change


def test_a_booking_waiting_too_long_warns_those_who_may_approve_it_once(
    venue, slot_start, staff, outsider, settings
):
    from venues.messages import queue_overdue_warnings

    staff.email, outsider.email = "huanxi@example.cn", "jinye@example.cn"
    staff.save()
    outsider.save()
    booking = confirmed_booking(venue, slot_start, "13700000010")
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.PENDING)
    assert queue_overdue_warnings() == 0  # just made
    later = timezone.now() + datetime.timedelta(hours=settings.BOOKING_APPROVAL_WARN_HOURS + 1)
    assert queue_overdue_warnings(now=later) == 1  # 环西社区's staff only
    assert queue_overdue_warnings(now=later) == 0
    warning = Message.objects.get(kind="booking_overdue")
    assert warning.recipient == "huanxi@example.cn"
    assert f"预约{booking.reference}（家风家训馆" in warning.text and "已等待审核25小时" in warning.text


def test_a_confirmed_visit_the_venue_calls_off_is_announced_as_a_cancellation(
    venue, slot_start, staff, client
):
    booking = confirmed_booking(venue, slot_start, "13700000011")
    client.force_login(staff)
    act(client, "reject", [booking], apply="1", reason="馆内临时检修")
    message = Message.objects.get(about=f"booking:{booking.pk}", kind="booking_cancelled_by_venue")
    assert "已确认的家风家训馆" in message.text and "馆内临时检修" in message.text
    assert not Message.objects.filter(kind="booking_rejected").exists()
