"""Demo reports (随手拍) for 东湖社区: four handling units with one staff account each, the
routing table, and a dozen reports in every state, made and moved through the real
services (so the timeline, the board cards and the weekly figures are what real use
leaves behind). Idempotent: run after `seed_demo`.

The staff accounts share the demo password (`grids.demo.DEMO_PASSWORD`), set the way
`seed_demo` sets it.
"""

from dataclasses import asdict, dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from grids.demo import COMMUNITY, DEMO_PASSWORD
from grids.models import Community, Membership
from reports.models import Category, HandlingUnit, Report, RoutingRule, UnitMember
from reports.services import handling
from reports.services.submitting import place_resolve, report_create
from residents.models import User
from residents.services import user_create

# kind → (unit name, public phone, staff phone, staff display name)
UNITS = {
    HandlingUnit.Kind.PROPERTY: ("物业服务中心", "0573-82060001", "13900004001", "物业周师傅"),
    HandlingUnit.Kind.RIVER: ("河道保洁队", "0573-82060002", "13900004002", "河道保洁员老吴"),
    HandlingUnit.Kind.URBAN: ("城管中队", "0573-82060003", "13900004003", "城管队员小郑"),
    HandlingUnit.Kind.STREET_OFFICE: ("街道办", "0573-82060004", "13900004004", "街道办钱科长"),
}
# category code → the unit kind that handles it in 东湖社区. 其他 has no rule: its reports
# go to the grid's grid worker (routing's last resort).
ROUTES = {
    "river-litter": HandlingUnit.Kind.RIVER,
    "parking": HandlingUnit.Kind.URBAN,
    "fire-lane": HandlingUnit.Kind.URBAN,
    "street-light": HandlingUnit.Kind.URBAN,
    "road-damage": HandlingUnit.Kind.URBAN,
    "manhole": HandlingUnit.Kind.URBAN,
    "lift": HandlingUnit.Kind.PROPERTY,
    "leak": HandlingUnit.Kind.PROPERTY,
    "rubbish": HandlingUnit.Kind.PROPERTY,
    "falling-objects": HandlingUnit.Kind.PROPERTY,
    "noise": HandlingUnit.Kind.STREET_OFFICE,
    "hazard": HandlingUnit.Kind.STREET_OFFICE,
}


@dataclass(frozen=True)
class DemoReport:
    code: str  # category
    resident: int  # the reporter: demo resident number (phone 1380001xxxx)
    days_ago: float
    description: str
    story: tuple[str, ...] = ()  # the moves after dispatch, in order
    rating: int | None = None


REPORTS = (
    DemoReport(
        "river-litter",
        3,
        0.3,
        "东湖边靠湖滨苑那一段河道里漂着很多塑料瓶和泡沫箱，天热了有味道。",
        ("accept", "progress"),
    ),
    DemoReport("parking", 5, 0.1, "南溪小区北门消防通道上停了一辆白色轿车，已经两天没动了。"),
    DemoReport(
        "lift",
        22,
        3,
        "电梯停在五楼不动，按钮没反应，楼里老人下不了楼。",
        ("accept", "progress", "close", "rate"),
        rating=5,
    ),
    DemoReport("leak", 41, 1, "楼道顶上一直滴水，墙皮已经鼓起来了，下雨天更厉害。", ("accept",)),
    DemoReport(
        "noise",
        7,
        2,
        "楼上每天夜里十二点以后还在敲敲打打，孩子睡不着。",
        ("accept", "progress"),
    ),
    DemoReport(
        "street-light",
        63,
        2.5,
        "地下车库入口的路灯坏了一个多星期，晚上很黑。",
        ("accept", "close"),
    ),
    DemoReport(
        "rubbish",
        84,
        6,
        "垃圾分类亭旁边堆了好几袋装修垃圾，挡住了路。",
        ("accept", "close", "rate"),
        rating=4,
    ),
    DemoReport(
        "road-damage",
        105,
        5,
        "小区主路中间有个坑，电动车骑过去差点摔倒。",
        ("accept", "close", "reopen"),
    ),
    DemoReport(
        "manhole",
        126,
        1.5,
        "人行道上的雨水井盖裂了一半，晚上看不清很危险。",
        ("return",),
    ),
    DemoReport("other", 9, 0.5, "健身器材区的单杠松动了，小孩在上面玩不安全。"),
    DemoReport(
        "falling-objects",
        147,
        4,
        "楼上阳台的花盆放在栏杆外面，刮风天担心掉下来。",
        ("withdraw",),
    ),
    DemoReport("hazard", 168, 3, "配电箱的门一直开着，里面电线露在外面。"),
)


@dataclass(frozen=True)
class DemoStaff:
    unit: str
    phone: str
    display_name: str
    password: str


def _resident(number: int) -> User:
    return User.objects.get(phone=f"+861380001{number:04d}")


@transaction.atomic
def demo_reports() -> dict:
    """Units, staff, routing and the dozen reports; returns the staff accounts and how
    many reports were made (0 on a second run)."""
    community = Community.objects.filter(name=COMMUNITY).first()
    if community is None:
        return {"units": [], "staff": [], "reports": 0}
    units: dict[str, HandlingUnit] = {}
    staff_of: dict[str, User] = {}
    staff: list[DemoStaff] = []
    for kind, (name, phone, staff_phone, staff_name) in UNITS.items():
        unit, _ = HandlingUnit.objects.get_or_create(
            name=name, kind=kind, defaults={"phone": phone}
        )
        unit.communities.add(community)
        user = User.objects.filter(phone=f"+86{staff_phone}").first()
        user = user or user_create(phone=staff_phone, display_name=staff_name)
        UnitMember.objects.get_or_create(unit=unit, user=user, revoked_at__isnull=True)
        units[kind], staff_of[kind] = unit, user
        staff.append(DemoStaff(name, user.national_phone, user.display_name, DEMO_PASSWORD))
    password_hash = make_password(DEMO_PASSWORD, salt="linlidemo")
    User.objects.filter(phone__in=[f"+86{s.phone}" for s in staff]).exclude(
        password=password_hash
    ).update(password=password_hash, phone_verified=True)
    categories = {c.code: c for c in Category.objects.filter(code__in=ROUTES)}
    for code, kind in ROUTES.items():
        RoutingRule.objects.get_or_create(
            community=community,
            grid=None,
            micro_grid=None,
            category=categories[code],
            defaults={"unit": units[kind]},
        )
    made = 0
    if not Report.objects.filter(community=community).exists():
        for item in REPORTS:
            _report_tell(item, staff_of)
            made += 1
    return {
        "units": [{"id": u.pk, "name": u.name, "kind": u.kind} for u in units.values()],
        "staff": [asdict(s) for s in staff],
        "reports": made,
    }


def _report_tell(item: DemoReport, staff_of: dict[str, User]) -> Report:
    """Make one report `days_ago` and move it through its story, a few hours per move."""
    reporter = _resident(item.resident)
    home = Membership.objects.get(user=reporter, left_at__isnull=True)
    category = Category.objects.get(code=item.code)
    place = place_resolve(actor=reporter, micro_grid_id=home.micro_grid_id)
    moment = timezone.now() - timedelta(days=item.days_ago)
    report = report_create(
        actor=reporter,
        category=category,
        place=place,
        description=item.description,
        contact_ok=item.resident % 2 == 1,
        now=moment,
    )
    kind = ROUTES.get(item.code)
    handler = staff_of[kind] if kind else report.handler
    gap = timedelta(days=item.days_ago) / (len(item.story) + 1)
    for move in item.story:
        moment += gap
        if move == "accept":
            handling.report_accept(actor=handler, report_id=report.pk, now=moment)
        elif move == "progress":
            handling.report_progress(
                actor=handler, report_id=report.pk, note="已到现场，正在处理。", now=moment
            )
        elif move == "close":
            handling.report_close(
                actor=handler, report_id=report.pk, note="已处理完毕，请查看。", now=moment
            )
        elif move == "rate":
            handling.report_rate(
                actor=reporter, report_id=report.pk, rating=item.rating, now=moment
            )
        elif move == "reopen":
            handling.report_reopen(
                actor=reporter, report_id=report.pk, reason="坑只填了一半，还是不平。", now=moment
            )
        elif move == "return":
            handling.report_return(
                actor=handler,
                report_id=report.pk,
                reason="井盖归自来水公司管理，请社区转交。",
                now=moment,
            )
        elif move == "withdraw":
            handling.report_withdraw(actor=reporter, report_id=report.pk, now=moment)
    return report
