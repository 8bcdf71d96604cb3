"""Writing the summaries: the refresh of marked cells, the rebuild of everything, and the check.

Only one refresh runs at a time (a transaction-level advisory lock on PostgreSQL; SQLite has one writer).
A refresh reads the marks, recomputes the smallest rectangle of communities × months that holds them from
the live records (after reading the marks, so it sees at least what they mark), replaces those summary rows
and deletes the marks it read, by id: a mark written meanwhile stays for the next refresh. The people
roll-up (UnitPeopleYear, UnitPeopleCount) follows: the rows of the people those cells held before or after,
in every unit, and the month-mask counts moved by the difference. The volunteer team members (UnitMember,
UnitMemberCount) are marked by person and rewritten the same way, person by person.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.functions import ExtractYear

from activities.models import Activity
from communities.models import Community
from volunteers.models import HomeVisit, Membership, ServiceRecord

from ..models import (
    CommitteeSeat,
    CommunityMonth,
    KindMonth,
    MemberMark,
    PeopleYear,
    ProgrammeMonth,
    SummaryMark,
    UnitMember,
    UnitMemberCount,
    UnitPeopleCount,
    UnitPeopleYear,
    VenueMonth,
)
from . import compute
from .compute import Cells

LOCK_KEY = 1_770_017  # the advisory lock of the summaries' writers (PostgreSQL)
BATCH = 5000

# table -> (how its rows are computed, the fields of its natural key, the fields of its figures)
TABLES = {
    CommunityMonth: (compute.community_months, ("community_id", "month"), compute.COMMUNITY_FIGURES),
    KindMonth: (compute.kind_months, ("community_id", "month", "kind"), ("activities", "participants")),
    ProgrammeMonth: (
        compute.programme_months,
        ("community_id", "month", "programme_id"),
        ("activities", "participants"),
    ),
    VenueMonth: (
        compute.venue_months,
        ("community_id", "month", "venue_id"),
        ("activities", "participants", "receptions", "visitors"),
    ),
    PeopleYear: (compute.people_years, ("community_id", "year", "role", "who"), ("months",)),
    CommitteeSeat: (
        compute.committee_seats,
        ("community_id", "month", "term", "role", "who"),
        ("age", "college", "seats"),
    ),
}


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _stored(model, cells: Cells):
    rows = model.objects.all()
    if cells.communities is not None:
        rows = rows.filter(community_id__in=cells.communities)
    if model is PeopleYear:
        rows = cells.in_years(rows)
    else:
        if cells.first:
            rows = rows.filter(month__gte=cells.first)
        if cells.last:
            rows = rows.filter(month__lte=cells.last)
    return rows


def _insert(model, columns: tuple, rows) -> None:
    """Rows (tuples in ``columns``' order) into the model's table: COPY on PostgreSQL, batched INSERTs
    elsewhere (no model instances: a city's rebuild writes millions of rows)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)


ROLL_UP_FIELDS = ("level", "unit_id", "year", "role", "who", "party", "months")
COUNT_FIELDS = ("level", "unit_id", "year", "role", "party", "months", "people")


def _write(cells: Cells, *, tables: tuple = tuple(TABLES)) -> int:
    """The cells of ``tables`` again; after a refresh's (some communities), their people's roll-up too."""
    # The people whose units' roll-up may change: those of the cells before and after the rewrite, in every
    # unit (a person's rows elsewhere are read again too, and a community moved to another unit is right).
    people = None if cells.communities is None else compute.people_in(cells)
    written = 0
    for model in tables:
        rows_of, key_fields, figure_fields = TABLES[model]
        rows = rows_of(cells)
        _stored(model, cells).delete()
        values = ((*key, *(figures[f] for f in figure_fields)) for key, figures in rows.items())
        _insert(model, key_fields + figure_fields, values)
        written += len(rows)
    if people is None:
        return written
    people |= compute.people_in(cells)
    return written + _roll_up(cells, people)


def _insert_select(model, fields, queries) -> int:
    """INSERT … SELECT of each queryset (its columns in ``fields``' order) into the model's table."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(field) for field in fields)
    inserted = 0
    with connection.cursor() as cursor:
        for query in queries:
            sql, params = query.query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)
            inserted += cursor.rowcount
    return inserted


def _keyed(queries, fields: tuple) -> dict:
    """{(level, unit, …, who): (the rest)} of roll-up querysets (UnitPeopleYear, UnitMember) whose
    ``fields`` end their key with ``who``."""
    key_length = fields.index("who") + 1
    return {row[:key_length]: row[key_length:] for rows in queries for row in rows.values_list(*fields)}


def _rewrite_per_person(model, fields, count_model, count_fields, stored, computed, counted, everyone) -> int:
    """A per-person roll-up rewritten: ``stored()`` (querysets of ``model``'s rows to replace) deleted,
    ``computed()`` (querysets of the new rows) inserted, and ``count_model`` moved by the difference — or, when
    ``everyone`` is rewritten, counted again from scratch by ``counted()``."""
    stale = stored()
    before = None if everyone else _keyed(stale, fields)
    for rows in stale:
        rows.delete()
    written = _insert_select(model, fields, computed())
    if everyone:
        count_model.objects.all().delete()
        return written + _insert_select(count_model, count_fields, [counted()])
    _count_differences(count_model, count_fields, before, _keyed(stored(), fields))
    return written


def _roll_up(cells: Cells, people) -> int:
    """UnitPeopleYear of ``people`` (everyone: None) in the cells' years again, and UnitPeopleCount changed by
    the difference."""
    return _rewrite_per_person(
        UnitPeopleYear,
        ROLL_UP_FIELDS,
        UnitPeopleCount,
        COUNT_FIELDS,
        stored=lambda: compute.roll_up_rows(cells, people),
        computed=lambda: compute.unit_people_years(cells, people),
        counted=compute.unit_people_counts,
        everyone=people is None,
    )


def _count_differences(model, fields: tuple, before: dict, after: dict) -> None:
    """Move each person whose row changed from their old row's count to their new one (``model``'s rows,
    ``fields`` the roll-up's key without ``who``, then its values and ``people``)."""
    change: Counter = Counter()
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old != new:
            if old:
                change[(*key[:-1], *old)] -= 1
            if new:
                change[(*key[:-1], *new)] += 1
    change = {bucket: n for bucket, n in change.items() if n}
    # The stored counts of the changed buckets, read by level, unit and the field after them (the year of
    # the people counts: a unit's other years are not read).
    units: dict = {}
    for level, unit_id, after_unit, *_rest in change:
        ids, values = units.setdefault(level, (set(), set()))
        ids.add(unit_id)
        values.add(after_unit)
    stored = {}
    for level, (ids, values) in units.items():
        rows = model.objects.filter(level=level, unit_id__in=sorted(ids), **{f"{fields[2]}__in": values})
        for pk, *bucket, people in rows.values_list("pk", *fields):
            if tuple(bucket) in change:
                stored[tuple(bucket)] = (pk, people)
    _delete_ids(model, [pk for pk, _people in stored.values()])
    counts = ((bucket, stored.get(bucket, (None, 0))[1] + n) for bucket, n in change.items())
    model.objects.bulk_create(
        model(**dict(zip(fields, (*bucket, people), strict=True))) for bucket, people in counts if people > 0
    )


MEMBER_FIELDS = ("level", "unit_id", "who", "party", "since")
MEMBER_COUNT_FIELDS = ("level", "unit_id", "party", "since", "people")


def _members(who) -> int:
    """UnitMember of ``who`` (everyone: None) again, and UnitMemberCount changed by the difference."""
    return _rewrite_per_person(
        UnitMember,
        MEMBER_FIELDS,
        UnitMemberCount,
        MEMBER_COUNT_FIELDS,
        stored=lambda: compute.member_rows(who),
        computed=lambda: compute.unit_members(who),
        counted=compute.unit_member_counts,
        everyone=who is None,
    )


def _refresh_members() -> int:
    """The members of the marked people again; the marks read deleted. Returns how many it cleared."""
    seen = list(MemberMark.objects.values_list("id", "who"))
    if seen:
        _members({who for _id, who in seen})
        _delete_ids(MemberMark, [pk for pk, _who in seen])
    return len(seen)


def rebuild_members() -> int:
    """UnitMember and its counts again from the memberships (what a database that had none yet needs once)."""
    with transaction.atomic():
        _lock()
        MemberMark.objects.all().delete()
        return _members(None)


def rebuild_table(model) -> int:
    """One summary table again from the live records (what a database that had no such table needs once)."""
    with transaction.atomic():
        _lock()
        return _write(Cells(), tables=(model,))


def rebuild_roll_up() -> int:
    """UnitPeopleYear again from PeopleYear (what a database that had no roll-up yet needs once)."""
    with transaction.atomic():
        _lock()
        return _roll_up(Cells(), None)


def _delete_ids(model, ids: list[int]) -> None:
    for i in range(0, len(ids), BATCH):
        model.objects.filter(pk__in=ids[i : i + BATCH]).delete()


def refresh(communities: Iterable | None = None) -> int:
    """Rewrite the summaries marked stale (of ``communities`` only — ids or a queryset of them — when given;
    the marked members wherever they are). Returns how many marks it cleared."""
    marks = SummaryMark.objects.order_by()
    if communities is not None:
        marks = marks.filter(community_id__in=communities)
    if not marks.exists() and not MemberMark.objects.exists():  # the usual case: no lock, no transaction
        return 0
    with transaction.atomic():
        _lock()
        cleared = _refresh_members()
        seen = list(marks.values_list("id", "community_id", "month"))
        if seen:
            month_list = [month for _id, _community, month in seen]
            _write(Cells(frozenset(c for _id, c, _month in seen), min(month_list), max(month_list)))
            _delete_ids(SummaryMark, [pk for pk, _community, _month in seen])
    return cleared + len(seen)


def mark_moved_unit(sender, instance, raw=False, **kwargs) -> None:
    """pre_save of every level of the unit tree: a unit given another parent moves its communities' people
    to other units, so each of its communities' years with records, and each of their teams' members, is
    marked (the roll-ups are per unit). Read from the live records, not from the summaries, which a refresh
    may be writing at this moment."""
    parent_field = sender.unit_parent
    if raw or instance.pk is None or parent_field is None:
        return
    attribute = sender._meta.get_field(parent_field).attname
    before = sender.objects.filter(pk=instance.pk).values_list(attribute, flat=True).first()
    if before == getattr(instance, attribute):
        return
    communities = Community.objects.for_unit(instance).values("pk")
    years = set()
    for records, date_field in (
        (ServiceRecord.objects, "served_on"),
        (HomeVisit.objects, "visited_on"),
        (Activity.objects, "start"),
    ):
        found = records.filter(community__in=communities).annotate(year=ExtractYear(date_field))
        years |= set(found.values_list("community_id", "year").distinct().order_by())
    SummaryMark.objects.bulk_create(
        SummaryMark(community_id=community, month=datetime.date(year, 1, 1)) for community, year in years
    )
    members = Membership.objects.filter(team__community__in=communities).values_list("person_id", flat=True)
    MemberMark.objects.bulk_create(MemberMark(who=who) for who in set(members))


def refresh_unit(unit) -> int:
    """``refresh`` for the communities inside ``unit``: what a reader of the unit's figures does first."""
    return refresh(Community.objects.for_unit(unit).values("pk"))


# The tables of the migration that made the first summaries (reports 0004), which fills them with
# ``rebuild(first_tables_only=True)``: the later migrations make and fill the others.
FIRST_TABLES = (CommunityMonth, KindMonth, ProgrammeMonth, VenueMonth, PeopleYear)


def rebuild(*, first_tables_only: bool = False) -> int:
    """Every summary again from the live records (after a load that ran without the triggers). Returns the
    number of summary rows written."""
    with transaction.atomic():
        _lock()
        seen = list(SummaryMark.objects.values_list("id", flat=True))
        written = _write(Cells(), tables=FIRST_TABLES if first_tables_only else tuple(TABLES))
        _delete_ids(SummaryMark, seen)
        if not first_tables_only:
            written += _roll_up(Cells(), None)
            MemberMark.objects.all().delete()
            written += _members(None)
    return written


def differences(limit: int = 50) -> tuple[int, list[str]]:
    """Compare every stored summary row with the live records (after refreshing the marked ones, as a
    reader would). Returns the number of differing rows and a description of the first ``limit``."""
    refresh()
    count, described = 0, []
    for model, (rows_of, key_fields, figure_fields) in TABLES.items():
        live = rows_of(Cells())
        stored = {}
        for row in model.objects.values(*key_fields, *figure_fields).iterator(chunk_size=BATCH):
            stored[tuple(row[f] for f in key_fields)] = {f: row[f] for f in figure_fields}
        count += _compare(model, live, stored, described, limit)
    # The roll-ups against what they are computed from (PeopleYear, checked above; then UnitPeopleYear; the
    # memberships; then UnitMember).
    for model, fields, queries in (
        (UnitPeopleYear, ROLL_UP_FIELDS, compute.unit_people_years(Cells())),
        (UnitPeopleCount, COUNT_FIELDS, [compute.unit_people_counts()]),
        (UnitMember, MEMBER_FIELDS, compute.unit_members()),
        (UnitMemberCount, MEMBER_COUNT_FIELDS, [compute.unit_member_counts()]),
    ):
        live = {row[:-1]: row[-1] for query in queries for row in query.iterator(chunk_size=BATCH)}
        stored = {row[:-1]: row[-1] for row in model.objects.values_list(*fields).iterator(chunk_size=BATCH)}
        count += _compare(model, live, stored, described, limit)
    return count, described


def _compare(model, live: dict, stored: dict, described: list, limit: int) -> int:
    count = 0
    for key in live.keys() | stored.keys():
        if live.get(key) != stored.get(key):
            count += 1
            if len(described) < limit:
                described.append(f"{model.__name__} {key}: 汇总 {stored.get(key)}，实时 {live.get(key)}")
    return count
