"""The article units for ``manage.py load_demo``: units, Party organisations, committee members, partners.

The two articles in ``../shared/seeds/`` describe three units; this module builds them so that every figure
of DESIGN.md's table that concerns this app is the articles' own:

* 洛阳市 老城区 > 西关办事处 (2.69 km², 38,000 residents): 6 communities, 16 grids, 88 courtyards; the
  Party work committee 西关办事处党工委, its office branch (机关支部), one Party organisation per community
  (金业路社区党总支, 唐宫东路社区党总支 and 龙城嘉园社区党支部 as the article names them) and one grid branch
  per grid (the article's 网格支部); the honours the article lists; the schools and enterprises that signed
  letters of intent (合作意向书) with the family-values hall of 环西社区.
  The sixth community is not named by the article. 西北隅 is a neighbouring subdistrict of 老城区, so it
  cannot be one of Xiguan's communities; we chose 定鼎路社区, after the road the article gives as Xiguan's
  western edge (an invented but plausible name).
* 涧西区: 11 subdistricts (办事处), 71 communities (54 urban, 17 village-converted). Each community has one
  Party organisation under its subdistrict's work committee: 54 Party committees, 10 general branches and 7
  branches (武汉路社区党委 is a Party committee, as the article calls it). Under them 292 area (片区) Party
  branches, each serving a grid (片区) of its community, and 399 building Party groups, each serving a
  building (Courtyard) of that grid.
  Partners, counted as distinct PartnerOrganization rows of the district:
    - 338 co-building Party organisations = partners with ``has_party_organization=True`` (enterprises,
      institutions and schools), each with at least one Partnership (agreement 社区服务合作协议 or
      co-building agreement); a few large ones partner several communities (always of the partner's own
      subdistrict, so one subdistrict's staff hold both ends), so count organisations, not partnerships.
    - 48 social organisations in service centres = partners of kind social organisation or social-work
      agency with a Partnership ``in_service_centre=True`` (家网99, 阳光社工, 大爱养老 among them). They have
      no Party organisation of their own (``has_party_organization=False``), so they are not among the 338.
    - 武汉路社区's 三社联动: 6 social organisations (长乐社工, 欣和社工 and four more) whose partnerships with
      武汉路社区 place 3 social workers in all (``Partnership.social_workers``). The six ARE part of the 48:
      the district figure counts every social organisation stationed in a service centre, Wuhan Road's
      included.
  The 2018 election of the two committees (社区"两委", completed by 31 May 2018):
    - The article's role counts (71 secretaries, 79 deputy secretaries, 194 Party committee members,
      71 directors, 89 deputy directors, 190 residents' committee members) add up to 694, while it says 584
      people were elected: 110 people hold two roles (交叉任职). So there are 694 CommitteeMember rows (one per
      role held) for 584 distinct people: 45 secretaries are also the director (书记、主任"一肩挑"),
      25 deputy secretaries are also a deputy director, and 40 Party committee members also sit on the
      residents' committee. "Members" is therefore the count of distinct people (584), and the role
      breakdown counts rows.
    - Ages are ages in whole years on the election date (``elected_on``, in May 2018); the 584 people's ages
      average exactly 43, and so do the 694 rows' (the 110 people with two roles also average 43). Every
      birthday falls between 1 January and 28 April, before any election date, so the age is also the
      difference of the years, and floor(days / 365.25) gives the same whole years.
    - 355 of the 584 have junior college or above (``Person.education``). 355 / 584 is 60.8 %; the
      article's 60.6 % cannot be reproduced with these two numbers (it is the article's own rounding), so
      reports should compute the share from the counts.
* 宜阳县 (a county): 16 townships and 353 administrative villages (Community.kind village), with a Party
  committee per township and a Party branch per village. The township names are those of the county in the
  mid-2010s: 张坞镇 (not 张午), 董王庄乡 instead of 城关镇 (the county seat's 城关 became 锦屏镇 and 香鹿山镇 in
  our reading); the list is plausible, not authoritative. 上观乡 has its real 8 villages.

People's names and phones are invented (random.Random with a fixed seed); units and organisations named
by the articles are theirs. ``load(stdout)`` is idempotent: every row has a natural key (a name within its
parent; committee members per community and term) and only missing rows are created, with bulk_create.

Other apps' loaders look units up with the helpers at the end: ``xiguan()``, ``jianxi()``, ``yiyang()``,
``community(name)``, ``subdistrict(name)``, ``party_org(name)``, ``community_party_org(community)`` …
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from .models import (
    City,
    CommitteeMember,
    Community,
    Courtyard,
    District,
    Grid,
    Honour,
    PartnerOrganization,
    Partnership,
    PartyOrganization,
    Person,
    Subdistrict,
)

SEED = 20180531
CITY = "洛阳市"

# --- 老城区 西关办事处 -------------------------------------------------------------------------------
LAOCHENG = "老城区"
XIGUAN = "西关办事处"
HUANXI = "环西社区"
JINYELU = "金业路社区"
TANGGONG_EAST = "唐宫东路社区"
HUANCHENG_WEST = "环城西路社区"
LONGCHENG_JIAYUAN = "龙城嘉园社区"
DINGDINGLU = "定鼎路社区"  # the sixth community: not named by the article (see the module docstring)
XIGUAN_COMMUNITIES = (HUANXI, JINYELU, TANGGONG_EAST, HUANCHENG_WEST, LONGCHENG_JIAYUAN, DINGDINGLU)
XIGUAN_WORK_COMMITTEE = "西关办事处党工委"
XIGUAN_OFFICE_BRANCH = "西关办事处机关党支部"
XIGUAN_AREA_KM2 = Decimal("2.69")
XIGUAN_POPULATION = 38000

# community -> (kind of its Party organisation, grids, service centre m²)
_XIGUAN_PLAN = {
    HUANXI: (PartyOrganization.Kind.GENERAL_BRANCH, 3, None),
    JINYELU: (PartyOrganization.Kind.GENERAL_BRANCH, 3, None),
    TANGGONG_EAST: (PartyOrganization.Kind.GENERAL_BRANCH, 3, 1000),
    HUANCHENG_WEST: (PartyOrganization.Kind.GENERAL_BRANCH, 3, 1000),
    LONGCHENG_JIAYUAN: (PartyOrganization.Kind.BRANCH, 2, None),
    DINGDINGLU: (PartyOrganization.Kind.BRANCH, 2, None),
}
XIGUAN_GRIDS = 16
XIGUAN_COURTYARDS = 88
_XIGUAN_STREETS = ("唐宫东路", "金业路", "环城西路", "定鼎北路", "豫通街", "西关大街", "中州东路", "九都东路")

# --- 涧西区 -----------------------------------------------------------------------------------------
JIANXI = "涧西区"
HUBEILU = "湖北路办事处"
SHANGHAI_SHICHANG = "上海市场社区"
WUHANLU_SUBDISTRICT = "武汉路办事处"
WUHANLU = "武汉路社区"
# subdistrict -> (urban communities, village-converted communities)
JIANXI_PLAN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    HUBEILU: (("上海市场社区", "广州市场社区", "湖北路社区", "青岛路社区", "景华路社区"), ()),
    "天津路办事处": (("天津路社区", "辽宁路社区", "太原路社区", "丽春路社区", "延安路社区"), ()),
    "长春路办事处": (
        ("长春路社区", "黎明社区", "建设路社区", "中州西路社区", "联盟路社区", "西苑路社区"),
        (),
    ),
    "南昌路办事处": (("南昌路社区", "九江路社区", "景德路社区", "衡山路社区", "嵩山路社区"), ()),
    "长安路办事处": (("长安路社区", "西安路社区", "华山路社区", "银川路社区", "兰州路社区"), ()),
    "重庆路办事处": (("重庆路社区", "成都路社区", "昆明路社区", "贵阳路社区", "南宁路社区"), ()),
    "郑州路办事处": (("郑州路社区", "开封路社区", "洛耐社区", "矿山社区", "铜加工社区"), ()),
    WUHANLU_SUBDISTRICT: (("武汉路社区", "长沙路社区", "南京路社区", "杭州路社区", "合肥路社区"), ()),
    "周山路办事处": (
        ("周山路社区", "龙鳞路社区", "泰山路社区", "珠江路社区", "黄河路社区"),
        ("西马沟社区", "东马沟社区", "七里河社区", "后五龙沟社区"),
    ),
    "徐家营办事处": (
        ("长江路社区", "湘江路社区", "汉江路社区", "淮河路社区"),
        ("徐家营社区", "谷水社区", "兴隆寨社区", "小所社区", "上庄社区", "中沟社区"),
    ),
    "工农办事处": (
        ("凯旋西路社区", "瀛洲路社区", "青海路社区", "辽河路社区"),
        ("河南庄社区", "东涧沟社区", "西涧沟社区", "南村社区", "苗沟社区", "三山社区", "孙旗屯社区"),
    ),
}
JIANXI_SUBDISTRICTS = tuple(JIANXI_PLAN)
JIANXI_COMMUNITY_PARTY_KINDS = {
    PartyOrganization.Kind.PARTY_COMMITTEE: 54,
    PartyOrganization.Kind.GENERAL_BRANCH: 10,
    PartyOrganization.Kind.BRANCH: 7,
}
JIANXI_AREA_BRANCHES = 292
JIANXI_BUILDING_GROUPS = 399
JIANXI_CO_BUILDING = 338
JIANXI_SOCIAL_ORGS = 48
WUHANLU_SOCIAL_ORGS = (
    "长乐社工",
    "欣和社工",
    "阅友之家读书会",
    "美丽妈妈公益服务中心",
    "彩虹桥志愿者协会",
    "益邻社工",
)
WUHANLU_SOCIAL_WORKERS = {"长乐社工": 2, "欣和社工": 1}  # 3 in all, as the article says
NAMED_SOCIAL_ORGS = ("家网99", "阳光社工", "大爱养老")

ELECTION_TERM = 2018
ELECTION_DEADLINE = datetime.date(2018, 5, 31)
COMMITTEE_ROLES = {
    CommitteeMember.Role.SECRETARY: 71,
    CommitteeMember.Role.DEPUTY_SECRETARY: 79,
    CommitteeMember.Role.PARTY_COMMITTEE_MEMBER: 194,
    CommitteeMember.Role.DIRECTOR: 71,
    CommitteeMember.Role.DEPUTY_DIRECTOR: 89,
    CommitteeMember.Role.RESIDENTS_COMMITTEE_MEMBER: 190,
}
COMMITTEE_PEOPLE = 584
COMMITTEE_AVERAGE_AGE = 43
COMMITTEE_COLLEGE = 355
# People holding two roles: (role, also role, how many). 45 + 25 + 40 = 110 = 694 rows - 584 people.
_DUAL_ROLES = (
    (CommitteeMember.Role.SECRETARY, CommitteeMember.Role.DIRECTOR, 45),
    (CommitteeMember.Role.DEPUTY_SECRETARY, CommitteeMember.Role.DEPUTY_DIRECTOR, 25),
    (CommitteeMember.Role.PARTY_COMMITTEE_MEMBER, CommitteeMember.Role.RESIDENTS_COMMITTEE_MEMBER, 40),
)

# --- 宜阳县 -----------------------------------------------------------------------------------------
YIYANG = "宜阳县"
YIYANG_TOWNSHIPS = (
    "锦屏镇", "香鹿山镇", "寻村镇", "柳泉镇", "韩城镇", "白杨镇", "三乡镇", "张坞镇",
    "莲庄镇", "赵保镇", "樊村镇", "盐镇乡", "高村乡", "董王庄乡", "花果山乡", "上观乡",
)  # fmt: skip
YIYANG_VILLAGES = 353


# ============================================================================================ loading


def load(stdout) -> None:
    rng = random.Random(SEED)
    people = _PeopleMaker(rng)
    _load_xiguan(stdout)
    _load_jianxi(stdout, rng, people)
    _load_yiyang(stdout, rng)


def _ensure(model, rows, keys, existing_qs):
    """Create the rows (unsaved instances) whose natural key is not in ``existing_qs``.

    Returns natural key -> saved row, for the rows asked for only (not everything in ``existing_qs``).
    """

    def key(obj):
        return tuple(getattr(obj, k) for k in keys)

    existing = {key(obj): obj for obj in existing_qs.all()}  # .all(): a fresh query, never a stale cache
    missing, seen = [], set(existing)
    for row in rows:
        if key(row) not in seen:
            seen.add(key(row))
            missing.append(row)
    for obj in model.objects.bulk_create(missing, batch_size=500):
        existing[key(obj)] = obj
    return {key(row): existing[key(row)] for row in rows}


def _district(name, kind):
    city, _ = City.objects.get_or_create(name=CITY)
    obj, _ = District.objects.update_or_create(name=name, defaults={"kind": kind, "city": city})
    return obj


def _orgs(rows, existing_qs):
    return _ensure(PartyOrganization, rows, ("parent_id", "name"), existing_qs)


def _load_xiguan(stdout) -> None:
    laocheng = _district(LAOCHENG, District.Kind.URBAN)
    sub, _ = Subdistrict.objects.update_or_create(
        district=laocheng,
        name=XIGUAN,
        defaults={"area_km2": XIGUAN_AREA_KM2, "population": XIGUAN_POPULATION},
    )
    communities = _ensure(
        Community,
        [
            Community(subdistrict=sub, name=name, kind=Community.Kind.URBAN, service_centre_area_m2=area)
            for name, (_kind, _grids, area) in _XIGUAN_PLAN.items()
        ],
        ("name",),
        sub.communities.all(),
    )
    grid_rows = []
    for name, (_kind, n_grids, _area) in _XIGUAN_PLAN.items():
        grid_rows += [
            Grid(community=communities[(name,)], name=f"第{_cn(i)}网格") for i in range(1, n_grids + 1)
        ]
    grids = _ensure(
        Grid, grid_rows, ("community_id", "name"), Grid.objects.filter(community__subdistrict=sub)
    )
    grid_list = [grids[(g.community_id, g.name)] for g in grid_rows]
    # 88 courtyards over 16 grids: the first 8 grids have 6, the others 5.
    courtyard_rows, number = [], 0
    for index, grid in enumerate(grid_list):
        for _ in range(6 if index < XIGUAN_COURTYARDS - 5 * XIGUAN_GRIDS else 5):
            number += 1
            street = _XIGUAN_STREETS[number % len(_XIGUAN_STREETS)]
            courtyard_rows.append(Courtyard(grid=grid, name=f"{street}{number * 2 + 1}号院"))
    _ensure(
        Courtyard,
        courtyard_rows,
        ("grid_id", "name"),
        Courtyard.objects.filter(grid__community__subdistrict=sub),
    )

    existing = PartyOrganization.objects.filter(subdistrict=sub)
    roots = _orgs(
        [
            PartyOrganization(
                name=XIGUAN_WORK_COMMITTEE, kind=PartyOrganization.Kind.WORK_COMMITTEE, subdistrict=sub
            )
        ],
        existing,
    )
    committee = roots[(None, XIGUAN_WORK_COMMITTEE)]
    suffix = {PartyOrganization.Kind.GENERAL_BRANCH: "党总支", PartyOrganization.Kind.BRANCH: "党支部"}
    level2 = [
        PartyOrganization(name=XIGUAN_OFFICE_BRANCH, kind=PartyOrganization.Kind.BRANCH, subdistrict=sub)
    ]
    level2 += [
        PartyOrganization(
            name=f"{name}{suffix[kind]}", kind=kind, subdistrict=sub, community=communities[(name,)]
        )
        for name, (kind, _g, _a) in _XIGUAN_PLAN.items()
    ]
    for org in level2:
        org.parent = committee
    orgs = _orgs(level2, existing)
    by_community = {org.community_id: org for org in orgs.values() if org.community_id}
    _orgs(
        [
            PartyOrganization(
                name=f"{grid.name}党支部",
                kind=PartyOrganization.Kind.AREA_BRANCH,
                parent=by_community[grid.community_id],
                subdistrict=sub,
                community_id=grid.community_id,
                grid=grid,
            )
            for grid in grid_list
        ],
        existing,
    )

    longcheng = communities[(LONGCHENG_JIAYUAN,)]
    honours = [
        Honour(title="全国民政工作全优乡镇街道", awarded_by="民政部", year=2017, subdistrict=sub),
        Honour(title="2017年度全国五四红旗团支部", awarded_by="共青团中央", year=2018, subdistrict=sub,
               community=longcheng),
        Honour(title="全省人民调解工作先进单位", awarded_by="河南省司法厅", year=2017, subdistrict=sub,
               community=longcheng),
        Honour(title="全市人民满意的公务员集体", awarded_by="洛阳市委、市政府", year=2017, subdistrict=sub),
        Honour(title="先进基层党组织", awarded_by="中共洛阳市委", year=2018, subdistrict=sub,
               party_organization=committee),
        Honour(title="思想政治工作先进集体", awarded_by="中共洛阳市委", year=2017, subdistrict=sub),
    ]  # fmt: skip
    # "连续多年 / 连续三年 / 连续两年 / 连续十年": one row per year, the last ending in 2018.
    for title, body, years in (
        ("平安建设先进办事处", "洛阳市委、市政府", 4),
        ("信访稳定工作先进办事处", "洛阳市委、市政府", 3),
        ("全市环卫工作先进单位", "洛阳市人民政府", 2),
        ("全市背街小巷环境卫生管理先进单位", "洛阳市人民政府", 2),
        ("全区目标综合考核先进奖", "老城区委、区政府", 10),
    ):
        honours += [
            Honour(title=title, awarded_by=body, year=2018 - i, subdistrict=sub) for i in range(years)
        ]
    _ensure(Honour, honours, ("title", "year", "community_id"), Honour.objects.filter(subdistrict=sub))

    # The family-values hall (环西社区) signed letters of intent with schools and enterprises' Party organisations.
    partners = _ensure(
        PartnerOrganization,
        [
            PartnerOrganization(name=name, kind=kind, subdistrict=sub, has_party_organization=True)
            for name, kind in (
                ("老城区西关小学", PartnerOrganization.Kind.SCHOOL),
                ("老城区唐宫路小学", PartnerOrganization.Kind.SCHOOL),
                ("洛阳西关中学", PartnerOrganization.Kind.SCHOOL),
                ("洛阳金业商贸有限公司", PartnerOrganization.Kind.NON_PUBLIC_ENTERPRISE),
                ("洛阳古城文化传媒有限公司", PartnerOrganization.Kind.NON_PUBLIC_ENTERPRISE),
            )
        ],
        ("name",),
        sub.partner_organizations.all(),
    )
    huanxi = communities[(HUANXI,)]
    _ensure(
        Partnership,
        [
            Partnership(
                partner=partner,
                community=huanxi,
                agreement=Partnership.Agreement.LETTER_OF_INTENT,
                signed_on=datetime.date(2018, 3, 1 + i),
            )
            for i, partner in enumerate(partners.values())
        ],
        ("partner_id", "community_id"),
        Partnership.objects.filter(community=huanxi),
    )
    stdout.write(f"  {XIGUAN}: {len(communities)} communities, {len(grid_list)} grids, {number} courtyards")


def _load_jianxi(stdout, rng, people) -> None:
    jianxi = _district(JIANXI, District.Kind.URBAN)
    subs = _ensure(
        Subdistrict,
        [Subdistrict(district=jianxi, name=name) for name in JIANXI_PLAN],
        ("name",),
        jianxi.subdistricts.all(),
    )
    sub_of = {name: subs[(name,)] for name in JIANXI_PLAN}
    community_rows = []
    for sub_name, (urban, converted) in JIANXI_PLAN.items():
        community_rows += [
            Community(subdistrict=sub_of[sub_name], name=n, kind=Community.Kind.URBAN) for n in urban
        ]
        community_rows += [
            Community(subdistrict=sub_of[sub_name], name=n, kind=Community.Kind.VILLAGE_CONVERTED)
            for n in converted
        ]
    found = _ensure(
        Community,
        community_rows,
        ("subdistrict_id", "name"),
        Community.objects.filter(subdistrict__district=jianxi),
    )
    communities = [found[(c.subdistrict_id, c.name)] for c in community_rows]

    # Party organisations: work committees, one organisation per community, area branches, building groups.
    existing = PartyOrganization.objects.filter(subdistrict__district=jianxi)
    committees = _orgs(
        [
            PartyOrganization(
                name=f"{name}党工委", kind=PartyOrganization.Kind.WORK_COMMITTEE, subdistrict=sub
            )
            for name, sub in sub_of.items()
        ],
        existing,
    )
    committee_of = {org.subdistrict_id: org for org in committees.values()}
    kinds = [kind for kind, n in JIANXI_COMMUNITY_PARTY_KINDS.items() for _ in range(n)]
    rng.shuffle(kinds)
    wuhanlu_index = next(i for i, c in enumerate(communities) if c.name == WUHANLU)
    if kinds[wuhanlu_index] != PartyOrganization.Kind.PARTY_COMMITTEE:  # the article's 武汉路社区党委
        swap = kinds.index(PartyOrganization.Kind.PARTY_COMMITTEE)
        kinds[swap], kinds[wuhanlu_index] = kinds[wuhanlu_index], kinds[swap]
    suffix = {
        PartyOrganization.Kind.PARTY_COMMITTEE: "党委",
        PartyOrganization.Kind.GENERAL_BRANCH: "党总支",
        PartyOrganization.Kind.BRANCH: "党支部",
    }
    community_orgs = _orgs(
        [
            PartyOrganization(
                name=f"{c.name}{suffix[kind]}",
                kind=kind,
                parent=committee_of[c.subdistrict_id],
                subdistrict_id=c.subdistrict_id,
                community=c,
            )
            for c, kind in zip(communities, kinds, strict=True)
        ],
        existing,
    )
    org_of = {org.community_id: org for org in community_orgs.values() if org.community_id}

    # 292 area branches: 4 per community, 5 in eight of them; each serves a grid (片区) of its community.
    with_five = set(rng.sample(range(len(communities)), JIANXI_AREA_BRANCHES - 4 * len(communities)))
    grid_rows = [
        Grid(community=c, name=f"第{_cn(n)}片区")
        for i, c in enumerate(communities)
        for n in range(1, (5 if i in with_five else 4) + 1)
    ]
    grids = _ensure(
        Grid,
        grid_rows,
        ("community_id", "name"),
        Grid.objects.filter(community__subdistrict__district=jianxi),
    )
    grid_list = [grids[(g.community_id, g.name)] for g in grid_rows]
    community_by_id = {c.pk: c for c in communities}
    area = _orgs(
        [
            PartyOrganization(
                name=f"{community_by_id[g.community_id].name}{g.name}党支部",
                kind=PartyOrganization.Kind.AREA_BRANCH,
                parent=org_of[g.community_id],
                subdistrict_id=community_by_id[g.community_id].subdistrict_id,
                community_id=g.community_id,
                grid=g,
            )
            for g in grid_list
        ],
        existing,
    )
    area_of_grid = {
        org.grid_id: org for org in area.values() if org.kind == PartyOrganization.Kind.AREA_BRANCH
    }
    # 399 building groups: one per area branch, two in 107 of them; each serves a building of the grid.
    with_two = set(rng.sample(range(len(grid_list)), JIANXI_BUILDING_GROUPS - len(grid_list)))
    building_rows = [
        Courtyard(grid=g, name=f"{rng.randint(1, 9) + 10 * n}号楼")
        for i, g in enumerate(grid_list)
        for n in range(2 if i in with_two else 1)
    ]
    buildings = _ensure(
        Courtyard,
        building_rows,
        ("grid_id", "name"),
        Courtyard.objects.filter(grid__community__subdistrict__district=jianxi),
    )
    _orgs(
        [
            PartyOrganization(
                name=f"{b.name}党小组",
                kind=PartyOrganization.Kind.BUILDING_GROUP,
                parent=area_of_grid[b.grid_id],
                subdistrict_id=area_of_grid[b.grid_id].subdistrict_id,
                community_id=area_of_grid[b.grid_id].community_id,
                grid_id=b.grid_id,
                courtyard=buildings[(b.grid_id, b.name)],
            )
            for b in building_rows
        ],
        existing,
    )

    _load_jianxi_partners(jianxi, communities, rng)
    _load_jianxi_committees(jianxi, communities, org_of, rng, people)
    stdout.write(f"  {JIANXI}: {len(sub_of)} subdistricts, {len(communities)} communities")


def _load_jianxi_partners(jianxi, communities, rng) -> None:
    Kind = PartnerOrganization.Kind
    urban = [c for c in communities if c.kind == Community.Kind.URBAN]
    by_name = {c.name: c for c in communities}
    # (name, kind, communities it partners)
    plan: list[tuple[str, str, list]] = []
    big = (
        ("中国一拖集团有限公司", Kind.STATE_ENTERPRISE, ("建设路社区", "长春路社区", "黎明社区")),
        ("中信重工机械股份有限公司", Kind.STATE_ENTERPRISE, ("矿山社区", "郑州路社区")),
        ("中钢集团洛阳耐火材料研究院有限公司", Kind.STATE_ENTERPRISE, ("洛耐社区", "开封路社区")),
        ("中铝洛阳铜加工有限公司", Kind.STATE_ENTERPRISE, ("铜加工社区",)),
        ("洛阳LYC轴承有限公司", Kind.STATE_ENTERPRISE, ("天津路社区", "辽宁路社区")),
        ("中国船舶重工集团公司第七二五研究所", Kind.PUBLIC_INSTITUTION, ("南昌路社区", "九江路社区")),
        ("河南科技大学", Kind.SCHOOL, ("景华路社区", "青岛路社区")),
    )
    plan += [(name, kind, [by_name[c] for c in names]) for name, kind, names in big]
    for c in urban:
        plan.append((f"涧西区{c.name.removesuffix('社区')}小学", Kind.SCHOOL, [c]))
    # Each subdistrict: a community health centre and a post office branch, both with Party branches.
    sub_communities: dict[int, list] = {}
    for c in communities:
        sub_communities.setdefault(c.subdistrict_id, []).append(c)
    for members in sub_communities.values():
        first, last = members[0], members[-1]
        plan.append((f"{first.name.removesuffix('社区')}社区卫生服务中心", Kind.PUBLIC_INSTITUTION, [first]))
        plan.append((f"中国邮政涧西{last.name.removesuffix('社区')}支局", Kind.STATE_ENTERPRISE, [last]))
    brands = (
        "华夏", "鸿达", "恒信", "金诺", "瑞丰", "宏图", "泰和", "永兴", "德润", "新世纪", "天宇", "中原", "河洛",
        "牡丹", "龙门", "伊洛", "博远", "昌盛", "康达", "锦程", "众诚", "安泰", "嘉禾", "东方", "盛世", "建元",
        "顺天", "科创", "远航", "润泽",
    )  # fmt: skip
    trades = (
        "机械制造",
        "轴承",
        "物业服务",
        "商贸",
        "建筑工程",
        "电子科技",
        "餐饮管理",
        "物流",
        "耐火材料",
        "家政服务",
    )
    enterprises = [f"洛阳{b}{t}有限公司" for b in brands for t in trades]
    rng.shuffle(enterprises)
    for name in enterprises[: JIANXI_CO_BUILDING - len(plan)]:
        plan.append((name, Kind.NON_PUBLIC_ENTERPRISE, [rng.choice(communities)]))

    # The 48 social organisations in service centres; 武汉路社区's six among them.
    wuhanlu = by_name[WUHANLU]
    social: list[tuple[str, str, object, int]] = [
        (name, Kind.SOCIAL_WORK_AGENCY if "社工" in name else Kind.SOCIAL_ORGANIZATION, wuhanlu,
         WUHANLU_SOCIAL_WORKERS.get(name, 0))
        for name in WUHANLU_SOCIAL_ORGS
    ]  # fmt: skip
    others = [c for c in communities if c is not wuhanlu]
    rng.shuffle(others)
    social += [
        ("家网99", Kind.SOCIAL_ORGANIZATION, by_name[SHANGHAI_SHICHANG], 0),
        ("阳光社工", Kind.SOCIAL_WORK_AGENCY, by_name["天津路社区"], 2),
        ("大爱养老", Kind.SOCIAL_ORGANIZATION, by_name["长春路社区"], 0),
    ]
    taken = {c for _n, _k, c, _w in social}
    others = [c for c in others if c not in taken]
    services = (
        "社会工作服务中心",
        "养老服务中心",
        "公益服务协会",
        "青少年服务中心",
        "志愿者协会",
        "邻里互助会",
    )
    for i, c in enumerate(others[: JIANXI_SOCIAL_ORGS - len(social)]):
        service = services[i % len(services)]
        kind = Kind.SOCIAL_WORK_AGENCY if service == "社会工作服务中心" else Kind.SOCIAL_ORGANIZATION
        social.append(
            (f"{c.name.removesuffix('社区')}{service}", kind, c, 1 if kind == Kind.SOCIAL_WORK_AGENCY else 0)
        )

    rows = [
        PartnerOrganization(
            name=name, kind=kind, subdistrict_id=cs[0].subdistrict_id, has_party_organization=True
        )
        for name, kind, cs in plan
    ] + [
        PartnerOrganization(
            name=name, kind=kind, subdistrict_id=c.subdistrict_id, has_party_organization=False
        )
        for name, kind, c, _w in social
    ]
    partners = _ensure(
        PartnerOrganization,
        rows,
        ("subdistrict_id", "name"),
        PartnerOrganization.objects.filter(subdistrict__district=jianxi),
    )
    partnerships = []
    for name, kind, cs in plan:
        partner = partners[(cs[0].subdistrict_id, name)]
        agreement = (
            Partnership.Agreement.CO_BUILDING
            if kind == Kind.STATE_ENTERPRISE
            else Partnership.Agreement.SERVICE_AGREEMENT
        )
        partnerships += [
            Partnership(
                partner=partner, community=c, agreement=agreement, signed_on=_date_in(rng, 2016, 2018)
            )
            for c in cs
        ]
    for name, _kind, c, workers in social:
        partnerships.append(
            Partnership(
                partner=partners[(c.subdistrict_id, name)],
                community=c,
                agreement=Partnership.Agreement.SERVICE_AGREEMENT,
                signed_on=_date_in(rng, 2018, 2018),
                social_workers=workers,
                in_service_centre=True,
            )
        )
    _ensure(
        Partnership,
        partnerships,
        ("partner_id", "community_id"),
        Partnership.objects.filter(community__subdistrict__district=jianxi),
    )


def _load_jianxi_committees(jianxi, communities, org_of, rng, people) -> None:
    """The 2018 two-committee election: 584 people in 694 roles (see the module docstring)."""
    Role = CommitteeMember.Role
    n = len(communities)
    # Per community: how many of each role (1 secretary and 1 director everywhere; the extras spread).
    counts = {c.pk: {role: 0 for role in COMMITTEE_ROLES} for c in communities}
    for role, total in COMMITTEE_ROLES.items():
        base, extra = divmod(total, n)
        lucky = set(rng.sample(range(n), extra))
        for i, c in enumerate(communities):
            counts[c.pk][role] = base + (1 if i in lucky else 0)
    # Seats: (community, [roles held by one person]).
    seats: list[tuple[Community, list[str]]] = []
    dual_left = {(a, b): k for a, b, k in _DUAL_ROLES}
    order = list(range(n))
    for (a, b), _k in list(dual_left.items()):
        rng.shuffle(order)
        for i in order:
            c = communities[i]
            if dual_left[(a, b)] and counts[c.pk][a] and counts[c.pk][b]:
                counts[c.pk][a] -= 1
                counts[c.pk][b] -= 1
                dual_left[(a, b)] -= 1
                seats.append((c, [a, b]))
    assert not any(dual_left.values()), dual_left
    for c in communities:
        for role, k in counts[c.pk].items():
            seats += [(c, [role])] * k
    seats.sort(key=lambda seat: communities.index(seat[0]))
    assert len(seats) == COMMITTEE_PEOPLE

    # Ages: secretaries and directors older, members younger; then nudge to an exact mean of 43,
    # separately for the 110 people with two roles, so that rows and people both average 43.
    centre = {
        Role.SECRETARY: 49, Role.DIRECTOR: 47, Role.DEPUTY_SECRETARY: 45, Role.DEPUTY_DIRECTOR: 42,
        Role.PARTY_COMMITTEE_MEMBER: 41, Role.RESIDENTS_COMMITTEE_MEMBER: 38,
    }  # fmt: skip
    ages = [max(26, min(60, round(rng.gauss(centre[roles[0]], 6)))) for _c, roles in seats]
    for group in (
        [i for i, s in enumerate(seats) if len(s[1]) == 2],
        [i for i, s in enumerate(seats) if len(s[1]) == 1],
    ):
        _nudge_to_mean(ages, group, COMMITTEE_AVERAGE_AGE, rng)
    # Education: 355 with junior college or above, more likely among the younger.
    ranked = sorted(range(len(seats)), key=lambda i: ages[i] + rng.uniform(-12, 12))
    college = set(ranked[:COMMITTEE_COLLEGE])

    election_day = {c.pk: datetime.date(2018, 5, rng.randint(8, 31)) for c in communities}
    done = set(
        CommitteeMember.objects.filter(community__subdistrict__district=jianxi, term=ELECTION_TERM)
        .values_list("community_id", flat=True)
        .distinct()
    )
    persons, memberships = [], []
    for i, (c, roles) in enumerate(seats):
        elected_on = election_day[c.pk]
        party = any(
            r not in (Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.RESIDENTS_COMMITTEE_MEMBER) for r in roles
        )
        party = party or rng.random() < 0.45
        person = people.make(
            community=c,
            birth_date=_birth_date(rng, elected_on, ages[i]),
            education=rng.choice(
                (Person.Education.JUNIOR_COLLEGE, Person.Education.JUNIOR_COLLEGE, Person.Education.BACHELOR,
                 Person.Education.BACHELOR, Person.Education.POSTGRADUATE)
                if i in college
                else (Person.Education.SENIOR_HIGH, Person.Education.SENIOR_HIGH, Person.Education.JUNIOR_HIGH)
            ),
            is_party_member=party,
            party_branch=org_of[c.pk] if party else None,
        )  # fmt: skip
        if c.pk in done:
            continue
        persons.append(person)
        memberships += [(person, role, elected_on) for role in roles]
    Person.objects.bulk_create(persons, batch_size=500)
    CommitteeMember.objects.bulk_create(
        [
            CommitteeMember(
                person=p, community_id=p.community_id, term=ELECTION_TERM, elected_on=d, role=role
            )
            for p, role, d in memberships
        ],
        batch_size=500,
    )


def _load_yiyang(stdout, rng) -> None:
    yiyang = _district(YIYANG, District.Kind.COUNTY)
    townships = _ensure(
        Subdistrict,
        [
            Subdistrict(
                district=yiyang,
                name=name,
                kind=Subdistrict.Kind.TOWN if name.endswith("镇") else Subdistrict.Kind.TOWNSHIP,
            )
            for name in YIYANG_TOWNSHIPS
        ],
        ("name",),
        yiyang.subdistricts.all(),
    )
    # 353 villages: 上观乡 has its real 8; the rest spread by weight (largest remainder).
    shares = {name: 0 for name in YIYANG_TOWNSHIPS}
    shares["上观乡"] = 8
    rest = [name for name in YIYANG_TOWNSHIPS if name != "上观乡"]
    weights = {name: rng.uniform(0.7, 1.3) for name in rest}
    left = YIYANG_VILLAGES - 8
    raw = {name: left * w / sum(weights.values()) for name, w in weights.items()}
    for name in rest:
        shares[name] = int(raw[name])
    for name in sorted(rest, key=lambda n: raw[n] - int(raw[n]), reverse=True)[
        : left - sum(shares[n] for n in rest)
    ]:
        shares[name] += 1
    heads = "东西南北前后上下大小高马王李张赵刘杨孙郭韩白石柳杜牛黄陈周吴宋程贾"
    tails = ("庄", "屯", "营", "寨", "沟", "岭", "坡", "河", "店", "窑", "洼", "湾", "园", "坪", "凹")
    names = [f"{h}{t}村" for h in heads for t in tails]
    rng.shuffle(names)
    village_rows, k = [], 0
    for name in YIYANG_TOWNSHIPS:
        township = townships[(name,)]
        for _ in range(shares[name]):
            village_rows.append(Community(subdistrict=township, name=names[k], kind=Community.Kind.VILLAGE))
            k += 1
    villages = _ensure(
        Community,
        village_rows,
        ("subdistrict_id", "name"),
        Community.objects.filter(subdistrict__district=yiyang),
    )
    existing = PartyOrganization.objects.filter(subdistrict__district=yiyang)
    committees = _orgs(
        [
            PartyOrganization(
                name=f"{t.name}党委", kind=PartyOrganization.Kind.PARTY_COMMITTEE, subdistrict=t
            )
            for t in townships.values()
        ],
        existing,
    )
    committee_of = {org.subdistrict_id: org for org in committees.values()}
    _orgs(
        [
            PartyOrganization(
                name=f"{v.name}党支部",
                kind=PartyOrganization.Kind.BRANCH,
                parent=committee_of[v.subdistrict_id],
                subdistrict_id=v.subdistrict_id,
                community=v,
            )
            for v in villages.values()
        ],
        existing,
    )
    stdout.write(f"  {YIYANG}: {len(townships)} townships, {len(villages)} villages")


# ============================================================================================ helpers

_CN_DIGITS = "零一二三四五六七八九十"


def _cn(n: int) -> str:
    """1 -> 一, 12 -> 十二 (enough for grid numbers)."""
    if n <= 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _date_in(rng, first_year: int, last_year: int) -> datetime.date:
    start = datetime.date(first_year, 1, 1)
    end = datetime.date(last_year, 6, 30)
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _birth_date(rng, on: datetime.date, age: int) -> datetime.date:
    """A birthday between 1 January and 28 April, so that the age on ``on`` (in May) is exactly ``age``."""
    start = datetime.date(on.year - age, 1, 1)
    return start + datetime.timedelta(days=rng.randint(0, 117))


def _nudge_to_mean(ages: list[int], group: list[int], mean: int, rng) -> None:
    """Move ages in ``group`` by one year at a time (within 25..62) until they average exactly ``mean``."""
    diff = mean * len(group) - sum(ages[i] for i in group)
    step = 1 if diff > 0 else -1
    while diff:
        i = rng.choice(group)
        if 25 <= ages[i] + step <= 62:
            ages[i] += step
            diff -= step


class _PeopleMaker:
    """Invented people: common surnames and given names, valid mobile numbers, all from one seed."""

    SURNAMES = (
        "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
        "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟万段雷钱汤尹常武乔贺龚"
    )
    MALE = "伟强磊军勇杰涛斌超明辉刚健峰建国华平亮鹏飞宇浩俊志海波林东文斌广永红卫新民振兴"
    FEMALE = "芳娜敏静丽艳娟霞秀玲燕萍红梅琳颖洁慧雪英华兰凤琴云莉婷倩晶瑞楠月霞"
    PREFIXES = ("138", "139", "137", "136", "135", "150", "151", "152", "158", "159", "182", "187", "188",
                "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "189", "177", "199")  # fmt: skip

    def __init__(self, rng):
        self.rng = rng
        self.phones: set[str] = set()

    def name(self, gender: str) -> str:
        chars = self.MALE if gender == Person.Gender.MALE else self.FEMALE
        given = "".join(self.rng.choice(chars) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(self.SURNAMES) + given

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(self.PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def make(self, **fields) -> Person:
        gender = self.rng.choice((Person.Gender.MALE, Person.Gender.FEMALE))
        return Person(name=self.name(gender), gender=gender, phone=self.phone(), **fields)


# ============================================================================================ look-ups


def district(name: str) -> District:
    return District.objects.get(name=name)


def subdistrict(name: str, district_name: str | None = None) -> Subdistrict:
    qs = Subdistrict.objects.filter(name=name)
    if district_name:
        qs = qs.filter(district__name=district_name)
    return qs.get()


def community(name: str, subdistrict_name: str | None = None) -> Community:
    """A community by name; every name the demo creates is unique across the three units."""
    qs = Community.objects.select_related("subdistrict__district").filter(name=name)
    if subdistrict_name:
        qs = qs.filter(subdistrict__name=subdistrict_name)
    return qs.get()


def luoyang() -> City:
    return City.objects.get(name=CITY)


def laocheng() -> District:
    return district(LAOCHENG)


def xiguan() -> Subdistrict:
    return subdistrict(XIGUAN, LAOCHENG)


def xiguan_communities():
    return Community.objects.filter(subdistrict__name=XIGUAN, subdistrict__district__name=LAOCHENG)


def huanxi() -> Community:
    return community(HUANXI, XIGUAN)


def jianxi() -> District:
    return district(JIANXI)


def jianxi_communities():
    return Community.objects.filter(subdistrict__district__name=JIANXI)


def wuhanlu() -> Community:
    return community(WUHANLU, WUHANLU_SUBDISTRICT)


def yiyang() -> District:
    return district(YIYANG)


def yiyang_villages():
    return Community.objects.filter(subdistrict__district__name=YIYANG, kind=Community.Kind.VILLAGE)


def party_org(name: str) -> PartyOrganization:
    """A Party organisation by its full name, e.g. "西关办事处党工委" or "武汉路社区党委"."""
    return PartyOrganization.objects.get(name=name)


def work_committee(unit: Subdistrict) -> PartyOrganization:
    """The subdistrict's work committee (a township's Party committee in 宜阳县)."""
    return PartyOrganization.objects.get(subdistrict=unit, parent__isnull=True, community__isnull=True)


def community_party_org(unit: Community) -> PartyOrganization:
    """The community's own Party organisation (党委, 党总支 or 党支部; a village's 党支部)."""
    return PartyOrganization.objects.get(
        community=unit,
        grid__isnull=True,
        kind__in=(
            PartyOrganization.Kind.PARTY_COMMITTEE,
            PartyOrganization.Kind.GENERAL_BRANCH,
            PartyOrganization.Kind.BRANCH,
        ),
    )


def partner(name: str) -> PartnerOrganization:
    """A partner organisation by name, e.g. "长乐社工" or "中国一拖集团有限公司"."""
    return PartnerOrganization.objects.get(name=name)
