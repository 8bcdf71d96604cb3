"""Staff of one community (环西) and an outsider from the neighbouring community (金业路): each sees only
their own unit's records, through every door of the admin."""

import pytest

from communities.models import Courtyard, Grid, Person
from communities.resources import CourtyardResource, GridResource, PersonResource

from .helpers import EXPORT_XLSX, admin_url, csv_bytes, export, exported_rows, login, page_errors, upload


def test_staff_list_shows_only_their_communitys_grids(client, staff, grid, other_grid):
    login(client, staff)
    response = client.get(admin_url(Grid))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [grid]


def test_outsider_list_does_not_show_the_other_communitys_people(client, outsider, person, other_person):
    login(client, outsider)
    response = client.get(admin_url(Person))
    assert list(response.context["cl"].result_list) == [other_person]
    assert "张秀英" not in response.content.decode()


def test_unit_filter_lists_only_the_accounts_communities(client, outsider, person, other_person):
    login(client, outsider)
    content = client.get(admin_url(Person)).content.decode()
    assert "金业路社区" in content
    assert "环西社区" not in content


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_outsider_opening_another_communitys_record_gets_404(client, outsider, courtyard, view):
    login(client, outsider)
    assert client.get(admin_url(Courtyard, view, courtyard.pk)).status_code == 404


def test_outsider_cannot_change_another_communitys_record_by_posting(client, outsider, grid):
    login(client, outsider)
    response = client.post(
        admin_url(Grid, "change", grid.pk), {"community": grid.community_id, "name": "改名"}
    )
    assert response.status_code == 404
    grid.refresh_from_db()
    assert grid.name == "第一网格"


def test_outsider_cannot_delete_another_communitys_record(client, outsider, grid):
    login(client, outsider)
    response = client.post(admin_url(Grid, "delete", grid.pk), {"post": "yes"})
    assert response.status_code == 404
    assert Grid.objects.filter(pk=grid.pk).exists()


def test_bulk_delete_action_ignores_another_communitys_ids(client, outsider, grid, other_grid):
    login(client, outsider)
    client.post(
        admin_url(Grid),
        {"action": "delete_selected", "_selected_action": [grid.pk, other_grid.pk], "post": "yes"},
    )
    assert Grid.objects.filter(pk=grid.pk).exists()
    assert not Grid.objects.filter(pk=other_grid.pk).exists()


def test_staff_can_open_and_change_their_own_record(client, staff, grid):
    login(client, staff)
    assert client.get(admin_url(Grid, "change", grid.pk)).status_code == 200
    response = client.post(
        admin_url(Grid, "change", grid.pk), {"community": grid.community_id, "name": "第二网格"}
    )
    assert response.status_code == 302
    grid.refresh_from_db()
    assert grid.name == "第二网格"


def test_posting_another_communitys_id_in_a_form_is_refused(en, staff, community, other_community):
    login(en, staff)
    response = en.post(admin_url(Grid, "add"), {"community": other_community.pk, "name": "偷来的网格"})
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors["community"])
    assert not Grid.objects.filter(name="偷来的网格").exists()


def test_posting_another_communitys_grid_as_a_courtyards_grid_is_refused(en, staff, grid, other_grid):
    login(en, staff)
    response = en.post(admin_url(Courtyard, "add"), {"grid": other_grid.pk, "name": "越界楼院"})
    assert "grid" in response.context["adminform"].form.errors
    assert not Courtyard.objects.filter(name="越界楼院").exists()


def test_export_contains_no_row_of_the_other_community(client, outsider, courtyard, other_courtyard):
    login(client, outsider)
    response = export(client, Courtyard, CourtyardResource)
    assert response.status_code == 200
    names = [row[3] for row in exported_rows(response)[1:]]
    assert names == ["金业1号院"]


def test_xlsx_export_is_scoped_too(client, staff, person, other_person):
    login(client, staff)
    rows = exported_rows(export(client, Person, PersonResource, EXPORT_XLSX))
    assert [row[1] for row in rows[1:]] == ["张秀英"]


def test_import_naming_another_community_is_rejected_and_writes_nothing(
    en, outsider, community, other_community
):
    login(en, outsider)
    content = csv_bytes([["community", "name"], ["金业路社区", "新网格"], ["环西社区", "偷偷加的网格"]])
    response = upload(en, Grid, content)
    assert response.context.get("confirm_form") is None
    text = page_errors(response)
    assert "“环西社区” was not found in your unit (金业路社区)" in text
    assert not Grid.objects.exists()


def test_import_cannot_update_another_communitys_record_by_its_id(en, outsider, grid):
    login(en, outsider)
    content = csv_bytes([["id", "community", "name"], [grid.pk, "金业路社区", "抢来的网格"]])
    response = upload(en, Grid, content)
    assert response.context.get("confirm_form") is None
    assert f"There is no record with id “{grid.pk}” in your unit" in page_errors(response)
    grid.refresh_from_db()
    assert (grid.name, grid.community.name) == ("第一网格", "环西社区")


def test_import_of_a_courtyard_under_another_communitys_grid_is_rejected(en, outsider, grid, other_grid):
    login(en, outsider)
    content = csv_bytes([["community", "grid", "name"], ["环西社区", "第一网格", "越界楼院"]])
    response = upload(en, Courtyard, content)
    assert response.context.get("confirm_form") is None
    assert "was not found in your unit" in page_errors(response)
    assert not Courtyard.objects.filter(name="越界楼院").exists()


def autocomplete(client, model_name, field_name, term=""):
    return client.get(
        "/admin/autocomplete/",
        {"app_label": "communities", "model_name": model_name, "field_name": field_name, "term": term},
    )


def test_autocomplete_offers_only_the_accounts_grids(client, outsider, grid, other_grid):
    login(client, outsider)
    response = autocomplete(client, "courtyard", "grid")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(other_grid.pk)]


def test_autocomplete_offers_only_the_accounts_people(client, staff, person, other_person):
    login(client, staff)
    results = autocomplete(client, "committeemember", "person").json()["results"]
    assert [r["text"] for r in results] == ["张秀英（环西社区，尾号5678）"]


def test_autocomplete_offers_only_the_accounts_community(client, staff, community, other_community):
    login(client, staff)
    results = autocomplete(client, "grid", "community", "社区").json()["results"]
    assert [r["id"] for r in results] == [str(community.pk)]


def test_subdistrict_staff_see_both_communities_records(client, subdistrict_staff, grid, other_grid):
    login(client, subdistrict_staff)
    response = client.get(admin_url(Grid))
    assert set(response.context["cl"].result_list) == {grid, other_grid}
    rows = exported_rows(export(client, Grid, GridResource))
    assert sorted(row[1] for row in rows[1:]) == ["环西社区", "金业路社区"]


def test_subdistrict_staff_do_not_see_another_subdistrict(client, subdistrict_staff, grid, far_community):
    far_grid = Grid.objects.create(community=far_community, name="上海市场网格")
    login(client, subdistrict_staff)
    assert client.get(admin_url(Grid, "change", far_grid.pk)).status_code == 404


def test_supervisor_can_view_and_export(client, supervisor, grid, other_grid):
    login(client, supervisor)
    assert client.get(admin_url(Grid)).status_code == 200
    assert client.get(admin_url(Grid, "change", grid.pk)).status_code == 200
    rows = exported_rows(export(client, Grid, GridResource))
    assert len(rows) == 3


def test_supervisor_cannot_change_add_delete_or_import(client, supervisor, grid):
    login(client, supervisor)
    assert (
        client.post(
            admin_url(Grid, "change", grid.pk), {"community": grid.community_id, "name": "x"}
        ).status_code
        == 403
    )
    assert client.get(admin_url(Grid, "add")).status_code == 403
    assert client.post(admin_url(Grid, "delete", grid.pk), {"post": "yes"}).status_code == 403
    assert client.get(admin_url(Grid, "import")).status_code == 403
    grid.refresh_from_db()
    assert grid.name == "第一网格"


def test_account_without_unit_sees_nothing(client, grid):
    from django.contrib.auth.models import Group, User

    from registers.roles import COMMUNITY_STAFF

    lost = User.objects.create_user("lost", password="pw-for-tests-only", is_staff=True)
    lost.groups.add(Group.objects.get(name=COMMUNITY_STAFF))
    login(client, lost)
    assert list(client.get(admin_url(Grid)).context["cl"].result_list) == []
    assert client.get(admin_url(Grid, "change", grid.pk)).status_code == 404
