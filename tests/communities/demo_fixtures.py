"""The demo data loaded once per test module (used by tests/communities/test_demo*.py)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """load_demo once for the module, in a transaction rolled back at the module's end; each test nests in it."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo_data, db):
    """The output of load_demo; the test's own changes are rolled back after it."""
    return demo_data
