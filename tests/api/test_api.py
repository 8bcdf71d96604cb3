"""The read-only data interface: a token names its unit and expires; figures as the reports show them; a
token never sees outside its unit (404, as for a unit that does not exist); tokens made in the admin."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, digest
from reports.dashboard import build
from tests.reports.conftest import fill

FIGURES = "/api/v1/figures"
UNITS = "/api/v1/units"
YEAR = {"start": "2017-01-01", "end": "2017-12-31"}


def make_token(user, unit_key, **extra):
    token = ApiToken(name="市一表通平台", unit=unit_key, created_by=user, **extra)
    secret = token.issue()
    token.save()
    return secret


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def xiguan_token(superuser, subdistrict):
    return make_token(superuser, f"subdistrict:{subdistrict.pk}")


def test_figures_are_the_reports_totals(client, xiguan_token, subdistrict, community, other_community):
    fill(community, 2)
    fill(other_community, 1)
    response = client.get(FIGURES, YEAR, **bearer(xiguan_token))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"] == {
        "key": f"subdistrict:{subdistrict.pk}",
        "name": "西关办事处",
        "level": "subdistrict",
    }
    figures = {figure["key"]: figure["value"] for figure in body["figures"]}
    totals = build(subdistrict, datetime.date(2017, 1, 1), datetime.date(2017, 12, 31)).totals
    assert figures["activities"] == totals["activities"] > 0
    one = client.get(FIGURES, {**YEAR, "unit": f"community:{community.pk}"}, **bearer(xiguan_token)).json()
    assert {f["key"]: f["value"] for f in one["figures"]}["activities"] < figures["activities"]


def test_units_lists_the_sub_units(client, xiguan_token, community, other_community):
    body = client.get(UNITS, **bearer(xiguan_token)).json()
    assert sorted(unit["name"] for unit in body["subunits"]) == ["环西社区", "金业路社区"]


def test_a_token_of_xiguan_gets_404_for_jianxi_as_for_a_unit_that_does_not_exist(
    client, xiguan_token, far_community
):
    outside = client.get(
        FIGURES, {**YEAR, "unit": f"district:{far_community.subdistrict.district_id}"}, **bearer(xiguan_token)
    )
    missing = client.get(FIGURES, {**YEAR, "unit": "district:987654"}, **bearer(xiguan_token))
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    for key in (f"community:{far_community.pk}", f"subdistrict:{far_community.subdistrict_id}"):
        assert client.get(UNITS, {"unit": key}, **bearer(xiguan_token)).status_code == 404


@pytest.mark.parametrize(
    "extra",
    [{"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, {"revoked_at": timezone.now()}],
    ids=["expired", "revoked"],
)
def test_expired_revoked_or_missing_tokens_are_refused(client, superuser, subdistrict, extra):
    secret = make_token(superuser, f"subdistrict:{subdistrict.pk}", **extra)
    assert client.get(FIGURES, YEAR, **bearer(secret)).status_code == 401
    assert client.get(FIGURES, YEAR).status_code == 401
    assert client.get(FIGURES, YEAR, **bearer("cs_guessed")).status_code == 401


@pytest.mark.parametrize(
    "params,status",
    [
        ({"start": "2018-12-31", "end": "2018-01-01"}, 400),
        ({"start": "2000-01-01", "end": "2018-12-31"}, 400),
        ({"start": "2018-13-01", "end": "2018-12-31"}, 422),
        ({"start": "1800-01-01", "end": "2018-12-31"}, 422),
        ({"end": "2018-12-31"}, 422),
        ({**YEAR, "unit": "district:99999999999999999999999"}, 404),
        ({**YEAR, "unit": "nonsense"}, 404),
    ],
)
def test_bad_parameters_get_a_clear_error(client, xiguan_token, params, status):
    response = client.get(FIGURES, params, **bearer(xiguan_token))
    assert response.status_code == status
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]


def test_the_openapi_document_describes_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/figures", "/api/v1/units"} <= set(document["paths"])


def test_a_supervisor_makes_a_token_in_the_admin_shown_once(client, supervisor, district, far_community):
    client.force_login(supervisor)
    add = reverse("admin:api_apitoken_add")
    expires = (timezone.localtime() + datetime.timedelta(days=30)).strftime("%Y-%m-%d")
    form = {
        "name": "市一表通平台",
        "unit": f"district:{district.pk}",
        "expires_at_0": expires,
        "expires_at_1": "09:00",
    }
    response = client.post(add, form, follow=True)
    shown = [found for m in response.context["messages"] for found in re.findall(r"cs_[\w-]{40,}", str(m))]
    assert len(shown) == 1, "the whole token is shown once, in one message"
    secret = shown[0]
    token = ApiToken.objects.get()
    assert token.digest == digest(secret) and secret not in str(token.__dict__)
    assert client.get(FIGURES, YEAR, **bearer(secret)).status_code == 200
    # Another district is not among the choices.
    refused = client.post(add, {**form, "unit": f"district:{far_community.subdistrict.district_id}"})
    assert refused.status_code == 200 and ApiToken.objects.count() == 1
    # Revoked from the list: refused from then on.
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert client.get(FIGURES, YEAR, **bearer(secret)).status_code == 401


def test_community_staff_may_not_make_tokens(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
