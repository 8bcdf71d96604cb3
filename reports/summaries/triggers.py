"""The database triggers that mark which summaries a write makes stale (reports.models.SummaryMark).

Triggers rather than Django signals because the live tables are written by many routes that send no
signal: bulk imports (bulk_create / bulk_update), QuerySet.update() (confirming service records), the
service records' INSERT … SELECT, data migrations and raw SQL. Each written row inserts a mark for its old
and new community and month (an insert with no conflict to wait on, so concurrent writers never block each
other). An activity's month is its local month, which the database does not know: the marks cover the
UTC month of its start 14 hours either side (every time zone), a superset the refresh reads no harm from.

Installed on SQLite and PostgreSQL alike by the migrations reports 0004 (the flows), 0005 (Party membership
of home-visit volunteers), 0006 (team members, marked by person) and 0008 (the committees); ``manage.py
generate_load`` runs with triggers off (session_replication_role) and rebuilds the summaries at its end.
"""

from activities.models import Activity, ActivityType
from communities.models import CommitteeMember, Person
from venues.models import VisitRecord
from volunteers.models import HomeVisit, Membership, ServiceRecord, VolunteerTeam

from ..models import MemberMark, SummaryMark

MARKS = SummaryMark._meta.db_table

# (model, its date column, is it a moment (timestamp) rather than a day, the columns a summary reads)
SOURCES = (
    (HomeVisit, "visited_on", False, ("community_id", "visited_on", "minutes", "recipient_id")),
    (
        ServiceRecord,
        "served_on",
        False,
        ("community_id", "served_on", "minutes", "recorded", "confirmed_at", "kind", "volunteer_id"),
    ),
    (VisitRecord, "visited_on", False, ("community_id", "visited_on", "venue_id", "visitors")),
    (
        Activity,
        "start",
        True,
        ("community_id", "start", "type_id", "programme_id", "venue_id", "participants", "partner_id"),
    ),
)
ACTIVITIES = Activity._meta.db_table
LECTURERS = Activity.lecturers.through._meta.db_table
TYPES = ActivityType._meta.db_table


def _months_sqlite(row: str, column: str, moment: bool) -> list[str]:
    if moment:
        return [f"date({row}.{column}, '{shift} hours', 'start of month')" for shift in ("-14", "+14")]
    return [f"date({row}.{column}, 'start of month')"]


def _months_postgresql(row: str, column: str, moment: bool) -> list[str]:
    if moment:
        return [
            f"date_trunc('month', ({row}.{column} AT TIME ZONE 'UTC') {shift} interval '14 hours')::date"
            for shift in ("-", "+")
        ]
    return [f"date_trunc('month', {row}.{column})::date"]


def _source_sqlite(model, column: str, moment: bool, watched: tuple) -> list[str]:
    statements = []
    table = model._meta.db_table
    for event, rows in (
        ("INSERT", ("NEW",)),
        ("DELETE", ("OLD",)),
        (f"UPDATE OF {', '.join(watched)}", ("OLD", "NEW")),
    ):
        inserts = " ".join(
            f"INSERT INTO {MARKS} (community_id, month, marked_at) "
            f"VALUES ({row}.community_id, {month}, CURRENT_TIMESTAMP);"
            for row in rows
            for month in _months_sqlite(row, column, moment)
        )
        name = f"summary_mark_{table}_{event.split()[0].lower()}"
        statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {inserts} END")
    return statements


def _sqlite() -> list[str]:
    statements = []
    for source in SOURCES:
        statements += _source_sqlite(*source)
    for event, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
        selects = " UNION ".join(
            f"SELECT community_id, {month}, CURRENT_TIMESTAMP FROM {ACTIVITIES} a WHERE a.id = {row}.activity_id"
            for month in _months_sqlite("a", "start", True)
        )
        statements.append(
            f"CREATE TRIGGER summary_mark_{LECTURERS}_{event.lower()} AFTER {event} ON {LECTURERS} "
            f"BEGIN INSERT INTO {MARKS} (community_id, month, marked_at) {selects}; END"
        )
    selects = " UNION ".join(
        f"SELECT community_id, {month}, CURRENT_TIMESTAMP FROM {ACTIVITIES} a WHERE a.type_id = NEW.id"
        for month in _months_sqlite("a", "start", True)
    )
    statements.append(
        f"CREATE TRIGGER summary_mark_{TYPES}_update AFTER UPDATE OF kind ON {TYPES} "
        f"WHEN OLD.kind <> NEW.kind BEGIN INSERT INTO {MARKS} (community_id, month, marked_at) {selects}; END"
    )
    return statements


def _plpgsql(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} "
        "RETURN NULL; END $$"
    )


def _source_postgresql(model, column: str, moment: bool, watched: tuple) -> list[str]:
    table = model._meta.db_table
    function = f"summary_mark_{table}"

    def insert(row):
        values = ", ".join(
            f"({row}.community_id, {month}, now())" for month in _months_postgresql(row, column, moment)
        )
        return f"INSERT INTO {MARKS} (community_id, month, marked_at) VALUES {values};"

    body = (
        f"IF TG_OP <> 'INSERT' THEN {insert('OLD')} END IF; IF TG_OP <> 'DELETE' THEN {insert('NEW')} END IF;"
    )
    return [
        _plpgsql(function, body),
        f"CREATE TRIGGER summary_mark AFTER INSERT OR DELETE OR UPDATE OF {', '.join(watched)} "
        f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def _postgresql() -> list[str]:
    statements = []
    for source in SOURCES:
        statements += _source_postgresql(*source)

    def of_activities(where: str) -> str:
        selects = " UNION ".join(
            f"SELECT community_id, {month}, now() FROM {ACTIVITIES} a WHERE {where}"
            for month in _months_postgresql("a", "start", True)
        )
        return f"INSERT INTO {MARKS} (community_id, month, marked_at) {selects};"

    statements.append(
        _plpgsql(
            f"summary_mark_{LECTURERS}",
            f"IF TG_OP = 'DELETE' THEN {of_activities('a.id = OLD.activity_id')} "
            f"ELSE {of_activities('a.id = NEW.activity_id')} END IF;",
        )
    )
    statements.append(
        f"CREATE TRIGGER summary_mark AFTER INSERT OR DELETE ON {LECTURERS} "
        f"FOR EACH ROW EXECUTE FUNCTION summary_mark_{LECTURERS}()"
    )
    statements.append(_plpgsql(f"summary_mark_{TYPES}", of_activities("a.type_id = NEW.id")))
    statements.append(
        f"CREATE TRIGGER summary_mark AFTER UPDATE OF kind ON {TYPES} FOR EACH ROW "
        f"WHEN (OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION summary_mark_{TYPES}()"
    )
    return statements


def _tables() -> list[str]:
    return [model._meta.db_table for model, *_ in SOURCES] + [LECTURERS, TYPES]


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(
            f"the summaries' triggers are written for SQLite and PostgreSQL, not {vendor}"
        )
    for statement in _sqlite() if vendor == "sqlite" else _postgresql():
        schema_editor.execute(statement)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for table in _tables():
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS summary_mark ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS summary_mark_{table}()")
        else:
            for event in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS summary_mark_{table}_{event}")


# --- Party membership: the roll-up counts the Party members among home-visit volunteers (UnitPeopleCount) ---
PERSONS = Person._meta.db_table
SERVICE_RECORDS = ServiceRecord._meta.db_table
HOME_VISIT = ServiceRecord.Kind.HOME_VISIT.value


def _party_sql(vendor: str) -> list[str]:
    """A person who joins or leaves the Party marks each community and year they recorded home visits in —
    read from the service records, not from PeopleYear: a refresh may be writing the person's first
    PeopleYear rows, not yet committed, and the person would stay unmarked (reports 0009)."""
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER summary_mark_party AFTER UPDATE OF is_party_member ON {PERSONS} "
            "WHEN OLD.is_party_member <> NEW.is_party_member BEGIN "
            f"INSERT INTO {MARKS} (community_id, month, marked_at) "
            f"SELECT DISTINCT community_id, date(served_on, 'start of year'), CURRENT_TIMESTAMP FROM {SERVICE_RECORDS} "
            f"WHERE volunteer_id = NEW.id AND kind = '{HOME_VISIT}'; END"
        ]
    return [
        _plpgsql(
            "summary_mark_party",
            f"INSERT INTO {MARKS} (community_id, month, marked_at) "
            f"SELECT DISTINCT community_id, date_trunc('year', served_on)::date, now() FROM {SERVICE_RECORDS} "
            f"WHERE volunteer_id = NEW.id AND kind = '{HOME_VISIT}';",
        ),
        f"CREATE TRIGGER summary_mark_party AFTER UPDATE OF is_party_member ON {PERSONS} FOR EACH ROW "
        "WHEN (OLD.is_party_member IS DISTINCT FROM NEW.is_party_member) EXECUTE FUNCTION summary_mark_party()",
    ]


def install_party(schema_editor) -> None:
    for statement in _party_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def uninstall_party(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS summary_mark_party ON {PERSONS}")
        schema_editor.execute("DROP FUNCTION IF EXISTS summary_mark_party()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS summary_mark_party")


# --- volunteer team members: marked by person (reports.models.MemberMark) --------------------------------
MEMBER_MARKS = MemberMark._meta.db_table
MEMBERSHIPS = Membership._meta.db_table
TEAMS = VolunteerTeam._meta.db_table


def _members_sql(vendor: str) -> list[str]:
    """A membership written marks its person (before and after); a team's founding date or community
    changed marks its members; a member who joins or leaves the Party is marked."""
    now = "CURRENT_TIMESTAMP" if vendor == "sqlite" else "now()"

    def person(row: str) -> str:
        return f"INSERT INTO {MEMBER_MARKS} (who, marked_at) VALUES ({row}.person_id, {now});"

    team = f"INSERT INTO {MEMBER_MARKS} (who, marked_at) SELECT person_id, {now} FROM {MEMBERSHIPS} WHERE team_id = NEW.id;"
    # Every change marks the person, member or not: whether they have UnitMember rows cannot be asked here,
    # since a refresh may be writing their first ones, not yet committed (the person would stay unmarked).
    party = f"INSERT INTO {MEMBER_MARKS} (who, marked_at) VALUES (NEW.id, {now});"
    watched = "team_id, person_id, joined_on"
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER member_mark_insert AFTER INSERT ON {MEMBERSHIPS} BEGIN {person('NEW')} END",
            f"CREATE TRIGGER member_mark_delete AFTER DELETE ON {MEMBERSHIPS} BEGIN {person('OLD')} END",
            f"CREATE TRIGGER member_mark_update AFTER UPDATE OF {watched} ON {MEMBERSHIPS} "
            f"BEGIN {person('OLD')} {person('NEW')} END",
            f"CREATE TRIGGER member_mark_team AFTER UPDATE OF founded_on, community_id ON {TEAMS} "
            "WHEN OLD.founded_on IS NOT NEW.founded_on OR OLD.community_id <> NEW.community_id "
            f"BEGIN {team} END",
            f"CREATE TRIGGER member_mark_party AFTER UPDATE OF is_party_member ON {PERSONS} "
            f"WHEN OLD.is_party_member <> NEW.is_party_member BEGIN {party} END",
        ]
    return [
        _plpgsql(
            "member_mark",
            f"IF TG_OP <> 'INSERT' THEN {person('OLD')} END IF; IF TG_OP <> 'DELETE' THEN {person('NEW')} END IF;",
        ),
        f"CREATE TRIGGER member_mark AFTER INSERT OR DELETE OR UPDATE OF {watched} ON {MEMBERSHIPS} "
        "FOR EACH ROW EXECUTE FUNCTION member_mark()",
        _plpgsql("member_mark_team", team),
        f"CREATE TRIGGER member_mark_team AFTER UPDATE OF founded_on, community_id ON {TEAMS} FOR EACH ROW "
        "WHEN (OLD.founded_on IS DISTINCT FROM NEW.founded_on OR OLD.community_id IS DISTINCT FROM NEW.community_id) "
        "EXECUTE FUNCTION member_mark_team()",
        _plpgsql("member_mark_party", party),
        f"CREATE TRIGGER member_mark_party AFTER UPDATE OF is_party_member ON {PERSONS} FOR EACH ROW "
        "WHEN (OLD.is_party_member IS DISTINCT FROM NEW.is_party_member) EXECUTE FUNCTION member_mark_party()",
    ]


def install_members(schema_editor) -> None:
    for statement in _members_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def uninstall_members(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name, table in (
            ("member_mark", MEMBERSHIPS),
            ("member_mark_team", TEAMS),
            ("member_mark_party", PERSONS),
        ):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in ("insert", "delete", "update", "team", "party"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS member_mark_{name}")


# --- the committees (CommitteeSeat): their members' rows, and a member's birth date or education ---------
COMMITTEE = (
    CommitteeMember,
    "elected_on",
    False,
    ("community_id", "elected_on", "term", "role", "person_id"),
)
COMMITTEE_MEMBERS = CommitteeMember._meta.db_table


def _committee_sql(vendor: str) -> list[str]:
    """Installed by reports 0008 (0004's ``install`` does not know this table). A person whose birth date or
    education changes marks the months of their seats."""
    if vendor == "sqlite":
        seats = (
            f"INSERT INTO {MARKS} (community_id, month, marked_at) SELECT community_id, "
            f"date(elected_on, 'start of month'), CURRENT_TIMESTAMP FROM {COMMITTEE_MEMBERS} WHERE person_id = NEW.id;"
        )
        return [
            *_source_sqlite(*COMMITTEE),
            f"CREATE TRIGGER summary_mark_seats AFTER UPDATE OF birth_date, education ON {PERSONS} "
            "WHEN OLD.birth_date IS NOT NEW.birth_date OR OLD.education IS NOT NEW.education "
            f"BEGIN {seats} END",
        ]
    seats = (
        f"INSERT INTO {MARKS} (community_id, month, marked_at) SELECT community_id, "
        f"date_trunc('month', elected_on)::date, now() FROM {COMMITTEE_MEMBERS} WHERE person_id = NEW.id;"
    )
    return [
        *_source_postgresql(*COMMITTEE),
        _plpgsql("summary_mark_seats", seats),
        f"CREATE TRIGGER summary_mark_seats AFTER UPDATE OF birth_date, education ON {PERSONS} FOR EACH ROW "
        "WHEN (OLD.birth_date IS DISTINCT FROM NEW.birth_date OR OLD.education IS DISTINCT FROM NEW.education) "
        "EXECUTE FUNCTION summary_mark_seats()",
    ]


def install_committee(schema_editor) -> None:
    for statement in _committee_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def uninstall_committee(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS summary_mark ON {COMMITTEE_MEMBERS}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS summary_mark_{COMMITTEE_MEMBERS}()")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS summary_mark_seats ON {PERSONS}")
        schema_editor.execute("DROP FUNCTION IF EXISTS summary_mark_seats()")
    else:
        for event in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS summary_mark_{COMMITTEE_MEMBERS}_{event}")
        schema_editor.execute("DROP TRIGGER IF EXISTS summary_mark_seats")


# --- SQLite: kept across the migrations of the tables they watch ------------------------------------------
#
# To alter a table SQLite builds a new one and renames it: the table's own triggers are dropped with the old
# one, and a trigger of another table that names it makes the rename fail. So on SQLite every migrate drops
# the summaries' triggers first (pre_migrate) and installs those of the applied migrations again at its end
# (post_migrate, also sent after a flush); PostgreSQL alters tables in place and keeps them.

INSTALLED_BY = {  # the migration of reports that installs them -> (install, uninstall)
    "0004_summary_triggers": (install, uninstall),
    "0005_people_roll_up": (install_party, uninstall_party),
    "0006_members": (install_members, uninstall_members),
    "0008_committee_seats": (install_committee, uninstall_committee),
}


class _Executor:
    """What the install functions use of a schema editor, on a plain connection (a schema editor cannot be
    opened inside a transaction on SQLite)."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, sql):
        with self.connection.cursor() as cursor:
            cursor.execute(sql)


def drop_before_migrate(using="default", **kwargs) -> None:
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        for _install, uninstall_them in INSTALLED_BY.values():
            uninstall_them(_Executor(connection))


def install_after_migrate(using="default", **kwargs) -> None:
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    applied = {name for app, name in MigrationRecorder(connection).applied_migrations() if app == "reports"}
    for migration, (install_them, uninstall_them) in INSTALLED_BY.items():
        uninstall_them(_Executor(connection))
        if migration in applied:
            install_them(_Executor(connection))
