"""The work bulletin: a paragraph in the articles' own style for a unit and a period, ready to paste.

"截至目前，西关办事处共组建党员志愿服务队47支，319名党员开展上门服务1880人次，……。"

Each clause appears only when its figure is not zero; the wording of each is a translatable string, so
the English page gets an English paragraph and the Chinese page the articles' phrasing.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def _number(value):
    """As the articles write a count: 1583 小时, never 1583.0; a fraction kept to one place (12.5)."""
    if isinstance(value, float | Decimal):
        rounded = round(Decimal(str(value)), 1)
        return int(rounded) if rounded == rounded.to_integral_value() else rounded
    return value


def _clauses(totals: dict) -> list[str]:
    t = {key: _number(value) for key, value in totals.items()}
    clauses = []
    if t.get("party_member_teams") and t["party_member_teams"] == t.get("teams"):
        clauses.append(_("has formed %(n)s Party-member volunteer teams") % {"n": t["party_member_teams"]})
    elif t.get("party_member_teams"):
        clauses.append(
            _("has formed %(n)s volunteer teams (%(p)s of them Party-member teams)")
            % {"n": t["teams"], "p": t["party_member_teams"]}
        )
    elif t.get("teams"):
        clauses.append(_("has formed %(n)s volunteer teams") % {"n": t["teams"]})
    if t.get("visits"):
        if t.get("party_member_volunteers"):
            clauses.append(
                _("%(people)s Party members made home visits %(visits)s person-times")
                % {"people": t["party_member_volunteers"], "visits": t["visits"]}
            )
        else:
            clauses.append(_("volunteers made home visits %(visits)s person-times") % {"visits": t["visits"]})
    if t.get("volunteer_hours"):
        clauses.append(_("giving %(hours)s volunteer hours") % {"hours": t["volunteer_hours"]})
    if t.get("wishes_claimed"):
        clauses.append(_("%(n)s small wishes claimed") % {"n": t["wishes_claimed"]})
    # Where every activity was a lecture, one clause says so (not the same two figures twice in a row).
    all_lectures = (t.get("lecture_sessions"), t.get("lecture_participants")) == (
        t.get("activities"),
        t.get("participants"),
    )
    if t.get("activities") and not all_lectures:
        clauses.append(
            _("held %(n)s activities of all kinds with %(people)s participant person-times")
            % {"n": t["activities"], "people": t["participants"]}
        )
    if t.get("lecture_sessions"):
        clauses.append(
            _("held %(n)s lecture sessions attended %(people)s person-times")
            % {"n": t["lecture_sessions"], "people": t["lecture_participants"]}
        )
    if t.get("lecturers"):
        clauses.append(_("built a pool of %(n)s lecturers") % {"n": t["lecturers"]})
    if t.get("receptions"):
        clauses.append(
            _("its venues received %(n)s visits by %(people)s visitors")
            % {"n": t["receptions"], "people": t["visitors"]}
        )
    if t.get("partners"):
        clauses.append(_("works with %(n)s partner organisations") % {"n": t["partners"]})
    if t.get("committee_members"):
        values = {
            "term": t["committee_term"],
            "n": t["committee_members"],
            "age": t["committee_average_age"],
            "college": t["committee_college"],
            "share": t["committee_college_share"],
        }
        clauses.append(
            _(
                "the %(term)s election of the two committees chose %(n)s members, average age %(age)s, "
                "%(college)s of them (%(share)s%%) with junior college or above"
            )
            % values
        )
    return clauses


def bulletin(unit, start, end, totals: dict) -> str:
    clauses = _clauses(totals)
    if not clauses:
        return _("No activity has been recorded for %(unit)s in this period.") % {"unit": unit}
    first, rest = clauses[0], clauses[1:]
    if end >= timezone.localdate():
        lead = _("As of today, %(unit)s %(clause)s") % {"unit": unit, "clause": first}
    else:
        lead = _("From %(start)s to %(end)s, %(unit)s %(clause)s") % {
            "start": date_format(start, "DATE_FORMAT"),
            "end": date_format(end, "DATE_FORMAT"),
            "unit": unit,
            "clause": first,
        }
    separator = pgettext("bulletin clause separator", ", ")
    return lead + "".join(separator + clause for clause in rest) + pgettext("bulletin full stop", ".")
