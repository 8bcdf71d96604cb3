"""Demo data of the articles: Xiguan's 47 Party-member volunteer teams, whose 319 Party members made 1,880
home visits from 2016 to 2018 (双上门、五确定), Longcheng Jiayuan's five colour teams among them, and
Jianxi's 365 volunteer teams.

Called by ``manage.py load_demo`` after ``communities.demo`` (which creates the units; they are looked up by
name). Idempotent: a second run finds everything by its natural key and creates nothing. People's names and
phone numbers are invented; the demo's phones all start with 1660379, so they never collide with others.
"""

import datetime

from django.db import transaction

from communities.models import Community, Courtyard, District, PartyOrganization, Person, Subdistrict

from .models import CareCategory, CareRecipient, HomeVisit, Membership, Service, VolunteerTeam
from .services import sync_visit_records

LAOCHENG, XIGUAN = "老城区", "西关办事处"
LONGCHENG_JIAYUAN = "龙城嘉园社区"
JIANXI = "涧西区"

COLOUR_TEAMS = (
    ("绿丝带环保志愿服务队", VolunteerTeam.ServiceArea.ENVIRONMENT),
    ("蓝盾牌律师志愿服务队", VolunteerTeam.ServiceArea.LEGAL_AID),
    ("夕阳红文艺志愿服务队", VolunteerTeam.ServiceArea.ARTS),
    ("墨友缘书画志愿服务队", VolunteerTeam.ServiceArea.CALLIGRAPHY),
    ("致青春公益志愿服务队", VolunteerTeam.ServiceArea.PUBLIC_WELFARE),
)
XIGUAN_TEAMS, XIGUAN_MEMBERS, XIGUAN_VISITS = 47, 319, 1880
JIANXI_TEAMS = 365
RECIPIENTS_PER_TEAM = 2
FIRST_DAY, LAST_DAY = datetime.date(2016, 1, 1), datetime.date(2018, 12, 31)
NUMERALS = "一二三四五六七八九十"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
GIVEN = "建国秀兰桂英玉梅志强红霞德明淑珍振华丽娟文杰海燕永平春生凤兰宝山金花国庆素芳立新爱民"
JIANXI_AREAS = (
    ("党员先锋志愿服务队", VolunteerTeam.ServiceArea.HOME_VISITS, True),
    ("环保志愿服务队", VolunteerTeam.ServiceArea.ENVIRONMENT, False),
    ("文艺志愿服务队", VolunteerTeam.ServiceArea.ARTS, False),
    ("法律服务志愿服务队", VolunteerTeam.ServiceArea.LEGAL_AID, False),
    ("健康服务志愿服务队", VolunteerTeam.ServiceArea.HEALTH, False),
    ("邻里互助志愿服务队", VolunteerTeam.ServiceArea.PUBLIC_WELFARE, False),
)


def load(stdout) -> None:
    CareCategory.ensure_all()
    Service.ensure_all()
    xiguan = Subdistrict.objects.filter(district__name=LAOCHENG, name=XIGUAN).first()
    if xiguan is None:
        stdout.write(f"volunteers: {LAOCHENG} {XIGUAN} not found (load communities.demo first); skipped.")
    else:
        with transaction.atomic():
            _load_xiguan(xiguan, stdout)
    jianxi = District.objects.filter(name=JIANXI).first()
    if jianxi is None:
        stdout.write(f"volunteers: {JIANXI} not found; skipped.")
    else:
        with transaction.atomic():
            _load_jianxi(jianxi, stdout)


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 2) % len(GIVEN)] + GIVEN[(i * 7 + 1) % len(GIVEN)]


def _phone(i: int) -> str:
    return f"1660379{i:04d}"


def _team_sizes(teams: int, members: int) -> list[int]:
    base, extra = divmod(members, teams)
    return [base + (1 if i < extra else 0) for i in range(teams)]


def _xiguan_team_plan(communities: list[Community]) -> list[tuple[Community, str, str]]:
    """(community, name, service area) for the 47 teams: the five colour teams in 龙城嘉园, the rest shared."""
    plan = []
    longcheng = next((c for c in communities if c.name == LONGCHENG_JIAYUAN), None)
    if longcheng is not None:
        plan += [(longcheng, name, area) for name, area in COLOUR_TEAMS]
    others = [c for c in communities if c is not longcheng] or communities
    remaining = XIGUAN_TEAMS - len(plan)
    for i in range(remaining):
        community = others[i % len(others)]
        number = i // len(others) + 1
        name = f"{community.name}党员志愿服务{NUMERALS[number - 1] if number <= 10 else number}队"
        plan.append((community, name, VolunteerTeam.ServiceArea.HOME_VISITS))
    return plan


def _community_party_orgs(communities) -> dict[int, int]:
    orgs = {}
    for org_id, community_id in (
        PartyOrganization.objects.filter(community__in=communities)
        .order_by("pk")
        .values_list("pk", "community_id")
    ):
        orgs.setdefault(community_id, org_id)
    return orgs


def _ensure_teams(plan, founded, party_member_team, party_orgs) -> list[VolunteerTeam]:
    VolunteerTeam.objects.bulk_create(
        [
            VolunteerTeam(
                community=community,
                name=name,
                service_area=area,
                founded_on=founded(i),
                is_party_member_team=party_member_team(i),
                party_organization_id=party_orgs.get(community.pk),
            )
            for i, (community, name, area) in enumerate(plan)
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    by_key = {
        (t.community_id, t.name): t
        for t in VolunteerTeam.objects.filter(
            community__in={c for c, _n, _a in plan}, name__in=[n for _c, n, _a in plan]
        )
    }
    return [by_key[(community.pk, name)] for community, name, _area in plan]


def _ensure_people(specs: list[dict]) -> list[Person]:
    """People by their (invented, unique) phone numbers: created when missing, returned in order."""
    phones = [spec["phone"] for spec in specs]
    existing = set(Person.objects.filter(phone__in=phones).values_list("phone", flat=True))
    Person.objects.bulk_create(
        [Person(**spec) for spec in specs if spec["phone"] not in existing], batch_size=500
    )
    by_phone = {p.phone: p for p in Person.objects.filter(phone__in=phones)}
    return [by_phone[phone] for phone in phones]


def _load_xiguan(xiguan: Subdistrict, stdout) -> None:
    communities = list(Community.objects.filter(subdistrict=xiguan).order_by("pk"))
    if not communities:
        stdout.write(f"volunteers: {XIGUAN} has no communities; skipped.")
        return
    plan = _xiguan_team_plan(communities)
    teams = _ensure_teams(
        plan,
        founded=lambda i: FIRST_DAY + datetime.timedelta(days=i % 28),
        party_member_team=lambda i: True,
        party_orgs=_community_party_orgs(communities),
    )

    # 319 Party members, each in one team of their own community, joined when the team was founded.
    sizes = _team_sizes(len(teams), XIGUAN_MEMBERS)
    member_specs, member_team = [], []
    for t, (team, size) in enumerate(zip(teams, sizes, strict=True)):
        for _k in range(size):
            i = len(member_specs)
            member_specs.append(
                {
                    "name": _name(i),
                    "phone": _phone(i),
                    "community_id": team.community_id,
                    "is_party_member": True,
                    "gender": "MF"[i % 2],
                    "birth_date": datetime.date(1950 + i % 40, 1 + i % 12, 1 + i % 28),
                }
            )
            member_team.append(t)
    members = _ensure_people(member_specs)
    team_members: list[list[Person]] = [[] for _ in teams]
    for person, t in zip(members, member_team, strict=True):
        team_members[t].append(person)
    Membership.objects.bulk_create(
        [
            Membership(
                team=team,
                person=person,
                joined_on=team.founded_on,
                role=Membership.Role.LEADER if k == 0 else Membership.Role.MEMBER,
            )
            for team, people in zip(teams, team_members, strict=True)
            for k, person in enumerate(people)
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    for team, people in zip(teams, team_members, strict=True):
        team.leader = people[0]
    VolunteerTeam.objects.bulk_update(teams, ["leader"], batch_size=500)

    # Two recipients per team, of every care category, in the team's community.
    categories = list(CareCategory.objects.order_by("position"))
    services = list(Service.objects.order_by("position"))
    recipient_specs, recipient_team = [], []
    for t, team in enumerate(teams):
        for _k in range(RECIPIENTS_PER_TEAM):
            i = len(recipient_specs)
            recipient_specs.append(
                {
                    "name": _name(1000 + i),
                    "phone": _phone(5000 + i),
                    "community_id": team.community_id,
                    "gender": "FM"[i % 2],
                    "birth_date": datetime.date(1928 + i % 12, 1 + i % 12, 1 + i % 28),
                }
            )
            recipient_team.append(t)
    recipient_people = _ensure_people(recipient_specs)
    # Each recipient lives in a courtyard of their community (where the demo has courtyards there).
    courtyards: dict[int, list[Courtyard]] = {}
    for courtyard in (
        Courtyard.objects.filter(grid__community_id__in={p.community_id for p in recipient_people})
        .select_related("grid")
        .order_by("grid__name", "name")
    ):
        courtyards.setdefault(courtyard.grid.community_id, []).append(courtyard)

    def address(i, person):
        choices = courtyards.get(person.community_id)
        if not choices:
            return {}
        return {
            "courtyard": choices[i % len(choices)],
            "building": str(1 + i % 9),
            "entrance": str(1 + i % 3),
            "room": f"{1 + i % 6}0{1 + i % 2}",
        }

    CareRecipient.objects.bulk_create(
        [
            CareRecipient(
                person=person,
                community_id=person.community_id,
                assigned_team=teams[t],
                since=FIRST_DAY,
                usual_day=1 + (i * 3) % 28,
                **address(i, person),
            )
            for i, (person, t) in enumerate(zip(recipient_people, recipient_team, strict=True))
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    by_person = {r.person_id: r for r in CareRecipient.objects.filter(person__in=recipient_people)}
    recipients = [by_person[p.pk] for p in recipient_people]
    _link(
        CareRecipient.categories.through,
        "carerecipient_id",
        "carecategory_id",
        [(r.pk, categories[i % len(categories)].pk) for i, r in enumerate(recipients)]
        + [
            (r.pk, categories[2].pk)
            for i, r in enumerate(recipients)
            if i % 5 == 0 and i % len(categories) != 2
        ],
    )
    _link(
        CareRecipient.assigned_volunteers.through,
        "carerecipient_id",
        "person_id",
        [
            (r.pk, team_members[t][i % len(team_members[t])].pk)
            for i, (r, t) in enumerate(zip(recipients, recipient_team, strict=True))
        ],
    )
    _link(
        CareRecipient.usual_services.through,
        "carerecipient_id",
        "service_id",
        [(r.pk, services[i % len(services)].pk) for i, r in enumerate(recipients)],
    )

    # 1,880 visits: 40 per team, to its two recipients in turn, spread over 2016–2018, two members each.
    per_team = XIGUAN_VISITS // len(teams)
    extra = XIGUAN_VISITS - per_team * len(teams)
    span = (LAST_DAY - FIRST_DAY).days - 31
    wanted, visit_volunteers = [], {}
    team_recipients: list[list[CareRecipient]] = [[] for _ in teams]
    for r, t in zip(recipients, recipient_team, strict=True):
        team_recipients[t].append(r)
    for t, team in enumerate(teams):
        count = per_team + (1 if t < extra else 0)
        people = team_members[t]
        for k in range(count):
            recipient = team_recipients[t][k % len(team_recipients[t])]
            visited_on = FIRST_DAY + datetime.timedelta(days=31 + (k * span) // count + t % 20)
            key = (recipient.pk, team.pk, visited_on)
            wanted.append(key)
            visit_volunteers[key] = {people[(2 * k) % len(people)].pk, people[(2 * k + 1) % len(people)].pk}
    existing = set(
        HomeVisit.objects.filter(team__in=teams).values_list("recipient_id", "team_id", "visited_on")
    )
    recipient_by_pk = {r.pk: r for r in recipients}
    HomeVisit.objects.bulk_create(
        [
            HomeVisit(
                recipient_id=rid,
                community_id=recipient_by_pk[rid].community_id,
                team_id=tid,
                visited_on=day,
                minutes=30 + (rid + day.toordinal()) % 7 * 15,
                other_services="",
            )
            for rid, tid, day in wanted
            if (rid, tid, day) not in existing
        ],
        batch_size=1000,
    )
    visit_ids = {
        (v[1], v[2], v[3]): v[0]
        for v in HomeVisit.objects.filter(team__in=teams).values_list(
            "pk", "recipient_id", "team_id", "visited_on"
        )
    }
    _link(
        HomeVisit.volunteers.through,
        "homevisit_id",
        "person_id",
        [(visit_ids[key], person_id) for key in wanted for person_id in sorted(visit_volunteers[key])],
    )
    sync_visit_records(sorted(visit_ids.values()))
    _link(
        HomeVisit.services.through,
        "homevisit_id",
        "service_id",
        [(visit_ids[key], services[n % len(services)].pk) for n, key in enumerate(wanted)],
    )
    stdout.write(
        f"volunteers: {XIGUAN} {len(teams)} Party-member teams, {len(members)} members, "
        f"{len(recipients)} care recipients, {len(wanted)} home visits (2016–2018)."
    )


def _link(through, left: str, right: str, pairs) -> None:
    through.objects.bulk_create(
        [through(**{left: a, right: b}) for a, b in dict.fromkeys(pairs)],
        ignore_conflicts=True,
        batch_size=2000,
    )


def _load_jianxi(jianxi: District, stdout) -> None:
    communities = list(
        Community.objects.filter(subdistrict__district=jianxi).order_by("subdistrict__name", "pk")
    )
    if not communities:
        stdout.write(f"volunteers: {JIANXI} has no communities; skipped.")
        return
    plan = []
    for i in range(JIANXI_TEAMS):
        community = communities[i % len(communities)]
        suffix, area, _party = JIANXI_AREAS[(i // len(communities)) % len(JIANXI_AREAS)]
        round_ = i // (len(communities) * len(JIANXI_AREAS))
        plan.append((community, f"{community.name}{suffix}" + (f"{round_ + 1}" if round_ else ""), area))
    party_names = {suffix for suffix, _area, party in JIANXI_AREAS if party}
    teams = _ensure_teams(
        plan,
        founded=lambda i: datetime.date(2017, 1 + i % 12, 1 + i % 28),
        party_member_team=lambda i: any(plan[i][1].endswith(s) for s in party_names),
        party_orgs=_community_party_orgs(communities),
    )
    stdout.write(f"volunteers: {JIANXI} {len(teams)} volunteer teams over {len(communities)} communities.")
