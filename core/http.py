"""Django's ASGI handler with the request's middleware and view run in one thread hop.

Every middleware in MIDDLEWARE is synchronous, and so is every view. Django's own
ASGIHandler builds the chain in async mode: it enters the worker thread for the
middleware, comes back to the event loop for `_get_response_async`, and enters the
thread again for the view — three crossings per request, each a thread wake-up
that a busy host makes wait. Built in sync mode, as under WSGI, the chain and the
view run in one crossing, in the same per-request thread Django would use, with
the same signals, exceptions and response handling.
"""

from asgiref.sync import sync_to_async
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self):
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
