"""Reads about a resident's own things."""

from django.db.models import QuerySet

from residents.models import Notification, User


def notifications_for(user: User) -> QuerySet[Notification]:
    """Newest first; the unique index notification_unique_seq (user, seq)."""
    return Notification.objects.filter(user=user).order_by("-seq")


def unread_count(user: User) -> int:
    """Partial index notification_unread_idx."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
