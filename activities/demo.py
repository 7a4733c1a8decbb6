"""Demo activities for the demo communities: in 东湖社区 a calligraphy class, a children's
painting class, volunteer gate shifts, rewards; in 南湖社区 a lakeside clean-up and a reward.
Idempotent: run after `seed_demo`."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from activities.models import Activity
from activities.services import publishing
from activities.services.shifts import ShiftSpec
from grids.demo import COMMUNITY, SECOND_CADRE_PHONE, SECOND_COMMUNITY
from grids.models import Community, Role, RoleGrant
from points.models import Reward
from points.services import reward_create
from residents.models import User


def _next(weekday: int, hour: int, *, weeks: int = 0) -> datetime:
    today = timezone.localdate()
    day = today + timedelta(days=(weekday - today.weekday()) % 7 or 7, weeks=weeks)
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def demo_activities() -> int:
    return _first_community() + _second_community()


def _first_community() -> int:
    community = Community.objects.filter(name=COMMUNITY).first()
    cadre = User.objects.filter(phone="+8613900000001").first()
    if community is None or cadre is None:
        return 0
    if Activity.objects.filter(community=community, ends_at__gt=timezone.now()).exists():
        return 0
    lead = User.objects.filter(phone="+8613800010001").first()
    if lead is not None:
        RoleGrant.objects.get_or_create(
            user=lead,
            role=Role.VOLUNTEER_LEAD,
            community=community,
            revoked_at__isnull=True,
            defaults={"granted_by": cadre},
        )
    made = []
    saturday = _next(5, 9)
    made.append(
        publishing.activity_create(
            actor=cadre,
            community=community,
            kind=Activity.Kind.CLASS,
            title="暑期书法公益课",
            description="社区书法协会老师授课，笔墨纸砚由社区准备。每周六上午，共四次。",
            place="社区党群服务中心二楼活动室",
            starts_at=saturday,
            ends_at=saturday + timedelta(hours=2),
            capacity=20,
            repeat_weeks=3,
        )
    )
    sunday = _next(6, 14)
    made.append(
        publishing.activity_create(
            actor=cadre,
            community=community,
            kind=Activity.Kind.CLASS,
            title="少儿绘画班",
            description="6–12岁小朋友，由家长代为报名。",
            place="社区图书室",
            starts_at=sunday,
            ends_at=sunday + timedelta(hours=1, minutes=30),
            capacity=12,
            audience=Activity.Audience.AGE,
            age_bands=["6-12"],
        )
    )
    wednesday = _next(2, 8)
    made.append(
        publishing.activity_create(
            actor=lead or cadre,
            community=community,
            kind=Activity.Kind.VOLUNTEER,
            title="小区门岗志愿值守",
            description="测温、登记、扫码，协助网格员做好小区出入管理。",
            place="小区北门、南门",
            starts_at=wednesday,
            ends_at=wednesday + timedelta(hours=8),
            audience=Activity.Audience.VOLUNTEERS,
            shifts=[
                ShiftSpec("守门员", wednesday, wednesday + timedelta(hours=4), 4),
                ShiftSpec(
                    "守门员", wednesday + timedelta(hours=4), wednesday + timedelta(hours=8), 4
                ),
                ShiftSpec("宣传员", wednesday, wednesday + timedelta(hours=2), 2),
            ],
        )
    )
    if not Reward.objects.filter(community=community).exists():
        for name, cost, stock in (
            ("环保购物袋", 30, 50),
            ("大米 5 斤", 100, 20),
            ("理发券", 60, 30),
        ):
            reward_create(actor=cadre, community=community, name=name, cost=cost, stock=stock)
    return len(made)


def _second_community() -> int:
    community = Community.objects.filter(name=SECOND_COMMUNITY).first()
    cadre = User.objects.filter(phone=f"+86{SECOND_CADRE_PHONE}").first()
    if community is None or cadre is None:
        return 0
    if Activity.objects.filter(community=community, ends_at__gt=timezone.now()).exists():
        return 0
    saturday = _next(5, 8)
    publishing.activity_create(
        actor=cadre,
        community=community,
        kind=Activity.Kind.VOLUNTEER,
        title="南湖岸边清洁行动",
        description="沿湖捡拾垃圾，手套和垃圾袋由社区准备。",
        place="南湖新村东门集合",
        starts_at=saturday,
        ends_at=saturday + timedelta(hours=2),
        capacity=30,
    )
    if not Reward.objects.filter(community=community).exists():
        reward_create(actor=cadre, community=community, name="环保购物袋", cost=30, stock=20)
    return 1
