from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MutualaidConfig(AppConfig):
    name = "mutualaid"
    verbose_name = _("Mutual aid")
