"""Records of the units register in two neighbouring communities of the same subdistrict."""

import pytest
from django.conf import settings

from communities.models import Courtyard, Grid, PartyOrganization, Person


@pytest.fixture
def grid(community):
    return Grid.objects.create(community=community, name="第一网格")


@pytest.fixture
def other_grid(other_community):
    return Grid.objects.create(community=other_community, name="第一网格")


@pytest.fixture
def courtyard(grid):
    return Courtyard.objects.create(grid=grid, name="1号院", households=40)


@pytest.fixture
def other_courtyard(other_grid):
    return Courtyard.objects.create(grid=other_grid, name="金业1号院", households=30)


@pytest.fixture
def person(community):
    return Person.objects.create(name="张秀英", gender="F", phone="13812345678", community=community)


@pytest.fixture
def other_person(other_community):
    return Person.objects.create(name="李建国", gender="M", phone="13987654321", community=other_community)


@pytest.fixture
def xiguan_committee(subdistrict):
    """The subdistrict's Party work committee: the top of the Party organisation tree."""
    return PartyOrganization.objects.create(
        name="西关办事处党工委", kind="work_committee", subdistrict=subdistrict
    )


@pytest.fixture
def party_org(community, xiguan_committee):
    return PartyOrganization.objects.create(
        name="环西社区党委",
        kind="party_committee",
        subdistrict=community.subdistrict,
        community=community,
        parent=xiguan_committee,
    )


@pytest.fixture
def other_party_org(other_community, xiguan_committee):
    return PartyOrganization.objects.create(
        name="金业路社区党委",
        kind="party_committee",
        subdistrict=other_community.subdistrict,
        community=other_community,
        parent=xiguan_committee,
    )


@pytest.fixture
def en(client):
    """The client in English (the language switcher's cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
