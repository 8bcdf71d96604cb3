"""Every message the app sends, in one place: its text (Chinese, as registered with the SMS provider, which
sends only pre-approved templates), the parameters the text takes, in the order the provider's template
numbers them, and whether it may go out at night.

The SMS provider knows each kind by a template id (settings.SMS_TEMPLATES: kind -> id, given by the provider
once the template below is approved); docs/deploy.md lists them to register.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    title: str  # an email's subject
    text: str  # with {name} placeholders; the SMS provider adds the signature (SMS_SIGN_NAME)
    params: tuple[str, ...]  # the placeholders, in the order of the provider's {1}, {2} …
    urgent: bool = False  # sent at any hour (codes); others wait for the morning (quiet hours)


KINDS = {
    "booking_received": Kind(
        "预约已收到",
        "您预约的{venue}（{time}，{size}人）已收到，正在等待审核，结果将短信通知您。预约号{reference}。",
        ("venue", "time", "size", "reference"),
    ),
    "booking_confirmed": Kind(
        "预约已确认",
        "您预约的{venue}（{time}，{size}人）已确认，请按时到访。预约号{reference}。",
        ("venue", "time", "size", "reference"),
    ),
    "booking_rejected": Kind(
        "预约未通过",
        "很抱歉，您预约的{venue}（{time}）未通过审核，原因：{reason}。预约号{reference}。",
        ("venue", "time", "reason", "reference"),
    ),
    "visit_reminder": Kind(
        "到访提醒",
        "提醒：您预约的{venue}明天（{time}）到访，共{size}人，请按时前往。如需取消请打开预约页面。预约号{reference}。",
        ("venue", "time", "size", "reference"),
    ),
    "lookup_code": Kind(
        "预约查询验证码",
        "您正在查询场馆预约，验证码{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。",
        ("code", "minutes"),
        urgent=True,
    ),
    "due_visits": Kind(
        "本月上门走访名单",
        "{team}本月有{count}位服务对象需要上门走访，名单请登录查看：{url}",
        ("team", "count", "url"),
    ),
    "waitlist_offer": Kind(
        "候补空位已为您保留",
        "{venue}（{time}）有{size}个空位为您保留至{until}，请打开链接确认预约：{url} 逾期将让给下一位。",
        ("venue", "time", "size", "until", "url"),
        urgent=True,
    ),
    "booking_digest": Kind(
        "待审核的场馆预约",
        "您单位有{count}个场馆预约等待审核，最早的已等待{hours}小时。请登录系统处理：{url}\n{bookings}",
        ("count", "hours", "url", "bookings"),
    ),
    "booking_overdue": Kind(
        "预约等待审核已超时",
        "预约{reference}（{venue}，{time}）已等待审核{hours}小时，请尽快处理：{url}",
        ("reference", "venue", "time", "hours", "url"),
    ),
    "booking_cancelled_by_venue": Kind(
        "预约被场馆取消",
        "很抱歉，您已确认的{venue}（{time}）预约被场馆取消，原因：{reason}。预约号{reference}。",
        ("venue", "time", "reason", "reference"),
    ),
    "booking_cancelled": Kind(
        "预约已取消",
        "您预约的{venue}（{time}）已取消。预约号{reference}。",
        ("venue", "time", "reference"),
    ),
    "volunteer_code": Kind(
        "志愿服务验证码",
        "您正在报名志愿服务活动或查看志愿服务记录，验证码{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。",
        ("code", "minutes"),
        urgent=True,
    ),
    "volunteer_signed_up": Kind(
        "志愿服务报名成功",
        "您已报名志愿服务活动“{activity}”（{time}，{place}），请按时到场扫码签到。如需取消，请在{deadline}前在“我的志愿服务”中取消。",
        ("activity", "time", "place", "deadline"),
    ),
    "volunteer_waitlisted": Kind(
        "志愿服务候补登记",
        "志愿服务活动“{activity}”（{time}）名额已满，您已登记为候补第{position}位，有空缺时将短信通知您。",
        ("activity", "time", "position"),
    ),
    "volunteer_promoted": Kind(
        "志愿服务候补转为正式",
        "志愿服务活动“{activity}”（{time}，{place}）有人取消，您已由候补转为正式报名，请按时到场扫码签到。",
        ("activity", "time", "place"),
    ),
    "volunteer_reminder": Kind(
        "志愿服务提醒",
        "提醒：您报名的志愿服务活动“{activity}”明天（{time}）在{place}开展，请按时到场扫码签到。",
        ("activity", "time", "place"),
    ),
    "wish_code": Kind(
        "微心愿验证码",
        "您正在认领或确认社区微心愿，验证码{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。",
        ("code", "minutes"),
        urgent=True,
    ),
    "wish_claimed": Kind(
        "您的微心愿已被认领",
        "您的微心愿“{wish}”已被{claimant}认领，将在{deadline}前帮您实现。实现后请在收到的链接中确认并评价：{url}",
        ("wish", "claimant", "deadline", "url"),
    ),
}


def render(kind: str, params: dict) -> str:
    return KINDS[kind].text.format(**params)


def subject(kind: str) -> str:
    return f"社区服务：{KINDS[kind].title}"
