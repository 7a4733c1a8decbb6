"""SMS gateways. The console gateway prints codes, for development and demos.

A production gateway is a class with `send(phone, message)`, named in the
SMS_GATEWAY setting; it is the one thing outside our walls that tests mock.
"""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class ConsoleGateway:
    def send(self, phone: str, message: str) -> None:
        print(f"[SMS to {phone}] {message}", flush=True)
        logger.info("SMS to %s: %s", phone, message)


@cache
def _gateway_class(path: str):
    return import_string(path)


def sms_send(*, phone: str, message: str) -> None:
    _gateway_class(settings.SMS_GATEWAY)().send(phone, message)
