import re
from typing import ClassVar

import factory
from django.utils import timezone

from grids.models import Community, Grid, Membership, MicroGrid, Role, RoleGrant
from residents.models import User

PASSWORD = "correct-horse-42"


class SmsOutbox:
    """Test SMS gateway: remembers (phone, message) instead of sending."""

    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, message: str) -> None:
        self.sent.append((phone, message))

    @classmethod
    def last_code(cls, phone: str) -> str:
        for to, message in reversed(cls.sent):
            if to == phone:
                match = re.search(r"\b(\d{6})\b", message)
                if match:
                    return match.group(1)
        raise AssertionError(f"no code sent to {phone}: {cls.sent}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+86137{n:08d}")
    display_name = factory.Sequence(lambda n: f"邻居{n}")
    phone_verified = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"测试社区{n}")
    street = "东栅街道"
    city = "嘉兴市"


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda g: f"第{g.number}网格")


class MicroGridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MicroGrid

    grid = factory.SubFactory(GridFactory)
    label = factory.Sequence(lambda n: f"{n + 1}幢")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    micro_grid = factory.SubFactory(MicroGridFactory)
    grid = factory.LazyAttribute(lambda m: m.micro_grid.grid)
    unit = "302"
    joined_at = factory.LazyFunction(timezone.now)


def make_cadre(community: Community, **kwargs) -> User:
    user = UserFactory(**kwargs)
    RoleGrant.objects.create(user=user, role=Role.CADRE, community=community)
    return user


def make_grid_worker(grid: Grid, **kwargs) -> User:
    user = UserFactory(**kwargs)
    grid.grid_worker = user
    grid.save(update_fields=["grid_worker"])
    return user


def jpeg(name: str = "photo.jpg", *, exif: bool = False):
    """A small JPEG upload; with `exif`, one that carries a camera make and a time, as a
    phone's photo does (the photo pipeline must drop them)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0132] = "2026:11:30 08:00:00"  # DateTime
        image.save(buf, "JPEG", exif=data)
    else:
        image.save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")
