"""Times the due-visit list for one district and one month on 100,000 recipients and 5,000,000 home visits.

    .venv/bin/python bench/volunteers_due.py            # DATABASE_URL default: postgres://…/bench_vol
    .venv/bin/python bench/volunteers_due.py --rebuild  # drop and rebuild the data

The floor is the bare SQL query for the same rows (a LATERAL "latest visit" per recipient), run on the same
connection. It (re)creates the database named in DATABASE_URL (default bench_vol on the local PostgreSQL),
migrates, and builds with INSERT … SELECT generate_series: 4 districts × 5 subdistricts × 10 communities,
2 teams per community, 100,000 recipients (500 per community; 10% every two months, 5% fortnightly, 2%
inactive), 5,000,000 visits (50 per recipient from 2016 on; one recipient in ten stopped being visited
in 2018). The visits' volunteers are not built: the due list does not read them.

It times, for district 1 (25,000 recipients) and June 2020: the whole due list through the ORM
(stats.due_visits, as the same six columns with values_list, and as model objects with the person, community
and team) against the bare SQL; the count (the admin's "due
this month" filter and the page both count); the printable page itself (/volunteers/due/, 500 rows a page)
through the test client; and the ORM list again without the (recipient, visited_on) index, to show why
that index exists. Each figure is the median of 5 runs after one warm-up.
"""

import os
import statistics
import sys
import time
from pathlib import Path

from _database import open_bench_database  # bench/ is the script's folder: on sys.path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_vol")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# BENCH_SCALE=0.01 builds 1% of the data (a quick check of the script itself).
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
RECIPIENTS = int(100_000 * SCALE)
VISITS = RECIPIENTS * 50
DISTRICTS, SUBDISTRICTS, COMMUNITIES = 4, 5, 10
MONTH = "2020-06"
RUNS = 5

BARE_SQL = """
SELECT r.id, p.name, c.name, t.name, lv.visited_on, (%(as_of)s::date - lv.visited_on) AS days_since
FROM volunteers_carerecipient r
JOIN communities_person p ON p.id = r.person_id
JOIN communities_community c ON c.id = r.community_id
JOIN communities_subdistrict s ON s.id = c.subdistrict_id
LEFT JOIN volunteers_volunteerteam t ON t.id = r.assigned_team_id
LEFT JOIN LATERAL (
    SELECT v.visited_on FROM volunteers_homevisit v
    WHERE v.recipient_id = r.id AND v.visited_on <= %(end)s
    ORDER BY v.visited_on DESC LIMIT 1
) lv ON true
WHERE s.district_id = %(district)s AND r.active AND r.since <= %(end)s
  AND (lv.visited_on IS NULL
       OR (r.frequency_unit = 'months'
           AND extract(year FROM lv.visited_on) * 12 + extract(month FROM lv.visited_on) <= %(index)s - r.frequency)
       OR (r.frequency_unit = 'days' AND %(end)s::date - lv.visited_on >= r.frequency))
"""


def insert_select(cursor, model, columns: dict[str, str], from_sql: str):
    """INSERT INTO model's table SELECT …: ``columns`` maps column -> SQL expression; every other column
    gets its field's default (or NULL), so the bench keeps working when a model gains a field."""
    names, exprs, defaults = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(field.column)
        if field.column in columns:
            exprs.append(columns[field.column])
        elif field.null and not field.has_default():
            exprs.append("NULL")
        else:
            exprs.append("%s")
            defaults.append(field.get_db_prep_save(field.get_default(), cursor.db))
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) SELECT {', '.join(exprs)} {from_sql}"
    cursor.execute(sql, defaults)


def build(stdout=print):
    from django.db import connection, transaction

    from communities.models import Community, District, Person, Subdistrict
    from volunteers.models import CareRecipient, HomeVisit, VolunteerTeam

    started = time.perf_counter()
    with transaction.atomic():
        communities = []
        for d in range(DISTRICTS):
            district = District.objects.create(name=f"基准区{d + 1}")
            for s in range(SUBDISTRICTS):
                sub = Subdistrict.objects.create(district=district, name=f"基准区{d + 1}第{s + 1}办事处")
                communities += Community.objects.bulk_create(
                    [Community(subdistrict=sub, name=f"第{c + 1}社区") for c in range(COMMUNITIES)]
                )
        teams = VolunteerTeam.objects.bulk_create(
            [
                VolunteerTeam(community=c, name=f"{c.subdistrict.name}{c.name}党员志愿服务{k + 1}队",
                              is_party_member_team=True)
                for c in communities
                for k in range(2)
            ]
        )  # fmt: skip
        community_ids = [c.pk for c in communities]
        team_ids = [t.pk for t in teams]  # two per community, in community order
        n = len(community_ids)
        # Integer arrays inlined (ids from the database, not user input): the expressions carry no parameters.
        community_array = "ARRAY[" + ",".join(map(str, community_ids)) + "]::bigint[]"
        team_array = "ARRAY[" + ",".join(map(str, team_ids)) + "]::bigint[]"
        with connection.cursor() as cursor:
            insert_select(
                cursor, Person,
                {"name": "'对象' || g", "phone": "'166' || lpad(g::text, 8, '0')",
                 "community_id": f"({community_array})[((g - 1) %% {n}) + 1]",
                 "birth_date": "date '1930-01-01' + (g %% 3650)", "is_party_member": "false"},
                f"FROM generate_series(1, {RECIPIENTS}) g ORDER BY g",
            )  # fmt: skip
            first_person = cursor.execute(
                "SELECT min(id) FROM communities_person WHERE name = '对象1'"
            ).fetchone()[0]
            insert_select(
                cursor, CareRecipient,
                {"person_id": f"{first_person} + g - 1",
                 "community_id": f"({community_array})[((g - 1) %% {n}) + 1]",
                 "health_notes": "''",
                 "frequency": "CASE WHEN g %% 20 = 7 THEN 14 WHEN g %% 10 = 3 THEN 2 ELSE 1 END",
                 "frequency_unit": "CASE WHEN g %% 20 = 7 THEN 'days' ELSE 'months' END",
                 "since": "date '2016-01-01'",
                 "assigned_team_id": f"({team_array})[((g - 1) %% {n}) * 2 + 1 + g %% 2]",
                 "usual_day": "1 + g %% 28",
                 "active": "g %% 50 <> 11",
                 "inactive_reason": "CASE WHEN g %% 50 = 11 THEN 'moved_away' ELSE '' END"},
                f"FROM generate_series(1, {RECIPIENTS}) g ORDER BY g",
            )  # fmt: skip
            first_recipient = cursor.execute(
                "SELECT id FROM volunteers_carerecipient WHERE person_id = %s", [first_person]
            ).fetchone()[0]
            stdout(f"units, {RECIPIENTS:,} people and recipients: {time.perf_counter() - started:.1f} s")
            step = time.perf_counter()
            per = VISITS // RECIPIENTS
            insert_select(
                cursor, HomeVisit,
                {"community_id": "r.community_id", "recipient_id": "r.id", "team_id": "r.assigned_team_id",
                 # One recipient in ten stopped being visited in 2018; the others every ~36 days.
                 "visited_on": "date '2016-01-01' + CASE WHEN (v.g - 1) %% 10 = 0 THEN v.k * 18"
                               " ELSE v.k * 36 + ((v.g * 7919) %% 30) END",
                 "minutes": "30 + (v.g + v.k) %% 61", "other_services": "''", "notes": "''"},
                f"FROM (SELECT g, k FROM generate_series(1, {RECIPIENTS}) g, generate_series(0, {per - 1}) k) v "
                f"JOIN volunteers_carerecipient r ON r.id = {first_recipient} + v.g - 1",
            )  # fmt: skip
            stdout(f"{VISITS:,} visits: {time.perf_counter() - step:.1f} s")
    # As autovacuum leaves a table in steady state: statistics, and the visibility map that lets the
    # "latest visit" probes read the index alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    stdout(f"built in {time.perf_counter() - started:.1f} s")


def timed(func) -> tuple[float, object]:
    """Median milliseconds of RUNS calls after one warm-up, and the last result."""
    func()  # warm-up: caches, plans
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def main():
    def has_data():
        from volunteers.models import HomeVisit

        return HomeVisit.objects.count() == VISITS

    if open_bench_database(has_data):
        build()
    import datetime

    from django.db import connection

    from communities.models import District
    from registers.periods import month_bounds
    from volunteers import stats
    from volunteers.models import CareRecipient, HomeVisit

    district = District.objects.get(name="基准区1")
    month = datetime.date.fromisoformat(MONTH + "-01")
    first, last = month_bounds(month)
    today = datetime.date(2020, 7, 15)  # a past month: days are counted to its last day
    params = {"as_of": last, "end": last, "district": district.pk, "index": month.year * 12 + month.month}
    recipients = CareRecipient.objects.filter(community__subdistrict__district=district).count()
    print(f"data: {CareRecipient.objects.count():,} recipients, {HomeVisit.objects.count():,} visits; "
          f"district 1: {recipients:,} recipients; month {MONTH}")  # fmt: skip

    def orm_list():
        return [
            (r.pk, r.person.name, r.community.name, r.assigned_team.name if r.assigned_team else None,
             r.last_visit_on, r.days_since_last_visit)
            for r in stats.due_visits(district, month, today=today)
        ]  # fmt: skip

    def orm_values():
        return list(
            stats.due_visits(district, month, today=today).values_list(
                "pk",
                "person__name",
                "community__name",
                "assigned_team__name",
                "last_visit_on",
                "days_since_last_visit",
            )
        )

    def sql_list():
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, params)
            return cursor.fetchall()

    def orm_count():
        return stats.due_count(district, month)

    def sql_count():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({BARE_SQL}) due", params)
            return cursor.fetchone()[0]

    orm_ms, orm_rows = timed(orm_list)
    values_ms, values_rows = timed(orm_values)
    sql_ms, sql_rows = timed(sql_list)
    assert sorted(values_rows) == sorted(orm_rows)
    assert sorted(r[0] for r in orm_rows) == sorted(r[0] for r in sql_rows), "the ORM and the SQL disagree"
    assert {r[0]: r[5] for r in orm_rows} == {r[0]: r[5] for r in sql_rows}, (
        "days since the last visit differ"
    )
    orm_count_ms, count = timed(orm_count)
    sql_count_ms, bare_count = timed(sql_count)
    assert count == bare_count == len(orm_rows)
    print(f"due in {MONTH}: {count:,} of {recipients:,} recipients")
    print(
        f"due list, ORM values (same columns as SQL)   {values_ms:8.1f} ms   ORM/SQL {values_ms / sql_ms:.2f}×"
    )
    print(f"due list, ORM objects (+person/community/team) {orm_ms:6.1f} ms   ORM/SQL {orm_ms / sql_ms:.2f}×")
    print(f"due list, bare SQL (same rows)               {sql_ms:8.1f} ms")
    print(f"due count, ORM (stats.due_count)             {orm_count_ms:8.1f} ms")
    print(
        f"due count, bare SQL                          {sql_count_ms:8.1f} ms   ORM/SQL {orm_count_ms / sql_count_ms:.2f}×"
    )

    page_ms = page_queries = None
    try:
        from django.contrib.auth.models import Group, User
        from django.db import connection as conn
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from communities.models import StaffProfile
        from registers.roles import SUPERVISORS

        user, created = User.objects.get_or_create(username="bench-supervisor", defaults={"is_staff": True})
        if created:
            user.groups.add(Group.objects.get(name=SUPERVISORS))
            StaffProfile.objects.create(user=user, district=district)
        client = Client()
        client.force_login(user)
        path = f"/volunteers/due/?unit=district:{district.pk}&month={MONTH}"

        def page():
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            return response

        page_ms, _response = timed(page)
        with CaptureQueriesContext(conn) as queries:
            page()
        page_queries = len(queries)
        print(f"due page /volunteers/due/ (500 rows, {page_queries} queries) {page_ms:8.1f} ms")
        # The admin lists the same supervisor opens (50 rows a page, exact counts of the district's rows).
        for label, admin_path in (
            ("admin visits list (1.25 M in the district)", "/admin/volunteers/homevisit/"),
            ("admin recipients list", "/admin/volunteers/carerecipient/"),
            ("admin recipients, due this month", "/admin/volunteers/carerecipient/?due=this_month"),
            ("admin teams list", "/admin/volunteers/volunteerteam/"),
        ):
            admin_ms, _response = timed(lambda p=admin_path: client.get(p))
            with CaptureQueriesContext(conn) as queries:
                assert client.get(admin_path).status_code == 200
            print(f"{label:44} {admin_ms:8.1f} ms ({len(queries)} queries)")
    except Exception as error:  # the page needs the whole project; the list figures above stand alone
        print(f"due page: not timed ({error.__class__.__name__}: {error})")

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + BARE_SQL, params)
        plan = [row[0] for row in cursor.fetchall()]
    print("bare SQL plan, last lines: " + " | ".join(line.strip() for line in plan[-3:]))

    if "--no-index-check" not in sys.argv:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX home_visit_recipient_date_idx")
        try:
            no_index_ms, rows = timed(orm_list)
            print(f"due list, ORM, without (recipient, visited_on) index {no_index_ms:8.1f} ms "
                  f"({no_index_ms / orm_ms:.1f}× slower)")  # fmt: skip
        finally:
            with connection.cursor() as cursor:
                start = time.perf_counter()
                cursor.execute(
                    "CREATE INDEX home_visit_recipient_date_idx ON volunteers_homevisit (recipient_id, visited_on DESC)"
                )
                print(f"(index rebuilt in {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
