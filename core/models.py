"""The one table of the shared base: the personal-data access log (PIPL)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """Who on the staff looked at or changed a resident's personal data, and why.

    Append-only: rows are written by `core.services.access_log_record`, from the
    service that shows or changes the data, and never edited. The table keeps the
    name it had when the log lived in `residents`.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_logs_made"
    )
    action = models.CharField(_("action"), max_length=64)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_logs_about",
    )
    scope = models.CharField(_("scope"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        db_table = "residents_accesslog"
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "-created_at"], name="accesslog_subject_idx"),
            models.Index(fields=["actor", "-created_at"], name="accesslog_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.scope}"
