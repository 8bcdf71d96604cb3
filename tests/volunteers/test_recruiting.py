"""Recruiting volunteers: sign-up by phone code, the waiting list, check-in and check-out by the activity's
rotating code (or by the organiser), the organiser's confirmation, and the hours in the record and reports."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityType
from communities.models import Person
from messaging.models import Message
from volunteers import recruiting, stats
from volunteers.models import CheckIn, Recruitment, ServiceRecord, SignUp

from .conftest import admin_url, sign_in

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters and codes live in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def activity(community, team):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    return Activity.objects.create(
        title="重阳节敬老服务",
        type=ActivityType.objects.filter(subdistrict=None).first(),
        community=community,
        volunteer_team=team,
        start=start,
        end=start + datetime.timedelta(hours=2),
        participants=0,
    )


@pytest.fixture
def recruitment(activity):
    return Recruitment.objects.create(
        activity=activity,
        community=activity.community,
        needed=1,
        tasks="为老人理发、测血压",
        skills="会理发者优先",
        risks="户外活动注意防暑；已为志愿者购买意外险",
        signup_deadline=activity.start - datetime.timedelta(hours=12),
    )


def sent_code(phone=PHONE):
    return Message.objects.filter(kind="volunteer_code", recipient=phone).latest("pk").params["code"]


def sign_up_by_phone(client, recruitment, phone=PHONE, name="赵志强"):
    url = reverse("volunteer:activity", args=[recruitment.pk])
    response = client.post(url, {"name": name, "phone": phone, "accepts_risks": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("volunteer:code")
    return client.post(reverse("volunteer:code"), {"code": sent_code(phone)})


def at(recruitment, minutes):
    return recruitment.activity.start + datetime.timedelta(minutes=minutes)


def test_the_public_pages_list_the_activity_with_its_tasks_and_risks(client, recruitment):
    client.cookies["django_language"] = "zh-hans"
    listing = client.get(reverse("volunteer:activities")).content.decode()
    assert "重阳节敬老服务" in listing and "还剩1个名额" in listing
    page = client.get(reverse("volunteer:activity", args=[recruitment.pk])).content.decode()
    assert "已为志愿者购买意外险" in page and "会理发者优先" in page


def test_a_volunteer_signs_up_checks_in_and_out_and_the_confirmed_hours_show_everywhere(
    client, staff, recruitment, community, team
):
    client.cookies["django_language"] = "zh-hans"
    response = sign_up_by_phone(client, recruitment)
    assert response.status_code == 302 and response["Location"] == reverse("volunteer:me")
    entry = SignUp.objects.get()
    assert entry.status == SignUp.Status.CONFIRMED and entry.volunteer.phone == PHONE
    assert Message.objects.filter(kind="volunteer_signed_up", recipient=PHONE).exists()

    arrive, leave = at(recruitment, -10), at(recruitment, 95)
    code = parse_qs(urlparse(recruiting.check_in_url(recruitment, now=arrive)).query)["code"][0]
    record = recruiting.check_in(entry, now=arrive)  # the page calls the same with now; time is fixed here
    recruiting.check_token(recruitment, code, now=arrive + datetime.timedelta(seconds=30))
    service = recruiting.check_out(record, now=leave)
    assert service.minutes == 95  # from the activity's start, not from the early arrival
    assert service.recorded == ServiceRecord.Recorded.CHECK_IN and not service.is_confirmed
    page = client.get(reverse("volunteer:me")).content.decode()
    assert "1.6小时等待组织方确认" in page
    day = timezone.localdate(recruitment.activity.start)
    assert stats.volunteer_totals(community, day, day)["volunteer_hours"] == 0

    sign_in(client, staff)
    client.post(reverse("volunteer:attendance", args=[recruitment.pk]), {"action": "confirm"})
    service.refresh_from_db()
    assert service.confirmed_by == staff
    assert stats.volunteer_totals(community, day, day)["volunteer_hours"] == 1.6


@pytest.fixture
def ongoing(activity):
    """The activity started 65 minutes ago and lasts 3 hours; 赵志强 has a place."""
    now = timezone.now().replace(second=0, microsecond=0)
    Activity.objects.filter(pk=activity.pk).update(
        start=now - datetime.timedelta(minutes=65), end=now + datetime.timedelta(minutes=115)
    )
    activity.refresh_from_db()
    recruitment = Recruitment.objects.create(
        activity=activity, community=activity.community, needed=5, tasks="为老人理发", risks="无",
        signup_deadline=activity.start - datetime.timedelta(hours=1),
    )  # fmt: skip
    person = Person.objects.create(name="赵志强", community=activity.community, phone=PHONE)
    SignUp.objects.create(
        recruitment=recruitment, volunteer=person, community=activity.community, status="confirmed"
    )
    return recruitment


def prove_phone(client, phone=PHONE):
    client.post(reverse("volunteer:sign_in"), {"phone": phone})
    assert client.post(reverse("volunteer:code"), {"code": sent_code(phone)}).status_code == 302


def test_the_check_page_checks_in_and_out(client, ongoing):
    client.cookies["django_language"] = "zh-hans"
    prove_phone(client)
    url = urlparse(recruiting.check_in_url(ongoing))
    page = client.get(f"{url.path}?{url.query}").content.decode()
    assert "签到" in page
    code = parse_qs(url.query)["code"][0]
    response = client.post(url.path, {"code": code})
    assert "签到。离开时请再次扫码签退" in response.content.decode() and CheckIn.objects.count() == 1
    CheckIn.objects.update(checked_in_at=timezone.now() - datetime.timedelta(minutes=60, seconds=20))
    response = client.post(url.path, {"code": code})
    assert "已签退。1.0小时服务时长等待组织方确认" in response.content.decode()
    assert ServiceRecord.objects.get().minutes == 60
    again = client.post(url.path, {"code": code}).content.decode()
    assert "已签退" in again and ServiceRecord.objects.count() == 1


def test_a_stranger_scanning_the_code_is_sent_to_prove_their_phone_first(client, ongoing):
    url = urlparse(recruiting.check_in_url(ongoing))
    response = client.get(f"{url.path}?{url.query}")
    assert response.status_code == 302 and response["Location"].startswith(reverse("volunteer:sign_in"))
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("expired", "签到码已过期"),
        ("other", "这是另一个活动的签到码"),
        ("forged", "这不是签到码"),
    ],
)
def test_a_wrong_code_is_refused_in_chinese_and_nothing_is_saved(client, ongoing, case, message):
    client.cookies["django_language"] = "zh-hans"
    prove_phone(client)
    activity = ongoing.activity
    if case == "expired":
        token = recruiting.check_in_token(ongoing, now=timezone.now() - datetime.timedelta(minutes=5))
    elif case == "other":
        other = Recruitment.objects.create(
            activity=Activity.objects.create(
                title="另一个活动", type=activity.type, community=activity.community, start=activity.start,
                end=activity.end, participants=0, volunteer_team=activity.volunteer_team,
            ),
            community=activity.community, needed=5, tasks="x", risks="x", signup_deadline=ongoing.signup_deadline,
        )  # fmt: skip
        token = recruiting.check_in_token(other)
    else:
        token = "12.34:forged"
    response = client.post(reverse("volunteer:check", args=[ongoing.pk]), {"code": token})
    assert response.status_code == 400 and message in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_fourth_check_in_the_same_day_is_refused(recruitment, activity, community):
    person = Person.objects.create(name="钱多", community=community, phone="13900002222")
    day_start = activity.start
    for i in range(4):
        start = day_start + datetime.timedelta(minutes=i)
        other = Recruitment.objects.create(
            activity=Activity.objects.create(
                title=f"活动{i}", type=activity.type, community=community, start=start,
                end=start + datetime.timedelta(hours=1), participants=0, volunteer_team=activity.volunteer_team,
            ),
            community=community, needed=5, tasks="x", risks="x", signup_deadline=start - datetime.timedelta(hours=1),
        )  # fmt: skip
        entry = SignUp.objects.create(
            recruitment=other, volunteer=person, community=community, status="confirmed"
        )
        if i < 3:
            recruiting.check_in(entry, now=start)
        else:
            with pytest.raises(recruiting.RecruitingError, match="3"):
                recruiting.check_in(entry, now=start)
    assert CheckIn.objects.filter(volunteer=person).count() == 3


def test_check_out_before_check_in_and_hours_over_the_activity_are_refused(
    client, staff, recruitment, community
):
    person = Person.objects.create(name="孙丽", community=community, phone="13900003333")
    entry = SignUp.objects.create(
        recruitment=recruitment, volunteer=person, community=community, status="confirmed"
    )
    record = recruiting.check_in(entry, now=at(recruitment, 10))
    with pytest.raises(recruiting.RecruitingError, match="after the check-in|晚于签到"):
        recruiting.check_out(record, at=at(recruitment, 5), now=at(recruitment, 20))
    assert not ServiceRecord.objects.exists()
    # Left long after the end: only the activity's own time counts.
    service = recruiting.organiser_check_out(
        record, at=at(recruitment, 400), reason="志愿者忘记签退", now=at(recruitment, 500)
    )
    assert service.minutes == 110
    # Staff entering more hours than the activity lasted by hand is refused.
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    other = Person.objects.create(name="周强", community=community)
    response = client.post(
        admin_url(ServiceRecord, "add"),
        {
            "volunteer": other.pk, "community": community.pk, "team": "", "kind": "activity",
            "activity": recruitment.activity.pk, "served_on": "2018-05-04", "starts_at_0": "", "starts_at_1": "",
            "ends_at_0": "", "ends_at_1": "", "minutes": "500", "place": "", "content": "",
            "recorded": "organiser", "backfill_reason": "",
        },
    )  # fmt: skip
    assert "超过了活动时长（120分钟）" in response.content.decode()


def test_a_missing_check_out_needs_the_organisers_reason(client, staff, recruitment, community):
    person = Person.objects.create(name="孙丽", community=community, phone="13900003333")
    entry = SignUp.objects.create(
        recruitment=recruitment, volunteer=person, community=community, status="confirmed"
    )
    record = recruiting.check_in(entry, now=at(recruitment, 0))
    with pytest.raises(recruiting.RecruitingError):
        recruiting.organiser_check_out(record, at=at(recruitment, 60), reason=" ", now=at(recruitment, 300))
    with pytest.raises(recruiting.RecruitingError):
        recruiting.check_out(record, now=at(recruitment, 300))  # the volunteer, after check-out closed
    record.refresh_from_db()
    assert record.checked_out_at is None


def test_the_waiting_list_moves_up_when_someone_cancels(client, recruitment):
    sign_up_by_phone(client, recruitment, phone="13800000001", name="甲")
    other = client.__class__()
    sign_up_by_phone(other, recruitment, phone="13800000002", name="乙")
    first, second = SignUp.objects.order_by("pk")
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    response = client.post(reverse("volunteer:me"), {"action": "cancel", "sign_up": first.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("cancelled", "confirmed")
    assert Message.objects.filter(kind="volunteer_promoted", recipient="13800000002").exists()
    # Another volunteer's sign-up cannot be cancelled from this session.
    assert client.post(reverse("volunteer:me"), {"action": "cancel", "sign_up": second.pk}).status_code == 404


def test_after_the_deadline_no_sign_up_and_no_self_cancel(client, recruitment, community):
    Recruitment.objects.filter(pk=recruitment.pk).update(
        signup_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    person = Person.objects.create(name="赵志强", community=community, phone=PHONE)
    entry = SignUp.objects.create(
        recruitment=recruitment, volunteer=person, community=community, status="confirmed"
    )
    client.cookies["django_language"] = "zh-hans"
    prove_phone(client)
    response = client.post(reverse("volunteer:me"), {"action": "cancel", "sign_up": entry.pk}, follow=True)
    assert "已过取消截止时间" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "confirmed"
    assert client.get(reverse("volunteer:activity", args=[recruitment.pk])).status_code == 404


def test_wrong_sign_up_inputs_are_refused_in_chinese(client, recruitment):
    client.cookies["django_language"] = "zh-hans"
    url = reverse("volunteer:activity", args=[recruitment.pk])
    page = client.post(url, {"name": "", "phone": "1234", "accepts_risks": ""}).content.decode()
    assert "请确认您已阅读任务和风险提示" in page and "这个字段是必填项" in page
    assert not Message.objects.exists() and not SignUp.objects.exists()
    client.post(url, {"name": "赵志强", "phone": "138 1234 5678", "accepts_risks": "on"})
    wrong = client.post(
        reverse("volunteer:code"), {"code": "000000" if sent_code() != "000000" else "111111"}
    )
    assert "验证码不正确" in wrong.content.decode() and not SignUp.objects.exists()


def test_the_reminder_goes_the_evening_before_once(recruitment, community):
    person = Person.objects.create(name="孙丽", community=community, phone="13900003333")
    SignUp.objects.create(recruitment=recruitment, volunteer=person, community=community, status="confirmed")
    evening = recruitment.activity.start - datetime.timedelta(days=1)
    assert recruiting.queue_reminders(now=evening) == 1
    assert recruiting.queue_reminders(now=evening) == 0
    message = Message.objects.get(kind="volunteer_reminder")
    assert "重阳节敬老服务" in message.text


def test_the_record_page_and_a_certificate_request(
    client, recruitment, community, volunteer, recipient, team
):
    from .conftest import add_visit

    add_visit(recipient, team, [volunteer], timezone.localdate() - datetime.timedelta(days=3), minutes=120)
    client.cookies["django_language"] = "zh-hans"
    prove_phone(client, volunteer.phone)
    page = client.get(reverse("volunteer:me")).content.decode()
    assert "已确认服务时长2.0小时" in page and "上门服务" in page
    response = client.post(
        reverse("volunteer:me"), {"action": "request", "community": community.pk, "purpose": "求职"}
    )
    assert response.status_code == 302
    assert volunteer.certificate_requests.get().purpose == "求职"


def test_an_unknown_number_gets_no_sms_and_the_same_answer(client, db):
    response = client.post(reverse("volunteer:sign_in"), {"phone": "13700000000"})
    assert response.status_code == 302 and response["Location"] == reverse("volunteer:code")
    assert not Message.objects.exists()


def test_outsiders_cannot_open_the_organiser_pages(client, outsider, staff, recruitment):
    client.force_login(outsider)
    for name in ("volunteer:organiser_code", "volunteer:attendance"):
        assert client.get(reverse(name, args=[recruitment.pk])).status_code == 404
    assert (
        client.post(reverse("volunteer:attendance", args=[recruitment.pk]), {"action": "confirm"}).status_code
        == 404
    )
    sign_in(client, staff)
    assert client.get(reverse("volunteer:attendance", args=[recruitment.pk])).status_code == 200
    assert Permission.objects.filter(codename="change_signup").exists()


def test_the_organiser_checks_in_from_the_list_and_enters_a_forgotten_check_out(client, staff, ongoing):
    entry = SignUp.objects.get()
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    url = reverse("volunteer:attendance", args=[ongoing.pk])
    response = client.post(url, {"action": "check_in", "sign_up": entry.pk}, follow=True)
    assert "赵志强已签到" in response.content.decode()
    record = CheckIn.objects.get()
    assert record.checked_in_by_organiser
    CheckIn.objects.update(checked_in_at=ongoing.activity.start)
    left = timezone.localtime(ongoing.activity.start + datetime.timedelta(minutes=45))
    refused = client.post(
        url,
        {"action": "check_out", "check_in": record.pk, "at": left.strftime("%Y-%m-%dT%H:%M"), "reason": ""},
    )
    assert "这个字段是必填项" in refused.content.decode() and not ServiceRecord.objects.exists()
    client.post(
        url,
        {
            "action": "check_out",
            "check_in": record.pk,
            "at": left.strftime("%Y-%m-%dT%H:%M"),
            "reason": "忘记签退",
        },
    )
    record.refresh_from_db()
    assert record.completed_reason == "忘记签退"
    assert ServiceRecord.objects.get().minutes == 45


def test_the_national_platform_export_has_every_column_in_chinese(client, staff, ongoing):
    from .conftest import EXPORT_XLSX, export, exported_rows

    entry = SignUp.objects.get()
    record = recruiting.check_in(entry, now=ongoing.activity.start)
    recruiting.check_out(record, now=ongoing.activity.start + datetime.timedelta(minutes=90))
    entry.volunteer.volunteer_number = "V0000012345"
    entry.volunteer.save()
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    from volunteers.resources import ServiceRecordResource

    rows = exported_rows(export(client, ServiceRecord, ServiceRecordResource, EXPORT_XLSX))
    assert rows[0] == [
        "志愿者", "志愿者编号", "日期", "开始时间", "结束时间", "时长（小时）", "服务地点", "服务内容", "服务类别",
        "服务队", "记录方式", "补录原因", "记录组织", "确认人", "确认时间",
    ]  # fmt: skip
    assert rows[1][:3] == ["赵志强", "V0000012345", rows[1][2]] and rows[1][5] == 1.5
    assert rows[1][7:11] == ["为老人理发", "活动", "环西社区党员志愿服务队", "签到签退"]
    assert rows[1][13] == "尚未确认"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_for_the_last_place_at_once_give_one_place_and_one_wait(recruitment):
    import threading

    from django.db import connection

    statuses, errors = [], []

    def sign(phone):
        try:
            statuses.append(recruiting.sign_up(recruitment, name="并发", phone=phone).status)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(f"1380000000{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(statuses) == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]
