"""东湖社区: a deterministic demo community, built through the same services as real data.

Same accounts, same join codes on every run; running it twice changes nothing.
"""

import hashlib
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from grids.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Community,
    Grid,
    MicroGrid,
    Post,
    PostKind,
    Role,
)
from grids.services import notices, posts
from grids.services import places as services
from residents.models import User
from residents.services import user_create

DEMO_PASSWORD = "linli2026"
CITY, STREET, COMMUNITY = "嘉兴市", "东栅街道", "东湖社区"
COMPOUNDS = ["东湖花园", "湖滨苑", "梅湾新村", "南溪小区"]
GRID_COUNT, BUILDINGS_PER_GRID, RESIDENTS_PER_GRID = 15, 10, 20
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"
KIN = ["阿姨", "叔叔", "大爷", "奶奶", "姐", "哥", "老师", "师傅"]


@dataclass(frozen=True)
class DemoAccount:
    role: str
    phone: str
    display_name: str
    password: str
    grid: int | None = None
    building: str | None = None


DEMO_CENTRE = (Decimal("30.746900"), Decimal("120.755600"))


def demo_join_code(grid_number: int) -> str:
    digest = hashlib.sha256(f"linli-demo:{COMMUNITY}:{grid_number}".encode()).digest()
    return "".join(
        JOIN_CODE_ALPHABET[b % len(JOIN_CODE_ALPHABET)] for b in digest[:JOIN_CODE_LENGTH]
    )


def _compound(grid_number: int) -> str:
    return COMPOUNDS[(grid_number - 1) * len(COMPOUNDS) // GRID_COUNT]


def _nickname(i: int) -> str:
    return f"{SURNAMES[i % len(SURNAMES)]}{KIN[(i // len(SURNAMES)) % len(KIN)]}"


def _account(phone: str, name: str) -> User:
    user = User.objects.filter(phone=f"+86{phone}").first()
    return user or user_create(phone=phone, display_name=name)


@transaction.atomic
def demo_build() -> dict:
    community, _ = Community.objects.get_or_create(
        city=CITY,
        street=STREET,
        name=COMMUNITY,
        defaults={"latitude": DEMO_CENTRE[0], "longitude": DEMO_CENTRE[1]},
    )
    grids: list[Grid] = []
    for n in range(1, GRID_COUNT + 1):
        grid, _ = Grid.objects.get_or_create(
            community=community, number=n, defaults={"name": f"第{n}网格"}
        )
        if grid.join_code != demo_join_code(n):
            Grid.objects.filter(pk=grid.pk).update(join_code=demo_join_code(n))
            grid.join_code = demo_join_code(n)
        compound = _compound(n)
        for b in range(1, BUILDINGS_PER_GRID + 1):
            # Map points on a small street plan, so matches can say "约 300 米".
            MicroGrid.objects.get_or_create(
                grid=grid,
                label=f"{compound} {(n - 1) * 10 + b}幢",
                defaults={
                    "latitude": DEMO_CENTRE[0]
                    + Decimal("0.0018") * (n % 5)
                    + Decimal("0.0004") * b,
                    "longitude": DEMO_CENTRE[1] + Decimal("0.0021") * (n // 5),
                },
            )
        grids.append(grid)

    accounts: list[DemoAccount] = []

    def add(role: str, user: User, grid: Grid | None = None, micro: MicroGrid | None = None):
        accounts.append(
            DemoAccount(
                role,
                user.national_phone,
                user.display_name,
                DEMO_PASSWORD,
                grid.number if grid else None,
                micro.label if micro else None,
            )
        )

    admin = _account("13800000000", "管理员")
    if not admin.is_superuser:
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    add("admin", admin)
    cadre = _account("13900000001", "陈书记")
    services.role_grant(actor=None, user=cadre, role=Role.CADRE, community=community)
    add(Role.CADRE, cadre)

    index = 0
    for grid in grids:
        n = grid.number
        buildings = list(grid.micro_grids.order_by("id"))
        worker = _account(f"1390000{1000 + n}", f"网格员{SURNAMES[n % len(SURNAMES)]}{n}号")
        services.role_grant(
            actor=None, user=worker, role=Role.GRID_WORKER, community=community, grid=grid
        )
        add(Role.GRID_WORKER, worker, grid)
        for h in range(2):
            head = _account(f"1390000{2000 + n * 10 + h}", f"{buildings[h].label.split()[-1]}楼长")
            services.grid_join(
                user=head, code=grid.join_code, micro_grid_id=buildings[h].pk, unit=f"{h + 1}01"
            )
            services.role_grant(
                actor=None,
                user=head,
                role=Role.BUILDING_HEAD,
                community=community,
                micro_grid=buildings[h],
            )
            add(Role.BUILDING_HEAD, head, grid, buildings[h])
        for r in range(RESIDENTS_PER_GRID):
            index += 1
            micro = buildings[r % len(buildings)]
            resident = _account(f"1380001{index:04d}", _nickname(index))
            services.grid_join(
                user=resident,
                code=grid.join_code,
                micro_grid_id=micro.pk,
                unit=f"{r % 6 + 1}0{r % 4 + 1}",
            )
            if r % 3 == 0:
                membership = resident.memberships.get(left_at__isnull=True)
                if membership.verified_at is None:
                    services.membership_verify(actor=worker, membership_id=membership.pk)
            if r < 1 or (n <= 10 and r == 10):
                services.role_grant(
                    actor=None, user=resident, role=Role.VOLUNTEER, community=community
                )
                add(Role.VOLUNTEER, resident, grid, micro)
            else:
                add(Role.RESIDENT, resident, grid, micro)
    for i in range(1, 11):
        add("newcomer", _account(f"1380002{i:04d}", f"新邻居{i}"))

    _demo_board(community=community, grid=grids[0], cadre=cadre)

    password_hash = make_password(DEMO_PASSWORD, salt="linlidemo")
    User.objects.filter(phone__in=[f"+86{a.phone}" for a in accounts]).exclude(
        password=password_hash
    ).update(password=password_hash, phone_verified=True)
    return {
        "community": {"id": community.pk, "name": community.name},
        "password": DEMO_PASSWORD,
        "accounts": [asdict(a) for a in accounts],
        "grids": [
            {
                "id": g.pk,
                "number": g.number,
                "name": g.name,
                "join_code": g.join_code,
                "join_path": f"/join/{g.join_code}/",
            }
            for g in grids
        ],
    }


def _demo_board(*, community: Community, grid: Grid, cadre: User) -> None:
    """A lived-in first board: a pinned notice, a need, a chat with replies. Once only."""
    if Post.objects.filter(grid__community=community).exists():
        return
    members = [m.user for m in grid.memberships.filter(left_at__isnull=True).order_by("id")]
    notices.notice_publish(
        actor=cadre,
        community=community,
        title="夏季免费书法班开始报名",
        body="每周六上午九点，社区活动室。老师是退休的王老师，欢迎大人小孩一起来。",
    )
    need = posts.post_create(
        actor=members[3], grid=grid, kind=PostKind.NEED, body="家里老人感冒了，谁家有多余的口罩？"
    )
    posts.comment_create(actor=members[4], post_id=need.pk, body="我家有一盒，晚上给您送过去。")
    posts.reaction_set(actor=members[5], post_id=need.pk, reaction="like")
    chat = posts.post_create(
        actor=members[6], grid=grid, body="今天小区的桂花开了，楼下散步特别香。"
    )
    reply = posts.comment_create(actor=members[7], post_id=chat.pk, body="是啊，拍照了吗？")
    posts.comment_create(
        actor=members[6], post_id=chat.pk, body="明天拍了发上来。", reply_to_id=reply.pk
    )
