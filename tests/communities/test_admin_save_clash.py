"""Two offices saving the same name at the same moment through the admin: both forms pass their checks, the
database's unique constraint keeps the first, and the second gets its form back with the rule's message in
its own language — not a server error — and nothing of it is saved.

The clash is made deterministic by creating the other office's row after the form was validated and
before it is saved (the admin's ``save_form`` hook). In the PostgreSQL tests (transactional) the row comes
from a second connection that commits it, as another office's request would; elsewhere (SQLite, and tests
inside one transaction) from the same transaction, which the refused save rolls back with it.
"""

import threading

import pytest
from auditlog.models import LogEntry as HistoryEntry
from django.contrib import admin
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.db import connection

from communities.models import Community, Courtyard, Grid

from .helpers import admin_url, login


def form_errors(response):
    form = response.context["adminform"].form
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def other_office_saves(create):
    """Run ``create`` as another office would: in its own connection, committed."""
    done = {}

    def run():
        try:
            done["row"] = create()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    return done["row"]


@pytest.fixture
def clash_before_save(monkeypatch):
    """Make ``model``'s admin create a clashing row (``create(form)``) between validation and save."""

    def arm(model, create, other_connection=False):
        model_admin = admin.site._registry[model]
        save_form = model_admin.save_form
        calls = []

        def validated_then_someone_else_saves(request, form, change):
            calls.append(form.cleaned_data)
            if other_connection:
                calls.append(other_office_saves(lambda: create(form.cleaned_data)))
            else:
                calls.append(create(form.cleaned_data))
            return save_form(request, form, change)

        monkeypatch.setattr(model_admin, "save_form", validated_then_someone_else_saves)
        return calls

    return arm


def grid_clash(data):
    return Grid.objects.create(community=data["community"], name=data["name"])


def community_clash(data):
    return Community.objects.create(subdistrict=data["subdistrict"], name=data["name"], address="他人录入")


def courtyard_clash(data):
    return Courtyard.objects.create(grid=data["grid"], name=data["name"], address="他人录入")


CASES = {
    "grid": (
        Grid,
        grid_clash,
        lambda units: {"community": units["community"].pk, "name": "新网格"},
        "A grid of this name already exists in this community.",
    ),
    "community": (
        Community,
        community_clash,
        lambda units: {"subdistrict": units["subdistrict"].pk, "name": "新社区", "kind": "urban"},
        "A community of this name already exists in this subdistrict.",
    ),
    "courtyard": (
        Courtyard,
        courtyard_clash,
        lambda units: {"grid": units["grid"].pk, "name": "新院", "households": "3"},
        "A courtyard of this name already exists in this grid.",
    ),
}


def add_with_a_clash(client, user, clash_before_save, case, units, other_connection=False):
    model, create, data, message = CASES[case]
    calls = clash_before_save(model, create, other_connection)
    login(client, user)
    before = model.objects.count()
    response = client.post(admin_url(model, "add"), data(units))
    assert len(calls) == 2, "the hook ran once: the refused save is not tried again"
    return model, message, before, response


def assert_nothing_of_the_loser_saved(model, before, name, other_office=False):
    # The other office's row stays when its own connection committed it; otherwise it was made in the
    # refused save's own transaction and went with it. Either way the loser added no row of its own.
    assert model.objects.count() == before + (1 if other_office else 0)
    assert model.objects.filter(name=name).count() == (1 if other_office else 0)
    assert not AdminLogEntry.objects.exists()  # no "added" entry in the admin's log for the loser
    # Every "created" entry in the change history is of a record that exists: none for the refused save.
    created = HistoryEntry.objects.filter(
        content_type__model=model._meta.model_name, action=HistoryEntry.Action.CREATE
    )
    assert sorted(created.values_list("object_pk", flat=True)) == sorted(
        str(pk) for pk in model.objects.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("case", list(CASES))
def test_the_office_that_loses_a_save_race_gets_its_form_back_with_the_rule(
    en, superuser, subdistrict, community, case, clash_before_save
):
    units = {"subdistrict": subdistrict, "community": community}
    units["grid"] = Grid.objects.create(community=community, name="第一网格")
    model, message, before, response = add_with_a_clash(en, superuser, clash_before_save, case, units)
    assert response.status_code == 200
    assert form_errors(response) == {"__all__": [message]}
    posted = response.context["adminform"].form.data
    assert posted["name"] == CASES[case][2](units)["name"]  # the form comes back as it was typed
    assert_nothing_of_the_loser_saved(model, before, posted["name"])


def test_community_staff_read_the_refusal_in_chinese(client, staff, community, clash_before_save):
    model, _message, before, response = add_with_a_clash(
        client, staff, clash_before_save, "grid", {"community": community}
    )
    assert response.status_code == 200
    assert form_errors(response) == {"__all__": ["本社区已有同名网格。"]}
    assert_nothing_of_the_loser_saved(model, before, "新网格")


def test_renaming_onto_a_name_saved_at_the_same_moment_keeps_the_old_name(
    en, staff, community, clash_before_save
):
    grid = Grid.objects.create(community=community, name="第一网格")
    clash_before_save(Grid, grid_clash)
    login(en, staff)
    response = en.post(admin_url(Grid, "change", grid.pk), {"community": community.pk, "name": "第二网格"})
    assert form_errors(response) == {"__all__": ["A grid of this name already exists in this community."]}
    grid.refresh_from_db()
    assert grid.name == "第一网格"
    assert not AdminLogEntry.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_a_committed_row_of_another_connection_clashes_and_stays(
    en, staff, community, clash_before_save
):
    """The real race on PostgreSQL: the other office's row is committed by another connection after this
    form was validated; the database refuses this save, the winner's row is untouched."""
    assert connection.vendor == "postgresql"
    model, message, before, response = add_with_a_clash(
        en, staff, clash_before_save, "grid", {"community": community}, other_connection=True
    )
    assert form_errors(response) == {"__all__": [message]}
    assert list(Grid.objects.values_list("name", flat=True)) == ["新网格"]
    assert_nothing_of_the_loser_saved(model, before, "新网格", other_office=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_a_refusal_without_a_named_rule_gets_a_sentence(
    en, superuser, community, clash_before_save
):
    """A refusal that no rule of the form explains (here: the community deleted by another office while the
    form was saved; PostgreSQL checks foreign keys at commit) gets a sentence, not a server error."""
    clash_before_save(
        Grid, lambda data: Community.objects.filter(pk=data["community"].pk).delete(), other_connection=True
    )
    login(en, superuser)
    response = en.post(admin_url(Grid, "add"), {"community": community.pk, "name": "新网格"})
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors["__all__"] == [
        "This record could not be saved: another change to the same records was saved at the same moment. "
        "Nothing was saved; check the form and save again."
    ]
    assert not Grid.objects.exists()
