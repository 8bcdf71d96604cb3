"""Synthetic data at the size of a province or a city, for the benchmarks: ``manage.py generate_load --seed 1``.

PostgreSQL only. Two sizes, chosen by a flag (each size option given on the command line wins over it):

- the default ("province", what the benches bench/reports_dashboard.py, bench/jobs_*.py … were measured on):
  2,000 communities (10 per subdistrict, 20 subdistricts per district, so 10 districts), 1,000,000
  activities, 5,000,000 home visits, 500,000 bookings;
- ``--city`` (issue 17, the city dashboard's bench): 5,000 communities (10 per subdistrict, 50 subdistricts
  per district, so 10 districts of 500 communities), 2,000,000 activities, 10,000,000 home visits,
  1,000,000 bookings. A flag rather than new defaults so that the benches that call the command with its
  defaults (and their figures in docs/benchmarks.md) keep measuring the same data.

Every size gets the same registers per community: Party organisations, people, volunteer teams and members,
care recipients, lecturers, venues, committee members, grids, courtyards and partners; each home visit has
one volunteer and that volunteer's service record; each booking its own slot (completed ones in the visit
register). Dates fall in 2016-01-01 … 2018-12-31. The districts hang under one synthetic city, "负载测试市",
so a city supervisor's dashboard covers them all.

The big tables are filled with ``INSERT … SELECT … FROM generate_series`` inside the database; every
"random" choice is a hash of the row number and the seed (``hashint8``), so the same seed gives the same
data whatever the order or speed of execution. Columns follow the models: each insert lists the model's
concrete fields, fills the ones this command does not choose with the field's default (or NULL), and stops
with a clear error if a model gains a required field it cannot fill. The tables stay logged (the benches
measure real tables); the speed comes from building their indexes after the load, skipping the per-row
foreign-key and summary triggers (as a superuser), and giving the sorts and index builds memory.

At its end the command rebuilds the reports' summary tables from what it wrote (the load skipped the
triggers that mark them stale) and prints how long that took. The load is committed before the rebuild
starts: if the rebuild fails, ``manage.py rebuild_summaries`` does it again.

The synthetic units are named "负载测试…" ; ``--replace`` empties the registers first, and refuses to when
the database holds any other district (it is meant for a dedicated database such as bench_rep or bench_city).
"""

import importlib
import math
import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from activities.models import Activity, ActivityType, Lecturer, Programme
from communities.models import (
    City,
    CommitteeMember,
    Community,
    Courtyard,
    District,
    Grid,
    PartnerOrganization,
    Partnership,
    PartyOrganization,
    Person,
    Subdistrict,
)
from reports import summaries
from reports.models import UnitMember, UnitMemberCount, UnitPeopleCount, UnitPeopleYear
from reports.summaries.store import TABLES as SUMMARY_TABLES
from venues.models import Booking, Slot, Venue, VisitRecord
from volunteers.models import CareRecipient, HomeVisit, Membership, ServiceRecord, VolunteerTeam

PREFIX = "负载测试"
PEOPLE = 60  # per community: 0-19 team members, 20-24 lecturers, 25-34 committee, 40-59 care recipients
TEAMS, MEMBERS_PER_TEAM, LECTURERS, COMMITTEE, RECIPIENTS, VENUES = 2, 10, 5, 10, 20, 3
DAYS = 1096  # 2016-01-01 … 2018-12-31
VENUE_KINDS = ("lecture_hall", "reading_room", "service_centre")
ROLES = [choice for choice, _label in CommitteeMember.Role.choices]
STATUSES = ("completed", "completed", "confirmed", "cancelled", "no_show", "pending", "rejected")
HOLDING = ("completed", "confirmed", "no_show", "pending")
VISITOR_KINDS = [choice for choice, _label in Booking.VisitorKind.choices]


# The two sizes (see the module docstring): each option not given on the command line comes from one of them.
SIZES = {
    "province": {
        "communities": 2000,
        "subdistricts": 20,
        "activities": 1_000_000,
        "visits": 5_000_000,
        "bookings": 500_000,
    },
    "city": {
        "communities": 5000,
        "subdistricts": 50,
        "activities": 2_000_000,
        "visits": 10_000_000,
        "bookings": 1_000_000,
    },
}
COMMUNITIES_PER_SUBDISTRICT = 10

SEED = "{seed}"  # replaced by the --seed value (an int) when a statement runs


def h(expr: str, salt: int) -> str:
    """A reproducible pseudo-random non-negative bigint from a row expression, the seed and a salt."""
    return f"(hashint8(({expr})::bigint * 1000003 + {SEED} * 7919 + {salt})::bigint + 2147483648)"


def pick(array_sql: str, index_sql: str) -> str:
    """The element of a 1-based SQL array at a 0-based index."""
    return f"({array_sql})[(1 + ({index_sql}))::int]"


def _through_columns(through) -> str:
    """The two foreign-key columns of an automatic many-to-many table, source first."""
    return ", ".join(f.column for f in through._meta.concrete_fields if not f.primary_key)


def _sql_literal_array(values) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


class Command(BaseCommand):
    help = "Build a synthetic province (or, with --city, a city) for the benchmarks (PostgreSQL; reproducible with --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--city",
            action="store_true",
            help="the city size: 10 districts × 500 communities, 2,000,000 activities, 10,000,000 home visits",
        )
        province = SIZES["province"]
        parser.add_argument("--communities", type=int, help=f"default {province['communities']:,}")
        parser.add_argument(
            "--subdistricts",
            type=int,
            help=f"subdistricts per district (of {COMMUNITIES_PER_SUBDISTRICT} communities each); "
            f"default {province['subdistricts']}",
        )
        parser.add_argument("--activities", type=int, help=f"default {province['activities']:,}")
        parser.add_argument("--visits", type=int, help=f"default {province['visits']:,}")
        parser.add_argument("--bookings", type=int, help=f"default {province['bookings']:,}")
        parser.add_argument("--replace", action="store_true", help="empty the registers first")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_load needs PostgreSQL (set DATABASE_URL=postgres://…).")
        size = SIZES["city" if options["city"] else "province"]
        for name in size:
            if options[name] is None:
                options[name] = size[name]
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        self.seed = int(options["seed"])
        self.started = time.perf_counter()
        if District.objects.filter(name__startswith=PREFIX).exists():
            if not options["replace"]:
                raise CommandError("A synthetic province is already loaded: add --replace to build it again.")
            self._empty()
        with transaction.atomic():
            self._skip_row_triggers()
            self._units(options["communities"], options["subdistricts"])
            self._registers()
            # Memory for the sorts of the ordered inserts and joins, and for the index builds after them.
            self._execute("SET LOCAL work_mem = '256MB'")
            self._execute("SET LOCAL maintenance_work_mem = '512MB'")
            with self._bulk(HomeVisit, HomeVisit.volunteers.through, ServiceRecord):
                self._visits(options["visits"])
            with self._bulk(Activity, Activity.lecturers.through):
                self._activities(options["activities"])
            with self._bulk(Slot, Booking, VisitRecord):
                self._bookings(options["bookings"])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self._say("analyzed")
        self._summaries()
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic {'city' if options['city'] else 'province'} built in "
                f"{time.perf_counter() - self.started:.0f} s."
            )
        )

    def _summaries(self):
        """The reports' summary tables again from the live records: the load skipped the triggers that mark
        them stale (and, when it could not skip them, the marks it left are cleared by the rebuild)."""
        started = time.perf_counter()
        written = summaries.rebuild()
        # VACUUM as well on PostgreSQL, as autovacuum does soon after a load: it marks the pages all-visible, so
        # the dashboard's sums read the covering indexes alone (migration reports 0007).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # (not in a test's)
        analyze = "VACUUM ANALYZE" if vacuum else "ANALYZE"
        with connection.cursor() as cursor:
            for model in (*SUMMARY_TABLES, UnitPeopleYear, UnitPeopleCount, UnitMember, UnitMemberCount):
                cursor.execute(f"{analyze} {model._meta.db_table}")
        self._say(f"summary tables rebuilt: {written:,} rows in {time.perf_counter() - started:.1f} s")

    # --- helpers ---------------------------------------------------------------------------------------

    def _say(self, what):
        self.stdout.write(f"{time.perf_counter() - self.started:7.1f} s  {what}")

    def _execute(self, sql):
        # No driver parameters: "%" is SQL's modulo here; the only input, the seed, is an int.
        with connection.cursor() as cursor:
            cursor.execute(sql.replace(SEED, str(self.seed)))
            return cursor.rowcount

    @staticmethod
    def _literal(value) -> str:
        from psycopg import sql

        connection.ensure_connection()
        return sql.Literal(value).as_string(connection.connection)

    def _insert(self, model, values: dict, source: str, order: str = "") -> int:
        """INSERT INTO model's table (every concrete field) SELECT the expressions in ``values`` FROM source.

        Fields not in ``values`` get their default, or NULL when nullable; anything else is an error."""
        columns, expressions = [], []
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            columns.append(connection.ops.quote_name(field.column))
            if field.name in values:
                expressions.append(values[field.name])
            elif field.has_default():
                expressions.append(self._literal(field.get_db_prep_save(field.get_default(), connection)))
            elif field.null:
                expressions.append("NULL")
            elif field.empty_strings_allowed and field.blank:
                expressions.append("''")
            else:
                raise CommandError(f"generate_load does not know how to fill {model.__name__}.{field.name}.")
        sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}"
        if order:
            # Rows go in in the order an office would have entered them (by date), as in a real table.
            sql += f" ORDER BY {order}"
        count = self._execute(sql)
        self._say(f"{model._meta.verbose_name_plural}: {count:,}")
        return count

    def _skip_row_triggers(self):
        """Skip the per-row foreign-key triggers for this transaction when the account may (a superuser):
        every reference this command writes comes from the rows it has just written, and checking
        tens of millions of them one by one takes longer than building the data. Otherwise they run."""
        try:
            with transaction.atomic():
                self._execute("SET LOCAL session_replication_role = replica")
            self._say("foreign keys: rows written by this command are not re-checked one by one")
        except DatabaseError:
            self._say("foreign keys: checked row by row (not a superuser: slower)")

    @contextmanager
    def _bulk(self, *models):
        """Drop the plain (non-constraint) indexes of these tables while they are filled and build them
        again afterwards: one sorted build is much faster than millions of random index insertions."""
        saved = []
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                    [model._meta.db_table],
                )
                saved += cursor.fetchall()
            for name, _definition in saved:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        with connection.cursor() as cursor:
            for _name, definition in saved:
                cursor.execute(definition)
        self._say(f"indexes built again: {len(saved)}")

    def _map(self, name, sql):
        """A temporary table idx → id used to pick related rows by number."""
        self._execute(f"DROP TABLE IF EXISTS {name}")
        self._execute(f"CREATE TEMP TABLE {name} AS {sql}")
        self._execute(f"CREATE UNIQUE INDEX ON {name} (idx)")
        self._execute(f"ANALYZE {name}")

    def _empty(self):
        if District.objects.exclude(name__startswith=PREFIX).exists():
            raise CommandError(
                "--replace empties the registers, but this database holds other districts too: "
                "use a dedicated database (e.g. bench_rep)."
            )
        models = [
            VisitRecord, Booking, Slot, Activity.lecturers.through, Activity, Lecturer, Programme,
            ServiceRecord, HomeVisit.volunteers.through, HomeVisit, CareRecipient, Membership, VolunteerTeam, Venue,
            CommitteeMember, Partnership, PartnerOrganization, Courtyard, Grid, PartyOrganization, Person,
            Community, Subdistrict, District, City,
        ]  # fmt: skip
        tables = ", ".join(m._meta.db_table for m in models)
        # CASCADE also empties what hangs on these tables (sections, menus, staff units …) and the activity
        # types, whose offices' own types reference subdistricts: the shared types are created again.
        # Rows inserted earlier in the same transaction (tests) leave deferred foreign-key checks pending,
        # which TRUNCATE refuses: run them now.
        self._execute("SET CONSTRAINTS ALL IMMEDIATE")
        self._execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        self._execute("SET CONSTRAINTS ALL DEFERRED")
        shared = importlib.import_module("activities.migrations.0002_default_types_and_groups").DEFAULT_TYPES
        for kind, name in shared.items():
            ActivityType.objects.get_or_create(name=name, subdistrict=None, defaults={"kind": kind})
        self._say("emptied the registers")

    # --- units and registers -----------------------------------------------------------------------------

    def _units(self, communities, per_district):
        subdistricts = math.ceil(communities / COMMUNITIES_PER_SUBDISTRICT)
        districts = math.ceil(subdistricts / per_district)
        city = City.objects.get_or_create(name=f"{PREFIX}市")[0]
        District.objects.bulk_create(
            [District(name=f"{PREFIX}{d + 1:02d}区", city=city) for d in range(districts)]
        )
        district_ids = list(
            District.objects.filter(name__startswith=PREFIX).order_by("name").values_list("pk", flat=True)
        )
        Subdistrict.objects.bulk_create(
            [
                Subdistrict(
                    district_id=district_ids[s // per_district],
                    name=f"{PREFIX}{s + 1:04d}街道",
                    population=30000,
                )
                for s in range(subdistricts)
            ]
        )
        sub_ids = list(
            Subdistrict.objects.filter(name__startswith=PREFIX).order_by("name").values_list("pk", flat=True)
        )
        Community.objects.bulk_create(
            [
                Community(
                    subdistrict_id=sub_ids[c // COMMUNITIES_PER_SUBDISTRICT],
                    name=f"{PREFIX}{c + 1:05d}社区",
                    population=4000,
                )
                for c in range(communities)
            ],
            batch_size=1000,
        )
        self._map(
            "gl_community",
            f"SELECT (row_number() OVER (ORDER BY c.name) - 1) AS idx, c.id, c.subdistrict_id "
            f"FROM {Community._meta.db_table} c WHERE c.name LIKE '{PREFIX}%'",
        )
        self.communities = communities
        self._say(f"units: {districts} districts, {subdistricts} subdistricts, {communities} communities")

    def _registers(self):
        n = self.communities
        c = "gl_community"
        self._insert(
            PartyOrganization,
            {
                "name": f"'{PREFIX}' || c.idx || '党支部'",
                "kind": "'branch'",
                "subdistrict": "c.subdistrict_id",
                "community": "c.id",
            },
            f"{c} c",
        )
        self._map(
            "gl_org",
            f"SELECT c.idx, o.id FROM {PartyOrganization._meta.db_table} o JOIN {c} c ON o.community_id = c.id",
        )
        self._insert(
            Programme,
            {"name": f"'{PREFIX}品牌' || c.idx", "subdistrict": "c.subdistrict_id", "community": "c.id"},
            f"{c} c",
        )
        self._map(
            "gl_programme",
            f"SELECT c.idx, p.id FROM {Programme._meta.db_table} p JOIN {c} c ON p.community_id = c.id",
        )
        educations = _sql_literal_array([e for e, _l in Person.Education.choices])
        self._insert(
            Person,
            {
                "name": "'居民' || g",
                "gender": "CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END",
                "birth_date": f"date '1950-01-01' + ({h('g', 1)} % 18000)::int",
                "phone": "''",
                "community": "c.id",
                "is_party_member": "(g % 60) < 40",
                "education": pick(educations, f"{h('g', 2)} % {len(Person.Education.choices)}"),
            },
            f"generate_series(0, {n * PEOPLE - 1}) g JOIN {c} c ON c.idx = g / {PEOPLE}",
        )
        self._map(
            "gl_person",
            f"SELECT (row_number() OVER (ORDER BY p.id) - 1) AS idx, p.id FROM {Person._meta.db_table} p "
            f"WHERE p.community_id IN (SELECT id FROM {c})",
        )
        self._insert(
            VolunteerTeam,
            {
                "name": f"'{PREFIX}志愿服务队' || g",
                "service_area": "'home_visits'",
                "community": "c.id",
                "founded_on": "date '2015-01-01'",
                "is_party_member_team": f"g % {TEAMS} = 0",
                "party_organization": "o.id",
            },
            f"generate_series(0, {n * TEAMS - 1}) g JOIN {c} c ON c.idx = g / {TEAMS} JOIN gl_org o ON o.idx = c.idx",
        )
        self._map(
            "gl_team",
            f"SELECT (row_number() OVER (ORDER BY t.id) - 1) AS idx, t.id FROM {VolunteerTeam._meta.db_table} t "
            f"WHERE t.community_id IN (SELECT id FROM {c})",
        )
        members = TEAMS * MEMBERS_PER_TEAM
        self._insert(
            Membership,
            {"team": "t.id", "person": "p.id", "joined_on": "date '2015-01-01'", "role": "'member'"},
            f"generate_series(0, {n * members - 1}) g "
            f"JOIN gl_team t ON t.idx = (g / {members}) * {TEAMS} + (g % {members}) / {MEMBERS_PER_TEAM} "
            f"JOIN gl_person p ON p.idx = (g / {members}) * {PEOPLE} + g % {members}",
        )
        self._insert(
            Lecturer,
            {
                "person": "p.id",
                "community": "c.id",
                "category": "'party_cadre'",
                "topics": "''",
                "active": "true",
            },
            f"generate_series(0, {n * LECTURERS - 1}) g JOIN {c} c ON c.idx = g / {LECTURERS} "
            f"JOIN gl_person p ON p.idx = (g / {LECTURERS}) * {PEOPLE} + 20 + g % {LECTURERS}",
        )
        self._map(
            "gl_lecturer",
            f"SELECT (row_number() OVER (ORDER BY l.id) - 1) AS idx, l.id FROM {Lecturer._meta.db_table} l "
            f"WHERE l.community_id IN (SELECT id FROM {c})",
        )
        roles = _sql_literal_array(ROLES)
        self._insert(
            CommitteeMember,
            {
                "person": "p.id",
                "community": "c.id",
                "term": "2018",
                "elected_on": "date '2018-05-20'",
                "role": pick(roles, f"g % {len(ROLES)}"),
            },
            f"generate_series(0, {n * COMMITTEE - 1}) g JOIN {c} c ON c.idx = g / {COMMITTEE} "
            f"JOIN gl_person p ON p.idx = (g / {COMMITTEE}) * {PEOPLE} + 25 + g % {COMMITTEE}",
        )
        self._insert(
            CareRecipient,
            {
                "person": "p.id",
                "community": "c.id",
                "since": "date '2015-06-01'",
                "assigned_team": "t.id",
                "active": "true",
                "inactive_reason": "''",
                "health_notes": "''",
            },
            f"generate_series(0, {n * RECIPIENTS - 1}) g JOIN {c} c ON c.idx = g / {RECIPIENTS} "
            f"JOIN gl_person p ON p.idx = (g / {RECIPIENTS}) * {PEOPLE} + 40 + g % {RECIPIENTS} "
            f"JOIN gl_team t ON t.idx = (g / {RECIPIENTS}) * {TEAMS}",
        )
        self._map(
            "gl_recipient",
            f"SELECT (row_number() OVER (ORDER BY r.id) - 1) AS idx, r.id, r.community_id "
            f"FROM {CareRecipient._meta.db_table} r "
            f"WHERE r.community_id IN (SELECT id FROM {c})",
        )
        kinds = _sql_literal_array(VENUE_KINDS)
        self._insert(
            Venue,
            {
                "kind": pick(kinds, f"g % {VENUES}"),
                "community": "c.id",
                "name": f"'{PREFIX}阵地' || g",
                "slug": f"'gl-{SEED}-' || g",
                "capacity": "30",
            },
            f"generate_series(0, {n * VENUES - 1}) g JOIN {c} c ON c.idx = g / {VENUES}",
        )
        self._map(
            "gl_venue",
            f"SELECT (row_number() OVER (ORDER BY v.id) - 1) AS idx, v.id, v.community_id FROM {Venue._meta.db_table} v "
            f"WHERE v.community_id IN (SELECT id FROM {c})",
        )
        self._insert(
            Grid,
            {"community": "c.id", "name": "'网格' || (g % 5)"},
            f"generate_series(0, {n * 5 - 1}) g JOIN {c} c ON c.idx = g / 5",
        )
        self._insert(
            Courtyard,
            {"grid": "gr.id", "name": "'楼院' || g"},
            f"{Grid._meta.db_table} gr JOIN {c} c ON gr.community_id = c.id CROSS JOIN generate_series(0, 4) g",
        )
        self._insert(
            PartnerOrganization,
            {
                "name": f"'{PREFIX}共建单位' || s.id",
                "kind": "'state_enterprise'",
                "subdistrict": "s.id",
                "has_party_organization": "true",
            },
            f"(SELECT DISTINCT subdistrict_id AS id FROM {c}) s",
        )
        self._insert(
            Partnership,
            {
                "partner": "po.id",
                "community": "c.id",
                "agreement": "'service_agreement'",
                "signed_on": "date '2016-03-01'",
                "social_workers": "c.idx % 3",
                "in_service_centre": "false",
            },
            f"{c} c JOIN {PartnerOrganization._meta.db_table} po ON po.subdistrict_id = c.subdistrict_id",
        )

    # --- the big tables --------------------------------------------------------------------------------

    def _visits(self, visits):
        n = self.communities
        self._insert(
            HomeVisit,
            {
                "community": "r.community_id",
                "recipient": "r.id",
                "team": "t.id",
                "visited_on": f"date '2016-01-01' + ({h('s.g', 12)} % {DAYS})::int",
                "minutes": f"30 + {h('s.g', 13)} % 90",
                "other_services": "''",
                "notes": "''",
            },
            f"(SELECT g, {h('g', 11)} % {n * RECIPIENTS} AS ridx FROM generate_series(0, {visits - 1}) g) s "
            f"JOIN gl_recipient r ON r.idx = s.ridx "
            f"JOIN gl_team t ON t.idx = (s.ridx / {RECIPIENTS}) * {TEAMS} + s.g % {TEAMS}",
            order=f"({h('s.g', 12)} % {DAYS}), r.community_id",
        )
        through = HomeVisit.volunteers.through
        # One volunteer per visit: a member of the visiting team (members 0-9 of team 0, 10-19 of team 1).
        self._execute(
            f"INSERT INTO {through._meta.db_table} ({_through_columns(through)}) "
            f"SELECT v.id, p.id FROM {HomeVisit._meta.db_table} v "
            f"JOIN gl_team t ON t.id = v.team_id "
            f"JOIN gl_person p ON p.idx = (t.idx / {TEAMS}) * {PEOPLE} + (t.idx % {TEAMS}) * {MEMBERS_PER_TEAM} "
            f"+ (v.id % {MEMBERS_PER_TEAM}) "
            f"WHERE v.community_id IN (SELECT id FROM gl_community) ORDER BY v.id"
        )
        self._say("home-visit volunteers: one per visit")
        # Each volunteer's service record of the visit, as volunteers.services.sync_visit_records makes it.
        now = self._literal(timezone.now())
        self._execute(
            f"INSERT INTO {ServiceRecord._meta.db_table} (volunteer_id, community_id, team_id, kind, "
            f"home_visit_id, served_on, minutes, place, content, recorded, backfill_reason, confirmed_at, "
            f"created_at) SELECT hvv.person_id, v.community_id, v.team_id, 'home_visit', v.id, v.visited_on, "
            f"v.minutes, c.name, '', 'organiser', '', {now}, {now} FROM {through._meta.db_table} hvv "
            f"JOIN {HomeVisit._meta.db_table} v ON v.id = hvv.homevisit_id "
            f"JOIN {Community._meta.db_table} c ON c.id = v.community_id "
            f"WHERE v.community_id IN (SELECT id FROM gl_community) ORDER BY v.id"
        )
        self._say("service records: one per visit volunteer")

    def _activities(self, activities):
        n = self.communities
        self._map(
            "gl_type",
            f"SELECT (row_number() OVER (ORDER BY t.kind, t.id) - 1) AS idx, t.id, t.kind "
            f"FROM {ActivityType._meta.db_table} t WHERE t.subdistrict_id IS NULL",
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM gl_type")
            types = cursor.fetchone()[0]
        if not types:
            raise CommandError("No shared activity types: run the migrations first.")
        community = f"({h('g', 21)} % {n})"
        start = (
            f"((timestamp '2016-01-01 08:00' + ({h('g', 22)} % {DAYS})::int * interval '1 day' "
            f"+ ({h('g', 23)} % 10)::int * interval '1 hour') AT TIME ZONE 'Asia/Shanghai')"
        )
        self._insert(
            Activity,
            {
                "title": "'活动' || g",
                "type": "ty.id",
                "community": "c.id",
                "party_organization": "o.id",
                "venue": "CASE WHEN g % 3 = 0 THEN v.id END",
                "start": start,
                "end": f"{start} + interval '2 hours'",
                "participants": f"5 + {h('g', 24)} % 95",
                "programme": "CASE WHEN g % 5 = 0 THEN pr.id END",
                "description": "''",
                "created_at": "now()",
            },
            f"generate_series(0, {activities - 1}) g "
            f"JOIN gl_community c ON c.idx = {community} "
            f"JOIN gl_org o ON o.idx = {community} "
            f"JOIN gl_programme pr ON pr.idx = {community} "
            f"JOIN gl_venue v ON v.idx = {community} * {VENUES} "
            f"JOIN gl_type ty ON ty.idx = {h('g', 25)} % {types}",
            order=f"{start}, g",
        )
        through = Activity.lecturers.through
        self._execute(
            f"INSERT INTO {through._meta.db_table} ({_through_columns(through)}) "
            f"SELECT a.id, l.id FROM {Activity._meta.db_table} a "
            f"JOIN gl_type ty ON ty.id = a.type_id AND ty.kind = 'lecture' "
            f"JOIN gl_community c ON c.id = a.community_id "
            f"JOIN gl_lecturer l ON l.idx = c.idx * {LECTURERS} + a.id % {LECTURERS} ORDER BY a.id"
        )
        self._say("lecture sessions: one lecturer each")

    def _bookings(self, bookings):
        venues = self.communities * VENUES
        day = f"(g / {venues})"
        starts = (
            f"((timestamp '2016-01-01 09:00' + ({day} * 3 % {DAYS})::int * interval '1 day' "
            f"+ ({day} * 3 / {DAYS})::int * interval '2 hours') AT TIME ZONE 'Asia/Shanghai')"
        )
        statuses = _sql_literal_array(STATUSES)
        holding = _sql_literal_array(HOLDING)
        kinds = _sql_literal_array(VISITOR_KINDS)
        status = pick(statuses, f"{h('g', 31)} % {len(STATUSES)}")
        size = f"(1 + {h('g', 32)} % 30)"
        visitor_kind = pick(kinds, f"{h('g', 33)} % {len(VISITOR_KINDS)}")
        self._execute("DROP TABLE IF EXISTS gl_booking")
        self._execute(
            f"CREATE TEMP TABLE gl_booking AS SELECT g, v.id AS venue_id, v.community_id, {starts} AS starts_at, "
            f"{status} AS status, {size} AS size, {visitor_kind} AS visitor_kind "
            f"FROM generate_series(0, {bookings - 1}) g JOIN gl_venue v ON v.idx = g % {venues}"
        )
        self._insert(
            Slot,
            {
                "venue": "b.venue_id",
                "starts_at": "b.starts_at",
                "ends_at": "b.starts_at + interval '1 hour'",
                "capacity": "30",
                "booked_places": f"CASE WHEN b.status = ANY({holding}) THEN b.size ELSE 0 END",
            },
            "gl_booking b",
            order="b.starts_at, b.venue_id",
        )
        self._insert(
            Booking,
            {
                "reference": "'GL' || lpad(b.g::text, 12, '0')",
                "venue": "b.venue_id",
                "community": "b.community_id",
                "slot": "s.id",
                "visitor_kind": "b.visitor_kind",
                "organisation": "CASE WHEN b.visitor_kind = 'resident' THEN '' ELSE '参观单位' || (b.g % 997) END",
                "size": "b.size",
                "contact_name": "'联系人'",
                "phone": "'13800000000'",
                "purpose": "''",
                "status": "b.status",
                "reject_reason": "''",
                "created_at": "b.starts_at - interval '3 days'",
            },
            f"gl_booking b JOIN {Slot._meta.db_table} s ON s.venue_id = b.venue_id AND s.starts_at = b.starts_at",
            order="s.starts_at, s.id",
        )
        self._insert(
            VisitRecord,
            {
                "venue": "bk.venue_id",
                "community": "bk.community_id",
                "booking": "bk.id",
                "visited_on": "(s.starts_at AT TIME ZONE 'Asia/Shanghai')::date",
                "visitors": "bk.size",
                "organisation": "bk.organisation",
                "note": "''",
            },
            f"{Booking._meta.db_table} bk JOIN {Slot._meta.db_table} s ON s.id = bk.slot_id "
            f"WHERE bk.status = 'completed' AND bk.reference LIKE 'GL%'",
        )
