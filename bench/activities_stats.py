"""1,000,000 activities over 2,000 communities on PostgreSQL: the stats for a district and a year against the
bare SQL aggregate, and the admin's activity list with filters applied (queries and time).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_act .venv/bin/python bench/activities_stats.py [activities]

It drops and recreates the database (default bench_act), then builds with INSERT … SELECT generate_series:
2 districts × 20 subdistricts × 50 communities = 2,000 communities, one Party organisation and one programme
(with one sub-project) per community, 10,000 lecturers, and the activities spread evenly over the communities
and over 2014-2018 (so one district and one year hold about 100,000 activities), every 11th a lecture with
one or two lecturers. Each figure is timed as the best of 5 runs after a warm-up; the floor it is compared
to is the same aggregate written by hand in SQL.
"""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_act")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ACTIVITIES = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
DISTRICTS, SUBDISTRICTS, COMMUNITIES = 2, 20, 50  # per parent: 2 × 20 × 50 = 2,000 communities
LECTURERS = 10_000


def best(function, runs=5):
    function()  # warm-up: plans and caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def counting(counter: list):
    def count(execute, sql, params, many, context):
        counter.append(sql)
        return execute(sql, params, many, context)

    return count


def build(connection):
    from django.contrib.auth.models import Group, User

    from activities.models import ActivityType
    from communities.models import StaffProfile
    from registers.roles import SUBDISTRICT_STAFF, SUPERVISORS

    started = time.perf_counter()
    kinds = dict(ActivityType.objects.filter(subdistrict__isnull=True).values_list("pk", "kind"))
    lecture_type = next(pk for pk, kind in kinds.items() if kind == ActivityType.Kind.LECTURE)
    other_types = sorted(pk for pk in kinds if pk != lecture_type)
    n_communities = DISTRICTS * SUBDISTRICTS * COMMUNITIES
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO communities_district (name, kind) "
            "SELECT '区' || d, 'urban' FROM generate_series(1, %s) d",
            [DISTRICTS],
        )
        c.execute(
            "INSERT INTO communities_subdistrict (district_id, name, kind) "
            "SELECT d.id, d.name || '第' || s || '办事处', 'subdistrict' "
            "FROM communities_district d, generate_series(1, %s) s ORDER BY d.id, s",
            [SUBDISTRICTS],
        )
        c.execute(
            "INSERT INTO communities_community (subdistrict_id, name, kind, address) "
            "SELECT s.id, s.name || '第' || k || '社区', 'urban', '' "
            "FROM communities_subdistrict s, generate_series(1, %s) k ORDER BY s.id, k",
            [COMMUNITIES],
        )
        c.execute(
            "INSERT INTO communities_partyorganization (name, kind, subdistrict_id, community_id) "
            "SELECT c.name || '党委', 'party_committee', c.subdistrict_id, c.id "
            "FROM communities_community c ORDER BY c.id"
        )
        c.execute(
            "INSERT INTO activities_programme (name, subdistrict_id, community_id, description) "
            "SELECT c.name || '品牌', c.subdistrict_id, c.id, '' FROM communities_community c ORDER BY c.id"
        )
        c.execute(
            "INSERT INTO activities_programme (name, subdistrict_id, community_id, parent_id, description) "
            "SELECT p.name || '子项目', p.subdistrict_id, p.community_id, p.id, '' "
            "FROM activities_programme p ORDER BY p.id"
        )
        c.execute(
            "INSERT INTO communities_person (name, gender, phone, community_id, is_party_member, education) "
            "SELECT '讲师' || g, 'M', '', (SELECT min(id) FROM communities_community) + g %% %s, true, '' "
            "FROM generate_series(0, %s - 1) g",
            [n_communities, LECTURERS],
        )
        c.execute(
            "INSERT INTO activities_lecturer (person_id, community_id, category, topics, active) "
            "SELECT p.id, p.community_id, 'party_cadre', '', true FROM communities_person p ORDER BY p.id"
        )
        c.execute("SELECT min(id) FROM communities_community")
        first_community = c.fetchone()[0]
        c.execute("SELECT min(id) FROM communities_partyorganization")
        first_org = c.fetchone()[0]
        c.execute("SELECT min(id) FROM activities_programme")
        first_programme = c.fetchone()[0]
        # Activity g: community g % 2000; start spread evenly over 2014-01-01 … 2018-12-31 (local time);
        # every 11th a lecture; every 3rd in the community's programme, every 6th in its sub-project.
        c.execute(
            """
            INSERT INTO activities_activity
                (title, type_id, community_id, party_organization_id, start, "end", participants, programme_id,
                 description, created_at)
            SELECT '活动' || g,
                   CASE WHEN g %% 11 = 0 THEN %(lecture)s ELSE (%(others)s::bigint[])[1 + g %% %(n_others)s] END,
                   %(c0)s + g %% %(nc)s,
                   %(o0)s + g %% %(nc)s,
                   t, t + interval '2 hours',
                   5 + g %% 96,
                   CASE WHEN g %% 6 = 0 THEN %(p0)s + %(nc)s + g %% %(nc)s
                        WHEN g %% 3 = 0 THEN %(p0)s + g %% %(nc)s END,
                   '', now()
            FROM (
                SELECT g, timestamptz '2014-01-01 08:00+08'
                          + (g::float8 / %(n)s) * (timestamptz '2019-01-01 00:00+08' - timestamptz '2014-01-01 08:00+08') AS t
                FROM generate_series(0, %(n)s - 1) g
            ) series
            """,
            {
                "lecture": lecture_type, "others": other_types, "n_others": len(other_types), "c0": first_community,
                "o0": first_org, "p0": first_programme, "nc": n_communities, "n": ACTIVITIES,
            },
        )  # fmt: skip
        c.execute(
            "INSERT INTO activities_activity_lecturers (activity_id, lecturer_id) "
            "SELECT a.id, l0.first + (a.id %% %s) FROM activities_activity a, "
            "(SELECT min(id) AS first FROM activities_lecturer) l0 WHERE a.type_id = %s "
            "UNION ALL SELECT a.id, l0.first + ((a.id + 7) %% %s) FROM activities_activity a, "
            "(SELECT min(id) AS first FROM activities_lecturer) l0 WHERE a.type_id = %s AND a.id %% 2 = 0",
            [LECTURERS, lecture_type, LECTURERS, lecture_type],
        )
        c.execute("ANALYZE")
    from communities.models import Community, District, Subdistrict

    district = District.objects.order_by("pk").first()
    office = Subdistrict.objects.filter(district=district).order_by("pk").first()
    community = Community.objects.filter(subdistrict=office).order_by("pk").first()
    supervisor = User.objects.create_user("supervisor", is_staff=True)
    supervisor.groups.add(Group.objects.get(name=SUPERVISORS))
    StaffProfile.objects.create(user=supervisor, district=district)
    office_staff = User.objects.create_user("office", is_staff=True)
    office_staff.groups.add(Group.objects.get(name=SUBDISTRICT_STAFF))
    StaffProfile.objects.create(user=office_staff, subdistrict=office)
    print(f"built in {time.perf_counter() - started:.1f} s")
    return district, office, community, supervisor, office_staff, lecture_type


def main():
    from _database import recreate_database

    recreate_database(required=False)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    district, office, community, supervisor, office_staff, lecture_type = build(connection)

    from activities import stats
    from activities.models import Activity, period_bounds

    with connection.cursor() as c:
        c.execute("SELECT count(*), count(DISTINCT community_id) FROM activities_activity")
        total, communities = c.fetchone()
    start, end = datetime.date(2018, 1, 1), datetime.date(2018, 12, 31)
    begin, stop = period_bounds(start, end)
    in_district = Activity.objects.for_unit(district).between(start, end).count()
    print(
        f"{total:,} activities over {communities:,} communities; district {district.name} in 2018: {in_district:,}"
    )
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; load average {os.getloadavg()[0]:.1f}"
    )

    where = (
        "FROM activities_activity a JOIN communities_community c ON c.id = a.community_id "
        "JOIN communities_subdistrict s ON s.id = c.subdistrict_id "
        "WHERE s.district_id = %s AND a.start >= %s AND a.start < %s"
    )
    params = [district.pk, begin, stop]

    def sql(query):
        def run():
            with connection.cursor() as c:
                c.execute(query, params)
                return c.fetchall()

        return run

    bare = {
        "activity_totals": sql(f"SELECT count(*), sum(a.participants) {where}"),
        "activities_by_subunit": sql(f"SELECT s.id, count(*), sum(a.participants) {where} GROUP BY s.id"),
        "activities_by_month": sql(
            f"SELECT date_trunc('month', a.start AT TIME ZONE 'Asia/Shanghai'), count(*), sum(a.participants) "
            f"{where} GROUP BY 1"
        ),
        "activities_by_kind": sql(
            f"SELECT t.kind, count(*), sum(a.participants) {where.replace('WHERE', 'JOIN activities_activitytype t ON t.id = a.type_id WHERE')} GROUP BY t.kind"  # noqa: E501
        ),
        "activities_by_type": sql(
            f"SELECT a.type_id, count(*), sum(a.participants) {where} GROUP BY a.type_id"
        ),
        "activities_by_programme": sql(
            f"SELECT coalesce(p.parent_id, p.id), count(*), sum(a.participants) "
            f"{where.replace('WHERE', 'JOIN activities_programme p ON p.id = a.programme_id WHERE')} GROUP BY 1"
        ),
        "lecture_totals": sql(
            f"SELECT count(*), sum(a.participants), (SELECT count(DISTINCT l.lecturer_id) "
            f"FROM activities_activity_lecturers l JOIN activities_activity a ON a.id = l.activity_id "
            f"JOIN communities_community c ON c.id = a.community_id JOIN communities_subdistrict s "
            f"ON s.id = c.subdistrict_id WHERE s.district_id = %s AND a.start >= %s AND a.start < %s "
            f"AND a.type_id = {lecture_type}) {where} AND a.type_id = {lecture_type}"
        ),
    }
    params_for = {"lecture_totals": params * 2}
    print(f"\n{'stats for a district, 2018':<28} {'Django':>9} {'queries':>8} {'bare SQL':>9}   ratio")
    for name, bare_run in bare.items():
        function = getattr(stats, name)
        counter = []
        with connection.execute_wrapper(counting(counter)):
            function(district, start, end)
        if name in params_for:
            params[:] = params_for[name]
        django_ms = best(lambda f=function: f(district, start, end))
        sql_ms = best(bare_run)
        params[:] = [district.pk, begin, stop]
        print(
            f"{name:<28} {django_ms:7.1f} ms {len(counter):8d} {sql_ms:7.1f} ms   {django_ms / sql_ms:5.2f}"
        )

    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client records the template context (the list's rows)

    print(f"\n{'admin activity list':<58} {'time':>9} {'queries':>8} {'rows':>6}")
    pages = [
        (supervisor, {}, "district supervisor, no filter"),
        (
            supervisor,
            {"start__year": "2018", "start__month": "3"},
            "district supervisor, date hierarchy 2018-03",
        ),
        (
            supervisor,
            {"kind": "lecture", "start__year": "2018"},
            "district supervisor, kind=lecture, year 2018",
        ),
        (office_staff, {"month": "2018-03", "start__year": "2018"}, "subdistrict staff, month 2018-03"),
        (
            office_staff,
            {"community": str(community.pk), "kind": "lecture"},
            "subdistrict staff, community+kind",
        ),
        (office_staff, {"q": "活动12345"}, "subdistrict staff, search a title"),
    ]
    for user, query, label in pages:
        client = Client()
        client.force_login(user)
        counter = []
        with connection.execute_wrapper(counting(counter)):
            response = client.get("/admin/activities/activity/", query)
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        rows = len(response.context["cl"].result_list)
        ms = best(lambda c=client, q=query: c.get("/admin/activities/activity/", q), runs=3)
        print(f"{label:<58} {ms:7.1f} ms {len(counter):8d} {rows:6d}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
