"""The kinds of help, seeded on migrate and editable in the admin afterwards."""

DEFAULT_CATEGORIES = [
    # slug, name, kind, unit
    ("masks", "口罩", "goods", "个"),
    ("medicine", "药品", "goods", "盒"),
    ("food", "食品", "goods", "份"),
    ("daily-goods", "生活用品", "goods", "件"),
    ("protective", "防疫物资", "goods", "件"),
    ("errands", "跑腿", "service", "次"),
    ("elder-help", "助老", "service", "次"),
    ("rides", "出行", "service", "次"),
    ("repairs", "维修", "service", "次"),
    ("tutoring", "辅导", "service", "小时"),
]


def categories_seed(category_model) -> None:
    """Create the default categories that are missing; never overwrite an admin's edits."""
    for position, (slug, name, kind, unit) in enumerate(DEFAULT_CATEGORIES):
        category_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "unit": unit, "position": position}
        )
