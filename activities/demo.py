"""The articles' activity figures for ``manage.py load_demo`` (after communities, venues and volunteers).

* 金业路社区 学雷锋志愿服务社区文化广场: 115 activities held at the square ("截至目前 … 已陆续开展活动115场"),
  2016-03 to 2018-11, organised by 金业路社区党总支 or one of 西关's volunteer teams.
* 唐宫东路社区 五心工程 with its five sub-projects 暖心、爱心、诚心、真心、匠心工程: 150 activities (30 each) with
  3,000 participant person-times in all, 2017-01 to 2018-11; a 2018 yearly plan with targets and assessment.
* 涧西区 ("今年以来", so 2018-01 to 2018-11):
  - 2,300 volunteer service activities, organised by its volunteer teams (volunteers.demo), spread over the
    71 communities; those of five communities belong to the "一社区一品牌" brands the article names
    (党旗下的邻里情, 阳光e家, 预约服务, 秦岭帮客驿站, 十五分钟生活服务圈: the article does not say which
    community runs which brand, so we placed them in 天津路, 长安路, 湖北路, 周山路 and 南昌路社区), each with
    its 2018 cycle (targets set in January, a mid-year note, a year-end score);
  - the 三新讲习所: a pool of 1,024 lecturers (Party cadres, model workers, grassroots talents …) who gave
    840 lecture sessions with 20,500 participant person-times in the 165 lecture halls (venues.demo); every
    lecturer gave at least one session (184 sessions had two lecturers);
  - 武汉路社区's 三社联动 (a programme of the community): 50 activities (reading club 阅友之家 and talks such as
    "美丽妈妈，幸福家庭") organised by its six social organisations.
* 宜阳县 (十九大 lectures, 2017-11 to 2018-11): 433 lecture sessions with 17,239 participants by a pool of 433
  lecturers (one session each) in the villages' cultural service centres.

Dates: the articles appeared in late 2018 and speak of "近两年", "从2016年至今" and "今年以来"; every date is
inside 2016-2018 as above, so a report for 2016-01-01 … 2018-12-31 shows every figure. People's names are
invented. Idempotent: each block is created only when none of its activities exist; all rows by bulk_create.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from communities.models import Community, District, PartnerOrganization, PartyOrganization, Person
from venues.models import Venue
from volunteers.models import IssuingOffice, Recruitment, VolunteerTeam

from .models import Activity, ActivityType, Lecturer, Programme, ProgrammeYear

SEED = 2018
XIGUAN, LAOCHENG = "西关办事处", "老城区"
JINYELU, TANGGONG_EAST, HUANXI = "金业路社区", "唐宫东路社区", "环西社区"
JINYE_SQUARE = "学雷锋志愿服务社区文化广场"
JIANXI, YIYANG = "涧西区", "宜阳县"
WUHANLU = "武汉路社区"

SQUARE_ACTIVITIES = 115
WUXIN = "五心工程"
WUXIN_PARTS = ("暖心工程", "爱心工程", "诚心工程", "真心工程", "匠心工程")
WUXIN_ACTIVITIES, WUXIN_PARTICIPANTS = 150, 3000
JIANXI_SERVICES = 2300
JIANXI_SESSIONS, JIANXI_LECTURE_PARTICIPANTS, JIANXI_LECTURERS = 840, 20500, 1024
JIANXI_BRANDS = {
    "党旗下的邻里情": "天津路社区",
    "阳光e家": "长安路社区",
    "预约服务": "湖北路社区",
    "秦岭帮客驿站": "周山路社区",
    "十五分钟生活服务圈": "南昌路社区",
}
SANSHE = "三社联动"
WUHANLU_ACTIVITIES = 50
YIYANG_SESSIONS, YIYANG_PARTICIPANTS, YIYANG_LECTURERS = 433, 17239, 433

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文斌春梅海燕德胜振宇晓东子涵雨轩浩然"


def _tz():
    return timezone.get_default_timezone()


def _moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=_tz())


def _days(rng, count, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    span = (last - first).days
    return sorted(first + datetime.timedelta(days=rng.randrange(span + 1)) for _ in range(count))


def _split(total: int, parts: int, rng, low: int, high: int) -> list[int]:
    """``parts`` whole numbers between about ``low`` and ``high`` adding up exactly to ``total``."""
    values = [rng.randint(low, high) for _ in range(parts)]
    scale = total / sum(values)
    values = [max(1, round(v * scale)) for v in values]
    i = 0
    while sum(values) != total:
        step = 1 if sum(values) < total else -1
        if values[i % parts] + step >= 1:
            values[i % parts] += step
        i += 1
    return values


def _name(rng) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _type(kind: str) -> ActivityType:
    return ActivityType.objects.filter(kind=kind, subdistrict__isnull=True).order_by("pk").first()


def _activity(title, type_, community, start, hours, participants, **extra) -> Activity:
    return Activity(
        title=title,
        type=type_,
        community=community,
        start=start,
        end=start + datetime.timedelta(hours=hours),
        participants=participants,
        **extra,
    )


def _community_orgs(communities) -> dict[int, PartyOrganization]:
    """Each community's own Party organisation (党委, 党总支 or 党支部), in one query."""
    orgs = {}
    for org in PartyOrganization.objects.filter(community__in=communities, grid__isnull=True).order_by("pk"):
        orgs.setdefault(org.community_id, org)
    return orgs


def _community(name: str, district: str | None = None) -> Community | None:
    qs = Community.objects.filter(name=name)
    if district:
        qs = qs.filter(subdistrict__district__name=district)
    return qs.select_related("subdistrict").first()


@transaction.atomic
def load(stdout) -> None:
    rng = random.Random(SEED)
    counts = {
        "square": _load_jinye_square(rng),
        "wuxin": _load_wuxin(rng),
        "jianxi": _load_jianxi(rng),
        "wuhanlu": _load_wuhanlu(rng),
        "yiyang": _load_yiyang(rng),
        "recruiting": _load_recruiting(),
    }
    stdout.write(
        "activities: "
        + ", ".join(f"{block} +{n}" for block, n in counts.items())
        + f" (now {Activity.objects.count()} activities, {Lecturer.objects.count()} lecturers)\n"
    )


def _load_recruiting() -> int:
    """An activity of 环西社区 next Saturday that recruits volunteers (so the public page always has one), and
    the community's certificate settings (no seal image: the certificate marks where to stamp it)."""
    community = _community("环西社区")
    if community is None:
        return 0
    IssuingOffice.objects.get_or_create(
        community=community,
        defaults={
            "subdistrict": community.subdistrict,
            "name": "环西社区志愿服务站",
            "code": "LYHX",
            "person_in_charge": "王淑芬",
            "contact": "0379-63210000",
        },
    )
    now = timezone.now()
    if Recruitment.objects.filter(community=community, activity__start__gt=now).exists():
        return 0
    today = timezone.localdate()
    ahead = (5 - today.weekday()) % 7
    saturday = today + datetime.timedelta(days=ahead if ahead >= 3 else ahead + 7)  # sign-up open for days
    team = VolunteerTeam.objects.filter(community=community).order_by("pk").first()
    activity = _activity(
        "学雷锋志愿服务：为老人理发、测血压", _type(ActivityType.Kind.VOLUNTEER_SERVICE), community,
        _moment(saturday, 9), 3, 0, volunteer_team=team,
    )  # fmt: skip
    activity.full_clean()
    activity.save()
    Recruitment.objects.create(
        activity=activity,
        community=community,
        needed=8,
        tasks="为辖区老人理发、测量血压，协助登记",
        skills="会理发或有医护经验者优先",
        risks="室外活动，注意防暑防滑；社区已为参加的志愿者购买意外伤害保险",
        signup_deadline=_moment(saturday - datetime.timedelta(days=1), 18),
    )
    return 1


# --- 西关 -------------------------------------------------------------------------------------------


def _load_jinye_square(rng) -> int:
    jinye = _community(JINYELU, LAOCHENG)
    if jinye is None:
        return 0
    square = Venue.objects.filter(community=jinye, name=JINYE_SQUARE).first()
    if square is None:
        square = Venue.objects.create(
            community=jinye,
            kind=Venue.Kind.CULTURAL_SQUARE,
            name=JINYE_SQUARE,
            slug="jinyelu-volunteer-square",
        )
    if Activity.objects.filter(venue=square).exists():
        return 0
    org = _community_orgs([jinye]).get(jinye.pk)
    teams = list(VolunteerTeam.objects.filter(community__subdistrict=jinye.subdistrict).order_by("pk")[:10])
    plan = [
        (ActivityType.Kind.VOLUNTEER_SERVICE, "学雷锋志愿服务进广场", 40, 120),
        (ActivityType.Kind.CULTURAL_SHOW, "社区文艺汇演", 80, 300),
        (ActivityType.Kind.CONSULTATION, "法律健康义诊咨询", 30, 90),
        (ActivityType.Kind.PARTY_DAY, "主题党日志愿服务", 25, 60),
        (ActivityType.Kind.SPORTS, "全民健身广场舞", 40, 150),
    ]
    types = {kind: _type(kind) for kind, *_ in plan}
    rows = []
    for i, day in enumerate(
        _days(rng, SQUARE_ACTIVITIES, datetime.date(2016, 3, 1), datetime.date(2018, 11, 30))
    ):
        kind, title, low, high = plan[i % len(plan)]
        team = teams[i % len(teams)] if teams and i % 2 else None
        rows.append(
            _activity(
                f"{title}（第{i + 1}场）", types[kind], jinye, _moment(day, 9), 2, rng.randint(low, high),
                venue=square, volunteer_team=team, party_organization=None if team else org,
            )
        )  # fmt: skip
    Activity.objects.bulk_create(rows)
    return len(rows)


def _load_wuxin(rng) -> int:
    tanggong = _community(TANGGONG_EAST, LAOCHENG)
    if tanggong is None:
        return 0
    main, _ = Programme.objects.get_or_create(
        name=WUXIN,
        community=tanggong,
        defaults={
            "subdistrict": tanggong.subdistrict,
            "description": "唐宫东路社区党总支以为民服务为支点、以提升群众满意度为目标的“五心工程”。",
            "launched_on": datetime.date(2017, 1, 1),
            # A led project (书记领办): 定责任、定目标、定任务、定措施.
            "led_by": "唐宫东路社区党总支书记",
            "targets": "全年开展五心活动不少于80场，服务群众1600人次，群众满意度95%以上。",
            "tasks": "暖心、爱心、匠心、同心、舒心五个子工程每月各开展活动不少于一次。",
            "measures": "书记牵头、支委分工包干；每季度通报进度，年底考核评分。",
        },
    )
    parts = []
    for name in WUXIN_PARTS:
        part, _ = Programme.objects.get_or_create(
            name=name, community=tanggong, defaults={"subdistrict": tanggong.subdistrict, "parent": main}
        )
        parts.append(part)
    ProgrammeYear.objects.get_or_create(
        programme=main,
        year=2018,
        defaults={
            "plan": "年初定项目：五个子工程每月各开展活动不少于一次。",
            "target_activities": 80,
            "target_participants": 1600,
            "q1_progress": "完成五个子工程年度计划，开展活动18场。",
            "q2_progress": "开展活动22场，暖心、爱心工程进度超前。",
            "q3_progress": "开展活动21场，匠心工程补齐进度。",
            "q4_progress": "开展活动24场，完成年度目标。",
            "mid_year_note": "年中抓管理：暖心、爱心工程进度超前，匠心工程需加强。",
            "score": 95,
            "assessment": "年底严考核：超额完成全年目标，群众满意度高。",
        },
    )
    if Activity.objects.filter(programme__in=[main, *parts]).exists():
        return 0
    org = _community_orgs([tanggong]).get(tanggong.pk)
    kinds = [
        ActivityType.Kind.VOLUNTEER_SERVICE,
        ActivityType.Kind.CONSULTATION,
        ActivityType.Kind.CULTURAL_SHOW,
        ActivityType.Kind.PARTY_DAY,
        ActivityType.Kind.TRAINING,
    ]
    types = [_type(kind) for kind in kinds]
    participants = _split(WUXIN_PARTICIPANTS, WUXIN_ACTIVITIES, rng, 10, 30)
    days = _days(rng, WUXIN_ACTIVITIES, datetime.date(2017, 1, 1), datetime.date(2018, 11, 30))
    rows = [
        _activity(
            f"{parts[i % 5].name}活动", types[i % 5], tanggong, _moment(day, 15), 2, participants[i],
            programme=parts[i % 5], party_organization=org,
        )
        for i, day in enumerate(days)
    ]  # fmt: skip
    Activity.objects.bulk_create(rows)
    return len(rows)


# --- 涧西区 ------------------------------------------------------------------------------------------


def _load_jianxi(rng) -> int:
    district = District.objects.filter(name=JIANXI).first()
    if district is None:
        return 0
    communities = list(
        Community.objects.filter(subdistrict__district=district).order_by("subdistrict__name", "name")
    )
    if not communities:
        return 0
    by_name = {c.name: c for c in communities}
    brands = {}
    for brand, community_name in JIANXI_BRANDS.items():
        community = by_name.get(community_name)
        if community is None:
            continue
        programme, _ = Programme.objects.get_or_create(
            name=brand,
            community=community,
            defaults={
                "subdistrict_id": community.subdistrict_id,
                "description": "“一社区一品牌”党建特色品牌。",
            },
        )
        ProgrammeYear.objects.get_or_create(
            programme=programme,
            year=2018,
            defaults={
                "plan": "年初定项目", "target_activities": 20, "target_participants": 400,
                "mid_year_note": "年中抓管理", "score": rng.randint(85, 98), "assessment": "年底严考核：完成年度目标。",
            },
        )  # fmt: skip
        brands[community.pk] = programme
    created = 0
    orgs = _community_orgs(communities)
    service = _type(ActivityType.Kind.VOLUNTEER_SERVICE)
    first, last = datetime.date(2018, 1, 1), datetime.date(2018, 11, 30)
    in_district = Activity.objects.filter(community__subdistrict__district=district)
    if not in_district.filter(type__kind=ActivityType.Kind.VOLUNTEER_SERVICE).exists():
        teams = {}
        for team in VolunteerTeam.objects.filter(community__in=communities).order_by("pk"):
            teams.setdefault(team.community_id, []).append(team)
        rows = []
        for i, day in enumerate(_days(rng, JIANXI_SERVICES, first, last)):
            community = communities[i % len(communities)]
            own_teams = teams.get(community.pk)
            team = own_teams[i % len(own_teams)] if own_teams else None
            rows.append(
                _activity(
                    "党员志愿服务活动", service, community, _moment(day, 9), 2, rng.randint(8, 40),
                    volunteer_team=team, party_organization=None if team else orgs.get(community.pk),
                    programme=brands.get(community.pk),
                )
            )  # fmt: skip
        Activity.objects.bulk_create(rows, batch_size=500)
        created += len(rows)
    if not in_district.filter(type__kind=ActivityType.Kind.LECTURE).exists():
        halls = {}
        for hall in Venue.objects.filter(community__in=communities, kind=Venue.Kind.LECTURE_HALL).order_by(
            "pk"
        ):
            halls.setdefault(hall.community_id, []).append(hall)
        lecturers = _lecturers(rng, communities, JIANXI_LECTURERS, district)
        created += _lectures(
            rng, communities, orgs, halls, lecturers, JIANXI_SESSIONS, JIANXI_LECTURE_PARTICIPANTS, first, last,
            "新时代“三新”讲习所讲习活动", (10, 40),
        )  # fmt: skip
    return created


CATEGORIES = [
    (Lecturer.Category.PARTY_CADRE, 4),
    (Lecturer.Category.MODEL_WORKER, 2),
    (Lecturer.Category.GRASSROOTS_TALENT, 3),
    (Lecturer.Category.TEACHER, 1),
]


def _lecturers(rng, communities, count, district, category_plan=CATEGORIES) -> list[Lecturer]:
    """The unit's lecturer pool: ``count`` lecturers (new people, invented names) over its communities."""
    existing = list(
        Lecturer.objects.filter(community__subdistrict__district=district)
        .select_related("community")
        .order_by("pk")
    )
    if len(existing) >= count:
        return existing[:count]
    weights = [c for c, w in category_plan for _ in range(w)]
    people = [
        Person(
            name=_name(rng),
            community=communities[i % len(communities)],
            gender=rng.choice("FM"),
            is_party_member=True,
        )
        for i in range(count - len(existing))
    ]
    Person.objects.bulk_create(people, batch_size=500)
    new = [
        Lecturer(person=p, community=p.community, category=weights[i % len(weights)], topics="党的十九大精神")
        for i, p in enumerate(people)
    ]
    Lecturer.objects.bulk_create(new, batch_size=500)
    return existing + new


def _lectures(
    rng, communities, orgs, halls, lecturers, sessions, participants, first, last, title, spread
) -> int:
    """``sessions`` lectures with ``participants`` in all; every lecturer of the pool gives at least one."""
    lecture = _type(ActivityType.Kind.LECTURE)
    counts = _split(participants, sessions, rng, *spread)
    rows = []
    for i, day in enumerate(_days(rng, sessions, first, last)):
        community = (
            lecturers[i % len(lecturers)].community
            if i < len(lecturers)
            else communities[i % len(communities)]
        )
        own_halls = halls.get(community.pk) or [None]
        rows.append(
            _activity(
                title, lecture, community, _moment(day, 19, 30), 1.5, counts[i],
                venue=own_halls[i % len(own_halls)], party_organization=orgs.get(community.pk),
            )
        )  # fmt: skip
    Activity.objects.bulk_create(rows, batch_size=500)
    through = Activity.lecturers.through
    links = [
        through(activity_id=rows[i % sessions].pk, lecturer_id=lec.pk) for i, lec in enumerate(lecturers)
    ]
    through.objects.bulk_create(links, batch_size=500)
    hall_links = {
        (lec.pk, rows[i % sessions].venue_id)
        for i, lec in enumerate(lecturers)
        if rows[i % sessions].venue_id
    }
    Lecturer.halls.through.objects.bulk_create(
        [Lecturer.halls.through(lecturer_id=lec, venue_id=venue) for lec, venue in hall_links],
        batch_size=500,
        ignore_conflicts=True,
    )
    return len(rows)


def _load_wuhanlu(rng) -> int:
    wuhanlu = _community(WUHANLU, JIANXI)
    if wuhanlu is None:
        return 0
    programme, _ = Programme.objects.get_or_create(
        name=SANSHE,
        community=wuhanlu,
        defaults={
            "subdistrict_id": wuhanlu.subdistrict_id,
            "description": "社区、社会组织、社会工作者“三社联动”：引进社会组织6家、专业社会工作者3名。",
        },
    )
    if Activity.objects.filter(programme=programme).exists():
        return 0
    partners = list(
        PartnerOrganization.objects.filter(partnerships__community=wuhanlu).order_by("pk").distinct()
    )
    org = _community_orgs([wuhanlu]).get(wuhanlu.pk)
    plan = [
        (ActivityType.Kind.READING, "“阅读书，阅快乐，阅友之家等你来”读书活动", 15, 40),
        (ActivityType.Kind.TRAINING, "“美丽妈妈，幸福家庭”化妆技巧讲座", 20, 50),
    ]
    types = {kind: _type(kind) for kind, *_ in plan}
    rows = []
    for i, day in enumerate(
        _days(rng, WUHANLU_ACTIVITIES, datetime.date(2018, 1, 6), datetime.date(2018, 11, 30))
    ):
        kind, title, low, high = plan[i % 2]
        partner = partners[i % len(partners)] if partners else None
        rows.append(
            _activity(
                title, types[kind], wuhanlu, _moment(day, 14, 30), 2, rng.randint(low, high), programme=programme,
                partner=partner, party_organization=None if partner else org,
            )
        )  # fmt: skip
    Activity.objects.bulk_create(rows)
    return len(rows)


# --- 宜阳县 ------------------------------------------------------------------------------------------


def _load_yiyang(rng) -> int:
    district = District.objects.filter(name=YIYANG).first()
    if district is None:
        return 0
    if Activity.objects.filter(
        community__subdistrict__district=district, type__kind=ActivityType.Kind.LECTURE
    ).exists():
        return 0
    villages = list(
        Community.objects.filter(subdistrict__district=district).order_by("subdistrict__name", "name")
    )
    if not villages:
        return 0
    centres = {}
    for venue in Venue.objects.filter(community__in=villages).order_by("pk"):
        centres.setdefault(venue.community_id, []).append(venue)
    orgs = _community_orgs(villages)
    plan = [
        (Lecturer.Category.PARTY_CADRE, 3),
        (Lecturer.Category.FIRST_SECRETARY, 1),
        (Lecturer.Category.GRASSROOTS_TALENT, 2),
    ]
    lecturers = _lecturers(rng, villages, YIYANG_LECTURERS, district, plan)
    return _lectures(
        rng, villages, orgs, centres, lecturers, YIYANG_SESSIONS, YIYANG_PARTICIPANTS,
        datetime.date(2017, 11, 1), datetime.date(2018, 11, 30), "新时代“三新”讲习所集中讲习", (20, 60),
    )  # fmt: skip
