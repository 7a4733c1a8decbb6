"""东湖社区 and its small neighbour 南湖社区: deterministic demo communities, built through the
same services as real data. Two communities, so what one may not see of the other can be
tried by hand and by the permission tests.

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

# The neighbour: two grids of four buildings, a cadre, a grid worker and eight residents each.
SECOND_STREET, SECOND_COMMUNITY = "南湖街道", "南湖社区"
SECOND_COMPOUNDS = ["南湖新村", "烟雨苑"]
SECOND_GRID_COUNT, SECOND_BUILDINGS_PER_GRID, SECOND_RESIDENTS_PER_GRID = 2, 4, 8
SECOND_CADRE_PHONE = "13900000002"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    phone: str
    display_name: str
    password: str
    grid: int | None = None
    building: str | None = None
    community: str | None = None


DEMO_CENTRE = (Decimal("30.746900"), Decimal("120.755600"))
SECOND_CENTRE = (Decimal("30.752300"), Decimal("120.765800"))


def demo_join_code(grid_number: int, community: str = COMMUNITY) -> str:
    digest = hashlib.sha256(f"linli-demo:{community}:{grid_number}".encode()).digest()
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

    def add(
        role: str,
        user: User,
        grid: Grid | None = None,
        micro: MicroGrid | None = None,
        *,
        community: Community | None = community,
    ):
        accounts.append(
            DemoAccount(
                role,
                user.national_phone,
                user.display_name,
                DEMO_PASSWORD,
                grid.number if grid else None,
                micro.label if micro else None,
                community.name if community else None,
            )
        )

    admin = _account("13800000000", "管理员")
    if not admin.is_superuser:
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    add("admin", admin, community=None)
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
        add("newcomer", _account(f"1380002{i:04d}", f"新邻居{i}"), community=None)

    _demo_board(community=community, grid=grids[0], cadre=cadre)
    second, second_grids = _second_community(add)

    password_hash = make_password(DEMO_PASSWORD, salt="linlidemo")
    User.objects.filter(phone__in=[f"+86{a.phone}" for a in accounts]).exclude(
        password=password_hash
    ).update(password=password_hash, phone_verified=True)
    return {
        "community": {"id": community.pk, "name": community.name},
        "password": DEMO_PASSWORD,
        "accounts": [asdict(a) for a in accounts],
        "grids": _grid_rows(grids),
        "communities": [
            {"id": c.pk, "name": c.name, "grids": _grid_rows(g)}
            for c, g in ((community, grids), (second, second_grids))
        ],
    }


def _grid_rows(grids: list[Grid]) -> list[dict]:
    return [
        {
            "id": g.pk,
            "number": g.number,
            "name": g.name,
            "join_code": g.join_code,
            "join_path": f"/join/{g.join_code}/",
        }
        for g in grids
    ]


def _second_community(add) -> tuple[Community, list[Grid]]:
    """南湖社区: small, with its own cadre, grid workers, residents and a board post, so
    every cross-community refusal has something real behind it."""
    community, _ = Community.objects.get_or_create(
        city=CITY,
        street=SECOND_STREET,
        name=SECOND_COMMUNITY,
        defaults={"latitude": SECOND_CENTRE[0], "longitude": SECOND_CENTRE[1]},
    )
    cadre = _account(SECOND_CADRE_PHONE, "沈书记")
    services.role_grant(actor=None, user=cadre, role=Role.CADRE, community=community)
    add(Role.CADRE, cadre, community=community)
    grids: list[Grid] = []
    index = 0
    for n in range(1, SECOND_GRID_COUNT + 1):
        code = demo_join_code(n, SECOND_COMMUNITY)
        grid, _ = Grid.objects.get_or_create(
            community=community, number=n, defaults={"name": f"第{n}网格"}
        )
        if grid.join_code != code:
            Grid.objects.filter(pk=grid.pk).update(join_code=code)
            grid.join_code = code
        compound = SECOND_COMPOUNDS[n - 1]
        buildings = [
            MicroGrid.objects.get_or_create(
                grid=grid,
                label=f"{compound} {b}幢",
                defaults={
                    "latitude": SECOND_CENTRE[0] + Decimal("0.0015") * n,
                    "longitude": SECOND_CENTRE[1] + Decimal("0.0004") * b,
                },
            )[0]
            for b in range(1, SECOND_BUILDINGS_PER_GRID + 1)
        ]
        grids.append(grid)
        worker = _account(f"1390000{3000 + n}", f"网格员沈{n}号")
        services.role_grant(
            actor=None, user=worker, role=Role.GRID_WORKER, community=community, grid=grid
        )
        add(Role.GRID_WORKER, worker, grid, community=community)
        for r in range(SECOND_RESIDENTS_PER_GRID):
            index += 1
            micro = buildings[r % len(buildings)]
            resident = _account(f"1380003{index:04d}", _nickname(index + 7))
            services.grid_join(
                user=resident, code=grid.join_code, micro_grid_id=micro.pk, unit=f"{r % 3 + 1}01"
            )
            if r == 0:
                services.role_grant(
                    actor=None, user=resident, role=Role.VOLUNTEER, community=community
                )
                add(Role.VOLUNTEER, resident, grid, micro, community=community)
            else:
                add(Role.RESIDENT, resident, grid, micro, community=community)
    if not Post.objects.filter(grid__community=community).exists():
        first, second = [
            m.user for m in grids[0].memberships.filter(left_at__isnull=True).order_by("id")[:2]
        ]
        post = posts.post_create(
            actor=first, grid=grids[0], body="南湖边的荷花开了，周末一起去看看？"
        )
        posts.comment_create(actor=second, post_id=post.pk, body="好呀，周六早上人少。")
    return community, grids


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
    # A request for help written on the board before needs were asked in 互助 only: its
    # author sees "转为互助" on the card.
    need = posts.card_post_create(
        actor=members[3],
        grid=grid,
        kind=PostKind.NEED,
        body="家里老人感冒了，谁家有多余的口罩？",
        ref_type="",
        ref_id=None,
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
