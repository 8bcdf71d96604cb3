"""Summary tables of the dashboard's flow figures per community and month (reports.models: VisitMonth,
ActivityMonth, ReceptionMonth, PeopleYear), kept equal to the live records.

How they stay equal (docs/reports.md says why this design): database triggers mark each written row's
community and month (``triggers``); a reader refreshes the marks of its own unit before reading (``refresh``,
a few grouped queries over the marked months), and a scheduled job refreshes what is left every minute, so a
page never shows a figure older than its request. ``manage.py check_summaries`` compares every row with the
live records; ``rebuild`` writes them all again.
"""

from .read import committee, covers, flows, members
from .store import differences, rebuild, refresh, refresh_unit

__all__ = ["committee", "covers", "differences", "flows", "members", "rebuild", "refresh", "refresh_unit"]
