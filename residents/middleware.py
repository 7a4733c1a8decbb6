"""Pages answer a refused business rule the way the API does: the right status and
the service's own sentence (the API's twin is community/exceptions.py)."""

from django.shortcuts import render

from core.errors import ServiceError


class ServiceErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ServiceError):
            return None
        return render(
            request, "error.html", {"message": exception.message}, status=exception.status
        )
