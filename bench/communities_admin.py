"""The units register at scale: admin list pages over a million rows, and importing a people sheet.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_comm .venv/bin/python bench/communities_admin.py [rows]

It drops and recreates the database named in DATABASE_URL (default bench_comm on the local PostgreSQL),
fills communities_grid with ``rows`` grids (default 1,000,000; generate_series, a few seconds), then times:

- the unfiltered grid list of a superuser (LargeTablePaginator: the planner's estimate, no COUNT(*)),
  against the COUNT(*) Django's own paginator would run on every page view;
- the grid list of a community's staff (filtered to their 1,000 grids: an exact, indexed count);
- importing a 5,000-row people sheet as community staff through PersonResource.import_data, the call the
  admin makes for the preview (dry_run) and for the confirmation.

Floors (docs/benchmarks.md): list pages under 300 ms at a million rows; import at least 500 rows a second.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_comm")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
PEOPLE = 5_000
LIST_FLOOR_MS = 300
IMPORT_FLOOR = 500


def recreate_database():
    import environ
    import psycopg

    url = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if "postgresql" not in url["ENGINE"]:
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
    with psycopg.connect(
        host=url["HOST"] or "127.0.0.1", port=url["PORT"] or 5432, user=url["USER"], dbname="postgres",
        autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(f'DROP DATABASE IF EXISTS "{url["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{url["NAME"]}"')


def timed(function, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import tablib
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from communities.models import Community, District, Grid, Person, StaffProfile, Subdistrict
    from communities.resources import PersonResource
    from communities.roles import COMMUNITY_STAFF

    district = District.objects.create(name="老城区")
    subdistrict = Subdistrict.objects.create(district=district, name="西关办事处")
    home = Community.objects.create(subdistrict=subdistrict, name="环西社区")
    other = Community.objects.create(subdistrict=subdistrict, name="金业路社区")
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
    staff = User.objects.create_user("huanxi", password="x", is_staff=True)
    staff.groups.add(Group.objects.get(name=COMMUNITY_STAFF))
    StaffProfile.objects.create(user=staff, community=home)

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

    header = ["name", "gender", "birth date", "phone", "community", "Party member", "education"]
    sheet = tablib.Dataset(headers=header)
    for i in range(PEOPLE):
        sheet.append(
            [
                f"居民{i}",
                "女" if i % 2 else "男",
                f"19{50 + i % 50}-0{1 + i % 9}-1{i % 10}",
                f"138{i:08d}",
                "环西社区",
                "是" if i % 3 == 0 else "否",
                "本科",
            ]
        )
    for dry_run in (True, False):
        resource = PersonResource(user=staff)
        start = time.perf_counter()
        result = resource.import_data(sheet, dry_run=dry_run, raise_errors=False)
        seconds = time.perf_counter() - start
        assert not result.has_errors() and not result.has_validation_errors()
        step = "preview (dry run)" if dry_run else "confirm"
        print(f"import {PEOPLE:,} people, {step}: {seconds:.1f} s = {PEOPLE / seconds:,.0f} rows/s")
    assert Person.objects.count() == PEOPLE
    # The same preview without the change history (django-auditlog, audit app) of every saved row, to show
    # which share of the time is the history's.
    from auditlog.registry import auditlog

    if auditlog.contains(Person):
        auditlog.unregister(Person)
        sheet_new = tablib.Dataset(headers=header)
        for row in sheet:
            sheet_new.append([f"新{row[0]}", *row[1:]])
        start = time.perf_counter()
        PersonResource(user=staff).import_data(sheet_new, dry_run=True, raise_errors=False)
        seconds = time.perf_counter() - start
        print(
            f"  preview of {PEOPLE:,} new people without the change history: {PEOPLE / seconds:,.0f} rows/s"
        )
    resource = PersonResource(user=staff)
    start = time.perf_counter()
    result = resource.import_data(sheet, dry_run=True, raise_errors=False)
    seconds = time.perf_counter() - start
    print(
        f"re-import of the same sheet (all unchanged, skipped): {seconds:.1f} s = {PEOPLE / seconds:,.0f} rows/s, "
        f"skipped {result.totals['skip']:,}"
    )

    ok = superuser_ms < LIST_FLOOR_MS and staff_ms < LIST_FLOOR_MS and not counts
    print(
        f"floors: lists < {LIST_FLOOR_MS} ms and no COUNT(*): {'met' if ok else 'MISSED'}; "
        f"import >= {IMPORT_FLOOR} rows/s: see above"
    )


if __name__ == "__main__":
    main()
