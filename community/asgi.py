"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Every live event goes through the channel layer (Redis in production), so a
socket held by one worker hears what another worker's request did.
"""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
django.setup(set_prefix=False)

from core.http import SyncChainASGIHandler  # noqa: E402 - needs Django set up first

# HTTP: the middleware and the view in one crossing to the request's thread (core.http).
django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddleware  # noqa: E402 - needs Django set up first
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import CookieMiddleware  # noqa: E402

from community.routing import websocket_urlpatterns  # noqa: E402
from core.metrics import SocketMetrics  # noqa: E402
from core.websocket import (  # noqa: E402
    OriginOrAppTokenValidator,
    SessionTokenAuthMiddleware,
    SocketSessionMiddleware,
)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SocketMetrics(
            OriginOrAppTokenValidator(
                # channels' AuthMiddlewareStack, with a session middleware that leaves
                # each socket's sends alone (core.websocket.SocketSessionMiddleware).
                CookieMiddleware(
                    SocketSessionMiddleware(
                        AuthMiddleware(SessionTokenAuthMiddleware(URLRouter(websocket_urlpatterns)))
                    )
                )
            )
        ),
    }
)

# Everything loaded so far (Django, the apps, their modules) lives as long as the
# process: move it out of the collector's sight, so full collections during requests
# walk only what requests allocate (about 1 ms per feed request).
gc.freeze()
