"""The units register at scale: admin list pages over a million rows, and importing a people sheet.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_comm .venv/bin/python bench/communities_admin.py [rows]
    DATABASE_URL=… .venv/bin/python bench/communities_admin.py --import-only   # the people import alone

It drops and recreates the database named in DATABASE_URL (default bench_comm on the local PostgreSQL),
fills communities_grid with ``rows`` grids (default 1,000,000; generate_series, a few seconds), then times:

- the unfiltered grid list of a superuser (LargeTablePaginator: the planner's estimate, no COUNT(*)),
  against the COUNT(*) Django's own paginator would run on every page view;
- the grid list of a community's staff (filtered to their 1,000 grids: an exact, indexed count);
- importing a 5,000-row people sheet as community staff through PersonResource.import_data, the call the
  admin makes for the preview (dry_run) and for the confirmation (with the importer as the history's actor,
  as the admin's middleware sets it), then re-importing it with every row changed (5,000 updates) and
  unchanged (5,000 skipped); each step prints rows/s and database queries per row, and the confirmed
  steps check that every created and updated person has its change-history entry.

Floors (docs/benchmarks.md): list pages under 300 ms at a million rows; import at least 500 rows a second.
"""

import os
import statistics
import sys
import time
from pathlib import Path

from _database import recreate_database  # bench/ is the script's folder: on sys.path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_comm")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
IMPORT_ONLY = "--import-only" in sys.argv
ROWS = int(ARGS[0]) if ARGS else 1_000_000
PEOPLE = 5_000
LIST_FLOOR_MS = 300
IMPORT_FLOOR = 500


def timed(function, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_lists(home, other, staff):
    """The grid list pages over ROWS grids; True when both are under the floor without COUNT(*)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from communities.models import Grid

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO communities_grid (community_id, name) "
            "SELECT CASE WHEN i <= 1000 THEN %s ELSE %s END, '网格' || i FROM generate_series(1, %s) AS i",
            [home.pk, other.pk, ROWS],
        )
        cursor.execute("ANALYZE communities_grid")
    print(f"grids: {Grid.objects.count():,} inserted in {time.perf_counter() - start:.1f} s")

    root = User.objects.create_superuser("root", password="x")

    def client_for(user):
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    superuser_client, staff_client = client_for(root), client_for(staff)
    url = "/admin/communities/grid/"
    queries = []

    def capture(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        assert superuser_client.get(url).status_code == 200
    counts = [sql for sql in queries if "COUNT(" in sql.upper()]
    superuser_ms = timed(lambda: superuser_client.get(url))
    staff_ms = timed(lambda: staff_client.get(url))
    with connection.cursor() as cursor:
        count_ms = timed(lambda: cursor.execute("SELECT COUNT(*) FROM communities_grid"))
    print(
        f"superuser list, unfiltered, {ROWS:,} rows: {superuser_ms:.0f} ms median "
        f"({len(queries)} queries, COUNT queries: {len(counts)})"
    )
    print(f"  the COUNT(*) Django's paginator would add (twice per page view): {count_ms:.0f} ms each")
    print(f"staff list (1,000 grids of their community): {staff_ms:.0f} ms median")

    return superuser_ms < LIST_FLOOR_MS and staff_ms < LIST_FLOOR_MS and not counts


def main():
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import tablib
    from auditlog.context import set_actor
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from communities.models import Community, District, Person, StaffProfile, Subdistrict
    from communities.resources import PersonResource
    from registers.roles import COMMUNITY_STAFF

    district = District.objects.create(name="老城区")
    subdistrict = Subdistrict.objects.create(district=district, name="西关办事处")
    home = Community.objects.create(subdistrict=subdistrict, name="环西社区")
    other = Community.objects.create(subdistrict=subdistrict, name="金业路社区")
    staff = User.objects.create_user("huanxi", password="x", is_staff=True)
    staff.groups.add(Group.objects.get(name=COMMUNITY_STAFF))
    StaffProfile.objects.create(user=staff, community=home)
    list_ok = True
    if not IMPORT_ONLY:
        list_ok = bench_lists(home, other, staff)

    header = ["name", "gender", "birth date", "phone", "community", "Party member", "education"]

    def people_sheet(prefix="居民", education="本科"):
        sheet = tablib.Dataset(headers=header)
        for i in range(PEOPLE):
            sheet.append(
                [
                    f"{prefix}{i}",
                    "女" if i % 2 else "男",
                    f"19{50 + i % 50}-0{1 + i % 9}-1{i % 10}",
                    f"138{i:08d}",
                    "环西社区",
                    "是" if i % 3 == 0 else "否",
                    education,
                ]
            )
        return sheet

    def history(action):
        return LogEntry.objects.filter(content_type__model="person", action=action).count()

    def run(step, sheet, dry_run, expect):
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        resource = PersonResource(user=staff)
        start = time.perf_counter()
        with (
            set_actor(staff),
            connection.execute_wrapper(count),
        ):  # the actor, as the admin's middleware sets it
            result = resource.import_data(sheet, dry_run=dry_run, raise_errors=False)
        seconds = time.perf_counter() - start
        assert not result.has_errors() and not result.has_validation_errors()
        assert result.totals[expect] == PEOPLE, dict(result.totals)
        print(
            f"{step}: {seconds:.1f} s = {PEOPLE / seconds:,.0f} rows/s, "
            f"{queries[0]:,} queries = {queries[0] / PEOPLE:.2f} per row"
        )
        return PEOPLE / seconds

    sheet = people_sheet()
    rates = [
        run(f"import {PEOPLE:,} people, preview (dry run)", sheet, True, "new"),
        run(f"import {PEOPLE:,} people, confirm", sheet, False, "new"),
    ]
    assert Person.objects.count() == PEOPLE
    assert history(LogEntry.Action.CREATE) == PEOPLE, "a created person without its history entry"
    changed = people_sheet(education="研究生")
    run(f"re-import, every row changed ({PEOPLE:,} updates), preview", changed, True, "update")
    run(f"re-import, every row changed ({PEOPLE:,} updates), confirm", changed, False, "update")
    assert history(LogEntry.Action.UPDATE) == PEOPLE, "an updated person without its history entry"
    assert set(Person.objects.values_list("education", flat=True)) == {"postgraduate"}
    run("re-import of the same sheet (all unchanged, skipped)", changed, True, "skip")
    print(
        f"  history: {history(LogEntry.Action.CREATE):,} create and {history(LogEntry.Action.UPDATE):,} update entries"
    )
    # The same preview without the change history (django-auditlog, audit app), to show its share of the time.
    if auditlog.contains(Person):
        auditlog.unregister(Person)
        run("  preview of new people without the change history", people_sheet("新居民"), True, "new")

    print(
        f"floors: lists < {LIST_FLOOR_MS} ms and no COUNT(*): "
        f"{'not run' if IMPORT_ONLY else 'met' if list_ok else 'MISSED'}; "
        f"import >= {IMPORT_FLOOR} rows/s: {'met' if min(rates) >= IMPORT_FLOOR else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
