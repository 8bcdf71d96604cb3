from django.contrib import admin
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from registers.forms import unit_and_month, unit_month_context
from registers.periods import month_bounds

from . import stats


@login_required
@permission_required("party.view_branchmeeting", raise_exception=True)
def overdue_list(request):
    """Which branches have not held which meeting this month, quarter or year: the list a secretary prints."""
    form, unit, month = unit_and_month(request)
    first, last = month_bounds(month)
    today = timezone.localdate()
    rows = stats.overdue(unit, first, until=min(last, today) if first <= today else None)
    return render(
        request,
        "party/overdue.html",
        {
            "title": _("Branch meetings not yet held"),
            **unit_month_context(request, form, unit, month),
            "rows": rows,
            "branch_count": stats.branches(unit).count(),
            **admin.site.each_context(request),
        },
    )
