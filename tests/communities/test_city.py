"""The city above the district (#17, item 1): the unit tree, the staff's scope at every level, the unit picker."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from communities.models import City, Community, District, Person, StaffProfile, Subdistrict
from registers.roles import SUPERVISORS
from registers.units import ancestors, contains, home_unit, level_names, unit_choices, unit_key
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def luoyang(district):
    return district.city  # the conftest's 老城区 lies in 洛阳市


@pytest.fixture
def jianxi_community(luoyang):
    jianxi = District.objects.create(name="涧西区", city=luoyang)
    subdistrict = Subdistrict.objects.create(district=jianxi, name="湖北路办事处")
    return Community.objects.create(subdistrict=subdistrict, name="武汉路社区")


@pytest.fixture
def zhengzhou_community(db):
    city = City.objects.create(name="郑州市")
    district = District.objects.create(name="金水区", city=city)
    subdistrict = Subdistrict.objects.create(district=district, name="经八路街道")
    return Community.objects.create(subdistrict=subdistrict, name="省委社区")


@pytest.fixture
def people(community, jianxi_community, zhengzhou_community):
    return {
        name: Person.objects.create(name=name, community=where)
        for name, where in (
            ("老城居民", community),
            ("涧西居民", jianxi_community),
            ("郑州居民", zhengzhou_community),
        )
    }


def test_the_city_is_the_top_of_the_tree(luoyang, community):
    assert level_names() == ("city", "district", "subdistrict", "community")
    assert ancestors(community) == [community.subdistrict, community.subdistrict.district, luoyang]
    assert contains(luoyang, community)


def test_a_city_supervisor_sees_every_district_of_the_city_and_nothing_of_another_city(
    client, luoyang, people
):
    supervisor = make_staff("luoyang-supervisor", luoyang, SUPERVISORS)
    seen = set(Person.objects.for_user(supervisor).values_list("name", flat=True))
    assert seen == {"老城居民", "涧西居民"}
    client.force_login(supervisor)
    page = client.get(reverse("admin:communities_person_changelist")).content.decode()
    assert "老城居民" in page and "涧西居民" in page and "郑州居民" not in page
    url = reverse("admin:communities_person_change", args=[people["涧西居民"].pk])
    assert client.get(url).status_code == 200
    url = reverse("admin:communities_person_change", args=[people["郑州居民"].pk])
    assert client.get(url).status_code == 404
    districts = client.get(reverse("admin:communities_district_changelist")).content.decode()
    assert "老城区" in districts and "涧西区" in districts and "金水区" not in districts


def test_a_district_supervisor_does_not_see_the_citys_other_districts(client, supervisor, luoyang, people):
    assert set(Person.objects.for_user(supervisor).values_list("name", flat=True)) == {"老城居民"}
    client.force_login(supervisor)
    url = reverse("admin:communities_person_change", args=[people["涧西居民"].pk])
    assert client.get(url).status_code == 404
    # Its own city it sees (read-only, as a community's staff see their district); another city not at all.
    cities = client.get(reverse("admin:communities_city_changelist")).content.decode()
    assert "洛阳市" in cities and "郑州市" not in cities
    other = City.objects.get(name="郑州市")
    assert client.get(reverse("admin:communities_city_change", args=[other.pk])).status_code == 404


def test_a_district_without_a_city_is_a_top_and_its_staff_see_no_city(client, far_community):
    supervisor = make_staff("jianxi-alone", far_community.subdistrict.district, SUPERVISORS)
    assert not City.objects.for_user(supervisor).exists()
    assert ancestors(far_community.subdistrict.district) == []
    assert home_unit(supervisor) == far_community.subdistrict.district


def test_the_unit_picker_starts_at_the_accounts_city(
    luoyang, community, jianxi_community, zhengzhou_community
):
    supervisor = make_staff("luoyang-supervisor", luoyang, SUPERVISORS)
    choices = unit_choices(supervisor)
    assert choices[0] == (unit_key(luoyang), "洛阳市")
    labels = [label for _key, label in choices]
    assert labels == [
        "洛阳市",
        "— 涧西区",
        "—— 湖北路办事处",
        "——— 武汉路社区",
        "— 老城区",
        "—— 西关办事处",
        "——— 环西社区",
    ]


def test_the_superusers_picker_has_every_city_and_the_districts_without_one(
    luoyang, community, zhengzhou_community, far_community
):
    admin = User.objects.create_superuser("root", password="pw-for-tests-only")
    labels = [label for _key, label in unit_choices(admin)]
    assert labels[:3] == ["洛阳市", "— 老城区", "—— 西关办事处"]
    assert "郑州市" in labels and "涧西区" in labels  # 涧西区 of far_community has no city: a top of its own
    assert labels.index("涧西区") > labels.index("郑州市")
    assert home_unit(admin) == luoyang


def test_a_staff_unit_is_exactly_one_of_the_levels(luoyang, district):
    user = User.objects.create_user("both", password="pw-for-tests-only", is_staff=True)
    profile = StaffProfile(user=user, city=luoyang, district=district)
    with pytest.raises(Exception, match="exactly one unit|一个单位|staff_profile_exactly_one_unit"):
        profile.full_clean()
    assert not StaffProfile.objects.filter(user=user).exists()


def test_the_report_of_another_city_is_refused(client, luoyang, zhengzhou_community):
    supervisor = make_staff("luoyang-supervisor", luoyang, SUPERVISORS)
    client.force_login(supervisor)
    other = zhengzhou_community.subdistrict.district.city
    page = client.get(reverse("reports:dashboard"), {"unit": unit_key(other)})
    assert page.status_code == 400
    text = page.content.decode()
    assert f"您所在单位（洛阳市）内没有编号为{other.pk}的市。" in text
    assert "省委社区" not in text and "金水区" not in text
    own = client.get(
        reverse("reports:dashboard"), {"unit": unit_key(luoyang), "start": "2018-01-01", "end": "2018-12-31"}
    )
    assert own.status_code == 200
    assert "老城区" in own.content.decode()
