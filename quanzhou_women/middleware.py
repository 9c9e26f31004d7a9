"""A clean page instead of a crash when the database cannot be reached."""

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
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


class RequestTooBigMiddleware:
    """Answer 413 with the Chinese page ``templates/413.html`` for a post beyond the size limits.

    Django refuses a form larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (or with more than
    ``DATA_UPLOAD_MAX_NUMBER_FIELDS``/``_FILES``) when the CSRF check first reads it, with a bare
    400. Placed before every middleware that reads the post (``OddInputMiddleware``, ``CsrfViewMiddleware``), this reads it first and says instead, in
    Chinese, that nothing was saved and that the browser's back button returns to the typed text.
    The report page checks sizes before posting (``static/portal/report_form.js``), so this is the
    last resort.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Read a POST's form first; a refusal for size becomes the 413 page."""
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 (parsing is the point)
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
                logger.warning("Post too large: %s %s", request.method, request.path)
                return HttpResponse(render_to_string("413.html"), status=413)
        return self.get_response(request)
        try:
            request.POST  # noqa: B018 (parsing is the point)
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            logger.warning("Post too large: %s %s", request.method, request.path)
            return HttpResponse(render_to_string("413.html"), status=413)
        return None
