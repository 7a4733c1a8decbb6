"""Business actions on accounts. Views, API, admin and commands all call these."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from residents.adapter import default_display_name
from residents.models import AccessLog, Notification, User
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


def access_log_record(
    *,
    actor: User,
    action: str,
    subject: User | None = None,
    scope: str = "",
    detail: dict[str, Any] | None = None,
) -> AccessLog:
    """Write down that staff saw or changed a resident's personal data.

    Runs in the caller's transaction, so a refused action leaves no entry and
    a shown page always has one.
    """
    return AccessLog.objects.create(
        actor=actor, action=action, subject=subject, scope=scope, detail=detail or {}
    )


@transaction.atomic
def notifications_mark_read(*, user: User, up_to: int) -> int:
    """Mark the user's notifications up to seq `up_to` read; returns how many changed."""
    return Notification.objects.filter(user=user, seq__lte=up_to, read_at__isnull=True).update(
        read_at=timezone.now()
    )
