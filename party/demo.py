"""西关's branches with a year (2018) of branch meetings, some of December's, the fourth quarter's or the year's
not held, so that the overdue list for 2018-12 has something to say. Running it again adds nothing."""

import datetime

from communities.models import PartyOrganization, Person

from .models import BRANCH_KINDS, BranchMeeting, MeetingKind

YEAR = 2018
TOPICS = {
    MeetingKind.COMMITTEE: "研究本月支部工作",
    MeetingKind.GROUP: "学习交流",
    MeetingKind.THEMED_DAY: "主题党日：学习党章、志愿服务",
    MeetingKind.MEMBERS: "通报季度工作、讨论发展党员",
    MeetingKind.LECTURE: "党课：学习习近平新时代中国特色社会主义思想",
    MeetingKind.LIFE_MEETING: "年度组织生活会",
    MeetingKind.APPRAISAL: "民主评议党员",
}


def _plan(index: int) -> list[tuple[str, datetime.date]]:
    meetings = []
    for month in range(1, 13):
        december = month == 12
        meetings.append((MeetingKind.COMMITTEE, datetime.date(YEAR, month, 5)))
        if not (december and index % 3 == 0):
            meetings.append((MeetingKind.GROUP, datetime.date(YEAR, month, 12)))
            meetings.append((MeetingKind.THEMED_DAY, datetime.date(YEAR, month, 15)))
    for quarter in range(4):
        meetings.append((MeetingKind.MEMBERS, datetime.date(YEAR, quarter * 3 + 3, 20)))
        if not (quarter == 3 and index % 4 == 1):
            meetings.append((MeetingKind.LECTURE, datetime.date(YEAR, quarter * 3 + 1, 25)))
    if index % 5 != 2:
        meetings.append((MeetingKind.LIFE_MEETING, datetime.date(YEAR, 12, 10)))
    meetings.append((MeetingKind.APPRAISAL, datetime.date(YEAR, 11, 28)))
    return meetings


def load(stdout) -> None:
    branches = list(
        PartyOrganization.objects.filter(subdistrict__name="西关办事处", kind__in=BRANCH_KINDS).order_by("pk")
    )
    done = set(
        BranchMeeting.objects.filter(branch__in=branches, held_on__year=YEAR).values_list(
            "branch_id", flat=True
        )
    )
    new = [
        BranchMeeting(branch=branch, kind=kind, held_on=day, topic=TOPICS[kind])
        for index, branch in enumerate(branches)
        if branch.pk not in done
        for kind, day in _plan(index)
    ]
    BranchMeeting.objects.bulk_create(new, batch_size=1000)
    members: dict[int, list[int]] = {}
    for person_id, branch_id in Person.objects.filter(party_branch__in=branches).values_list(
        "pk", "party_branch_id"
    ):
        members.setdefault(branch_id, []).append(person_id)
    Attendee = BranchMeeting.attendees.through
    Attendee.objects.bulk_create(
        [
            Attendee(branchmeeting_id=meeting.pk, person_id=person_id)
            for meeting in BranchMeeting.objects.filter(
                branch__in=[b for b in branches if b.pk not in done],
                kind=MeetingKind.MEMBERS,
                held_on__year=YEAR,
            )
            for person_id in members.get(meeting.branch_id, [])
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    stdout.write(f"party: {len(branches)} branches of 西关, {len(new)} meetings in {YEAR} added.\n")
