"""Times the volunteer service records of a district with 500,000 entries against their bare SQL.

    .venv/bin/python bench/volunteers_records.py            # DATABASE_URL default: postgres://…/bench_records
    .venv/bin/python bench/volunteers_records.py --rebuild  # drop and rebuild the data
    BENCH_SCALE=0.01 .venv/bin/python bench/volunteers_records.py --rebuild   # a quick check of the script

It (re)creates the database named in DATABASE_URL, migrates and builds with INSERT … SELECT generate_series:
2 districts × 5 subdistricts × 10 communities, 2 teams per community, 50,000 volunteers (500 per community)
and 1,000,000 service records over 2016–2018 (20 per volunteer; 5% back-filled with a reason, 3% waiting for
confirmation), half of them in district 1.

For district 1 and the whole period (500,000 entries) it times, median of 5 runs after a warm-up:
- the service-records page /volunteers/service-records/ through the test client (the unit's totals, the
  per-team table and the first 50 volunteers by hours), against the floor: the bare SQL of the same
  aggregates (totals, per team, the number of volunteers and the first page of volunteers), run on the same
  connection — the page's figure is quoted as a ratio to it;
- the admin's list of service records (first page of 50, newest first) for the district's supervisor, and
  its bare SQL;
- the public verification page for an unknown and for a revoked certificate number (they must cost the same).
"""

import logging
import os
import sys
import time
from pathlib import Path

from _database import open_bench_database  # bench/ is the script's folder: on sys.path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_records")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
DISTRICTS, SUBDISTRICTS, COMMUNITIES = 2, 5, 10
VOLUNTEERS = int(50_000 * SCALE)
PER_VOLUNTEER = 20
RECORDS = VOLUNTEERS * PER_VOLUNTEER
START, END = "2016-01-01", "2018-12-31"
RUNS = 5

SCOPE = """
FROM volunteers_servicerecord r
JOIN communities_community c ON c.id = r.community_id
JOIN communities_subdistrict s ON s.id = c.subdistrict_id
WHERE s.district_id = %(district)s AND r.confirmed_at IS NOT NULL
  AND r.served_on BETWEEN %(start)s AND %(end)s
"""
BARE_SQL = {
    "totals": "SELECT count(*), count(DISTINCT r.volunteer_id), count(DISTINCT r.volunteer_id) FILTER "
    "(WHERE p.is_party_member), sum(r.minutes), sum(r.minutes) FILTER (WHERE r.recorded = 'backfilled') "
    + SCOPE.replace("WHERE", "JOIN communities_person p ON p.id = r.volunteer_id WHERE", 1),
    "per team": "SELECT r.team_id, t.name, tc.name, count(*), count(DISTINCT r.volunteer_id), sum(r.minutes), "
    "sum(r.minutes) FILTER (WHERE r.recorded = 'backfilled') "
    + SCOPE.replace("WHERE", "JOIN volunteers_volunteerteam t ON t.id = r.team_id "
                    "JOIN communities_community tc ON tc.id = t.community_id WHERE", 1)
    + " GROUP BY r.team_id, t.name, tc.name",
    "volunteers counted": "SELECT count(*) FROM (SELECT r.volunteer_id " + SCOPE + " GROUP BY r.volunteer_id) v",
    "first 50 volunteers": "SELECT r.volunteer_id, p.name, pc.name, p.is_party_member, p.volunteer_number, "
    "count(*), sum(r.minutes) AS m, sum(r.minutes) FILTER (WHERE r.recorded = 'backfilled') "
    + SCOPE.replace("WHERE", "JOIN communities_person p ON p.id = r.volunteer_id "
                    "JOIN communities_community pc ON pc.id = p.community_id WHERE", 1)
    + " GROUP BY r.volunteer_id, p.name, pc.name, p.is_party_member, p.volunteer_number "
    "ORDER BY m DESC, p.name, r.volunteer_id LIMIT 50",
}  # fmt: skip
ADMIN_SQL = (
    "SELECT r.*, p.name, c.name, t.name FROM volunteers_servicerecord r "
    "JOIN communities_person p ON p.id = r.volunteer_id JOIN communities_community c ON c.id = r.community_id "
    "JOIN communities_subdistrict s ON s.id = c.subdistrict_id "
    "LEFT JOIN volunteers_volunteerteam t ON t.id = r.team_id "
    "WHERE s.district_id = %(district)s ORDER BY r.served_on DESC, r.id DESC LIMIT 51"
)


def build(stdout=print):
    from django.db import connection, transaction
    from volunteers_due import insert_select  # after DATABASE_URL is set: it sets its own default

    from communities.models import Community, District, Person, Subdistrict
    from volunteers.models import ServiceRecord, VolunteerTeam

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
                VolunteerTeam(community=c, name=f"{c.subdistrict.name}{c.name}志愿服务{k + 1}队")
                for c in communities
                for k in range(2)
            ]
        )
        n = len(communities)
        community_array = "ARRAY[" + ",".join(str(c.pk) for c in communities) + "]::bigint[]"
        team_array = "ARRAY[" + ",".join(str(t.pk) for t in teams) + "]::bigint[]"
        with connection.cursor() as cursor:
            insert_select(
                cursor, Person,
                {"name": "'志愿者' || g", "phone": "'139' || lpad(g::text, 8, '0')",
                 "community_id": f"({community_array})[((g - 1) / {VOLUNTEERS // n}) %% {n} + 1]",
                 "is_party_member": "g %% 3 = 0", "volunteer_number": "'V' || lpad(g::text, 10, '0')"},
                f"FROM generate_series(1, {VOLUNTEERS}) g ORDER BY g",
            )  # fmt: skip
            first = cursor.execute(
                "SELECT min(id) FROM communities_person WHERE name = '志愿者1'"
            ).fetchone()[0]
            insert_select(
                cursor, ServiceRecord,
                {"volunteer_id": f"{first} + v.g - 1",
                 "community_id": f"({community_array})[((v.g - 1) / {VOLUNTEERS // n}) %% {n} + 1]",
                 "team_id": f"({team_array})[(((v.g - 1) / {VOLUNTEERS // n}) %% {n}) * 2 + 1 + v.g %% 2]",
                 "kind": "CASE WHEN v.k %% 3 = 0 THEN 'venue_duty' ELSE 'other' END",
                 "served_on": "date '2016-01-01' + (v.k * 54 + v.g %% 50)",
                 "minutes": "30 + (v.g * 7 + v.k * 13) %% 121",
                 "place": "'社区服务站'", "content": "'环境整治'",
                 "recorded": "CASE WHEN (v.g + v.k) %% 20 = 0 THEN 'backfilled' ELSE 'organiser' END",
                 "backfill_reason": "CASE WHEN (v.g + v.k) %% 20 = 0 THEN '纸质签到表补录' ELSE '' END",
                 "confirmed_at": "CASE WHEN (v.g + v.k) %% 33 = 0 THEN NULL ELSE now() END",
                 "created_at": "now()"},
                f"FROM (SELECT g, k FROM generate_series(1, {VOLUNTEERS}) g, "
                f"generate_series(0, {PER_VOLUNTEER - 1}) k) v ORDER BY v.k, v.g",
            )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    stdout(
        f"{VOLUNTEERS:,} volunteers and {RECORDS:,} service records built in {time.perf_counter() - started:.1f} s"
    )


def main():
    def has_data():
        from volunteers.models import ServiceRecord

        return ServiceRecord.objects.count() == RECORDS

    if open_bench_database(has_data):
        build()
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from volunteers_due import timed  # after DATABASE_URL is set: it sets its own default

    from communities.models import District, StaffProfile
    from registers.roles import SUPERVISORS
    from volunteers.models import Certificate, IssuingOffice, ServiceRecord

    district = District.objects.get(name="基准区1")
    params = {"district": district.pk, "start": START, "end": END}
    in_district = ServiceRecord.objects.filter(community__subdistrict__district=district).count()
    load = os.getloadavg()
    print(f"district 1: {in_district:,} service records (of {RECORDS:,}); load {load[0]:.2f} {load[1]:.2f}")

    def bare(sql):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return run

    floor = 0.0
    for label, sql in BARE_SQL.items():
        ms, _rows = timed(bare(sql))
        floor += ms
        print(f"bare SQL, {label:22} {ms:8.1f} ms")
    print(f"bare SQL, the page's aggregates   {floor:8.1f} ms   (the floor)")

    user, created = User.objects.get_or_create(username="bench-supervisor", defaults={"is_staff": True})
    if created:
        user.groups.add(Group.objects.get(name=SUPERVISORS))
        StaffProfile.objects.create(user=user, district=district)
    client = Client()
    client.force_login(user)
    page_path = f"/volunteers/service-records/?unit=district:{district.pk}&start={START}&end={END}"

    def page():
        response = client.get(page_path)
        assert response.status_code == 200, response.status_code
        return response

    page_ms, response = timed(page)
    with CaptureQueriesContext(connection) as queries:
        page()
    print(
        f"service-records page ({len(queries)} queries, {len(response.content) // 1024} KB) {page_ms:8.1f} ms"
        f"   page/floor {page_ms / floor:.2f}×"
    )

    admin_sql_ms, _rows = timed(bare(ADMIN_SQL))
    admin_ms, response = timed(lambda: client.get("/admin/volunteers/servicerecord/"))
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/volunteers/servicerecord/")
    print(f"admin list, bare SQL (51 rows)    {admin_sql_ms:8.1f} ms")
    print(
        f"admin list of service records ({len(queries)} queries, {len(response.content) // 1024} KB) "
        f"{admin_ms:8.1f} ms   page/SQL {admin_ms / admin_sql_ms:.1f}× (a whole admin page against one query)"
    )

    community = district.subdistricts.first().communities.first()
    office, _ = IssuingOffice.objects.get_or_create(
        community=community,
        defaults={"subdistrict": community.subdistrict, "name": "基准服务站", "code": "BENCH",
                  "person_in_charge": "负责人", "contact": "0379-00000000"},
    )  # fmt: skip
    certificate, _ = Certificate.objects.get_or_create(
        number="BENCH-2018-00001",
        defaults={"office": office, "volunteer": ServiceRecord.objects.first().volunteer,
                  "period_start": START, "period_end": END, "hours": 10, "backfilled_hours": 0, "services": 3,
                  "content": "其他服务", "person_in_charge": "负责人", "handler": "经办人", "contact": "0",
                  "issued_by": user, "revoked_at": timezone.now(), "revoke_reason": "基准"},
    )  # fmt: skip
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the unknown number's 404, not each time
    public = Client()
    revoked_ms, _r = timed(lambda: public.get(f"/certificates/{certificate.number}/"))
    unknown_ms, _r = timed(lambda: public.get("/certificates/BENCH-2018-99999/"))
    print(f"verification page, revoked {revoked_ms:6.2f} ms, unknown {unknown_ms:6.2f} ms")


if __name__ == "__main__":
    main()
