from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap enough on any database.
EXACT_COUNT_LIMIT = 50_000


class LargeTablePaginator(Paginator):
    """Counts an unfiltered PostgreSQL table from the planner's estimate instead of COUNT(*).

    Django's admin counts the whole table on every unfiltered list page; on a register of millions of
    rows that is a sequential scan per page view. Filtered lists (every staff account's list is filtered
    by its unit) are counted exactly.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.distinct:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                        [queryset.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                estimate = row[0] if row else -1
                # Statistics can be stale (a table emptied since the last ANALYZE): trust the estimate only
                # when the table really holds more than the limit, which one bounded probe shows.
                if estimate > EXACT_COUNT_LIMIT and queryset.order_by()[EXACT_COUNT_LIMIT:].exists():
                    return estimate
        return super().count
