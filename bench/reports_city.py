"""Times the city dashboard read from the summary tables against its floors (#17's speed targets).

    .venv/bin/python bench/reports_city.py            # DATABASE_URL default: postgres://…/bench_city
    .venv/bin/python bench/reports_city.py --rebuild  # build the city again (generate_load --city --replace)

Data: ``manage.py generate_load --seed 1 --city`` (10 districts × 500 communities, 10,000,000 home visits,
2,000,000 activities), built on first run, its summaries rebuilt at the end of the load.

For the synthetic city and for one of its districts, over 2018 (median of 5 interleaved runs after a warm-up):
- floor: bare SQL reading every summary row the figures come from — the unit's communities × the year's
  months of CommunityMonth, KindMonth, ProgrammeMonth, VenueMonth and CommitteeSeat, the people rows of 2018
  of the unit and of its sub-units (above the community their UnitPeopleCount rows and the home-visit
  volunteers' UnitPeopleYear rows; PeopleYear for communities) and their member counts up to the year's end
  (UnitMemberCount) (plain cursor, every row fetched);
- the whole page through the test client (session, middleware, every figure, listings, ranking, bulletin,
  chart data, template), as a supervisor of the unit;
- once, ``reports.dashboard.build(live=True)``: the same figures counted from the live records, as before
  the summaries;
- the refresh after one home visit is moved to another month and back (what a write costs the next reader).
Targets: the city page ≤ 1.2× the floor and ≤ 0.1× the live build; ≤ 500 KB; ≤ 55 queries (the same at two
data sizes: tests/reports/test_page_size.py); the district page ≤ 0.1× its live build.
"""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_city")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from _database import open_bench_database  # noqa: E402  (bench/ is the script's folder: on sys.path)
from _timing import side_by_side  # noqa: E402

YEAR = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))


def shown(dashboard):
    """Every table's rows as the page and the files show them (a listing's links made)."""

    def made(row):
        links = row.get("_links")
        return {**row, "_links": links() if callable(links) else links}

    return {table.name: [made(row) for row in table.rows] for table in dashboard.tables}


def main():
    from django.conf import settings

    def has_data():
        from communities.models import City
        from reports.management.commands.generate_load import PREFIX

        return City.objects.filter(name__startswith=PREFIX).exists()

    if open_bench_database(has_data):
        from django.core.management import call_command

        print("building the synthetic city (generate_load --seed 1 --city) …", flush=True)
        started = time.perf_counter()
        call_command("generate_load", seed=1, city=True)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.utils import translation

    from communities.models import City, Community, District, StaffProfile
    from registers.units import COMMUNITY, level, level_of, next_level, unit_key
    from reports.dashboard import build
    from reports.management.commands.generate_load import PREFIX
    from reports.models import (
        CommitteeSeat,
        CommunityMonth,
        KindMonth,
        PeopleYear,
        ProgrammeMonth,
        UnitMemberCount,
        UnitPeopleCount,
        UnitPeopleYear,
        VenueMonth,
    )
    from reports.summaries import refresh

    refresh()
    city = City.objects.get(name__startswith=PREFIX)
    district = District.objects.filter(city=city).order_by("name").first()
    print(
        f"city {city}: {District.objects.filter(city=city).count()} districts, "
        f"{Community.objects.for_unit(city).count():,} communities; load average {os.getloadavg()[0]:.1f}"
    )

    def floor_sql(unit):
        communities = Community.objects.for_unit(unit).values("pk")
        queries = []
        for model in (CommunityMonth, KindMonth, ProgrammeMonth, VenueMonth, CommitteeSeat):
            rows = model.objects.filter(community__in=communities, month__gte=YEAR[0], month__lte=YEAR[1])
            queries.append(
                rows.values_list(*[f.column for f in model._meta.concrete_fields]).query.sql_with_params()
            )
        # The people rows of the unit and of its sub-units: above the community their counts by month mask
        # and their Party members' rows among the home-visit volunteers; PeopleYear for communities.
        sub_level = next_level(level_of(unit))
        below = level(sub_level)
        subs = below.model.objects.filter(**{below.parent_field: unit.pk}).values("pk")
        year = YEAR[0].year
        for level_name, units in ((level_of(unit), [unit.pk]), (sub_level, subs)):
            if level_name == COMMUNITY:
                people = PeopleYear.objects.filter(community__in=units, year=year)
                queries.append(people.values_list("role", "who", "months").query.sql_with_params())
                members = UnitMemberCount.objects.filter(
                    level=level_name, unit_id__in=units, since__lte=YEAR[1]
                )
                queries.append(members.values_list("party", "since", "people").query.sql_with_params())
                continue
            counts = UnitPeopleCount.objects.filter(level=level_name, unit_id__in=units, year=year)
            queries.append(counts.values_list("role", "months", "people").query.sql_with_params())
            members = UnitMemberCount.objects.filter(level=level_name, unit_id__in=units, since__lte=YEAR[1])
            queries.append(members.values_list("party", "since", "people").query.sql_with_params())
            visitors = UnitPeopleYear.objects.filter(
                level=level_name, unit_id__in=units, year=year, role=PeopleYear.Role.VISIT_VOLUNTEER
            )
            queries.append(visitors.values_list("who", "months").query.sql_with_params())
        return queries

    def run_sql(queries):
        with connection.cursor() as cursor:
            rows = 0
            for sql, params in queries:
                cursor.execute(sql, params)
                rows += len(cursor.fetchall())
        return rows

    results = {}
    for unit, profile_field in ((city, "city"), (district, "district")):
        user, _ = User.objects.get_or_create(username=f"bench-{profile_field}", defaults={"is_staff": True})
        StaffProfile.objects.update_or_create(user=user, defaults={profile_field: unit})
        client = Client()
        client.force_login(user)
        url = f"/reports/?unit={unit_key(unit)}&start={YEAR[0]}&end={YEAR[1]}"
        page = client.get(url)
        assert page.status_code == 200, page.status_code
        counted = []

        def count(execute, sql, params, many, context, counted=counted):
            counted.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        queries = floor_sql(unit)
        rows = run_sql(queries)
        medians = side_by_side(floor=lambda q=queries: run_sql(q), page=lambda u=url, c=client: c.get(u))
        started = time.perf_counter()
        with translation.override("zh-hans"):
            live = build(unit, *YEAR, live=True)
        live_seconds = time.perf_counter() - started
        summary = build(unit, *YEAR)
        same = shown(summary) == shown(live)
        floor, page_time = medians["floor"], medians["page"]
        results[profile_field] = (floor, page_time, live_seconds, len(page.content), len(counted))
        print(f"\n{unit} ({YEAR[0]} … {YEAR[1]})")
        print(f"   summary rows read by the floor : {rows:,}")
        print(f"   floor (bare SQL of those rows) : {floor * 1000:8.1f} ms")
        print(
            f"   whole page (test client)       : {page_time * 1000:8.1f} ms  ({page_time / floor:.2f}× the floor)"
        )
        print(
            f"   live build() (once)            : {live_seconds * 1000:8.1f} ms  (page = {page_time / live_seconds:.3f}× it)"
        )
        print(
            f"   page size {len(page.content) / 1024:.0f} KB, {len(counted)} queries; figures equal to the live ones: {same}"
        )

    # What a write costs the next reader: one home visit moved to another month and back, each followed by
    # the refresh a dashboard (or the minute's job) does: its months, its people, their units' roll-up.
    from volunteers.models import HomeVisit

    visit = HomeVisit.objects.filter(visited_on__year=YEAR[0].year).order_by("pk").first()
    refreshes = []
    for day in (visit.visited_on.replace(month=visit.visited_on.month % 12 + 1, day=1), visit.visited_on):
        HomeVisit.objects.filter(pk=visit.pk).update(visited_on=day)
        started = time.perf_counter()
        refresh()
        refreshes.append(time.perf_counter() - started)
    print(
        f"\nrefresh after one home visit moved (and back): {', '.join(f'{t * 1000:.0f} ms' for t in refreshes)}"
    )

    floor, page_time, live_seconds, size, queries = results["city"]
    d_floor, d_page, d_live, _d_size, d_queries = results["district"]
    print("\ntargets:")
    print(
        f"   city page ≤ 1.2× the floor   : {page_time / floor:.2f}×  {'PASS' if page_time <= 1.2 * floor else 'FAIL'}"
    )
    print(
        f"   city page ≤ 0.1× live build  : {page_time / live_seconds:.3f}× {'PASS' if page_time <= 0.1 * live_seconds else 'FAIL'}"
    )
    print(
        f"   district page ≤ 0.1× live    : {d_page / d_live:.3f}× {'PASS' if d_page <= 0.1 * d_live else 'FAIL'}"
    )
    print(
        f"   page ≤ 500 KB                : {size / 1024:.0f} KB {'PASS' if size <= 500 * 1024 else 'FAIL'}"
    )
    # (The same number at two data sizes is tests/reports/test_page_size.py's; a city and a district differ by
    # the city's extra breakdowns.)
    print(
        f"   ≤ 55 queries                 : city {queries}, district {d_queries} {'PASS' if max(queries, d_queries) <= 55 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
