"""Shared units and personas: staff of one community, an outsider from another, and those above them.

Units: district 老城区 → subdistrict 西关 → communities 环西 (home) and 金业路 (other); a second district
涧西区 → 湖北路 → 上海市场 for outsiders from elsewhere.
"""

import importlib

import pytest
from django.contrib.auth.models import Group, User

from communities.models import City, Community, District, StaffProfile, Subdistrict
from registers.roles import COMMUNITY_STAFF, PERSONAL_DATA_OFFICERS, SUBDISTRICT_STAFF, SUPERVISORS

# job_worker: a real Celery worker for the background-job tests; sms_provider, smtp_server: where it sends.
pytest_plugins = ["tests.jobs", "tests.outside"]


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://…)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


# The data migrations: staff groups and their permissions, the fixed lists (activity types, care categories).
DATA_MIGRATIONS = (
    "communities.migrations.0002_staff_groups",
    "communities.migrations.0006_city",
    "volunteers.migrations.0002_defaults_and_staff_groups",
    "volunteers.migrations.0007_service_records_data",
    "volunteers.migrations.0009_certificate_groups",
    "volunteers.migrations.0011_recruiting_groups",
    "activities.migrations.0002_default_types_and_groups",
    "venues.migrations.0003_staff_groups",
    "venues.migrations.0009_waitlist_staff",
    "venues.migrations.0012_first_privacy_notice",
    "audit.migrations.0002_staff_groups",
    "audit.migrations.0005_audit_administrators",
    "messaging.migrations.0002_staff_groups",
    "party.migrations.0002_requirements_and_groups",
    "party.migrations.0004_wish_groups",
    "party.migrations.0006_joint_meeting_groups",
    "registers.migrations.0004_attachment_groups",
    "api.migrations.0002_grant_supervisors",
    "reports.migrations.0002_target_groups",
)


@pytest.fixture(autouse=True)
def _migration_data_after_a_flush(request):
    """A transactional test ends by emptying every table, the data migrations' rows included; put them back
    before the next one (pytest-django runs transactional tests last, so only they can meet an empty table)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    if not Group.objects.exists():
        from django.apps import apps

        for module in DATA_MIGRATIONS:
            importlib.import_module(module).forward(apps, None)


def require_free_connections(needed):
    """Fail at once, naming who holds them, when PostgreSQL has fewer than ``needed`` free connection slots: a
    concurrency test that cannot connect would otherwise report every thread's connection error instead."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity"
            " WHERE backend_type = 'client backend'"
        )
        free = cursor.fetchone()[0]
        if free >= needed:
            return
        cursor.execute(
            "SELECT datname, application_name, state, count(*) FROM pg_stat_activity"
            " WHERE backend_type = 'client backend' GROUP BY 1, 2, 3 ORDER BY 4 DESC"
        )
        holders = cursor.fetchall()
    pytest.fail(f"PostgreSQL has {free} free connections, this test needs {needed}; held by {holders}")


@pytest.fixture
def district(db):
    city = City.objects.get_or_create(name="洛阳市")[0]
    return District.objects.create(name="老城区", kind=District.Kind.URBAN, city=city)


@pytest.fixture
def subdistrict(district):
    return Subdistrict.objects.create(district=district, name="西关办事处", area_km2="2.69", population=38000)


@pytest.fixture
def community(subdistrict):
    return Community.objects.create(subdistrict=subdistrict, name="环西社区")


@pytest.fixture
def other_community(subdistrict):
    return Community.objects.create(subdistrict=subdistrict, name="金业路社区")


@pytest.fixture
def far_community(db):
    district = District.objects.create(name="涧西区")
    subdistrict = Subdistrict.objects.create(district=district, name="湖北路办事处")
    return Community.objects.create(subdistrict=subdistrict, name="上海市场社区")


def make_staff(username, unit, *groups):
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(*(Group.objects.get(name=name) for name in groups))
    StaffProfile.objects.create(user=user, **{unit._meta.model_name: unit})
    return user


@pytest.fixture
def staff(community):
    """Community staff of 环西社区."""
    return make_staff("huanxi", community, COMMUNITY_STAFF)


@pytest.fixture
def outsider(other_community):
    """Community staff of 金业路社区, a neighbour in the same subdistrict: should have no access."""
    return make_staff("jinye", other_community, COMMUNITY_STAFF)


@pytest.fixture
def sensitive_staff(community):
    """Community staff of 环西社区 who may see sensitive personal data."""
    return make_staff("huanxi-care", community, COMMUNITY_STAFF, PERSONAL_DATA_OFFICERS)


@pytest.fixture
def subdistrict_staff(subdistrict):
    return make_staff("xiguan", subdistrict, SUBDISTRICT_STAFF)


@pytest.fixture
def supervisor(district):
    return make_staff("laocheng-supervisor", district, SUPERVISORS)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", password="pw-for-tests-only")


# The empty photos-and-documents formset (registers.attachments.AttachmentInline) a record's admin form posts.
NO_ATTACHMENTS = {
    "registers-attachment-content_type-object_id-TOTAL_FORMS": "0",
    "registers-attachment-content_type-object_id-INITIAL_FORMS": "0",
}
