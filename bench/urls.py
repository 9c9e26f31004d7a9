"""The portal's URLs plus the same-stack floor: a logged-in view that runs one trivial query.

Used only by the benchmarks (``ROOT_URLCONF=bench.urls``), so that the cost of the framework —
middleware, session, authentication, one round trip to the database — is measured in the same run
as the dashboards and can be subtracted by the reader.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from quanzhou_women.urls import urlpatterns as portal_urlpatterns


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """One trivial query, a tiny response."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok")


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *portal_urlpatterns]
