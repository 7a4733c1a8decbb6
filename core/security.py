"""Response headers Django does not set itself: Permissions-Policy.

The pages use no camera, microphone, location or payment API (QR codes are scanned
by the phone's own camera or WeChat, outside the page), so every one is off.
"""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
