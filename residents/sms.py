"""SMS gateways. The console gateway prints codes, for development and demos.

A production gateway is a class with `send(phone, message)`, named in the
SMS_GATEWAY setting; it is the one thing outside our walls that tests mock.
The console gateway never sends a code into the logs (whoever reads logs could log
in as anyone), and in production it prints nothing at all; `check --deploy` refuses
it there (residents/checks.py).
"""

import logging
import sys
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from residents.phones import mask_phone

logger = logging.getLogger(__name__)

CONSOLE_GATEWAY = "residents.sms.ConsoleGateway"


class ConsoleGateway:
    def send(self, phone: str, message: str) -> None:
        if getattr(settings, "PRODUCTION", False):
            logger.error(
                "SMS to %s not sent: the console gateway is for development; set SMS_GATEWAY",
                mask_phone(phone),
            )
            return
        # Development: the code on the terminal is how one logs in locally. Straight to
        # the terminal, never through logging, so no log file or collector keeps it.
        print(f"[SMS to {phone}] {message}", file=sys.stdout, flush=True)
        logger.info("SMS to %s printed to the console", mask_phone(phone))


@cache
def _gateway_class(path: str):
    return import_string(path)


def sms_send(*, phone: str, message: str) -> None:
    _gateway_class(settings.SMS_GATEWAY)().send(phone, message)
