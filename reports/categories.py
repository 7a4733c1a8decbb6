"""The categories every community starts with (事件类型), seeded by migration 0002 and
editable in admin afterwards: code (the Open311 service_code), name, group, hours to
accept, hours to close, public by default."""

DEFAULTS = [
    ("river-litter", "河道漂浮物", "环境卫生", 2, 24, True),
    ("rubbish", "垃圾堆放", "环境卫生", 4, 24, True),
    ("street-light", "路灯损坏", "市政设施", 8, 72, True),
    ("road-damage", "道路破损", "市政设施", 8, 120, True),
    ("manhole", "井盖缺失", "市政设施", 1, 8, True),
    ("noise", "噪音扰民", "邻里秩序", 4, 48, False),
    ("parking", "违章停车", "邻里秩序", 4, 24, True),
    ("fire-lane", "消防通道堵塞", "安全", 1, 8, True),
    ("falling-objects", "高空抛物隐患", "安全", 4, 48, True),
    ("lift", "电梯故障", "楼栋设施", 2, 24, True),
    ("leak", "楼道漏水", "楼栋设施", 4, 48, True),
    ("hazard", "安全隐患", "安全", 2, 24, True),
    ("other", "其他", "其他", 8, 120, True),
]


def seed(Category) -> int:
    made = 0
    for position, (code, name, group, accept, close, public) in enumerate(DEFAULTS):
        _, created = Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "group": group,
                "accept_hours": accept,
                "close_hours": close,
                "public_default": public,
                "position": position,
            },
        )
        made += created
    return made
