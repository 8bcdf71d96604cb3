"""The bulletin writes numbers as the articles do (1583小时, never 1583.0) and never the same figures twice."""

import datetime
from decimal import Decimal

from django.utils import translation

from reports.bulletin import bulletin

PAST = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))


def chinese(totals):
    with translation.override("zh-hans"):
        return bulletin("西关办事处", *PAST, totals)


def test_hours_are_written_without_a_decimal_point():
    text = chinese({"teams": 47, "party_member_teams": 47, "visits": 1880, "party_member_volunteers": 319,
                    "volunteer_hours": 1583.0})  # fmt: skip
    assert "1583" in text and "1583.0" not in text
    assert "12.5" in chinese({"teams": 2, "visits": 3, "volunteer_hours": Decimal("12.50")})


def test_a_unit_whose_activities_were_all_lectures_says_it_once():
    text = chinese(
        {"activities": 12, "participants": 480, "lecture_sessions": 12, "lecture_participants": 480}
    )
    assert text.count("12场") == 1 and text.count("480") == 1 and "各类活动" not in text, text


def test_lectures_among_other_activities_keep_both_clauses():
    text = chinese(
        {"activities": 30, "participants": 900, "lecture_sessions": 12, "lecture_participants": 480}
    )
    assert "30" in text and "12" in text and "480" in text and "900" in text
