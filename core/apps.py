from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared base")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from core.consumers import on_logout

        # Logging out (pages, allauth, the headless API) closes that session's sockets.
        user_logged_out.connect(on_logout, dispatch_uid="core.consumers.on_logout")
