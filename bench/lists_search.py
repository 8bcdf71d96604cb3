"""The admin lists at scale (#17, item 6): searching home visits and people by a person's name, against the
unfiltered first page of the same list; the list page's size with the filters as search boxes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_lists .venv/bin/python bench/lists_search.py
    … bench/lists_search.py --rebuild --visits 5000000 --communities 2000   # build again, another size

Data: ``manage.py generate_load --seed 1`` with the sizes given (``--communities --visits --activities
--bookings --city``, passed on; by default the province size with 10,000 activities and bookings, which this
bench does not read), built on first run or with ``--rebuild``. Accounts: the supervisor of the first
district and of the whole synthetic city (the group's permissions, the unit in the staff profile).

For each account, side by side (median of 5 interleaved runs after a warm-up, same client):
- the home-visit list (/admin/volunteers/homevisit/): the unfiltered first page, and ``?q=<name>`` for a care
  recipient's name and for a volunteer's name (each visit has one; HomeVisitQuerySet.naming);
- the people list (/admin/communities/person/): the unfiltered first page and ``?q=<name>``.
Target (#17): a search at most 5× the unfiltered first page. Then the search's plan (EXPLAIN ANALYZE of the
list's query as the admin sent it): whether the trigram index person_name_trgm is read, and its time.

The home-visit register's export of one subdistrict (25,000 visits at the default size) by a personal-data
officer (subdistrict staff who may see the visits' notes in full), written as the background job's worker
writes it (registers.exports.run, in this process, CSV): rows, seconds, rows/s, queries, and the access-log
entries it wrote (one for the file, naming every record).

Page size: the home-visit list of the city's supervisor with its filters as search boxes
(registers.autocomplete_filter), and as it was (the sidebar listing every team and community of the unit:
the bench swaps the old filter back in for that one request).
"""

import os
import sys
import time
from pathlib import Path

from _database import open_bench_database  # bench/ is the script's folder: on sys.path
from _timing import side_by_side

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_lists")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

VISIT_LIST, PEOPLE_LIST = "/admin/volunteers/homevisit/", "/admin/communities/person/"
TARGET = 5.0
SIZES = ("communities", "visits", "activities", "bookings")
DEFAULT_SIZES = {"activities": 10_000, "bookings": 10_000}


def size_options() -> dict:
    options = dict(DEFAULT_SIZES)
    for name in SIZES:
        flag = f"--{name}"
        if flag in sys.argv:
            options[name] = int(sys.argv[sys.argv.index(flag) + 1])
    if "--city" in sys.argv:
        options["city"] = True
    return options


def main():
    def has_data():
        from communities.models import City
        from reports.management.commands.generate_load import PREFIX

        return City.objects.filter(name__startswith=PREFIX).exists()

    if open_bench_database(has_data):
        from django.core.management import call_command

        options = size_options()
        print(f"building the synthetic data (generate_load --seed 1 {options}) …", flush=True)
        started = time.perf_counter()
        call_command("generate_load", seed=1, **options)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)

    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client

    from communities.models import City, District, Person, StaffProfile
    from registers import admin as registers_admin
    from registers.roles import SUPERVISORS
    from reports.management.commands.generate_load import PREFIX
    from volunteers.models import CareRecipient, HomeVisit

    city = City.objects.get(name__startswith=PREFIX)
    district = District.objects.filter(city=city).order_by("name").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'volunteers_homevisit'")
        visits = cursor.fetchone()[0]
    print(
        f"{visits:,} home visits (estimate), {Person.objects.count():,} people; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    # Names of the first district: the last recipient's and a volunteer of one of their visits. (The
    # synthetic names are 居民<n>: a search for 居民12345 also finds 居民123450 … 居民123459.)
    recipient = CareRecipient.objects.for_unit(district).select_related("person").order_by("-pk").first()
    volunteer = (
        Person.objects.filter(home_visits__recipient=recipient).order_by("-pk").first()
        or Person.objects.for_unit(district).order_by("-pk").first()
    )
    names = {"recipient": recipient.person.name, "volunteer": volunteer.name}

    group = Group.objects.get(name=SUPERVISORS)
    ratios = []
    for unit, field in ((district, "district"), (city, "city")):
        user, _ = User.objects.get_or_create(username=f"bench-lists-{field}", defaults={"is_staff": True})
        user.groups.add(group)
        StaffProfile.objects.update_or_create(user=user, defaults={field: unit})
        client = Client()
        client.force_login(user)

        def get(url, client=client):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        medians = side_by_side(
            visits_first_page=lambda: get(VISIT_LIST),
            visits_by_recipient=lambda: get(f"{VISIT_LIST}?q={names['recipient']}"),
            visits_by_volunteer=lambda: get(f"{VISIT_LIST}?q={names['volunteer']}"),
            people_first_page=lambda: get(PEOPLE_LIST),
            people_by_name=lambda: get(f"{PEOPLE_LIST}?q={names['recipient']}"),
        )
        found = HomeVisit.objects.for_unit(unit).naming(names["recipient"]).count()
        print(f"\n{unit} (supervisor of the {field}):")
        for list_name, first in (("home visits", "visits_first_page"), ("people", "people_first_page")):
            print(f"  {list_name}: unfiltered first page {medians[first] * 1000:8.1f} ms")
            for key, value in medians.items():
                if key != first and key.startswith(first.split("_")[0]):
                    ratio = value / medians[first]
                    ratios.append(ratio)
                    name = names["volunteer"] if "volunteer" in key else names["recipient"]
                    print(
                        f"    search {key.split('_', 1)[1].replace('_', ' ')} (q={name}): "
                        f"{value * 1000:8.1f} ms  {ratio:5.2f}× the first page (target ≤ {TARGET:.0f}×)"
                    )
        print(f"    ({found:,} visits of the {field} found by q={names['recipient']})")

        # The plan of the search's list query, as the admin sent it.
        queries = []

        def keep(execute, sql, params, many, context, queries=queries):
            queries.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            get(f"{VISIT_LIST}?q={names['recipient']}")
        sql, params = next((s, p) for s, p in queries if "UNION" in s and "ORDER BY" in s)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        uses = "person_name_trgm" in "\n".join(plan)
        print(f"    plan: trigram index {'used' if uses else 'NOT used'}; {plan[-1].strip()}")

    # The home-visit list's size for the city's supervisor: search boxes, and the old sidebar.
    client = Client()
    client.force_login(User.objects.get(username="bench-lists-city"))
    now = len(client.get("/admin/volunteers/homevisit/").content)
    can_autocomplete = registers_admin.can_autocomplete
    registers_admin.can_autocomplete = lambda site, field: False
    try:
        before = len(client.get("/admin/volunteers/homevisit/").content)
    finally:
        registers_admin.can_autocomplete = can_autocomplete
    print(
        f"\nhome-visit list of {city}, first page: "
        f"{before / 1024:.0f} KiB with the sidebar listing every team and community, "
        f"{now / 1024:.0f} KiB with search boxes"
    )
    print(f"\nworst search: {max(ratios):.2f}× the unfiltered first page (target ≤ {TARGET:.0f}×)")
    export_visits(district)


def export_visits(district):
    """The worker's export of one subdistrict's home visits, as a personal-data officer."""
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from audit.models import AccessLog
    from communities.models import StaffProfile, Subdistrict
    from registers import exports
    from registers.admin import REGISTER_EXPORT
    from registers.models import Job
    from registers.roles import PERSONAL_DATA_OFFICERS, SUBDISTRICT_STAFF
    from volunteers.models import HomeVisit
    from volunteers.resources import HomeVisitResource

    subdistrict = Subdistrict.objects.filter(district=district).order_by("name").first()
    user, _ = User.objects.get_or_create(username="bench-lists-officer", defaults={"is_staff": True})
    user.groups.add(*Group.objects.filter(name__in=[SUBDISTRICT_STAFF, PERSONAL_DATA_OFFICERS]))
    StaffProfile.objects.update_or_create(user=user, defaults={"subdistrict": subdistrict})
    prefix = HomeVisitResource.__name__.lower()
    form = {"format": ["1"], "resource": ["0"]}  # CSV
    form.update({f"{prefix}_{name}": ["on"] for name in HomeVisitResource().get_export_order()})
    rows = HomeVisit.objects.for_unit(subdistrict).count()
    job = Job.objects.create(
        kind=Job.Kind.EXPORT,
        user=user,
        register="volunteers.homevisit",
        exporter=REGISTER_EXPORT,
        params={"register": "volunteers.homevisit", "filters": "", "form": form},
        file_name="bench.csv",
        total_rows=rows,
        language="zh-hans",
    )
    logged_before = AccessLog.objects.count()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        exports.run(job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == Job.Status.READY, (job.status, job.error)
    entries = AccessLog.objects.filter(pk__gt=0).count() - logged_before
    print(
        f"\nexport of the home visits of {subdistrict} (officer, CSV, the worker's function): "
        f"{job.total_rows:,} rows in {seconds:.1f} s ({job.total_rows / seconds:,.0f} rows/s), "
        f"{len(queries)} queries, {entries} access-log entr{'y' if entries == 1 else 'ies'}"
    )
    job.file.delete(save=False)


if __name__ == "__main__":
    main()
