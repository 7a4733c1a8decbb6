"""Business actions on accounts. Views, API, admin and commands all call these."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceError
from residents.adapter import default_display_name
from residents.models import (
    AgeBand,
    HouseholdMember,
    Notification,
    User,
)
from residents.phones import normalize_phone


@transaction.atomic
def user_create(*, phone: str, display_name: str = "", password: str | None = None) -> User:
    """Create an account for a phone number (roster import, demo data, admin)."""
    phone = normalize_phone(phone)
    return User.objects.create_user(
        phone=phone,
        password=password,
        display_name=display_name.strip() or default_display_name(phone),
    )


@transaction.atomic
def profile_update(*, user: User, display_name: str) -> User:
    user.display_name = display_name.strip()
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["display_name"])
    return user


@transaction.atomic
def notifications_mark_read(*, user: User, up_to: int) -> int:
    """Mark the user's notifications up to seq `up_to` read; returns how many changed."""
    return Notification.objects.filter(user=user, seq__lte=up_to, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def household_member_add(*, owner: User, name: str, age_band: str) -> HouseholdMember:
    """Remember someone the resident signs up for (no ID numbers, only a name and age band)."""
    name = (name or "").strip()
    if not name or len(name) > 30:
        raise ServiceError(_("Give a name of up to 30 characters."), code="household_name")
    if age_band not in AgeBand.values:
        raise ServiceError(_("Choose an age band."), code="household_age")
    member, _created = HouseholdMember.objects.update_or_create(
        owner=owner, name=name, defaults={"age_band": age_band}
    )
    return member
