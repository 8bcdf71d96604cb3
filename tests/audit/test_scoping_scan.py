"""A scan of every admin page, export, autocomplete and report as staff of another unit.

After the demo data (plus one record of each register the demo leaves empty in 环西社区), staff of 金业路社区
— a neighbour in the same subdistrict — open every registered admin's list, search, autocomplete and
export, every 环西 record's change, history and delete pages, and the reports for 环西. None of it may
show a record that is 环西's and not theirs. The scan is table-driven over ``admin.site._registry``: a new
register is scanned without anyone adding it here, and the test fails if a scoped register has no record in
环西 to look for (then give it one in ``top_up``).
"""

import datetime
import html
import io

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from communities.models import Community, Person
from registers.roles import COMMUNITY_STAFF
from registers.scoping import is_scoped
from registers.units import COMMUNITY
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

HOME, NEIGHBOUR = "环西社区", "金业路社区"
RECORDS_CHECKED_PER_MODEL = 3


def top_up(home):
    """One record in 环西 for each register the demo data leaves empty there."""
    from activities.models import Activity, ActivityType, Lecturer, Programme, ProgrammeYear
    from audit.access import log_sensitive_access
    from communities.models import CommitteeMember, Honour
    from venues.models import Booking, Closure, Slot, Venue, WaitlistEntry
    from volunteers.models import VolunteerTeam

    person = Person.objects.create(name="扫描测试人甲", community=home, phone="13811110000")
    lecturer_person = Person.objects.create(name="扫描测试讲师", community=home)
    if not CommitteeMember.objects.for_unit(home).exists():
        CommitteeMember.objects.create(
            person=person, community=home, term=2018, elected_on=datetime.date(2018, 5, 31), role="director"
        )
    if not Honour.objects.for_unit(home).exists():
        Honour.objects.create(
            title="扫描测试荣誉",
            awarded_by="扫描测试单位",
            year=2018,
            subdistrict=home.subdistrict,
            community=home,
        )
    programme = Programme.objects.for_unit(home).filter(community=home).first()
    if programme is None:
        programme = Programme.objects.create(
            name="扫描测试品牌", subdistrict=home.subdistrict, community=home
        )
    if not ProgrammeYear.objects.for_unit(home).filter(programme__community=home).exists():
        ProgrammeYear.objects.create(programme=programme, year=2018, plan="扫描测试计划")
    if not Lecturer.objects.for_unit(home).exists():
        Lecturer.objects.create(person=lecturer_person, community=home, category="teacher", topics="扫描测试")
    from volunteers.models import Commendation, Evaluation, Training

    if not Training.objects.for_unit(home).exists():
        day = datetime.date(2018, 6, 1)
        Training.objects.create(volunteer=person, community=home, course="扫描测试培训", held_on=day, hours=2)
        Commendation.objects.create(
            volunteer=person, community=home, title="扫描测试表彰", awarded_by="扫描测试单位", awarded_on=day
        )
        Evaluation.objects.create(
            volunteer=person, community=home, by="organiser", rating=5, note="扫描测试评语"
        )
    from volunteers.models import Certificate, IssuingOffice

    if not Certificate.objects.for_unit(home).filter(office__community=home).exists():
        office, _ = IssuingOffice.objects.get_or_create(
            community=home,
            defaults={
                "subdistrict": home.subdistrict,
                "name": "扫描测试志愿服务站",
                "code": "SCANTEST",
                "person_in_charge": "扫描测试负责人",
                "contact": "0379-00000000",
            },
        )
        Certificate.objects.create(
            number="SCANTEST-2018-00001", office=office, volunteer=person, period_start=datetime.date(2018, 1, 1),
            period_end=datetime.date(2018, 12, 31), hours=10, backfilled_hours=0, services=3, content="扫描测试内容",
            person_in_charge="扫描测试负责人", handler="扫描测试经办", contact="0379-00000000",
            issued_by=User.objects.get_or_create(username="scan-issuer")[0],
        )  # fmt: skip
    from messaging.models import Message
    from messaging.services import queue

    if not Message.objects.for_unit(home).exists():
        queue(
            "booking_cancelled",
            to="13944445555",
            key="scan:message",
            params={"venue": "扫描测试馆", "time": "6月1日 10:00", "reference": "SCAN00000001"},
            community=home,
            about="booking:0",
        )
    if not Activity.objects.for_unit(home).exists():
        start = datetime.datetime(2018, 6, 1, 9, tzinfo=timezone.get_current_timezone())
        Activity.objects.create(
            title="扫描测试活动",
            type=ActivityType.objects.first(),
            community=home,
            start=start,
            end=start + datetime.timedelta(hours=2),
            participants=30,
            volunteer_team=VolunteerTeam.objects.filter(community=home).first(),
        )
    from volunteers.models import CertificateRequest, Recruitment

    if not Recruitment.objects.for_unit(home).exists():
        activity = Activity.objects.filter(community=home).order_by("pk").first()
        Recruitment.objects.create(
            activity=activity, community=home, needed=3, tasks="扫描测试任务", risks="扫描测试风险",
            signup_deadline=activity.start - datetime.timedelta(days=1),
        )  # fmt: skip
    if not CertificateRequest.objects.for_unit(home).exists():
        CertificateRequest.objects.create(volunteer=person, community=home, purpose="扫描测试用途")
    from communities.models import PartyOrganization
    from party.models import BranchMeeting

    if not BranchMeeting.objects.for_unit(home).filter(branch__community=home).exists():
        branch = PartyOrganization.objects.filter(community=home, kind="branch").first()
        if branch is None:
            branch = PartyOrganization.objects.create(
                name="扫描测试党支部", kind="branch", subdistrict=home.subdistrict, community=home
            )
        BranchMeeting.objects.create(
            branch=branch, kind="themed_day", held_on=datetime.date(2018, 6, 1), topic="扫描测试主题"
        )
    from party.models import FollowUpTask, InServiceMember, JointMeeting

    if not JointMeeting.objects.for_unit(home).filter(community=home).exists():
        joint = JointMeeting.objects.create(
            subdistrict=home.subdistrict,
            community=home,
            held_on=datetime.date(2018, 6, 1),
            title="扫描测试联席会议",
        )
        FollowUpTask.objects.create(
            meeting=joint, task="扫描测试任务", owner_name="扫描测试", deadline=datetime.date(2018, 7, 1)
        )

    if not InServiceMember.objects.for_unit(home).exists():
        InServiceMember.objects.create(
            person=Person.objects.create(name="扫描测试在职党员", community=home, is_party_member=True),
            community=home, employer="扫描测试单位", home_branch="扫描测试支部", reported_on=datetime.date(2018, 3, 1),
        )  # fmt: skip
    venue = Venue.objects.for_unit(home).first()
    if not Closure.objects.for_unit(home).exists():
        Closure.objects.create(
            venue=venue,
            starts_on=datetime.date(2030, 1, 1),
            ends_on=datetime.date(2030, 1, 2),
            reason="扫描测试闭馆",
        )
    if not Booking.objects.for_unit(home).exists():
        start = datetime.datetime(2030, 1, 5, 10, tzinfo=timezone.get_current_timezone())
        slot = Slot.objects.create(
            venue=venue, starts_at=start, ends_at=start + datetime.timedelta(hours=1), capacity=20
        )
        Booking.objects.create(
            reference="SCANTEST0001",
            venue=venue,
            community=home,
            slot=slot,
            visitor_kind="resident",
            size=2,
            contact_name="扫描测试预约人",
            phone="13811112222",
        )
    if not WaitlistEntry.objects.for_unit(home).exists():
        WaitlistEntry.objects.create(
            slot=Slot.objects.filter(venue__community=home).first(),
            venue=venue,
            community=home,
            size=1,
            contact_name="扫描测试候补人",
            phone="13955556666",
            token="scan-waitlist-token",
        )
    staff = make_staff("scan-home", home, COMMUNITY_STAFF)
    log_sensitive_access(staff, person, ["phone"])


@pytest.fixture
def units(db):
    call_command("load_demo", stdout=io.StringIO())
    home = Community.objects.get(name=HOME)
    neighbour = Community.objects.get(name=NEIGHBOUR, subdistrict=home.subdistrict)
    top_up(home)
    return home, neighbour


def scoped_admins():
    return [(model, model_admin) for model, model_admin in admin.site._registry.items() if is_scoped(model)]


def url(model, view, *args):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def visible_texts(outsider):
    """What the outsider may legitimately read: their own records' names, and every choice label."""
    texts = set()
    for model, _admin in scoped_admins():
        relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
        for obj in model.objects.for_user(outsider).select_related(*relations):
            texts.add(str(obj))
            # A record of theirs may name another unit's team or venue as its organiser: a reference they see.
            texts.update(str(getattr(obj, name)) for name in relations if getattr(obj, name) is not None)
    with translation.override("zh-hans"):
        for model in admin.site._registry:
            for field in model._meta.get_fields():
                for _value, label in getattr(field, "flatchoices", None) or ():
                    texts.add(str(label))
    return texts | {NEIGHBOUR}


def hidden_records(model, home, outsider):
    """环西's records of ``model`` that the outsider may not see."""
    return list(model.objects.for_unit(home).exclude(pk__in=model.objects.for_user(outsider).values("pk")))


def markers(records, visible):
    """The names of ``records`` that no record visible to the outsider shares: they must appear nowhere."""
    return [
        str(obj) for obj in records if len(str(obj)) >= 2 and not any(str(obj) in seen for seen in visible)
    ]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def shows(response, texts) -> list[str]:
    body = html.unescape(body_of(response).decode("utf-8-sig", errors="replace"))
    return [text for text in texts if text in body]


def test_staff_of_another_unit_see_no_record_of_the_first_anywhere(client, units):
    home, neighbour = units
    outsider = make_staff("scan-outsider", neighbour, COMMUNITY_STAFF)
    visible = visible_texts(outsider)
    client.force_login(outsider)
    problems, empty = [], []
    all_markers = set()

    per_model = {}
    for model, _model_admin in scoped_admins():
        hidden = hidden_records(model, home, outsider)
        # Records kept above the community (district, subdistrict: types, partners) are shared by design.
        if not hidden and COMMUNITY in model.scope_paths:
            empty.append(model._meta.label)
        per_model[model] = hidden
        all_markers.update(markers(hidden, visible))
    assert not empty, f"registers with no record of {HOME} to look for (add one in top_up): {empty}"
    assert len(all_markers) > 100

    def check(response, where):
        if response.status_code == 200:
            leaked = shows(response, all_markers)
            if leaked:
                body = html.unescape(body_of(response).decode("utf-8-sig", errors="replace"))
                lines = [line for line in body.splitlines() if any(t in line for t in leaked)][:3]
                problems.append(f"{where}: shows {leaked[:5]} in {lines}")

    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        changelist = url(model, "changelist")
        check(client.get(changelist), f"{label} list")
        if model_admin.search_fields:
            check(client.get(changelist, {SEARCH_VAR: HOME[:2]}), f"{label} search")
        for field_name in getattr(model_admin, "autocomplete_fields", ()):
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field_name,
                },
            )
            check(response, f"{label}.{field_name} autocomplete")
        export_url = url(model, "export")
        if export_url and hasattr(model_admin, "get_export_resource_classes"):
            request = client.get(changelist).wsgi_request
            for index, resource_class in enumerate(model_admin.get_export_resource_classes(request)):
                prefix = resource_class.__name__.lower()
                data = {"format": "1", "resource": str(index)}  # CSV
                for name in resource_class().get_export_order():
                    data[f"{prefix}_{name}"] = "on"
                check(client.post(export_url, data), f"{label} export ({resource_class.__name__})")
        for obj in per_model.get(model, [])[:RECORDS_CHECKED_PER_MODEL]:
            text = str(obj)
            for view in ("change", "history", "delete", "auditlog"):
                page = url(model, view, obj.pk)
                if page is None:
                    continue
                response = client.get(page)
                if response.status_code not in (302, 403, 404):
                    problems.append(f"{label} {view} of {text!r}: {response.status_code}")
            # "View on site": a booking's public page would give away its reference.
            shortcut = reverse(
                "admin:view_on_site", args=[ContentType.objects.get_for_model(model).pk, obj.pk]
            )
            response = client.get(shortcut)
            if response.status_code != 404:
                problems.append(f"{label} view on site of {text!r}: {response.status_code}")

    for fmt in ("", "xlsx", "csv"):
        for unit in ("", f"community:{home.pk}"):
            response = client.get("/reports/", {k: v for k, v in {"unit": unit, "format": fmt}.items() if v})
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                check(response, f"report unit={unit or 'own'} format={fmt or 'html'}")
            elif response.status_code == 200:
                body = body_of(response)
                if fmt == "xlsx":
                    import openpyxl

                    book = openpyxl.load_workbook(io.BytesIO(body))
                    cells = " ".join(
                        str(c)
                        for sheet in book.worksheets
                        for row in sheet.iter_rows(values_only=True)
                        for c in row
                    )
                else:
                    cells = body.decode("utf-8-sig", errors="replace")
                leaked = [text for text in all_markers if text in cells]
                if leaked:
                    problems.append(f"report unit={unit or 'own'} format={fmt}: shows {leaked[:5]}")

    assert not problems, "\n".join(problems)
