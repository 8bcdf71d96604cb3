"""load_demo builds the articles' units with the articles' own figures (DESIGN.md, "The article figures").

Every figure is computed by the database (Count, Sum, Avg), the way the reports compute them.
"""

import datetime
from io import StringIO

from django.core.management import call_command
from django.db.models import Avg, Case, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from communities import demo
from communities.models import (
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
from registers.phones import PHONE_RE
from tests.communities import demo_fixtures

demo_data = demo_fixtures.demo_data  # load_demo once per module
loaded = demo_fixtures.loaded

Kind = PartyOrganization.Kind
Role = CommitteeMember.Role


def age_on(birth: str, on: str):
    """Age in whole years on a date, computed by the database (portable between SQLite and PostgreSQL)."""
    before_birthday = Q(**{f"{on}__month__lt": ExtractMonth(birth)}) | Q(
        **{f"{on}__month": ExtractMonth(birth), f"{on}__day__lt": ExtractDay(birth)}
    )
    return (
        ExtractYear(on)
        - ExtractYear(birth)
        - Case(When(before_birthday, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def community_counts(**filters):
    return Community.objects.filter(**filters).aggregate(
        total=Count("id"),
        urban=Count("id", filter=Q(kind=Community.Kind.URBAN)),
        converted=Count("id", filter=Q(kind=Community.Kind.VILLAGE_CONVERTED)),
        villages=Count("id", filter=Q(kind=Community.Kind.VILLAGE)),
    )


def test_xiguan_has_the_articles_area_population_communities_grids_and_courtyards(loaded):
    xiguan = Subdistrict.objects.get(
        name="西关办事处", district__name="老城区", district__city__name="洛阳市"
    )
    assert (xiguan.area_km2, xiguan.population) == (demo.XIGUAN_AREA_KM2, 38000)
    assert set(xiguan.communities.values_list("name", flat=True)) == {
        "环西社区", "金业路社区", "唐宫东路社区", "环城西路社区", "龙城嘉园社区", demo.DINGDINGLU,
    }  # fmt: skip
    assert Grid.objects.filter(community__subdistrict=xiguan).aggregate(n=Count("id"))["n"] == 16
    assert Courtyard.objects.filter(grid__community__subdistrict=xiguan).aggregate(n=Count("id"))["n"] == 88
    # Spread: every community has grids and every grid has courtyards.
    assert not xiguan.communities.annotate(n=Count("grids")).filter(n=0).exists()
    assert (
        not Grid.objects.filter(community__subdistrict=xiguan)
        .annotate(n=Count("courtyards"))
        .filter(n=0)
        .exists()
    )
    # Both new Party-mass service centres reach 1,000 m².
    assert set(xiguan.communities.filter(service_centre_area_m2=1000).values_list("name", flat=True)) == {
        "唐宫东路社区",
        "环城西路社区",
    }


def test_xiguan_party_organisations_and_honours_are_the_articles(loaded):
    xiguan = demo.xiguan()
    committee = demo.work_committee(xiguan)
    assert (committee.name, committee.kind) == ("西关办事处党工委", Kind.WORK_COMMITTEE)
    assert demo.party_org("金业路社区党总支").kind == Kind.GENERAL_BRANCH
    assert demo.party_org("唐宫东路社区党总支").kind == Kind.GENERAL_BRANCH
    assert demo.party_org("龙城嘉园社区党支部").kind == Kind.BRANCH
    assert demo.community_party_org(demo.huanxi()).parent == committee
    # One grid branch per grid.
    assert (
        PartyOrganization.objects.filter(
            subdistrict=xiguan, kind=Kind.AREA_BRANCH, grid__isnull=False
        ).count()
        == 16
    )
    assert Honour.objects.filter(
        subdistrict=xiguan, community=None, title="全国民政工作全优乡镇街道"
    ).exists()
    assert Honour.objects.filter(
        community__name="龙城嘉园社区", title="2017年度全国五四红旗团支部", awarded_by="共青团中央"
    ).exists()
    assert Honour.objects.filter(title="全省人民调解工作先进单位", awarded_by="河南省司法厅").exists()
    assert Honour.objects.filter(subdistrict=xiguan, title="全区目标综合考核先进奖").count() == 10  # 连续十年
    # The family-values hall's letters of intent with schools and enterprises' Party organisations.
    assert (
        Partnership.objects.filter(
            community=demo.huanxi(),
            agreement=Partnership.Agreement.LETTER_OF_INTENT,
            partner__has_party_organization=True,
        ).count()
        >= 3
    )


def test_jianxi_has_11_subdistricts_and_71_communities_54_urban_17_village_converted(loaded):
    jianxi = District.objects.get(name="涧西区")
    assert jianxi.subdistricts.count() == 11
    assert community_counts(subdistrict__district=jianxi) == {
        "total": 71,
        "urban": 54,
        "converted": 17,
        "villages": 0,
    }
    assert Community.objects.filter(name="上海市场社区", subdistrict__name="湖北路办事处").exists()
    assert demo.wuhanlu().subdistrict.district == jianxi
    assert not jianxi.subdistricts.annotate(n=Count("communities")).filter(n=0).exists()


def test_jianxi_party_organisations_54_committees_10_general_branches_7_branches_292_area_399_groups(loaded):
    orgs = PartyOrganization.objects.filter(subdistrict__district__name="涧西区")
    community_level = orgs.filter(community__isnull=False, grid__isnull=True)
    assert community_level.aggregate(
        committees=Count("id", filter=Q(kind=Kind.PARTY_COMMITTEE)),
        general=Count("id", filter=Q(kind=Kind.GENERAL_BRANCH)),
        branches=Count("id", filter=Q(kind=Kind.BRANCH)),
        communities=Count("community", distinct=True),
        under_work_committee=Count(
            "id", filter=Q(parent__kind=Kind.WORK_COMMITTEE, parent__subdistrict=F("subdistrict"))
        ),
    ) == {"committees": 54, "general": 10, "branches": 7, "communities": 71, "under_work_committee": 71}
    assert demo.party_org("武汉路社区党委").community == demo.wuhanlu()
    assert orgs.aggregate(
        area=Count(
            "id", filter=Q(kind=Kind.AREA_BRANCH, parent__community=F("community"), grid__isnull=False)
        ),
        groups=Count(
            "id", filter=Q(kind=Kind.BUILDING_GROUP, parent__kind=Kind.AREA_BRANCH, courtyard__isnull=False)
        ),
        work_committees=Count("id", filter=Q(kind=Kind.WORK_COMMITTEE, parent=None)),
    ) == {"area": 292, "groups": 399, "work_committees": 11}


def test_jianxi_partners_338_co_building_48_social_organisations_wuhanlu_6_with_3_social_workers(loaded):
    partners = PartnerOrganization.objects.filter(subdistrict__district__name="涧西区")
    social_kinds = (PartnerOrganization.Kind.SOCIAL_ORGANIZATION, PartnerOrganization.Kind.SOCIAL_WORK_AGENCY)
    assert partners.aggregate(
        co_building=Count(
            "id", distinct=True, filter=Q(has_party_organization=True, partnerships__isnull=False)
        ),
        in_centres=Count(
            "id", distinct=True, filter=Q(kind__in=social_kinds, partnerships__in_service_centre=True)
        ),
    ) == {"co_building": 338, "in_centres": 48}
    assert not partners.filter(has_party_organization=True, partnerships__isnull=True).exists()
    assert set(
        Partnership.objects.filter(
            partner__has_party_organization=True, community__subdistrict__district__name="涧西区"
        )
        .values_list("agreement", flat=True)
        .distinct()
    ) <= {Partnership.Agreement.SERVICE_AGREEMENT, Partnership.Agreement.CO_BUILDING}
    assert {"家网99", "阳光社工", "大爱养老"} <= set(
        partners.filter(partnerships__in_service_centre=True).values_list("name", flat=True)
    )
    wuhanlu = Partnership.objects.filter(community=demo.wuhanlu(), partner__kind__in=social_kinds).aggregate(
        organisations=Count("partner", distinct=True), social_workers=Sum("social_workers")
    )
    assert wuhanlu == {"organisations": 6, "social_workers": 3}
    assert {"长乐社工", "欣和社工"} <= set(demo.wuhanlu().partners.values_list("name", flat=True))


def test_jianxi_2018_election_584_people_in_the_articles_roles_average_age_43_and_355_college(loaded):
    members = CommitteeMember.objects.filter(community__subdistrict__district__name="涧西区", term=2018)
    assert dict(members.values_list("role").annotate(n=Count("id")).order_by()) == {
        Role.SECRETARY: 71,
        Role.DEPUTY_SECRETARY: 79,
        Role.PARTY_COMMITTEE_MEMBER: 194,
        Role.DIRECTOR: 71,
        Role.DEPUTY_DIRECTOR: 89,
        Role.RESIDENTS_COMMITTEE_MEMBER: 190,
    }
    assert members.aggregate(
        people=Count("person", distinct=True),
        communities=Count("community", distinct=True),
        late=Count("id", filter=Q(elected_on__gt=datetime.date(2018, 5, 31))),
        elsewhere=Count("id", filter=~Q(person__community=F("community"))),
    ) == {"people": 584, "communities": 71, "late": 0, "elsewhere": 0}
    # Every community has exactly one secretary and one director.
    per_community = members.values("community").annotate(
        s=Count("id", filter=Q(role=Role.SECRETARY)), d=Count("id", filter=Q(role=Role.DIRECTOR))
    )
    assert {(row["s"], row["d"]) for row in per_community} == {(1, 1)}

    # Average age on the election date: exactly 43, over the 584 people and over the 694 rows.
    people = Person.objects.filter(committee_roles__in=members).distinct()
    elected_on = members.filter(person=OuterRef("pk")).values("elected_on")[:1]
    by_person = (
        Person.objects.filter(pk__in=people.values("pk"))
        .annotate(elected_on=Subquery(elected_on))
        .aggregate(n=Count("id"), age=Avg(age_on("birth_date", "elected_on")))
    )
    assert by_person["n"] == 584
    assert float(by_person["age"]) == 43.0
    assert float(members.aggregate(age=Avg(age_on("person__birth_date", "elected_on")))["age"]) == 43.0

    college = Person.objects.filter(pk__in=people.values("pk")).aggregate(
        n=Count("id", filter=Q(education__in=Person.COLLEGE_OR_ABOVE)), total=Count("id")
    )
    assert college == {"n": 355, "total": 584}
    # 355 of 584 is 60.8 %: the article's 60.6 % is its own rounding (see communities/demo.py).
    assert round(100 * college["n"] / college["total"], 1) == 60.8


def test_committee_people_have_invented_names_valid_mobiles_and_party_roles_held_by_party_members(loaded):
    people = Person.objects.filter(committee_roles__term=2018).distinct()
    assert all(PHONE_RE.match(phone) and phone[0] == "1" for phone in people.values_list("phone", flat=True))
    assert people.values("phone").distinct().count() == 584
    assert not people.filter(
        committee_roles__role__in=(Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.PARTY_COMMITTEE_MEMBER),
        is_party_member=False,
    ).exists()
    assert not people.filter(is_party_member=False, party_branch__isnull=False).exists()
    # 一肩挑: some secretaries are also their community's director.
    assert (
        people.filter(committee_roles__role=Role.SECRETARY)
        .filter(committee_roles__role=Role.DIRECTOR)
        .exists()
    )


def test_yiyang_has_16_townships_and_353_administrative_villages(loaded):
    yiyang = District.objects.get(name="宜阳县", kind=District.Kind.COUNTY)
    assert set(yiyang.subdistricts.values_list("name", flat=True)) == set(demo.YIYANG_TOWNSHIPS)
    assert len(demo.YIYANG_TOWNSHIPS) == 16
    assert community_counts(subdistrict__district=yiyang) == {
        "total": 353,
        "urban": 0,
        "converted": 0,
        "villages": 353,
    }
    assert not yiyang.subdistricts.annotate(n=Count("communities")).filter(n=0).exists()
    assert demo.yiyang_villages().count() == 353
    assert (
        PartyOrganization.objects.filter(community__in=demo.yiyang_villages(), kind=Kind.BRANCH).count()
        == 353
    )


def counts():
    models = (District, Subdistrict, Community, Grid, Courtyard, PartyOrganization, Person, CommitteeMember,
              PartnerOrganization, Partnership, Honour)  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_running_load_demo_twice_leaves_the_same_counts(loaded):
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first


def test_lookup_helpers_find_the_units_other_loaders_need(loaded):
    assert demo.xiguan().district == demo.laocheng()
    assert demo.huanxi().subdistrict == demo.xiguan()
    assert demo.community("上海市场社区").subdistrict.name == "湖北路办事处"
    assert demo.jianxi_communities().count() == 71
    assert demo.xiguan_communities().count() == 6
    assert demo.partner("长乐社工").partnerships.get().community == demo.wuhanlu()
    assert demo.work_committee(demo.subdistrict("上观乡")).name == "上观乡党委"


def test_demo_records_keep_the_models_rules(loaded):
    orgs = PartyOrganization.objects.all()
    assert not orgs.filter(community__isnull=False).exclude(community__subdistrict=F("subdistrict")).exists()
    assert not orgs.filter(grid__isnull=False).exclude(grid__community=F("community")).exists()
    assert not orgs.filter(courtyard__isnull=False).exclude(courtyard__grid=F("grid")).exists()
    assert not orgs.filter(parent__isnull=False).exclude(parent__subdistrict=F("subdistrict")).exists()
    assert not Person.objects.filter(is_party_member=False, party_branch__isnull=False).exists()
    assert not Person.objects.filter(birth_date__gt=datetime.date(2000, 5, 31)).exists()  # all adults in 2018
    assert not CommitteeMember.objects.exclude(elected_on__year=F("term")).exists()
    assert (
        not Honour.objects.filter(community__isnull=False)
        .exclude(community__subdistrict=F("subdistrict"))
        .exists()
    )
    assert (
        not Partnership.objects.exclude(partner__subdistrict=F("community__subdistrict"))
        .filter(partner__subdistrict__district__name="涧西区")
        .exists()
    )
