"""load_demo fills in what is missing (rows deleted since the last run) without duplicating the rest."""

from io import StringIO

from django.core.management import call_command

from communities import demo
from communities.management.commands import load_demo
from communities.models import CommitteeMember, Courtyard, Person
from tests.communities.test_demo import counts


def test_load_demo_fills_in_what_is_missing(db, monkeypatch):
    # Only this app's loader, so that no other app's records hold on to the rows deleted here.
    monkeypatch.setattr(load_demo, "LOADERS", ("communities.demo",))
    call_command("load_demo", stdout=StringIO())
    first = counts()
    wuhanlu = demo.wuhanlu()
    CommitteeMember.objects.filter(community=wuhanlu).delete()
    Person.objects.filter(community=wuhanlu).delete()
    Courtyard.objects.filter(
        grid__community__subdistrict=demo.xiguan(), partyorganization=None
    ).first().delete()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
