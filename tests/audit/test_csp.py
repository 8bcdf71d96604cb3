"""Content Security Policy: on every page, no inline script or style, the admin included."""

import pytest
from django.urls import reverse

from tests.venues.conftest import make_venue

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def venue(community):
    return make_venue(community)


@pytest.mark.parametrize("name", ["home", "venues:venue_list", "admin:login", "healthz"])
def test_public_pages_send_a_strict_policy(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_venue_and_booking_pages_send_it(client, venue):
    for url in [reverse("venues:venue_detail", args=[venue.slug])]:
        response = client.get(url)
        assert response.status_code == 200
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_admin_pages_send_the_same_policy(client, superuser, community):
    client.force_login(superuser)
    for url in [
        reverse("admin:index"),
        reverse("admin:communities_person_changelist"),
        reverse("admin:communities_person_add"),
        reverse("audit:two_factor"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        assert policy(response)["script-src"] == ["'self'"]


def test_a_lockout_page_has_it_too(client, staff):
    from .conftest import sign_in

    for _ in range(5):
        response = sign_in(client, "huanxi", "wrong")
    assert response.status_code == 429
    assert "Content-Security-Policy" in response
