"""System checks for set-ups that must not reach production."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from residents.sms import CONSOLE_GATEWAY


@register(Tags.security, deploy=True)
def console_sms_gateway_in_production(app_configs, **kwargs):
    """The console gateway prints login codes: in production, whoever reads the
    output could log in as anyone."""
    if getattr(settings, "PRODUCTION", False) and settings.SMS_GATEWAY == CONSOLE_GATEWAY:
        return [
            Error(
                "The console SMS gateway is in use in production.",
                hint="Set SMS_GATEWAY to the dotted path of your SMS provider's gateway class.",
                id="residents.E001",
            )
        ]
    return []
