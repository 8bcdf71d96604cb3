"""Personal data is declared once, on the models; ``manage.py check`` fails on a personal-looking field no
model declares, and on a declaration naming a field that does not exist."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import models
from django.test.utils import isolate_apps

from registers.checks import personal_data_declared
from registers.personal_data import HIDDEN, MASKED, PersonalField, declaration, erasure_values
from venues.models import Booking


class ProjectAppStandIn:
    """An app of this project holding only the models a test defines."""

    path = str(settings.BASE_DIR / "communities")

    def __init__(self, *models):
        self.models = models

    def get_models(self):
        return self.models


def test_the_project_declares_every_personal_looking_field():
    assert personal_data_declared() == []
    call_command("check", tags=["models"])  # raises SystemCheckError on any error of the models


@isolate_apps("communities")
def test_a_new_model_with_undeclared_personal_fields_fails_the_check():
    class Resident(models.Model):
        name = models.CharField(max_length=50)
        mobile = models.CharField(max_length=20)
        home_address = models.CharField(max_length=100)
        notes = models.TextField()
        floor = models.CharField(max_length=10)

        personal_data = {"name": PersonalField()}

        class Meta:
            app_label = "communities"

        def __str__(self):
            return self.name

    errors = personal_data_declared([ProjectAppStandIn(Resident)])
    assert sorted(error.msg.split(" ")[0] for error in errors) == [
        "communities.Resident.home_address",
        "communities.Resident.mobile",
        "communities.Resident.notes",
    ]
    assert {error.id for error in errors} == {"registers.E002"}


@isolate_apps("communities")
def test_a_field_may_be_declared_not_personal():
    class Hall(models.Model):
        name = models.CharField(max_length=50)
        address = models.CharField(max_length=100)

        not_personal_data = ("name", "address")

        class Meta:
            app_label = "communities"

        def __str__(self):
            return self.name

    assert personal_data_declared([ProjectAppStandIn(Hall)]) == []


def test_dropping_a_declaration_from_a_real_model_fails_manage_py_check(monkeypatch):
    declarations = {name: field for name, field in Booking.personal_data.items() if name != "phone"}
    monkeypatch.setattr(Booking, "personal_data", declarations)
    with pytest.raises(SystemCheckError, match=r"venues\.Booking\.phone looks like personal data"):
        call_command("check", tags=["models"])


def test_a_declared_field_that_does_not_exist_fails_the_check(monkeypatch):
    monkeypatch.setattr(Booking, "personal_data", {**Booking.personal_data, "contact_nam": PersonalField()})
    errors = [error for error in personal_data_declared() if error.id == "registers.E001"]
    assert [error.msg for error in errors] == [
        "venues.Booking: “contact_nam” is declared in its personal data but is not a field."
    ]


def test_declarations_are_followed_across_relations_and_give_the_erased_values():
    from volunteers.models import CareRecipient, HomeVisit

    assert declaration(CareRecipient, "person__phone").shown == MASKED
    assert declaration(HomeVisit, "recipient__health_notes").shown == HIDDEN
    assert declaration(CareRecipient, "person__community") is None
    assert erasure_values(Booking) == {
        "contact_name": "已删除",
        "phone": "",
        "purpose": "",
        "reject_reason": "",
    }
