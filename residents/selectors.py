"""Reads about a resident's own things."""

from django.db.models import QuerySet

from residents.models import Notification, User


def notifications_for(user: User) -> QuerySet[Notification]:
    """Newest first; index notification_user_idx (user, id)."""
    return Notification.objects.filter(user=user).order_by("-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
