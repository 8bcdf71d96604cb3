"""load_demo runs each app's loader in order, each in its own transaction."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from communities.management.commands import load_demo
from communities.models import District


@pytest.fixture
def loaders(monkeypatch, tmp_path):
    """Fake app loaders in a temporary package on sys.path; returns a function to choose the order."""
    package = tmp_path / "fakeapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "good.py").write_text(
        "def load(stdout):\n"
        "    from communities.models import District\n"
        "    District.objects.get_or_create(name='好区')\n"
        "    stdout.write('good loaded')\n"
    )
    (package / "failing.py").write_text(
        "def load(stdout):\n"
        "    from communities.models import District\n"
        "    District.objects.create(name='半截区')\n"
        "    raise RuntimeError('broken loader')\n"
    )
    (package / "no_load.py").write_text("LOAD = None\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def use(*names):
        monkeypatch.setattr(load_demo, "LOADERS", names)

    return use


def test_a_loader_that_fails_fails_the_command_and_its_transaction_is_rolled_back(db, loaders):
    loaders("fakeapp.good", "fakeapp.failing")
    with pytest.raises(RuntimeError, match="broken loader"):
        call_command("load_demo", stdout=StringIO())
    assert District.objects.filter(name="好区").exists()  # the earlier app's transaction is kept
    assert not District.objects.filter(name="半截区").exists()


def test_a_loader_module_without_load_fails_with_a_clear_message(db, loaders):
    loaders("fakeapp.no_load")
    with pytest.raises(Exception, match=r"fakeapp.no_load has no load\(stdout\) function"):
        call_command("load_demo", stdout=StringIO())


def test_load_demo_runs_the_apps_in_the_documented_order():
    assert load_demo.LOADERS == (
        "communities.demo",
        "venues.demo",
        "volunteers.demo",
        "activities.demo",
        "party.demo",
    )


def test_create_demo_staff_asks_for_load_demo_first(db):
    with pytest.raises(CommandError, match="run `manage.py load_demo` first"):
        call_command("create_demo_staff", force=True, stdout=StringIO())
    assert not User.objects.exists()
