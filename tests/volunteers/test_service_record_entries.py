"""The service record (志愿服务记录): every visit gives one per volunteer; staff enter other service, as the
organiser or back-filled with a reason; hours count once confirmed, and back-filled hours are marked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from volunteers import stats
from volunteers.models import HomeVisit, ServiceRecord

from .conftest import CSV, add_visit, admin_url, confirm, csv_bytes, exported_rows, sign_in, upload
from .test_visits import visit_form

YEAR = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))


def entry_form(volunteer, community, **extra):
    return {
        "volunteer": volunteer.pk,
        "community": community.pk,
        "team": "",
        "kind": ServiceRecord.Kind.VENUE_DUTY,
        "activity": "",
        "served_on": "2018-05-04",
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        "minutes": "120",
        "place": "环西社区讲习所",
        "content": "讲解员值班",
        "recorded": ServiceRecord.Recorded.ORGANISER,
        "backfill_reason": "",
        **extra,
    }


def test_a_visit_recorded_in_the_admin_gives_each_volunteer_a_confirmed_record(
    client, staff, recipient, team, volunteer, second_volunteer
):
    sign_in(client, staff)
    response = client.post(
        admin_url(HomeVisit, "add"),
        visit_form(recipient, team, [volunteer, second_volunteer], "2018-03-05", minutes="90"),
    )
    assert response.status_code == 302
    visit = HomeVisit.objects.get()
    records = ServiceRecord.objects.filter(home_visit=visit).order_by("volunteer_id")
    assert [(r.volunteer, r.minutes, r.served_on, r.is_confirmed) for r in records] == [
        (volunteer, 90, datetime.date(2018, 3, 5), True),
        (second_volunteer, 90, datetime.date(2018, 3, 5), True),
    ]
    totals = stats.volunteer_totals(recipient.community, *YEAR)
    assert (totals["visits"], totals["volunteer_person_times"], totals["volunteer_hours"]) == (1, 2, 3.0)


def test_editing_the_visit_moves_its_records_with_it(
    client, staff, recipient, team, volunteer, second_volunteer
):
    visit = add_visit(recipient, team, [volunteer, second_volunteer], datetime.date(2018, 3, 5), minutes=90)
    sign_in(client, staff)
    response = client.post(
        admin_url(HomeVisit, "change", visit.pk),
        visit_form(recipient, team, [volunteer], "2018-03-06", minutes="30"),
    )
    assert response.status_code == 302
    [record] = ServiceRecord.objects.filter(home_visit=visit)
    assert (record.volunteer, record.minutes, record.served_on) == (volunteer, 30, datetime.date(2018, 3, 6))
    assert stats.volunteer_totals(recipient.community, *YEAR)["volunteer_hours"] == 0.5


def test_re_importing_a_visit_sheet_does_not_double_the_records(client, staff, recipient, team, volunteer):
    sign_in(client, staff)
    sheet = csv_bytes(
        [
            ["recipient", "team", "volunteers", "visited_on", "minutes"],
            [recipient.pk, team.name, volunteer.name, "2018-04-02", "60"],
        ]
    )
    for _ in range(2):
        preview = upload(client, HomeVisit, sheet)
        assert preview.status_code == 200, preview.content.decode()[:2000]
        assert confirm(client, HomeVisit, preview).status_code == 302
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 1
    assert stats.volunteer_totals(recipient.community, *YEAR)["volunteer_person_times"] == 1
    assert CSV == "0"


def test_staff_enter_venue_duty_and_it_counts_at_once(client, staff, community, volunteer):
    sign_in(client, staff)
    response = client.post(admin_url(ServiceRecord, "add"), entry_form(volunteer, community))
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = ServiceRecord.objects.get()
    assert record.is_confirmed and record.confirmed_by == staff
    totals = stats.volunteer_totals(community, *YEAR)
    assert (totals["volunteer_person_times"], totals["volunteer_hours"], totals["backfilled_hours"]) == (
        1,
        2.0,
        0,
    )


def test_back_filled_hours_need_a_reason_and_are_marked_wherever_they_show(
    client, staff, community, volunteer
):
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    refused = client.post(
        admin_url(ServiceRecord, "add"),
        entry_form(volunteer, community, recorded=ServiceRecord.Recorded.BACKFILLED),
    )
    assert refused.status_code == 200
    assert "请说明补录这些时长的原因" in refused.content.decode()
    assert not ServiceRecord.objects.exists()

    client.post(
        admin_url(ServiceRecord, "add"),
        entry_form(
            volunteer,
            community,
            recorded=ServiceRecord.Recorded.BACKFILLED,
            backfill_reason="当日签到系统故障",
        ),
    )
    assert ServiceRecord.objects.get().recorded == ServiceRecord.Recorded.BACKFILLED
    assert stats.volunteer_totals(community, *YEAR)["backfilled_hours"] == 2.0
    listing = client.get(admin_url(ServiceRecord)).content.decode()
    assert "补录" in listing and "当日签到系统故障" in listing
    page = client.get(
        reverse("volunteers:service_records"),
        {"unit": f"community:{community.pk}", "start": "2018-01-01", "end": "2018-12-31"},
    )
    assert "其中补录 2.0" in page.content.decode()
    [row] = page.context["page"].object_list
    assert (row["hours"], row["backfilled_hours"]) == (2.0, 2.0)
    exported = client.post(admin_url(ServiceRecord, "export"), {"format": "1", "resource": "0", **{
        f"servicerecordresource_{name}": "on" for name in ("volunteer", "hours", "recorded", "backfill_reason")
    }})  # fmt: skip
    rows = exported_rows(exported)
    assert rows[1][:4] == ["王建军", "2.0", "工作人员补录", "当日签到系统故障"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"minutes": "0"}, "一次服务的时长在1分钟到24小时之间"),
        ({"served_on": "2099-01-01"}, "此日期晚于今天"),
        (
            {
                "starts_at_0": "2018-05-04",
                "starts_at_1": "10:00",
                "ends_at_0": "2018-05-04",
                "ends_at_1": "09:00",
            },
            "结束时间必须晚于开始时间",
        ),
        (
            {
                "starts_at_0": "2018-05-04",
                "starts_at_1": "09:00",
                "ends_at_0": "2018-05-04",
                "ends_at_1": "10:00",
            },
            "时长不能超过从开始到结束的时间",
        ),
        ({"kind": ServiceRecord.Kind.HOME_VISIT}, "选择一个有效的选项"),
        ({"recorded": ServiceRecord.Recorded.CHECK_IN}, "选择一个有效的选项"),
        ({"kind": ServiceRecord.Kind.ACTIVITY}, "请选择活动"),
    ],
)
def test_wrong_entries_are_refused_in_chinese_and_nothing_is_saved(
    client, staff, community, volunteer, change, message
):
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(admin_url(ServiceRecord, "add"), entry_form(volunteer, community, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_hours_waiting_for_confirmation_do_not_count_until_confirmed(client, staff, community, volunteer):
    waiting = ServiceRecord.objects.create(
        volunteer=volunteer,
        community=community,
        kind=ServiceRecord.Kind.OTHER,
        served_on=datetime.date(2018, 6, 1),
        minutes=90,
        recorded=ServiceRecord.Recorded.CHECK_IN,
    )
    assert stats.volunteer_totals(community, *YEAR)["volunteer_person_times"] == 0
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    assert "待确认" in client.get(admin_url(ServiceRecord)).content.decode()
    response = client.post(
        admin_url(ServiceRecord),
        {"action": "confirm_selected", "_selected_action": [waiting.pk]},
        follow=True,
    )
    assert "已确认1条记录" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.confirmed_by == staff and waiting.confirmed_at <= timezone.now()
    assert stats.volunteer_totals(community, *YEAR)["volunteer_hours"] == 1.5
    again = client.post(
        admin_url(ServiceRecord),
        {"action": "confirm_selected", "_selected_action": [waiting.pk]},
        follow=True,
    )
    assert "已确认0条记录" in again.content.decode()


def test_a_visits_records_are_changed_through_the_visit_only(client, staff, recipient, team, volunteer):
    visit = add_visit(recipient, team, [volunteer], datetime.date(2018, 3, 5))
    record = ServiceRecord.objects.get(home_visit=visit)
    sign_in(client, staff)
    response = client.post(admin_url(ServiceRecord, "change", record.pk), {"minutes": "600"})
    assert response.status_code == 403
    assert client.post(admin_url(ServiceRecord, "delete", record.pk), {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.minutes == 60


def test_outsider_gets_404_for_another_units_records(client, outsider, recipient, team, volunteer):
    visit = add_visit(recipient, team, [volunteer], datetime.date(2018, 3, 5))
    record = ServiceRecord.objects.get(home_visit=visit)
    sign_in(client, outsider)
    assert client.get(admin_url(ServiceRecord, "change", record.pk)).status_code == 404
    assert "王建军" not in client.get(admin_url(ServiceRecord)).content.decode()
    response = client.post(
        admin_url(ServiceRecord), {"action": "confirm_selected", "_selected_action": [record.pk]}, follow=True
    )
    assert response.status_code == 200
