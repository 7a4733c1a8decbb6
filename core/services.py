"""Writes of the shared base: the personal-data access log."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from core.models import AccessLog


def access_log_record(
    *,
    actor: AbstractBaseUser,
    action: str,
    subject: AbstractBaseUser | None = None,
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
