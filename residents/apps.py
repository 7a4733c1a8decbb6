from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Residents")

    def ready(self) -> None:
        from residents import checks  # noqa: F401 - registers the deploy checks
