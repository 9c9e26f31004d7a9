"""A clean page instead of a crash when the database cannot be reached."""

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer 503 with the Chinese page ``templates/503.html`` when the database goes away.

    Every user action is one service call in one transaction, which has been rolled back by the
    time the error reaches this middleware, so nothing of the request is written (no
    ``ATOMIC_REQUESTS``: see the settings); the page says so and tells the user to try again. Other errors go on to Django's 500 handler (``templates/500.html``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Turn an ``OperationalError`` into the 503 page; leave any other error alone."""
        if not isinstance(exception, OperationalError):
            return None
        logger.error("Database unavailable during %s %s", request.method, request.path, exc_info=exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
