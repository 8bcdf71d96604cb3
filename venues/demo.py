"""The articles' venues for ``manage.py load_demo`` (after communities.demo has built the units).

* 环西社区 家风家训馆: 2nd floor, 40 m², opened January 2018, three sections (古今名人家风家训摘录, 新二十四孝图,
  身边好家风), its docents, and in the visit register 20 large receptions with 500 visitors in 2018.
* 金业路社区 学雷锋志愿服务社区文化广场 (built by the subdistrict), a cultural square.
* 西关's 7 Party-building reading rooms (党建书屋): one per community, and a second one at 金业路's square.
* 涧西区: 16 open organisational-life bases (一拖农耕博物馆, 中信焦裕禄事迹展览馆, 洛耐展馆 and 13 more, of the
  four kinds the article names: basic, red, public-welfare, science) with their menus (菜单); 25 volunteer
  lecturers who guide there (Docent rows); 210 visiting batches with 4,400 Party members in the register;
  and 165 新时代"三新"讲习所 (lecture halls) spread over its 71 communities.
* 宜阳县: 16 township cultural stations, 353 village cultural service centres, 8 cultural squares
  (锦屏生态文化广场, 李贺文化广场, 召伯文化广场 and five more). Venues belong to a community in this app, so a
  township's station and the county's squares are registered at a village of the township (the first by
  name; 锦屏镇's for the squares) — a simplification noted here once.

Idempotent: venues have a unique slug, and a venue's sections, menu, hours, docents and register rows are
created only together with the venue, so running it again creates nothing. Everything is bulk_created.
"""

from __future__ import annotations

import datetime
import random
from datetime import time

from communities import demo as units
from communities.models import Community, Person

from .models import Docent, Offering, OpeningHours, Venue, VenueSection, VisitRecord

SEED = 2018
HUANXI_HALL = "huanxi-family-values-hall"
HUANXI_SECTIONS = ("古今名人家风家训摘录", "新二十四孝图", "身边好家风")
HUANXI_RECEPTIONS = 20
HUANXI_VISITORS = 500
JINYE_SQUARE = "jinyelu-volunteer-square"
JIANXI_BASES = (
    # name, kind of base (the article's four), community
    ("一拖农耕博物馆", "科技型", "建设路社区"),
    ("中信焦裕禄事迹展览馆", "红色型", "矿山社区"),
    ("洛耐展馆", "科技型", "洛耐社区"),
    ("涧西工业遗产街党建馆", "红色型", "长春路社区"),
    ("洛阳轴承党建陈列室", "科技型", "天津路社区"),
    ("涧西区党群服务中心", "基础型", "湖北路社区"),
    ("周山森林公园红色驿站", "红色型", "周山路社区"),
    ("上海市场社区邻里中心", "公益型", "上海市场社区"),
    ("武汉路社区三社联动服务站", "公益型", "武汉路社区"),
    ("铜加工厂史馆", "科技型", "铜加工社区"),
    ("长安路社区廉政文化园", "红色型", "长安路社区"),
    ("重庆路社区志愿服务基地", "公益型", "重庆路社区"),
    ("南昌路社区党员活动室", "基础型", "南昌路社区"),
    ("徐家营社区乡愁馆", "基础型", "徐家营社区"),
    ("工农社区农民夜校", "基础型", "河南庄社区"),
    ("郑州路社区科普馆", "科技型", "郑州路社区"),
)
JIANXI_MENU = {
    "红色型": (("红色历史讲解", 60, 40), ("重温入党誓词", 30, 60), ("主题党课", 90, 60)),
    "科技型": (("工业发展史讲解", 60, 40), ("生产一线参观", 90, 25), ("劳模面对面", 60, 40)),
    "公益型": (("志愿服务体验", 120, 30), ("社会组织交流", 60, 30)),
    "基础型": (("组织生活会", 90, 40), ("主题党日活动", 120, 50), ("党建工作观摩", 60, 30)),
}
JIANXI_LECTURERS = 25
JIANXI_BATCHES = 210
JIANXI_PARTY_MEMBERS = 4400
JIANXI_LECTURE_HALLS = 165
YIYANG_SQUARES = (
    "锦屏生态文化广场", "李贺文化广场", "召伯文化广场", "灵山文化广场",
    "韩城古镇文化广场", "三乡汉唐文化广场", "福昌阁文化广场", "莲花文化广场",
)  # fmt: skip


def load(stdout) -> None:
    rng = random.Random(SEED)
    created = _load_xiguan(rng) + _load_jianxi(rng) + _load_yiyang()
    stdout.write(f"  venues: {created} created, {Venue.objects.count()} in all")


def _new_venues(rows: list[Venue]) -> list[Venue]:
    """Create the venues whose slug does not exist yet; returns the ones created."""
    existing = set(Venue.objects.filter(slug__in=[v.slug for v in rows]).values_list("slug", flat=True))
    return Venue.objects.bulk_create([v for v in rows if v.slug not in existing], batch_size=500)


def _hours(venues, weekdays=range(0, 5), spans=((time(9), time(11, 30)), (time(14, 30), time(17)))):
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(venue=v, weekday=day, opens=opens, closes=closes)
            for v in venues
            for day in weekdays
            for opens, closes in spans
        ],
        batch_size=1000,
    )


def _split(total: int, parts: int, rng, low: int, high: int) -> list[int]:
    """``parts`` whole numbers between ``low`` and ``high`` that add up to ``total`` exactly."""
    values = [rng.randint(low, high) for _ in range(parts)]
    while (diff := total - sum(values)) != 0:
        i = rng.randrange(parts)
        step = 1 if diff > 0 else -1
        if low <= values[i] + step <= high:
            values[i] += step
    return values


def _dates(rng, count: int, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    span = (last - first).days
    return sorted(first + datetime.timedelta(days=rng.randint(0, span)) for _ in range(count))


def _people(community: Community, names: list[str], rng, *, party_members=True) -> list[Person]:
    return Person.objects.bulk_create(
        [
            Person(
                name=name,
                community=community,
                phone=f"139{rng.randrange(10**8):08d}",
                is_party_member=party_members,
            )
            for name in names
        ]
    )


GIVEN = "伟强磊军勇杰涛斌明辉刚峰华平亮鹏芳娜敏静丽艳娟霞秀玲燕萍梅琳颖洁慧雪英兰凤琴云"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈"


def _names(rng, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in names:
            names.append(name)
    return names


def _load_xiguan(rng) -> int:
    communities = {c.name: c for c in units.xiguan_communities()}
    huanxi = communities[units.HUANXI]
    jinye = communities[units.JINYELU]
    hall = Venue(
        slug=HUANXI_HALL,
        kind=Venue.Kind.FAMILY_VALUES_HALL,
        community=huanxi,
        name="家风家训馆",
        address="洛阳市老城区西关 环西社区党群服务中心",
        floor="2F",
        area_m2=40,
        capacity=30,
        opened_on=datetime.date(2018, 1, 1),
        description="环西社区家风家训馆于2018年1月建成开放，分为古今名人家风家训摘录、新二十四孝图、身边好家风三个部分，"
        "已与辖区学校、企业签订合作意向书，成为社区开展家风教育的阵地。",
        what_to_bring="团体请提前确认到馆人数；请有序参观，馆内请勿大声喧哗。",
        public_bookable=True,
        needs_approval=True,
        slot_minutes=60,
        booking_window_days=28,
        min_notice_hours=24,
    )
    square = Venue(
        slug=JINYE_SQUARE,
        kind=Venue.Kind.CULTURAL_SQUARE,
        community=jinye,
        name="学雷锋志愿服务社区文化广场",
        address="洛阳市老城区西关 金业路社区",
        capacity=200,
        description="由西关办事处党工委筹资30余万元建成，引领西关各社区志愿者活动的党建阵地。",
        public_bookable=True,
        needs_approval=True,
        slot_minutes=120,
    )
    rooms = [
        Venue(
            slug=f"xiguan-reading-room-{i + 1}",
            kind=Venue.Kind.READING_ROOM,
            community=community,
            name=f"{community.name}党建书屋" if i < len(communities) else "学雷锋广场党建书屋",
            address=f"洛阳市老城区西关 {community.name}",
            capacity=15,
            public_bookable=True,
            needs_approval=False,
            slot_minutes=60,
            min_notice_hours=2,
        )
        for i, community in enumerate([*communities.values(), jinye])
    ]
    created = _new_venues([hall, square, *rooms])
    by_slug = {v.slug: v for v in created}
    _hours(created)
    if HUANXI_HALL in by_slug:
        hall = by_slug[HUANXI_HALL]
        VenueSection.objects.bulk_create(
            VenueSection(venue=hall, title=title, position=i) for i, title in enumerate(HUANXI_SECTIONS, 1)
        )
        Offering.objects.bulk_create(
            [
                Offering(
                    venue=hall, name="家风家训讲解参观", duration_minutes=45, max_group_size=30, position=1
                ),
                Offering(
                    venue=hall, name="好家风主题党课", duration_minutes=60, max_group_size=30, position=2
                ),
            ]
        )
        people = _people(huanxi, _names(rng, 3), rng)
        docents = Docent.objects.bulk_create(
            Docent(community=huanxi, person=p, is_volunteer=True, topics="家风家训") for p in people
        )
        Docent.venues.through.objects.bulk_create(
            Docent.venues.through(docent=d, venue=hall) for d in docents
        )
        guests = (
            "洛阳市第二十二中学",
            "西关小学",
            "老城区实验小学",
            "金业路幼儿园",
            "洛阳银行西关支行党支部",
        )
        sizes = _split(HUANXI_VISITORS, HUANXI_RECEPTIONS, rng, 15, 40)
        dates = _dates(rng, HUANXI_RECEPTIONS, datetime.date(2018, 1, 15), datetime.date(2018, 12, 20))
        VisitRecord.objects.bulk_create(
            VisitRecord(
                venue=hall,
                community=huanxi,
                visited_on=day,
                visitors=size,
                organisation=guests[i % len(guests)],
                docent=docents[i % len(docents)],
            )
            for i, (day, size) in enumerate(zip(dates, sizes, strict=True))
        )
    if JINYE_SQUARE in by_slug:
        Offering.objects.bulk_create(
            [
                Offering(
                    venue=by_slug[JINYE_SQUARE], name="学雷锋志愿服务活动", duration_minutes=120, position=1
                ),
                Offering(venue=by_slug[JINYE_SQUARE], name="广场文艺演出", duration_minutes=120, position=2),
            ]
        )
    return len(created)


def _load_jianxi(rng) -> int:
    communities = {c.name: c for c in units.jianxi_communities().order_by("subdistrict__name", "name")}
    bases = [
        Venue(
            slug=f"jianxi-base-{i + 1:02d}",
            kind=Venue.Kind.ORGANISATIONAL_LIFE_BASE,
            community=communities[community],
            name=name,
            address=f"洛阳市涧西区 {community}",
            capacity=60,
            description=f"涧西区开放式组织生活基地（{kind}），跨单位、跨行业、跨组织开展党组织活动，线上线下预约。",
            what_to_bring="请党组织负责人带队，统一佩戴党徽；开展重温入党誓词的请提前告知人数。",
            public_bookable=True,
            needs_approval=True,
            slot_minutes=90,
            booking_window_days=42,
            min_notice_hours=48,
        )
        for i, (name, kind, community) in enumerate(JIANXI_BASES)
    ]
    halls = []
    ordered = list(communities.values())
    for i in range(JIANXI_LECTURE_HALLS):
        community = ordered[i % len(ordered)]
        round_ = i // len(ordered)
        suffix = ("", "第二", "第三")[round_]
        halls.append(
            Venue(
                slug=f"jianxi-lecture-hall-{i + 1:03d}",
                kind=Venue.Kind.LECTURE_HALL,
                community=community,
                name=f"{community.name}新时代“三新”{suffix}讲习所",
                address=f"洛阳市涧西区 {community.name}",
                capacity=40,
                public_bookable=False,
            )
        )
    created = _new_venues([*bases, *halls])
    new_bases = [v for v in created if v.kind == Venue.Kind.ORGANISATIONAL_LIFE_BASE]
    if not new_bases:
        return len(created)
    _hours(new_bases, spans=((time(8, 30), time(11, 30)), (time(14, 30), time(17, 30))))
    kind_of = {name: kind for name, kind, _ in JIANXI_BASES}
    Offering.objects.bulk_create(
        Offering(venue=base, name=what, duration_minutes=minutes, max_group_size=size, position=pos)
        for base in new_bases
        for pos, (what, minutes, size) in enumerate(JIANXI_MENU[kind_of[base.name]], 1)
    )
    # 25 volunteer lecturers: each registered in a base's community, guiding at one or two bases.
    names = _names(rng, JIANXI_LECTURERS)
    people = []
    for i, name in enumerate(names):
        base = new_bases[i % len(new_bases)]
        people.append(
            Person(
                name=name,
                community=base.community,
                phone=f"138{rng.randrange(10**8):08d}",
                is_party_member=True,
            )
        )
    people = Person.objects.bulk_create(people)
    docents = Docent.objects.bulk_create(
        Docent(community=p.community, person=p, is_volunteer=True, topics="开放式组织生活基地志愿讲师")
        for p in people
    )
    through = Docent.venues.through
    links = []
    for i, docent in enumerate(docents):
        links.append(through(docent=docent, venue=new_bases[i % len(new_bases)]))
        if i >= len(new_bases):  # the last nine also guide at a second base
            links.append(through(docent=docent, venue=new_bases[(i + 5) % len(new_bases)]))
    through.objects.bulk_create(links)
    docents_of = {}
    for link in links:
        docents_of.setdefault(link.venue_id, []).append(link.docent)
    # 210 visiting batches (先后有210余批) with 4,400 Party members (4400余名党员), 2017–2018.
    sizes = _split(JIANXI_PARTY_MEMBERS, JIANXI_BATCHES, rng, 12, 35)
    dates = _dates(rng, JIANXI_BATCHES, datetime.date(2017, 3, 1), datetime.date(2018, 10, 31))
    branches = ("中国一拖集团党委", "中信重工机关党支部", "洛阳轴承党支部", "涧西区教育局党支部", "洛阳理工学院党委",
                "湖北路办事处机关党支部", "洛阳银行涧西支行党支部", "中石化洛阳分公司党支部")  # fmt: skip
    records = []
    for i, (day, size) in enumerate(zip(dates, sizes, strict=True)):
        base = new_bases[rng.randrange(len(new_bases))]
        records.append(
            VisitRecord(
                venue=base,
                community=base.community,
                visited_on=day,
                visitors=size,
                organisation=branches[i % len(branches)],
                docent=rng.choice(docents_of[base.pk]),
            )
        )
    VisitRecord.objects.bulk_create(records, batch_size=500)
    return len(created)


def _load_yiyang() -> int:
    villages = list(
        units.yiyang_villages().select_related("subdistrict").order_by("subdistrict__name", "name")
    )
    seat_of: dict[int, Community] = {}
    for village in villages:
        seat_of.setdefault(village.subdistrict_id, village)
    townships = sorted({v.subdistrict for v in villages}, key=lambda t: t.name)
    jinping = next((seat_of[t.pk] for t in townships if t.name == "锦屏镇"), villages[0])
    stations = [
        Venue(
            slug=f"yiyang-station-{i + 1:02d}",
            kind=Venue.Kind.TOWNSHIP_CULTURAL_STATION,
            community=seat_of[township.pk],
            name=f"{township.name}综合文化站",
            address=f"洛阳市宜阳县 {township.name}",
            capacity=50,
            public_bookable=False,
        )
        for i, township in enumerate(townships)
    ]
    centres = [
        Venue(
            slug=f"yiyang-village-centre-{i + 1:03d}",
            kind=Venue.Kind.VILLAGE_CULTURAL_CENTRE,
            community=village,
            name=f"{village.name}综合文化服务中心",
            address=f"洛阳市宜阳县 {village.subdistrict.name} {village.name}",
            capacity=40,
            description="按“七个一”标准建设，配齐锣鼓乐器、广播器材、体育健身器材。",
            public_bookable=False,
        )
        for i, village in enumerate(villages)
    ]
    squares = [
        Venue(
            slug=f"yiyang-square-{i + 1}",
            kind=Venue.Kind.CULTURAL_SQUARE,
            community=jinping,
            name=name,
            address="洛阳市宜阳县",
            capacity=300,
            public_bookable=True,
            needs_approval=True,
            slot_minutes=120,
        )
        for i, name in enumerate(YIYANG_SQUARES)
    ]
    # "依托党群服务中心建设新时代“三新”讲习所353个": one lecture hall in each village's service centre.
    lecture_halls = [
        Venue(
            slug=f"yiyang-lecture-hall-{i + 1:03d}",
            kind=Venue.Kind.LECTURE_HALL,
            community=village,
            name=f"{village.name}新时代“三新”讲习所",
            address=f"洛阳市宜阳县 {village.subdistrict.name} {village.name}党群服务中心",
            capacity=40,
            public_bookable=False,
        )
        for i, village in enumerate(villages)
    ]
    created = _new_venues([*stations, *centres, *squares, *lecture_halls])
    _hours([v for v in created if v.kind == Venue.Kind.CULTURAL_SQUARE], weekdays=range(7),
           spans=((time(8), time(12)), (time(15), time(21))))  # fmt: skip
    return len(created)
