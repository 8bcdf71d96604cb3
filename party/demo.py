"""西关's branches with a year (2018) of branch meetings, some of December's, the fourth quarter's or the year's
not held, so that the overdue list for 2018-12 has something to say. Running it again adds nothing."""

import datetime

from django.utils import timezone

from communities.models import Community, PartnerOrganization, PartyOrganization, Person, Subdistrict

from .models import BRANCH_KINDS, AgendaItem, BranchMeeting, FollowUpTask, JointMeeting, MeetingKind, Wish

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
    _load_wishes(stdout)
    _load_joint_meetings(stdout)


WISHES = [
    ("一台助行器", "腿脚不便，想自己下楼走走", 300, "陈秀兰", Wish.Status.PUBLISHED),
    ("修好家里的收音机", "每天听戏，收音机坏了", 50, "李桂英", Wish.Status.PUBLISHED),
    ("孙子的一套课外书", "孩子爱读书", 120, "王淑珍", Wish.Status.PUBLISHED),
    ("换一个新的水龙头", "水龙头漏水多日", 60, "赵德明", Wish.Status.CLAIMED),
    ("冬天的一床棉被", "独居老人，棉被旧了", 200, "刘凤兰", Wish.Status.FULFILLED),
    ("陪老人去一趟医院复查", "子女在外地", 0, "张玉芬", Wish.Status.CONFIRMED),
]


def _load_wishes(stdout) -> None:
    """Wishes of 环西社区 in each state, their deadlines a month from the day the demo is loaded."""
    community = Community.objects.filter(name="环西社区").first()
    if community is None or Wish.objects.filter(community=community).exists():
        return
    member = Person.objects.filter(community=community, is_party_member=True).order_by("pk").first()
    now = timezone.now()
    for i, (title, story, value, name, status) in enumerate(WISHES):
        claimed = status != Wish.Status.PUBLISHED
        Wish.objects.create(
            community=community, title=title, story=story, estimated_value=value, resident_name=name,
            resident_phone=f"1370000{i:04d}", consented=True,
            deadline=timezone.localdate() + datetime.timedelta(days=-20 if status == Wish.Status.CLAIMED else 30),
            status=status, claimed_by=member if claimed else None, claimed_at=now if claimed else None,
            fulfilled_at=now if status in (Wish.Status.FULFILLED, Wish.Status.CONFIRMED) else None,
            fulfilment="党员送上门" if status in (Wish.Status.FULFILLED, Wish.Status.CONFIRMED) else "",
            confirmed_at=now if status == Wish.Status.CONFIRMED else None,
            rating=5 if status == Wish.Status.CONFIRMED else None,
        )  # fmt: skip
    stdout.write(
        f"party: {len(WISHES)} wishes of 环西社区 in every state (one claimed and past its deadline).\n"
    )


JOINT_ITEMS = [
    (AgendaItem.Category.DISCUSS, "年度党建共建计划", "通过年度共建项目清单"),
    (AgendaItem.Category.DO, "老旧小区楼道照明改造", "共建单位出资，社区组织施工"),
    (AgendaItem.Category.DECIDE, "学雷锋志愿服务广场的使用安排", "各单位轮流承办月度活动"),
    (AgendaItem.Category.URGENT, "汛期防汛物资调配", "共建单位支援沙袋和人员"),
]


def _load_joint_meetings(stdout) -> None:
    """西关's quarterly joint meetings of 2018 with the co-building organisations: an item of each kind and a
    task each, the last one's task still open past its deadline."""
    xiguan = Subdistrict.objects.filter(name="西关办事处").first()
    if xiguan is None or JointMeeting.objects.filter(subdistrict=xiguan).exists():
        return
    partners = list(PartnerOrganization.objects.filter(subdistrict=xiguan).order_by("pk")[:12])
    for quarter, (category, topic, decision) in enumerate(JOINT_ITEMS):
        held_on = datetime.date(YEAR, quarter * 3 + 2, 10)
        meeting = JointMeeting.objects.create(
            subdistrict=xiguan, held_on=held_on, title=f"{YEAR}年第{quarter + 1}季度党建工作联席会议"
        )
        meeting.partners.set(partners[quarter * 3 : quarter * 3 + 5])
        AgendaItem.objects.create(meeting=meeting, category=category, topic=topic, decision=decision)
        last = quarter == len(JOINT_ITEMS) - 1
        FollowUpTask.objects.create(
            meeting=meeting,
            task=decision,
            owner=partners[quarter * 3 % len(partners)] if partners else None,
            owner_name="王建华",
            deadline=held_on + datetime.timedelta(days=30),
            done_on=None if last else held_on + datetime.timedelta(days=25),
            outcome="" if last else "已完成",
        )
    stdout.write(f"party: {len(JOINT_ITEMS)} joint meetings of 西关 in {YEAR} (one task still open).\n")
